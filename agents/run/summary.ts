// The summary of a run (summary.json): what was run, how far it got, the headline metrics, totals and
// the leaderboard. Built from the recorded rows alone, so the same run always gives the same bytes;
// wall-clock times are not part of it (the runner writes them beside it).

import type { Scenario } from "../inputs/scenario-types.ts";
import type { GasTotals } from "../gas/profile.ts";
import type { GovernanceSummary } from "../governance/battle/record-file.ts";
import { type GapStats, gapStats, gini, maxDrawdown, ratio, type Volatility, volatility } from "../core/stats.ts";
import type { AgentRow, LeaderboardEntry } from "../core/records.ts";
import type { StepRow } from "../mechanisms/registry.ts";
import { stableJson } from "../core/stable-json.ts";
import { BPS, WAD } from "../core/units.ts";

export const SUMMARY_KIND = "token-arena/summary";
export const SUMMARY_VERSION = 1;

export type ScenarioMeta = Pick<
  Scenario,
  "name" | "source" | "policy" | "seed" | "blocks" | "mode" | "blockSeconds" | "genesis"
>;

export interface NetworkMeta {
  /** Hardhat network name ("default" for the in-process chain, "localhost", ...). */
  name: string;
  chainId: number;
}

export interface Completion {
  stepsRecorded: number;
  /** True when every planned block ran. */
  complete: boolean;
  /** Why the run stopped early ("SIGINT", an error message, ...). */
  stoppedBy?: string;
}

/** An agent at the end of the run. */
export interface AgentFinal {
  agent: string;
  /** Labels of its behaviours, as in gas records. */
  behaviours: string[];
  /** valueQuote at the start, before any step (the base of its return). */
  startValueQuote: bigint;
  /** Its last agents.csv row (or one built the same way at the end). */
  final: AgentRow;
}

export interface SummaryInput {
  scenario: ScenarioMeta;
  network: NetworkMeta;
  completion: Completion;
  /** Every steps.csv row, in step order. */
  steps: readonly StepRow[];
  agents: readonly AgentFinal[];
  /** From the gas profile: every attributed transaction, set-up included. */
  gas: GasTotals;
}

/** The market after one step; amounts as decimal strings in contract units. */
export interface MarketSnapshot {
  step: number;
  block: number;
  curvePriceWad: string;
  poolPriceWad: string;
  supply: string;
  reserve: string;
  treasuryQuote: string;
  solvencyWad: string;
}

export interface SolvencyStats {
  /** reserve / refund of the whole supply, lowest over the run (1 = exactly solvent). */
  min: number;
  minWad: string;
  minStep: number;
  final: number;
  finalWad: string;
}

export interface Summary {
  kind: typeof SUMMARY_KIND;
  version: typeof SUMMARY_VERSION;
  scenario: Omit<ScenarioMeta, "seed"> & { seed: string };
  network: NetworkMeta;
  completion: { stepsPlanned: number; stepsRecorded: number; complete: boolean; stoppedBy: string | null };
  /** The first and last recorded steps; null when no step was recorded. */
  market: { first: MarketSnapshot | null; last: MarketSnapshot | null };
  metrics: {
    volatility: { curve: Volatility; pool: Volatility };
    maxDrawdown: { curve: number; pool: number };
    gap: GapStats;
    /** Gini of the agents' final token holdings and of their final values. */
    gini: { tokens: number; value: number };
    solvency: SolvencyStats | null;
  };
  /** Sums over the recorded steps (agent transactions). Amounts in quote units, as strings. */
  totals: {
    curveVolumeQuote: string;
    poolVolumeQuote: string;
    curveFeesQuote: string;
    poolFeesQuote: string;
    txs: number;
    reverts: number;
    gasUsed: number;
  };
  gas: GasTotals;
  leaderboard: LeaderboardEntry[];
  /** Proposals and their outcomes, pauses, changed parameters: when the scenario has a governance section. */
  governance?: GovernanceSummary;
}

