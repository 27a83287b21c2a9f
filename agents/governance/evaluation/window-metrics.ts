// The metrics governance reasons with (OBJECTIVE_METRICS, from agents/metrics/registry.ts), measured
// over a window of steps: the protocol agent's monitor (the last window of the battle, and the window
// after a change executed) and each arm of a what-if use this same function, so a prediction and the
// effect monitored afterwards mean the same thing.

import { OBJECTIVE_METRICS, type ObjectiveMetric } from "../../inputs/governance-types.ts";
import type { StepRow } from "../../mechanisms/vocabulary.ts";
import { type MarketBeforeSteps, measureAll } from "../../metrics/registry.ts";

export type WindowMetrics = Record<ObjectiveMetric, number>;

/** The market just before a window: the base of its first return and of the treasury's revenue. */
export type WindowStart = MarketBeforeSteps;

/**
 * The objective metrics of `rows` (consecutive steps, oldest first). `before` is the market just
 * before the window; with it, a jump in the window's first block (a parameter change executed there)
 * counts in the volatility and the revenue. Without it the first row is the base.
 */
export function windowMetrics(rows: readonly StepRow[], before?: WindowStart): WindowMetrics {
  if (rows.length === 0) throw new RangeError("windowMetrics: no steps to measure");
  return measureAll({ steps: rows, ...(before === undefined ? {} : { before }) }, OBJECTIVE_METRICS);
}
