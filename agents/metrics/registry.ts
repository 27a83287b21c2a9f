// Every metric of a run, by name, in one place (flocc's recorder): a named function over the run's
// recorded steps (steps.csv rows) and, for a few, the agents' final standings. The unit is in the
// name (curveVolatilityBps, treasuryRevenueQuote, minSolvencyRatio), so one name means one unit
// wherever it appears: summary.json lays these out, experiment objectives and the protocol agent's
// objective name them, every what-if arm and monitoring window is measured with them, and reports
// take their labels from here. Values are plain numbers (a metric, not an amount anyone pays);
// amounts leave as whole quote or whole tokens, prices as quote per token.
//
// Older spellings are kept as aliases: the summary paths experiment files name
// (metrics.volatility.pool.annualised, totals.poolFeesQuote, …) and the governance objectives'
// first names (curveVolatility, minSolvency, treasuryRevenue, …), each in the unit it always had.

import type { AgentFinal, LeaderboardEntry } from "../core/records.ts";
import { gapStats, gini, logReturns, maxDrawdown, ratio, sampleStdev, volatility } from "../core/stats.ts";
import { QUOTE_DECIMALS, tokensToQuote, WAD } from "../core/units.ts";
import type { StepRow } from "../mechanisms/vocabulary.ts";
import { leaderboard } from "./leaderboard.ts";

/** The market just before the first measured step: the base of the first return and of revenue. */
export type MarketBeforeSteps = Pick<StepRow, "curvePriceWad" | "poolPriceWad" | "treasuryQuote"> &
  Partial<Pick<StepRow, "supply" | "stakingEmittedTokens">>;

/** What a metric reads: a run's recorded steps and what it needs beside them. */
export interface MeasuredRun {
  /** Consecutive steps, oldest first. */
  steps: readonly StepRow[];
  /**
   * The market just before steps[0]. With it, a move between it and the first step (a parameter
   * change executed there) counts in the returns and the revenue; without it, steps[0] is the base.
   */
  before?: MarketBeforeSteps;
  /** Seconds between steps, for the annualised figures. */
  blockSeconds?: number;
  /** Every agent's final standing, for the Gini coefficients and the agents' figures. */
  agents?: readonly AgentFinal[];
  /** Both venues as the run started (before its first step) and as it ended, for the first/last price and reserve metrics. */
  venues?: { first: VenueReading; last: VenueReading };
}

/** A venue reading: the curve's price and reserve, the pool's price and reserves (absent when the genesis has no pool). */
export interface VenueReading {
  curvePriceWad: bigint;
  /** The market's reserve, quote units. */
  curveReserve: bigint;
  pool?: { priceWad: bigint; reserveToken: bigint; reserveQuote: bigint };
}

/** The venues as the World's latest block leaves them (curve and pool slices of an observation). */
export function venueReading(
  curve: { priceWad: bigint; reserve: bigint },
  pool: { priceWad: bigint; reserveToken: bigint; reserveQuote: bigint } | undefined,
): VenueReading {
  return {
    curvePriceWad: curve.priceWad,
    curveReserve: curve.reserve,
    ...(pool === undefined
      ? {}
      : { pool: { priceWad: pool.priceWad, reserveToken: pool.reserveToken, reserveQuote: pool.reserveQuote } }),
  };
}

/** Which way is better; "neither" for a level that is no better higher or lower (a price, a volume). */
export type BetterIs = "higher" | "lower" | "neither";

export interface Metric {
  name: string;
  /** For reports: "curve volatility". */
  label: string;
  /** For reports: "bps per block". */
  unit: string;
  betterIs: BetterIs;
  /** Other names it answers to, in this same unit. */
  aliases: readonly string[];
  read(run: MeasuredRun): number;
}

/** An agent's figure, named agents.<id>.<figure> (the id after `count` expansion: noise-3). */
export interface AgentFigure {
  figure: string;
  label: string;
  unit: string;
  betterIs: BetterIs;
  read(entry: LeaderboardEntry): number;
}

const QUOTE_UNITS = 10 ** QUOTE_DECIMALS;
/** Quote units as whole quote: exact for any balance below 2^53 units (9 billion quote). */
const wholeQuote = (units: bigint): number => Number(units) / QUOTE_UNITS;
const BPS_PER_WHOLE = 10_000;

