// What agents see of the constant-product pool at the start of a step.

/** The constant-product pool at the start of the step. */
export interface PoolState {
  reserveToken: bigint;
  reserveQuote: bigint;
  feeBps: number;
  /** reserveQuote / reserveToken as a WAD price per whole token; 0 when the pool is empty. */
  priceWad: bigint;
  /** Total LP shares. */
  totalLiquidity: bigint;
}
