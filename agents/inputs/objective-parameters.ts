// The store parameters an objective's metric depends on: the keys a protocol-owned agent tunes when
// its scenario does not list them. Every trading metric depends on both venues' fees and the curve,
// because the arbitrageur ties the pool to the curve: the pool's fee moves the curve's volatility as
// surely as the curve's own fees do. The treasury's revenue also depends on its share of the fees;
// solvency only on the curve and the market (the pool holds none of the reserve).

import type { ObjectiveMetric } from "./governance-types.ts";

/** A key, or a prefix ending in "." naming every key of a section ("curve."). */
const TRADING = ["curve.", "market.buyFeeBps", "market.sellFeeBps", "pool.feeBps"] as const;

export const OBJECTIVE_DEPENDENCIES: Record<ObjectiveMetric, readonly string[]> = {
  curveVolatilityBps: TRADING,
  poolVolatilityBps: TRADING,
  meanGapBps: TRADING,
  curveVolumeQuote: TRADING,
  treasuryRevenueQuote: [...TRADING, "market.treasuryShareBps"],
  minSolvencyRatio: ["curve.", "market."],
};

/** The keys of `storeKeys` (in their order) that `metric` depends on. */
export function objectiveParameters(metric: ObjectiveMetric, storeKeys: readonly string[]): string[] {
  const patterns = OBJECTIVE_DEPENDENCIES[metric];
  return storeKeys.filter((key) => patterns.some((p) => (p.endsWith(".") ? key.startsWith(p) : key === p)));
}
