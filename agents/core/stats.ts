// Named metrics over a recorded run's series. Pure functions: chain values come in as bigint (WAD
// prices, token wei, quote units) and leave as plain numbers (fractions, ratios, bps), because what
// they measure is a statistic, not an amount anyone will pay.

/** Seconds in a 365-day year: the annualisation basis of `volatility`. */
export const SECONDS_PER_YEAR = 365 * 24 * 60 * 60;

/** Digits kept when turning a bigint ratio into a float (beyond a double's 15–17 significant digits). */
const RATIO_SCALE = 10n ** 18n;

/** a / b as a float, exact to a double's precision even when a and b exceed 2^53. */
export function ratio(a: bigint, b: bigint): number {
  if (b === 0n) throw new RangeError("ratio: division by zero");
  const whole = a / b;
  const fraction = ((a % b) * RATIO_SCALE) / b;
  return Number(whole) + Number(fraction) / Number(RATIO_SCALE);
}

/**
 * ln(pₜ / pₜ₋₁) for each consecutive pair of prices. A pair with a zero price on either side (an
 * empty pool, a curve at zero supply with no base price) has no return and is skipped, so one empty
 * block does not turn the whole series into infinities.
 */
export function logReturns(prices: readonly bigint[]): number[] {
  const returns: number[] = [];
  for (let i = 1; i < prices.length; i++) {
    const previous = prices[i - 1];
    const current = prices[i];
    if (previous <= 0n || current <= 0n) continue;
    returns.push(Math.log(ratio(current, previous)));
  }
  return returns;
}

/** Arithmetic mean; 0 for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample standard deviation (n − 1 in the denominator); 0 for fewer than two values. */
export function sampleStdev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const average = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - average) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * Nearest-rank percentile of values sorted ascending: the smallest value with at least p% of the
 * values at or below it, i.e. sorted[⌈p/100 · n⌉ − 1] (p = 0 gives the minimum). Always one of the
 * values, never an interpolation, so a gas percentile is a gas figure some transaction really used.
 */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) throw new RangeError("percentile of an empty list");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  // p·n before the division keeps whole percentiles exact (0.95·20 is not 19 in floating point).
  const rank = Math.max(1, Math.ceil((p * sortedAscending.length) / 100));
  return sortedAscending[rank - 1];
}

export interface Volatility {
  /** Sample standard deviation of the per-step log returns. */
  perStep: number;
  /** perStep · √(steps per year), a year being SECONDS_PER_YEAR / blockSeconds steps. */
  annualised: number;
  /** How many log returns it was measured on. */
  returns: number;
}

/** Volatility of a price series sampled once per step, `blockSeconds` apart. */
export function volatility(prices: readonly bigint[], blockSeconds: number): Volatility {
  if (!(blockSeconds > 0)) throw new RangeError(`volatility: blockSeconds must be positive, got ${blockSeconds}`);
  const returns = logReturns(prices);
  const perStep = sampleStdev(returns);
  return { perStep, annualised: perStep * Math.sqrt(SECONDS_PER_YEAR / blockSeconds), returns: returns.length };
}

/**
 * The largest fall from a running peak to a later price, as a fraction of that peak (0 = never fell,
 * 1 = fell to zero). Zero prices before any positive peak do not count as a fall.
 */
export function maxDrawdown(prices: readonly bigint[]): number {
  let peak = 0n;
  let worst = 0;
  for (const price of prices) {
    if (price > peak) peak = price;
    else if (peak > 0n) worst = Math.max(worst, ratio(peak - price, peak));
  }
  return worst;
}

/**
 * Gini coefficient of non-negative amounts: 0 when everyone holds the same (also when all hold
 * nothing), approaching 1 when one holds everything. Uses the sorted form
 * G = (2·Σ i·x₍ᵢ₎ − (n + 1)·Σx) / (n·Σx) with i 1-based, in bigint, so it is exact before the one
 * final division.
 */
export function gini(values: readonly bigint[]): number {
  const n = BigInt(values.length);
  if (n === 0n) return 0;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted[0] < 0n) throw new RangeError(`gini is defined for non-negative amounts; got ${sorted[0]}`);
  let total = 0n;
  let weighted = 0n;
  sorted.forEach((value, i) => {
    total += value;
    weighted += BigInt(i + 1) * value;
  });
  if (total === 0n) return 0;
  return ratio(2n * weighted - (n + 1n) * total, n * total);
}

export interface GapStats {
  /** Mean of |gap| over the series, bps. */
  meanAbsBps: number;
  /** Largest |gap|, bps. */
  maxAbsBps: number;
  /** The last gap, signed, bps (0 for an empty series). */
  finalBps: number;
}

/** Statistics of the signed curve↔pool gap series (steps.csv `gapBps`). */
export function gapStats(gapBps: readonly bigint[]): GapStats {
  if (gapBps.length === 0) return { meanAbsBps: 0, maxAbsBps: 0, finalBps: 0 };
  let sumAbs = 0n;
  let maxAbs = 0n;
  for (const gap of gapBps) {
    const abs = gap < 0n ? -gap : gap;
    sumAbs += abs;
    if (abs > maxAbs) maxAbs = abs;
  }
  return {
    meanAbsBps: ratio(sumAbs, BigInt(gapBps.length)),
    maxAbsBps: Number(maxAbs),
    finalBps: Number(gapBps[gapBps.length - 1]),
  };
}
