// The metrics an objective can name: paths into the run's Summary (agents/run/summary.ts), each read
// as one number. Amounts are converted to whole quote (a float: a metric, not an amount that is paid).
// Agents' standings are named agents.<id>.<figure> with an agent id after `count` expansion.

import type { Summary } from "../run/summary.ts";

type Read = (summary: Summary) => number;

const QUOTE_UNIT = 1e6;
const WAD = 1e18;
const quote = (text: string | undefined): number =>
  text === undefined ? Number.NaN : Number(BigInt(text)) / QUOTE_UNIT;

/** Every Summary metric by path, with what it means (experiments/README.md lists them). */
export const SUMMARY_METRICS: Record<string, { read: Read; means: string }> = {
  "metrics.volatility.curve.annualised": {
    read: (s) => s.metrics.volatility.curve.annualised,
    means: "annualised volatility of the curve price",
  },
  "metrics.volatility.curve.perStep": {
    read: (s) => s.metrics.volatility.curve.perStep,
    means: "standard deviation of the curve price's per-step log returns",
  },
  "metrics.volatility.pool.annualised": {
    read: (s) => s.metrics.volatility.pool.annualised,
    means: "annualised volatility of the pool price",
  },
  "metrics.volatility.pool.perStep": {
    read: (s) => s.metrics.volatility.pool.perStep,
    means: "standard deviation of the pool price's per-step log returns",
  },
  "metrics.maxDrawdown.curve": {
    read: (s) => s.metrics.maxDrawdown.curve,
    means: "largest fall of the curve price from a peak (fraction)",
  },
  "metrics.maxDrawdown.pool": {
    read: (s) => s.metrics.maxDrawdown.pool,
    means: "largest fall of the pool price from a peak (fraction)",
  },
  "metrics.gap.meanAbsBps": { read: (s) => s.metrics.gap.meanAbsBps, means: "mean |pool − curve| / curve, bps" },
  "metrics.gap.maxAbsBps": { read: (s) => s.metrics.gap.maxAbsBps, means: "largest |pool − curve| / curve, bps" },
  "metrics.gap.finalBps": { read: (s) => s.metrics.gap.finalBps, means: "the last signed gap, bps" },
  "metrics.gini.tokens": { read: (s) => s.metrics.gini.tokens, means: "Gini of the agents' final token holdings" },
  "metrics.gini.value": { read: (s) => s.metrics.gini.value, means: "Gini of the agents' final values" },
  "metrics.solvency.min": {
    read: (s) => s.metrics.solvency?.min ?? Number.NaN,
    means: "lowest reserve / refund of the whole supply (1 = exactly solvent)",
  },
  "metrics.solvency.final": {
    read: (s) => s.metrics.solvency?.final ?? Number.NaN,
    means: "reserve / refund of the whole supply at the end",
  },
  "totals.curveVolumeQuote": {
    read: (s) => quote(s.totals.curveVolumeQuote),
    means: "quote traded on the curve (whole quote)",
  },
  "totals.poolVolumeQuote": {
    read: (s) => quote(s.totals.poolVolumeQuote),
    means: "quote traded on the pool (whole quote)",
  },
  "totals.curveFeesQuote": {
    read: (s) => quote(s.totals.curveFeesQuote),
    means: "fees the curve charged (whole quote)",
  },
  "totals.poolFeesQuote": {
    read: (s) => quote(s.totals.poolFeesQuote),
    means: "fees the pool charged, valued in quote (whole quote)",
  },
  "totals.txs": { read: (s) => s.totals.txs, means: "agent transactions" },
  "totals.reverts": { read: (s) => s.totals.reverts, means: "agent transactions that reverted" },
  "totals.gasUsed": { read: (s) => s.totals.gasUsed, means: "gas of the agent transactions" },
  "treasury.revenueQuote": {
    read: (s) =>
      s.market.first === null || s.market.last === null
        ? Number.NaN
        : quote(s.market.last.treasuryQuote) - quote(s.market.first.treasuryQuote),
    means:
      "treasury quote (balance + fees accrued in the market) after the last step minus after the first (whole quote)",
  },
  "market.last.treasuryQuote": {
    read: (s) => quote(s.market.last?.treasuryQuote),
    means: "treasury quote after the last step (whole quote)",
  },
  "market.last.curvePrice": {
    read: (s) => (s.market.last === null ? Number.NaN : Number(BigInt(s.market.last.curvePriceWad)) / WAD),
    means: "curve price after the last step (quote per token)",
  },
  "market.last.poolPrice": {
    read: (s) => (s.market.last === null ? Number.NaN : Number(BigInt(s.market.last.poolPriceWad)) / WAD),
    means: "pool price after the last step (quote per token)",
  },
  "market.last.reserve": {
    read: (s) => quote(s.market.last?.reserve),
    means: "the market's reserve after the last step (whole quote)",
  },
  "market.last.supply": {
    read: (s) => (s.market.last === null ? Number.NaN : Number(BigInt(s.market.last.supply)) / WAD),
    means: "token supply after the last step (whole tokens)",
  },
};

/** An agent's figures from the leaderboard. */
export const AGENT_FIGURES: Record<string, { read: (entry: Summary["leaderboard"][number]) => number; means: string }> =
  {
    returnBps: { read: (e) => e.returnBps, means: "PnL / starting value, bps" },
    pnlQuote: { read: (e) => quote(e.pnlQuote), means: "value − starting value − gas (whole quote)" },
    valueQuote: { read: (e) => quote(e.valueQuote), means: "final mark-to-market value (whole quote)" },
    rank: { read: (e) => e.rank, means: "place on the leaderboard (1 = best PnL)" },
  };

/** Every metric path for a scenario whose agents (after count expansion) have `agentIds`. */
export function metricNames(agentIds: readonly string[]): string[] {
  return [
    ...Object.keys(SUMMARY_METRICS),
    ...agentIds.flatMap((id) => Object.keys(AGENT_FIGURES).map((figure) => `agents.${id}.${figure}`)),
  ];
}

/** Reads `metric` (a name from metricNames) from a summary; NaN when the run recorded nothing to measure it on. */
export function readMetric(summary: Summary, metric: string): number {
  const known = SUMMARY_METRICS[metric];
  if (known !== undefined) return known.read(summary);
  const match = /^agents\.(.+)\.([A-Za-z]+)$/.exec(metric);
  const figure = match === null ? undefined : AGENT_FIGURES[match[2]];
  if (match === null || figure === undefined)
    throw new RangeError(`${metric} is not a metric; metricNames() lists them`);
  const entry = summary.leaderboard.find((e) => e.agent === match[1]);
  if (entry === undefined) throw new RangeError(`${metric}: agent ${match[1]} is not on this run's leaderboard`);
  return figure.read(entry);
}
