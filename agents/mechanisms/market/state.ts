// What agents see of the bonding-curve market at the start of a step.

export type CurveKind = "linear" | "exponential" | "sigmoid";

/** The Solidity enum CurveKind (contracts/libraries/CurveTypes.sol). */
export const CURVE_KIND_IDS: Readonly<Record<CurveKind, number>> = { linear: 0, exponential: 1, sigmoid: 2 };
export const CURVE_KINDS: readonly CurveKind[] = ["linear", "exponential", "sigmoid"];

/** The bonding-curve market at the start of the step. */
export interface CurveState {
  kind: CurveKind;
  /** The curve's raw parameters (WAD): linear (slope, basePrice, 0, 0); exponential (initialPrice,
   * growthRate, 0, 0); sigmoid (maxPrice, steepness, midpoint, basePrice). Prices are multiplied by
   * `scaleWad` after a renormalisation. */
  params: readonly [bigint, bigint, bigint, bigint];
  scaleWad: bigint;
  /** Marginal price at the current supply. */
  priceWad: bigint;
  /** Token supply, token wei. */
  supply: bigint;
  maxSupply: bigint;
  /** Quote units backing the curve. */
  reserve: bigint;
  /** Quote units of fees owed to the treasury, not yet collected. */
  treasuryAccrued: bigint;
  buyFeeBps: number;
  sellFeeBps: number;
  treasuryShareBps: number;
  paused: boolean;
}