/* SERIES */

type PriceColumn = "curvePriceWad" | "poolPriceWad";

/** A price column of the steps, after the market before them when the run has it. */
function prices(run: MeasuredRun, column: PriceColumn): bigint[] {
  const series = run.steps.map((row) => row[column]);
  return run.before === undefined ? series : [run.before[column], ...series];
}

/** Standard deviation of the per-step log returns (a fraction; 0 with fewer than two returns). */
function perStepVolatility(run: MeasuredRun, column: PriceColumn): number {
  return sampleStdev(logReturns(prices(run, column)));
}

function annualised(run: MeasuredRun, column: PriceColumn): number {
  const blockSeconds = run.blockSeconds;
  if (blockSeconds === undefined)
    throw new RangeError("an annualised volatility needs the run's blockSeconds; the run gave none");
  return volatility(prices(run, column), blockSeconds).annualised;
}

function total(run: MeasuredRun, column: keyof StepRow): bigint {
  let sum = 0n;
  for (const row of run.steps) sum += row[column] ?? 0n;
  return sum;
}

function last(run: MeasuredRun): StepRow | undefined {
  return run.steps[run.steps.length - 1];
}

function lastOr(run: MeasuredRun, read: (row: StepRow) => number): number {
  const row = last(run);
  return row === undefined ? Number.NaN : read(row);
}

const gaps = (run: MeasuredRun) => gapStats(run.steps.map((row) => row.gapBps));

function venues(run: MeasuredRun, metric: string): { first: VenueReading; last: VenueReading } {
  if (run.venues === undefined)
    throw new RangeError(
      `${metric} reads the venues at the run's start and end; this run gave none (experiment runs do)`,
    );
  return run.venues;
}

/** A pool figure at the run's start or end; NaN when the genesis has no pool. */
function poolAt(
  run: MeasuredRun,
  metric: string,
  at: "first" | "last",
  read: (pool: NonNullable<VenueReading["pool"]>) => number,
): number {
  const pool = venues(run, metric)[at].pool;
  return pool === undefined ? Number.NaN : read(pool);
}

const wholeTokens = (wei: bigint): number => ratio(wei, WAD);

function finals(run: MeasuredRun, metric: string): readonly AgentFinal[] {
  if (run.agents === undefined) throw new RangeError(`${metric} reads the agents' final standings; the run gave none`);
  return run.agents;
}

/**
 * The steps whose solvency is defined, lowest and last: a step with no supply has nothing to refund
 * (steps.csv records its solvencyWad as 0) and is skipped. Undefined when no step had a supply.
 */
export function solvencySteps(steps: readonly StepRow[]): { lowest: StepRow; last: StepRow } | undefined {
  let lowest: StepRow | undefined;
  let latest: StepRow | undefined;
  for (const row of steps) {
    if (row.solvencyWad <= 0n) continue;
    if (lowest === undefined || row.solvencyWad < lowest.solvencyWad) lowest = row;
    latest = row;
  }
  return lowest === undefined ? undefined : { lowest, last: latest! };
}

/* THE METRICS */

/** The runway reported when revenue covers the emissions (a hundred years: "for as long as it runs"). */
export const RUNWAY_CAP_DAYS = 36_500;

/** reserve ÷ what selling the whole supply would refund: 1 is exactly solvent. */
const SOLVENCY_UNIT = "× reserve needed";