export function summarize(input: SummaryInput): Summary {
  const { scenario, steps } = input;
  checkStepOrder(steps);
  const column = (name: keyof StepRow) => steps.map((row) => row[name]);
  const sum = (name: keyof StepRow) => steps.reduce((total, row) => total + row[name], 0n);
  const curvePrices = column("curvePriceWad");
  const poolPrices = column("poolPriceWad");
  const finals = input.agents.map((agent) => agent.final);
  return {
    kind: SUMMARY_KIND,
    version: SUMMARY_VERSION,
    scenario: {
      name: scenario.name,
      source: scenario.source,
      policy: scenario.policy,
      seed: scenario.seed.toString(),
      blocks: scenario.blocks,
      mode: scenario.mode,
      blockSeconds: scenario.blockSeconds,
      genesis: scenario.genesis,
    },
    network: { name: input.network.name, chainId: input.network.chainId },
    completion: {
      stepsPlanned: scenario.blocks,
      stepsRecorded: input.completion.stepsRecorded,
      complete: input.completion.complete,
      stoppedBy: input.completion.stoppedBy ?? null,
    },
    market: { first: snapshot(steps[0]), last: snapshot(steps[steps.length - 1]) },
    metrics: {
      volatility: {
        curve: volatility(curvePrices, scenario.blockSeconds),
        pool: volatility(poolPrices, scenario.blockSeconds),
      },
      maxDrawdown: { curve: maxDrawdown(curvePrices), pool: maxDrawdown(poolPrices) },
      gap: gapStats(column("gapBps")),
      gini: { tokens: gini(finals.map((row) => row.tokens)), value: gini(finals.map((row) => row.valueQuote)) },
      solvency: solvencyStats(steps),
    },
    totals: {
      curveVolumeQuote: sum("curveVolumeQuote").toString(),
      poolVolumeQuote: sum("poolVolumeQuote").toString(),
      curveFeesQuote: sum("curveFeesQuote").toString(),
      poolFeesQuote: sum("poolFeesQuote").toString(),
      txs: Number(sum("txs")),
      reverts: Number(sum("reverts")),
      gasUsed: Number(sum("gasUsed")),
    },
    gas: { transactions: input.gas.transactions, reverted: input.gas.reverted, gasUsed: input.gas.gasUsed },
    leaderboard: leaderboard(input.agents),
  };
}

/** summary.json: keys sorted, bigints as strings, floats to 10 significant digits, trailing newline. */
export function summaryJson(summary: Summary): string {
  return stableJson(summary);
}

function checkStepOrder(steps: readonly StepRow[]): void {
  for (let i = 1; i < steps.length; i++) {
    if (steps[i].step <= steps[i - 1].step) {
      throw new RangeError(
        `summarize: steps must be in increasing step order; step ${steps[i].step} follows step ${steps[i - 1].step} (row ${i + 1})`,
      );
    }
  }
}

function snapshot(row: StepRow | undefined): MarketSnapshot | null {
  if (row === undefined) return null;
  return {
    step: Number(row.step),
    block: Number(row.block),
    curvePriceWad: row.curvePriceWad.toString(),
    poolPriceWad: row.poolPriceWad.toString(),
    supply: row.supply.toString(),
    reserve: row.reserve.toString(),
    treasuryQuote: row.treasuryQuote.toString(),
    solvencyWad: row.solvencyWad.toString(),
  };
}

function solvencyStats(steps: readonly StepRow[]): SolvencyStats | null {
  if (steps.length === 0) return null;
  let lowest = steps[0];
  for (const row of steps) if (row.solvencyWad < lowest.solvencyWad) lowest = row;
  const last = steps[steps.length - 1];
  return {
    min: ratio(lowest.solvencyWad, WAD),
    minWad: lowest.solvencyWad.toString(),
    minStep: Number(lowest.step),
    final: ratio(last.solvencyWad, WAD),
    finalWad: last.solvencyWad.toString(),
  };
}

/** Best PnL first; equal PnL by agent id (code-unit order, the same on every machine). */
export function leaderboard(agents: readonly AgentFinal[]): LeaderboardEntry[] {
  const seen = new Set<string>();
  for (const { agent, final } of agents) {
    if (final.agent !== agent) throw new RangeError(`leaderboard: the final row of ${agent} belongs to ${final.agent}`);
    if (seen.has(agent)) throw new RangeError(`leaderboard: agent ${agent} appears twice`);
    seen.add(agent);
  }
  const ordered = [...agents].sort((a, b) =>
    a.final.pnlQuote > b.final.pnlQuote
      ? -1
      : a.final.pnlQuote < b.final.pnlQuote
        ? 1
        : a.agent < b.agent
          ? -1
          : a.agent > b.agent
            ? 1
            : 0,
  );
  return ordered.map(({ agent, behaviours, startValueQuote, final }, i) => ({
    rank: i + 1,
    agent,
    behaviours: [...behaviours],
    pnlQuote: final.pnlQuote.toString(),
    // An agent that started with nothing has no return to speak of: 0 rather than infinity.
    returnBps: startValueQuote > 0n ? Number((final.pnlQuote * BPS) / startValueQuote) : 0,
    valueQuote: final.valueQuote.toString(),
    tokens: final.tokens.toString(),
    quote: final.quote.toString(),
    txs: Number(final.txs),
    reverts: Number(final.reverts),
    gasUsed: Number(final.gasUsed),
  }));
}
