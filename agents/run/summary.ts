// The summary of a run (summary.json): what was run, how far it got, the headline metrics, totals and
// the leaderboard. Built from the recorded rows alone, so the same run always gives the same bytes;
// wall-clock times are not part of it (the runner writes them beside it). Every metric in it is one
// of agents/metrics/registry.ts, laid out under the paths experiment files name them by.

import type { Scenario } from "../inputs/scenario-types.ts";
import type { GasTotals } from "../gas/profile.ts";
import type { GovernanceSummary } from "../governance/battle/record-file.ts";
import type { LlmStatsFile } from "../llm/stats.ts";
import { type GapStats, logReturns, type Volatility } from "../core/stats.ts";
import type { AgentFinal, LeaderboardEntry } from "../core/records.ts";
import type { StepRow } from "../mechanisms/vocabulary.ts";
import { stableJson } from "../core/stable-json.ts";
import { type MeasuredRun, measure, type MetricName, solvencySteps } from "../metrics/registry.ts";
import { leaderboard } from "../metrics/leaderboard.ts";

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
  /**
   * reserve / refund of the whole supply, lowest over the run (1 = exactly solvent), and at the last
   * step; steps with no supply have no solvency and are skipped (null when no step had a supply).
   */
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
  /** The model calls of the run's llm agents (llm.json has them per agent), and why the budget stopped it, if it did. */
  llm?: LlmStatsFile["totals"] & { budgetStop: string | null };
}

export function summarize(input: SummaryInput): Summary {
  const { scenario, steps } = input;
  checkStepOrder(steps);
  const sum = (name: keyof StepRow) => steps.reduce((total, row) => total + (row[name] ?? 0n), 0n);
  const run: MeasuredRun = { steps, blockSeconds: scenario.blockSeconds, agents: input.agents };
  const metric = (name: MetricName) => measure(run, name);
  const returns = (column: "curvePriceWad" | "poolPriceWad") => logReturns(steps.map((row) => row[column])).length;
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
        curve: {
          perStep: metric("curveVolatilityFraction"),
          annualised: metric("curveAnnualVolatilityFraction"),
          returns: returns("curvePriceWad"),
        },
        pool: {
          perStep: metric("poolVolatilityFraction"),
          annualised: metric("poolAnnualVolatilityFraction"),
          returns: returns("poolPriceWad"),
        },
      },
      maxDrawdown: { curve: metric("curveMaxDrawdownFraction"), pool: metric("poolMaxDrawdownFraction") },
      gap: { meanAbsBps: metric("meanGapBps"), maxAbsBps: metric("maxGapBps"), finalBps: metric("finalGapBps") },
      gini: { tokens: metric("tokensGini"), value: metric("valueGini") },
      solvency: solvencyStats(run),
    },
    totals: {
      curveVolumeQuote: sum("curveVolumeQuote").toString(),
      poolVolumeQuote: sum("poolVolumeQuote").toString(),
      curveFeesQuote: sum("curveFeesQuote").toString(),
      poolFeesQuote: sum("poolFeesQuote").toString(),
      txs: metric("txCount"),
      reverts: metric("revertCount"),
      gasUsed: metric("gasUsed"),
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

function solvencyStats(run: MeasuredRun): SolvencyStats | null {
  const defined = solvencySteps(run.steps);
  if (defined === undefined) return null;
  return {
    min: measure(run, "minSolvencyRatio"),
    minWad: defined.lowest.solvencyWad.toString(),
    minStep: Number(defined.lowest.step),
    final: measure(run, "finalSolvencyRatio"),
    finalWad: defined.last.solvencyWad.toString(),
  };
}