export const METRICS = [
  // Volatility of the prices: one figure in bps per block, the summary's fraction per block, and per year.
  {
    name: "curveVolatilityBps",
    label: "curve volatility",
    unit: "bps per block",
    betterIs: "lower",
    aliases: ["curveVolatility"],
    read: (run) => perStepVolatility(run, "curvePriceWad") * BPS_PER_WHOLE,
  },
  {
    name: "poolVolatilityBps",
    label: "pool volatility",
    unit: "bps per block",
    betterIs: "lower",
    aliases: ["poolVolatility"],
    read: (run) => perStepVolatility(run, "poolPriceWad") * BPS_PER_WHOLE,
  },
  {
    name: "curveVolatilityFraction",
    label: "curve volatility",
    unit: "standard deviation of the per-block log returns",
    betterIs: "lower",
    aliases: ["metrics.volatility.curve.perStep"],
    read: (run) => perStepVolatility(run, "curvePriceWad"),
  },
  {
    name: "poolVolatilityFraction",
    label: "pool volatility",
    unit: "standard deviation of the per-block log returns",
    betterIs: "lower",
    aliases: ["metrics.volatility.pool.perStep"],
    read: (run) => perStepVolatility(run, "poolPriceWad"),
  },
  {
    name: "curveAnnualVolatilityFraction",
    label: "curve volatility, annualised",
    unit: "fraction per year (0.5 = 50%)",
    betterIs: "lower",
    aliases: ["metrics.volatility.curve.annualised"],
    read: (run) => annualised(run, "curvePriceWad"),
  },
  {
    name: "poolAnnualVolatilityFraction",
    label: "pool volatility, annualised",
    unit: "fraction per year (0.5 = 50%)",
    betterIs: "lower",
    aliases: ["metrics.volatility.pool.annualised"],
    read: (run) => annualised(run, "poolPriceWad"),
  },
  {
    name: "curveMaxDrawdownFraction",
    label: "curve max drawdown",
    unit: "fraction of the peak",
    betterIs: "lower",
    aliases: ["metrics.maxDrawdown.curve"],
    read: (run) => maxDrawdown(run.steps.map((row) => row.curvePriceWad)),
  },
  {
    name: "poolMaxDrawdownFraction",
    label: "pool max drawdown",
    unit: "fraction of the peak",
    betterIs: "lower",
    aliases: ["metrics.maxDrawdown.pool"],
    read: (run) => maxDrawdown(run.steps.map((row) => row.poolPriceWad)),
  },

  // The gap between the venues (steps.csv gapBps: (pool − curve) / curve).
  {
    name: "meanGapBps",
    label: "mean |pool − curve| gap",
    unit: "bps of the curve price",
    betterIs: "lower",
    aliases: ["metrics.gap.meanAbsBps"],
    read: (run) => gaps(run).meanAbsBps,
  },
  {
    name: "maxGapBps",
    label: "largest |pool − curve| gap",
    unit: "bps of the curve price",
    betterIs: "lower",
    aliases: ["metrics.gap.maxAbsBps"],
    read: (run) => gaps(run).maxAbsBps,
  },
  {
    name: "finalGapBps",
    label: "last gap (signed)",
    unit: "bps of the curve price",
    betterIs: "neither",
    aliases: ["metrics.gap.finalBps"],
    read: (run) => gaps(run).finalBps,
  },

  // Solvency: the reserve against what selling the whole supply would refund.
  {
    name: "minSolvencyRatio",
    label: "lowest solvency",
    unit: SOLVENCY_UNIT,
    betterIs: "higher",
    aliases: ["minSolvency", "metrics.solvency.min"],
    read: (run) => {
      const s = solvencySteps(run.steps);
      return s === undefined ? Number.NaN : ratio(s.lowest.solvencyWad, WAD);
    },
  },
  {
    name: "finalSolvencyRatio",
    label: "final solvency",
    unit: SOLVENCY_UNIT,
    betterIs: "higher",
    aliases: ["finalSolvency", "metrics.solvency.final"],
    read: (run) => {
      const s = solvencySteps(run.steps);
      return s === undefined ? Number.NaN : ratio(s.last.solvencyWad, WAD);
    },
  },

  // Money: revenue, volume, fees (whole quote).
  {
    name: "treasuryRevenueQuote",
    label: "treasury revenue",
    unit: "quote",
    betterIs: "higher",
    aliases: ["treasuryRevenue", "treasury.revenueQuote"],
    read: (run) => {
      const end = last(run);
      if (end === undefined) return Number.NaN;
      const base = run.before ?? run.steps[0]!;
      return wholeQuote(end.treasuryQuote - base.treasuryQuote);
    },
  },
  {
    name: "curveVolumeQuote",
    label: "curve volume",
    unit: "quote",
    betterIs: "neither",
    aliases: ["curveVolume", "totals.curveVolumeQuote"],
    read: (run) => wholeQuote(total(run, "curveVolumeQuote")),
  },
  {
    name: "poolVolumeQuote",
    label: "pool volume",
    unit: "quote",
    betterIs: "neither",
    aliases: ["totals.poolVolumeQuote"],
    read: (run) => wholeQuote(total(run, "poolVolumeQuote")),
  },
  {
    name: "volumeQuote",
    label: "traded volume (curve + pool)",
    unit: "quote",
    betterIs: "neither",
    aliases: [],
    read: (run) => wholeQuote(total(run, "curveVolumeQuote") + total(run, "poolVolumeQuote")),
  },
  {
    name: "curveFeesQuote",
    label: "curve fees",
    unit: "quote",
    betterIs: "higher",
    aliases: ["totals.curveFeesQuote"],
    read: (run) => wholeQuote(total(run, "curveFeesQuote")),
  },
  {
    name: "poolFeesQuote",
    label: "pool fees",
    unit: "quote",
    betterIs: "higher",
    aliases: ["totals.poolFeesQuote"],
    read: (run) => wholeQuote(total(run, "poolFeesQuote")),
  },

  // The agents' transactions.
  {
    name: "txCount",
    label: "agent transactions",
    unit: "transactions",
    betterIs: "neither",
    aliases: ["totals.txs"],
    read: (run) => Number(total(run, "txs")),
  },
  {
    name: "revertCount",
    label: "reverted agent transactions",
    unit: "transactions",
    betterIs: "lower",
    aliases: ["totals.reverts"],
    read: (run) => Number(total(run, "reverts")),
  },
  {
    name: "gasUsed",
    label: "agents' gas",
    unit: "gas",
    betterIs: "lower",
    aliases: ["totals.gasUsed"],
    read: (run) => Number(total(run, "gasUsed")),
  },

  // The market after the last step.
  {
    name: "finalCurvePriceQuote",
    label: "final curve price",
    unit: "quote per token",
    betterIs: "neither",
    aliases: ["market.last.curvePrice", "lastCurvePriceQuote"],
    read: (run) => lastOr(run, (row) => ratio(row.curvePriceWad, WAD)),
  },
  {
    name: "finalPoolPriceQuote",
    label: "final pool price",
    unit: "quote per token",
    betterIs: "neither",
    aliases: ["market.last.poolPrice", "lastPoolPriceQuote"],
    read: (run) => lastOr(run, (row) => ratio(row.poolPriceWad, WAD)),
  },
  {
    name: "finalTreasuryQuote",
    label: "treasury after the last step (balance + fees accrued in the market)",
    unit: "quote",
    betterIs: "higher",
    aliases: ["market.last.treasuryQuote"],
    read: (run) => lastOr(run, (row) => wholeQuote(row.treasuryQuote)),
  },
  {
    name: "finalReserveQuote",
    label: "the market's reserve after the last step",
    unit: "quote",
    betterIs: "neither",
    aliases: ["market.last.reserve", "lastReserveQuote", "finalCurveReserveQuote"],
    read: (run) => lastOr(run, (row) => wholeQuote(row.reserve)),
  },
  {
    name: "finalSupplyTokens",
    label: "token supply after the last step",
    unit: "tokens",
    betterIs: "neither",
    aliases: ["market.last.supply"],
    read: (run) => lastOr(run, (row) => ratio(row.supply, WAD)),
  },

  // Both venues at the run's start (before its first step) and end: prices and reserves, and how the reserves changed.
  {
    name: "firstCurvePriceQuote",
    label: "curve price at the start",
    unit: "quote per token",
    betterIs: "neither",
    aliases: [],
    read: (run) => ratio(venues(run, "firstCurvePriceQuote").first.curvePriceWad, WAD),
  },
  {
    name: "firstPoolPriceQuote",
    label: "pool price at the start",
    unit: "quote per token",
    betterIs: "neither",
    aliases: [],
    read: (run) => poolAt(run, "firstPoolPriceQuote", "first", (pool) => ratio(pool.priceWad, WAD)),
  },
  {
    name: "firstReserveQuote",
    label: "the market's reserve at the start",
    unit: "quote",
    betterIs: "neither",
    aliases: ["firstCurveReserveQuote"],
    read: (run) => wholeQuote(venues(run, "firstReserveQuote").first.curveReserve),
  },
  {
    name: "reserveChangeQuote",
    label: "change of the market's reserve over the run",
    unit: "quote",
    betterIs: "neither",
    aliases: ["curveReserveChangeQuote"],
    read: (run) => {
      const { first, last } = venues(run, "reserveChangeQuote");
      return wholeQuote(last.curveReserve - first.curveReserve);
    },
  },
  {
    name: "firstPoolReserveQuote",
    label: "the pool's quote reserve at the start",
    unit: "quote",
    betterIs: "neither",
    aliases: [],
    read: (run) => poolAt(run, "firstPoolReserveQuote", "first", (pool) => wholeQuote(pool.reserveQuote)),
  },
  {
    name: "finalPoolReserveQuote",
    label: "the pool's quote reserve after the last step",
    unit: "quote",
    betterIs: "neither",
    aliases: ["lastPoolReserveQuote"],
    read: (run) => poolAt(run, "finalPoolReserveQuote", "last", (pool) => wholeQuote(pool.reserveQuote)),
  },
  {
    name: "poolReserveChangeQuote",
    label: "change of the pool's quote reserve over the run",
    unit: "quote",
    betterIs: "neither",
    aliases: [],
    read: (run) =>
      poolAt(run, "poolReserveChangeQuote", "last", (last) =>
        wholeQuote(last.reserveQuote - venues(run, "poolReserveChangeQuote").first.pool!.reserveQuote),
      ),
  },
  {
    name: "firstPoolReserveTokens",
    label: "the pool's token reserve at the start",
    unit: "tokens",
    betterIs: "neither",
    aliases: [],
    read: (run) => poolAt(run, "firstPoolReserveTokens", "first", (pool) => wholeTokens(pool.reserveToken)),
  },
  {
    name: "finalPoolReserveTokens",
    label: "the pool's token reserve after the last step",
    unit: "tokens",
    betterIs: "neither",
    aliases: ["lastPoolReserveTokens"],
    read: (run) => poolAt(run, "finalPoolReserveTokens", "last", (pool) => wholeTokens(pool.reserveToken)),
  },
  {
    name: "poolReserveChangeTokens",
    label: "change of the pool's token reserve over the run",
    unit: "tokens",
    betterIs: "neither",
    aliases: [],
    read: (run) =>
      poolAt(run, "poolReserveChangeTokens", "last", (last) =>
        wholeTokens(last.reserveToken - venues(run, "poolReserveChangeTokens").first.pool!.reserveToken),
      ),
  },

  // The agents' final holdings.
  {
    name: "tokensGini",
    label: "Gini of the agents' final token holdings",
    unit: "Gini coefficient (0: all equal, 1: one holds everything)",
    betterIs: "neither",
    aliases: ["metrics.gini.tokens"],
    read: (run) => gini(finals(run, "tokensGini").map((a) => a.final.tokens)),
  },
  {
    name: "valueGini",
    label: "Gini of the agents' final values",
    unit: "Gini coefficient (0: all equal, 1: one holds everything)",
    betterIs: "neither",
    aliases: ["metrics.gini.value"],
    read: (run) => gini(finals(run, "valueGini").map((a) => a.final.valueQuote)),
  },
  {
    name: "nakamotoCoefficientAgents",
    label: "Nakamoto coefficient of voting power",
    unit: "agents (the fewest whose held, unstaked tokens are more than half of all agents')",
    betterIs: "higher",
    aliases: [],
    read: (run) => nakamoto(finals(run, "nakamotoCoefficientAgents").map((a) => a.final.tokens)),
  },

  // Incentives: staking and its emissions against revenue (NaN in runs without staking).
  {
    name: "stakingRatioBps",
    label: "staking ratio after the last step",
    unit: "bps of the supply staked",
    betterIs: "neither",
    aliases: [],
    read: (run) => withStaking(run, (rows) => bpsOf(rows.at(-1)!.stakedTokens!, rows.at(-1)!.supply)),
  },
  {
    name: "stakingEmissionsTokens",
    label: "staking rewards emitted over the run",
    unit: "tokens",
    betterIs: "neither",
    aliases: [],
    read: (run) => withStaking(run, (rows) => wholeTokens(emissions(run, rows))),
  },
  {
    name: "stakingNominalYieldBps",
    label: "nominal staking yield: rewards emitted ÷ average staked, a year",
    unit: "bps a year",
    betterIs: "neither",
    aliases: [],
    read: (run) =>
      withStaking(run, (rows) => {
        const staked = mean(rows.map((r) => wholeTokens(r.stakedTokens!)));
        return staked === 0 ? Number.NaN : (wholeTokens(emissions(run, rows)) / staked) * perYear(run) * BPS_PER_WHOLE;
      }),
  },
  {
    name: "stakingRealYieldBps",
    label: "real (revenue-funded) staking yield: treasury revenue ÷ average staked value, a year",
    unit: "bps a year",
    betterIs: "higher",
    aliases: [],
    read: (run) =>
      withStaking(run, (rows) => {
        const stakedValue = mean(rows.map((r) => tokenValueQuote(r.stakedTokens!, r.curvePriceWad)));
        return stakedValue === 0 ? Number.NaN : (revenueQuote(run) / stakedValue) * perYear(run) * BPS_PER_WHOLE;
      }),
  },
  {
    name: "emissionsToRevenueRatio",
    label: "emissions ÷ revenue (each step's emission at that step's curve price ÷ treasury revenue)",
    unit: "× revenue (above 1: incentives cost more than the protocol earns)",
    betterIs: "lower",
    aliases: [],
    read: (run) => withStaking(run, (rows) => emissionsValueQuote(run, rows) / revenueQuote(run)),
  },
  {
    name: "treasuryRunwayDays",
    label: "treasury runway: days the treasury and the budget left cover emissions net of revenue",
    unit: `days (${RUNWAY_CAP_DAYS.toLocaleString("en-US")} when revenue covers the emissions)`,
    betterIs: "higher",
    aliases: [],
    read: (run) =>
      withStaking(run, (rows) => {
        const end = rows.at(-1)!;
        const days = (rows.length * (run.blockSeconds ?? Number.NaN)) / 86_400;
        const netCostPerDay = (emissionsValueQuote(run, rows) - revenueQuote(run)) / days;
        const funds = wholeQuote(end.treasuryQuote) + tokenValueQuote(end.stakingBudgetLeftTokens!, end.curvePriceWad);
        return netCostPerDay <= 0 ? RUNWAY_CAP_DAYS : Math.min(RUNWAY_CAP_DAYS, funds / netCostPerDay);
      }),
  },
  {
    name: "supplyChangeTokens",
    label: "change of the token supply over the run",
    unit: "tokens",
    betterIs: "neither",
    aliases: [],
    read: (run) => {
      const end = last(run);
      if (end === undefined) return Number.NaN;
      const base = run.before?.supply ?? run.steps[0]!.supply;
      return wholeTokens(end.supply - base);
    },
  },
] as const satisfies readonly Metric[];

