// Confidence intervals across seeds: the mean of a few runs with Student's t, because experiments and
// proposal evaluations have 3 to 30 seeds, where the normal approximation is too narrow.

import { mean, sampleStdev } from "./stats.ts";

export interface Interval {
  mean: number;
  /** Lower and upper ends of the 95% interval (equal to the mean with fewer than two values, where there is none: see formatInterval). */
  low: number;
  high: number;
  halfWidth: number;
  stdev: number;
  n: number;
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t quantile for a 95% two-sided interval; 1.96 beyond 30 degrees of freedom would be too narrow, so it steps down slowly. */
export function t95(degreesOfFreedom: number): number {
  if (degreesOfFreedom < 1) return Number.NaN;
  if (degreesOfFreedom <= 30) return T_975[degreesOfFreedom - 1]!;
  if (degreesOfFreedom <= 60) return 2.0;
  if (degreesOfFreedom <= 120) return 1.98;
  return 1.96;
}

/** The mean of `values` with its 95% confidence interval. */
export function meanInterval(values: readonly number[]): Interval {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { mean: m, low: m, high: m, halfWidth: 0, stdev: 0, n };
  const stdev = sampleStdev(values);
  const halfWidth = (t95(n - 1) * stdev) / Math.sqrt(n);
  return { mean: m, low: m - halfWidth, high: m + halfWidth, halfWidth, stdev, n };
}

/** Paired differences (with − without, seed by seed): the interval of the effect of a change. */
export function pairedDifference(withChange: readonly number[], without: readonly number[]): Interval {
  if (withChange.length !== without.length)
    throw new Error(`paired difference needs as many values on each side (${withChange.length} vs ${without.length})`);
  return meanInterval(withChange.map((v, i) => v - without[i]!));
}

/** True when the interval excludes zero: the effect is more than noise. */
export function isSignificant(interval: Interval): boolean {
  return interval.n >= 2 && (interval.low > 0 || interval.high < 0);
}

/** What the values of an interval are ("seed", the default), for the note of an interval with one value. */
export interface IntervalFormat {
  /** A "+" before a positive mean (an effect). */
  signed?: boolean;
  /** After the numbers: "1.23 ± 0.45 bps". */
  unit?: string;
  what?: string;
}

/**
 * "1.23 ± 0.45" with `digits` significant digits; with fewer than two values there is no interval, and
 * it says so instead of a "± 0" that would read as certainty: "1.23 ± n/a (1 seed)".
 */
export function formatInterval(interval: Interval, digits = 3, format: IntervalFormat = {}): string {
  const sign = format.signed === true && interval.mean >= 0 ? "+" : "";
  const spread =
    interval.n < 2
      ? `n/a (${interval.n} ${format.what ?? "seed"}${interval.n === 1 ? "" : "s"})`
      : interval.halfWidth.toPrecision(2);
  return `${sign}${interval.mean.toPrecision(digits)} ± ${spread}${format.unit === undefined ? "" : ` ${format.unit}`}`;
}
