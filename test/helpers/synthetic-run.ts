// A plausible recorded run without a chain: steps.csv, agents.csv, gas.json and summary.json written
// into a folder from closed-form series (prices that wander around 0.0122, supply that grows, agents
// whose PnL drifts apart), so the report and summary can be tested in milliseconds.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import { writeGasProfile } from "../../agents/gas/profile-file.ts";
import { buildGasProfile, type GasProfile } from "../../agents/gas/profile.ts";
import { csvHeader, csvLine } from "../../agents/core/csv.ts";
import { AGENT_COLUMNS, type AgentRow, type GasRecord } from "../../agents/core/records.ts";
import { STEP_COLUMNS } from "../../agents/mechanisms/registry.ts";
import { type StepRow } from "../../agents/mechanisms/vocabulary.ts";
import { RUN_FILES } from "../../agents/run/run-files.ts";
import { writeSummary } from "../../agents/run/summary-file.ts";
import { type Summary, summarize } from "../../agents/run/summary.ts";
import type { AgentFinal } from "../../agents/core/records.ts";

const TOKEN = 10n ** 18n;
const QUOTE = 1_000_000n;
const WAD = 10n ** 18n;

export interface SyntheticRunOptions {
  steps: number;
  agents: number;
  /** agents.csv row every this many steps. */
  agentEvery: number;
}

export interface SyntheticRun {
  steps: StepRow[];
  agentRows: AgentRow[];
  finals: AgentFinal[];
  gasRecords: GasRecord[];
  profile: GasProfile;
  summary: Summary;
}

const BEHAVIOURS = [["noise"], ["momentum"], ["arbitrage"], ["whale", "vesting"], ["meanReversion"]];

/** A price in WAD from a float of quote per token, rounded to a micro-unit. */
const wadOf = (price: number) => BigInt(Math.round(price * 1e12)) * 1_000_000n;

export function syntheticSteps(count: number): StepRow[] {
  const rows: StepRow[] = [];
  for (let step = 1; step <= count; step++) {
    const curve = 0.0122 + 0.002 * Math.sin(step / 7) + 0.00001 * step;
    const pool = curve * (1 + 0.01 * Math.cos(step / 3));
    const curvePriceWad = wadOf(curve);
    const poolPriceWad = wadOf(pool);
    const supply = (2_200_000n + BigInt(step) * 1_500n) * TOKEN;
    const txs = BigInt(2 + (step % 5));
    rows.push({
      step: BigInt(step),
      block: BigInt(100 + step),
      time: BigInt(step * 12),
      curvePriceWad,
      poolPriceWad,
      gapBps: ((poolPriceWad - curvePriceWad) * 10_000n) / curvePriceWad,
      supply,
      reserve: (24_500n + BigInt(step) * 18n) * QUOTE,
      treasuryQuote: BigInt(step * step) * 1_000n,
      solvencyWad: WAD + (WAD * BigInt(50 + (step % 11))) / 1_000n,
      curveVolumeQuote: BigInt(1 + (step % 4)) * 250n * QUOTE,
      poolVolumeQuote: BigInt(1 + (step % 6)) * 120n * QUOTE,
      curveFeesQuote: BigInt(1 + (step % 4)) * 2_500_000n,
      poolFeesQuote: BigInt(1 + (step % 6)) * 360_000n,
      txs,
      reverts: step % 9 === 0 ? 1n : 0n,
      gasUsed: txs * 95_000n,
    });
  }
  return rows;
}

function agentId(index: number): string {
  return `${BEHAVIOURS[index % BEHAVIOURS.length][0]}-${index + 1}`;
}

function agentRowAt(index: number, step: number): AgentRow {
  // Each agent's PnL drifts at its own rate (some lose), with a wobble.
  const drift = BigInt((index % 2 === 0 ? 1 : -1) * (index + 1) * 1_000);
  const pnlQuote = drift * BigInt(step) + BigInt(Math.round(20_000 * Math.sin(step / 5 + index)));
  const startValue = startValueOf(index);
  return {
    step: BigInt(step),
    agent: agentId(index),
    tokens: BigInt(10_000 * (index + 1) + step) * TOKEN,
    quote: BigInt(500 + 10 * index) * QUOTE,
    lp: 0n,
    claimable: 0n,
    valueQuote: startValue + pnlQuote,
    pnlQuote,
    txs: BigInt(step),
    reverts: BigInt(Math.floor(step / 20)),
    gasUsed: BigInt(step) * 90_000n,
  };
}

const startValueOf = (index: number) => BigInt(1_000 + 100 * index) * QUOTE;

/** Writes a run folder and returns what it wrote. */
export async function writeSyntheticRun(dir: string, options: SyntheticRunOptions): Promise<SyntheticRun> {
  const steps = syntheticSteps(options.steps);
  const agentRows: AgentRow[] = [];
  for (let step = options.agentEvery; step <= options.steps; step += options.agentEvery) {
    for (let index = 0; index < options.agents; index++) agentRows.push(agentRowAt(index, step));
  }
  const finals: AgentFinal[] = [];
  for (let index = 0; index < options.agents; index++) {
    finals.push({
      agent: agentId(index),
      behaviours: BEHAVIOURS[index % BEHAVIOURS.length],
      startValueQuote: startValueOf(index),
      final: agentRowAt(index, options.steps),
    });
  }
  const gasRecords: GasRecord[] = [];
  for (let step = 1; step <= options.steps; step++) {
    for (let index = 0; index < options.agents; index += 1 + (step % 3)) {
      const [behaviour] = BEHAVIOURS[index % BEHAVIOURS.length];
      const onPool = behaviour === "arbitrage" || step % 4 === 0;
      gasRecords.push({
        step,
        agent: agentId(index),
        behaviour,
        policy: "baseline",
        contract: onPool ? "ConstantProductPool" : "BondingCurveMarket",
        fn: onPool ? "swapExactIn" : step % 2 === 0 ? "buyExactTokens" : "sell",
        gasUsed: 80_000 + ((step * 7_919 + index * 104_729) % 40_000),
        status: (step + index) % 23 === 0 ? "reverted" : "success",
      });
    }
  }
  const profile = buildGasProfile(gasRecords);
  const summary = summarize({
    scenario: {
      name: "synthetic",
      source: "scenarios/synthetic.yaml",
      policy: "baseline",
      seed: 7n,
      blocks: options.steps,
      mode: "priority",
      blockSeconds: 12,
      genesis: "genesis/default.json",
    },
    network: { name: "default", chainId: 31337 },
    completion: { stepsRecorded: options.steps, complete: true },
    steps,
    agents: finals,
    gas: profile.totals,
  });

  await writeFile(
    join(dir, RUN_FILES.steps),
    csvHeader(STEP_COLUMNS) + steps.map((row) => csvLine(STEP_COLUMNS, row)).join(""),
  );
  await writeFile(
    join(dir, RUN_FILES.agents),
    csvHeader(AGENT_COLUMNS) + agentRows.map((row) => csvLine(AGENT_COLUMNS, row)).join(""),
  );
  await writeGasProfile(join(dir, RUN_FILES.gas), profile);
  await writeSummary(join(dir, RUN_FILES.summary), summary);
  return { steps, agentRows, finals, gasRecords, profile, summary };
}