/* INCENTIVES */

/** The metric over the steps of a run with staking; NaN in a run without (or with no steps). */
function withStaking(run: MeasuredRun, read: (rows: readonly StepRow[]) => number): number {
  if (run.steps.length === 0 || run.steps[0]!.stakedTokens === undefined) return Number.NaN;
  return read(run.steps);
}

/** Staking rewards emitted over the steps: since the market before them, or since deployment (0) when the run starts there. */
function emissions(run: MeasuredRun, rows: readonly StepRow[]): bigint {
  return rows.at(-1)!.stakingEmittedTokens! - (run.before?.stakingEmittedTokens ?? 0n);
}

/** Each step's emission valued at that step's curve price, whole quote. */
function emissionsValueQuote(run: MeasuredRun, rows: readonly StepRow[]): number {
  let previous = run.before?.stakingEmittedTokens ?? 0n;
  let value = 0;
  for (const r of rows) {
    value += tokenValueQuote(r.stakingEmittedTokens! - previous, r.curvePriceWad);
    previous = r.stakingEmittedTokens!;
  }
  return value;
}

/** Treasury revenue over the run, whole quote (as treasuryRevenueQuote). */
function revenueQuote(run: MeasuredRun): number {
  const base = run.before ?? run.steps[0]!;
  return wholeQuote(run.steps.at(-1)!.treasuryQuote - base.treasuryQuote);
}

