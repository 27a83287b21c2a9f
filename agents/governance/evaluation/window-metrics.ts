// The metrics governance reasons with, measured over a run of steps: the protocol agent's monitor
// (the last window of the battle, and the window after a change executed) and each arm of a what-if
// use these same functions, so a prediction and the effect monitored afterwards mean the same thing.

import { ratio, volatility } from "../../core/stats.ts";
import type { StepRow } from "../../mechanisms/registry.ts";
import type { ObjectiveMetric } from "../../inputs/governance-types.ts";
import { WAD } from "../../core/units.ts";

export type WindowMetrics = Record<ObjectiveMetric, number>;

/** The market just before a window: the base of its first return and of the treasury's revenue. */
export type WindowStart = Pick<StepRow, "curvePriceWad" | "poolPriceWad" | "treasuryQuote">;

const QUOTE = 1e6;

/**
 * Metrics of `rows` (consecutive steps, oldest first); `before` is the market just before the window
 * (the base of the first return and of the treasury's revenue), the first row itself when absent.
 * With `before`, a jump in the window's first block (a parameter change executed there) counts.
 * - curveVolatility / poolVolatility: standard deviation of the per-step log returns, in bps;
 * - minSolvency: the lowest reserve / refund of the whole supply (1 = exactly solvent);
 * - treasuryRevenue: quote the treasury gained (balance + fees accrued in the market);
 * - curveVolume: quote traded on the curve; meanGapBps: mean |pool − curve| gap.
 */
export function windowMetrics(rows: readonly StepRow[], before?: WindowStart): WindowMetrics {
  if (rows.length === 0) throw new RangeError("windowMetrics: no steps to measure");
  const base = before ?? rows[0]!;
  const series: readonly WindowStart[] = before === undefined ? rows : [before, ...rows];
  const blockSeconds = 1; // per-step volatility: the annualisation factor does not matter here
  const solvencies = rows.filter((r) => r.solvencyWad > 0n).map((r) => ratio(r.solvencyWad, WAD));
  let gap = 0n;
  let volume = 0n;
  for (const r of rows) {
    gap += r.gapBps < 0n ? -r.gapBps : r.gapBps;
    volume += r.curveVolumeQuote;
  }
  return {
    curveVolatility:
      volatility(
        series.map((r) => r.curvePriceWad),
        blockSeconds,
      ).perStep * 10_000,
    poolVolatility:
      volatility(
        series.map((r) => r.poolPriceWad),
        blockSeconds,
      ).perStep * 10_000,
    minSolvency: solvencies.length === 0 ? 0 : Math.min(...solvencies),
    treasuryRevenue: Number(rows[rows.length - 1]!.treasuryQuote - base.treasuryQuote) / QUOTE,
    curveVolume: Number(volume) / QUOTE,
    meanGapBps: Number(gap) / rows.length,
  };
}
