// What the report draws, read from a run folder: the summary, the per-step series (as display
// numbers, downsampled), the PnL of the leading agents (agents.csv streamed, other agents skipped)
// and the gas profile. summary.json and steps.csv are required; agents.csv and gas.json are shown
// when present (a run stopped early may lack them).

import { stat } from "node:fs/promises";
import { join } from "node:path";

import { readGasProfile } from "../gas/profile-file.ts";
import type { GasProfile } from "../gas/profile.ts";
import { agentRows, readStepsCsv } from "../run/run-csv.ts";
import { RUN_FILES } from "../run/run-files.ts";
import { readSummary } from "../run/summary-file.ts";
import type { Summary } from "../run/summary.ts";
import { downsample, MAX_POINTS_PER_LINE, type Series } from "./downsample.ts";
import { ArenaError } from "../core/errors.ts";

export class ReportError extends ArenaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface RunData {
  summary: Summary;
  /** Step-indexed series, each downsampled to at most `maxPoints`. */
  series: {
    curvePrice: Series;
    poolPrice: Series;
    supply: Series;
    reserve: Series;
    treasury: Series;
    curveVolume: Series;
    poolVolume: Series;
  };
  /** PnL (quote) over time of the leading agents, best first; empty when agents.csv is absent. */
  agentPnl: { agent: string; pnl: Series }[];
  agentsRecorded: boolean;
  gas: GasProfile | null;
}

export interface RunDataOptions {
  /** How many of the leaderboard's best agents get a PnL line (default 5). */
  topAgents?: number;
  maxPoints?: number;
}

const exists = async (path: string) =>
  stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? false : Promise.reject(error)),
  );

export async function loadRunData(runDir: string, options: RunDataOptions = {}): Promise<RunData> {
  const { topAgents = 5, maxPoints = MAX_POINTS_PER_LINE } = options;
  const folder = await stat(runDir).catch(() => undefined);
  if (folder === undefined || !folder.isDirectory()) {
    throw new ReportError(
      `no run folder at ${runDir}: pass the folder a battle wrote (runs/<scenario>-<seed>/ unless --out said otherwise)`,
    );
  }
  const summary = await readSummary(join(runDir, RUN_FILES.summary));
  const steps = await readStepsCsv(join(runDir, RUN_FILES.steps));

  const x = steps.map((row) => Number(row.step));
  const line = (values: number[]) => downsample({ x, y: values }, maxPoints);
  const scaled = (pick: (row: (typeof steps)[number]) => bigint, unit: number) =>
    line(steps.map((row) => Number(pick(row)) / unit));
  const series = {
    curvePrice: scaled((row) => row.curvePriceWad, 1e18),
    poolPrice: scaled((row) => row.poolPriceWad, 1e18),
    supply: scaled((row) => row.supply, 1e18),
    reserve: scaled((row) => row.reserve, 1e6),
    treasury: scaled((row) => row.treasuryQuote, 1e6),
    curveVolume: scaled((row) => row.curveVolumeQuote, 1e6),
    poolVolume: scaled((row) => row.poolVolumeQuote, 1e6),
  };

  const agentsFile = join(runDir, RUN_FILES.agents);
  const agentsRecorded = await exists(agentsFile);
  const leaders = summary.leaderboard.slice(0, topAgents).map((entry) => entry.agent);
  const collected = new Map<string, Series>(leaders.map((agent) => [agent, { x: [], y: [] }]));
  if (agentsRecorded) {
    for await (const row of agentRows(agentsFile)) {
      const pnl = collected.get(row.agent);
      if (pnl === undefined) continue;
      pnl.x.push(Number(row.step));
      pnl.y.push(Number(row.pnlQuote) / 1e6);
    }
  }
  const agentPnl = leaders.map((agent) => ({ agent, pnl: downsample(collected.get(agent)!, maxPoints) }));

  const gasFile = join(runDir, RUN_FILES.gas);
  const gas = (await exists(gasFile)) ? await readGasProfile(gasFile) : null;
  return { summary, series, agentPnl, agentsRecorded, gas };
}