/** Whole quote of `tokens` wei at a price in WAD. */
function tokenValueQuote(tokens: bigint, priceWad: bigint): number {
  return wholeQuote(tokensToQuote(tokens, priceWad));
}

/** Years per the run's duration: the annualising factor. */
function perYear(run: MeasuredRun): number {
  return (365 * 86_400) / (run.steps.length * (run.blockSeconds ?? Number.NaN));
}

function bpsOf(part: bigint, whole: bigint): number {
  return whole === 0n ? Number.NaN : ratio(part * 10_000n, whole);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The fewest holders whose balances are more than half of all: 0 when nobody holds anything. */
export function nakamoto(balances: readonly bigint[]): number {
  const total = balances.reduce((sum, b) => sum + b, 0n);
  if (total === 0n) return 0;
  let held = 0n;
  let count = 0;
  for (const b of [...balances].sort((x, y) => (x < y ? 1 : x > y ? -1 : 0))) {
    held += b;
    count += 1;
    if (held * 2n > total) break;
  }
  return count;
}

export type MetricName = (typeof METRICS)[number]["name"];

/** Each agent's figures from its leaderboard line. */
export const AGENT_FIGURES: readonly AgentFigure[] = [
  {
    figure: "returnBps",
    label: "PnL ÷ starting value",
    unit: "bps",
    betterIs: "higher",
    read: (e) => e.returnBps,
  },
  {
    figure: "pnlQuote",
    label: "value − starting value − gas",
    unit: "quote",
    betterIs: "higher",
    read: (e) => wholeQuote(BigInt(e.pnlQuote)),
  },
  {
    figure: "valueQuote",
    label: "final mark-to-market value",
    unit: "quote",
    betterIs: "higher",
    read: (e) => wholeQuote(BigInt(e.valueQuote)),
  },
  {
    figure: "rank",
    label: "place on the leaderboard (1 = best PnL)",
    unit: "place",
    betterIs: "lower",
    read: (e) => e.rank,
  },
];

const BY_NAME: ReadonlyMap<string, Metric> = new Map(
  METRICS.flatMap((m): [string, Metric][] => [[m.name, m], ...m.aliases.map((a): [string, Metric] => [a, m])]),
);

/** The metric a name or an alias names; undefined for an agent's figure or an unknown name. */
export function metricNamed(name: string): Metric | undefined {
  return BY_NAME.get(name);
}

const AGENT_FIGURE = /^agents\.(.+)\.([A-Za-z]+)$/;

/** An agents.<id>.<figure> name split, or undefined when it is not one. */
export function agentFigureNamed(name: string): { agent: string; figure: AgentFigure } | undefined {
  const match = AGENT_FIGURE.exec(name);
  const figure = match === null ? undefined : AGENT_FIGURES.find((f) => f.figure === match[2]);
  return figure === undefined ? undefined : { agent: match![1]!, figure };
}

/**
 * Every name `measure` accepts for a run whose agents have `agentIds`: the metrics by name, then
 * their aliases when asked for, then agents.<id>.<figure> for each agent.
 */
export function metricNames(agentIds: readonly string[], options: { aliases?: boolean } = {}): string[] {
  return [
    ...METRICS.map((m) => m.name),
    ...(options.aliases === true ? METRICS.flatMap((m) => m.aliases) : []),
    ...agentIds.flatMap((id) => AGENT_FIGURES.map((f) => `agents.${id}.${f.figure}`)),
  ];
}

/** The value of the metric `name` (a name, an alias or agents.<id>.<figure>) over `run`. */
export function measure(run: MeasuredRun, name: string): number {
  const metric = metricNamed(name);
  if (metric !== undefined) return metric.read(run);
  const agentFigure = agentFigureNamed(name);
  if (agentFigure === undefined)
    throw new RangeError(`${name} is not a metric; metricNames() lists them (agents/metrics/registry.ts)`);
  const entry = leaderboard(finals(run, name)).find((e) => e.agent === agentFigure.agent);
  if (entry === undefined) throw new RangeError(`${name}: agent ${agentFigure.agent} is not among this run's agents`);
  return agentFigure.figure.read(entry);
}

/** Several metrics of one run, by the names given. */
export function measureAll<N extends string>(run: MeasuredRun, names: readonly N[]): Record<N, number> {
  const out = {} as Record<N, number>;
  for (const name of names) out[name] = measure(run, name);
  return out;
}
