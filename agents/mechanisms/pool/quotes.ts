// The pool's quotes, exact: the contract's Uniswap V2 integer formulas mirrored in bigint, answering 0
// or undefined where the contract would revert. A behaviour prices pool trades with these on its
// Observation alone.

import { BPS } from "../../core/units.ts";
import type { PoolState } from "./state.ts";

/** Tokens or quote out for `amountIn` in, exactly as `ConstantProductPool.getAmountOut`; 0 when it would revert. */
export function poolAmountOut(pool: PoolState, sell: "token" | "quote", amountIn: bigint): bigint {
  const [reserveIn, reserveOut] =
    sell === "token" ? [pool.reserveToken, pool.reserveQuote] : [pool.reserveQuote, pool.reserveToken];
  if (amountIn <= 0n || reserveIn === 0n || reserveOut === 0n) return 0n;
  const inAfterFee = amountIn * (BPS - BigInt(pool.feeBps));
  return (inAfterFee * reserveOut) / (reserveIn * BPS + inAfterFee);
}

/** What must go in to get `amountOut` out, exactly as `ConstantProductPool.getAmountIn`; undefined when the pool cannot pay it. */
export function poolAmountIn(pool: PoolState, buy: "token" | "quote", amountOut: bigint): bigint | undefined {
  const [reserveIn, reserveOut] =
    buy === "token" ? [pool.reserveQuote, pool.reserveToken] : [pool.reserveToken, pool.reserveQuote];
  if (amountOut <= 0n || reserveIn === 0n || reserveOut <= amountOut) return undefined;
  return (reserveIn * amountOut * BPS) / ((reserveOut - amountOut) * (BPS - BigInt(pool.feeBps))) + 1n;
}

/** Signed gap (pool − curve) / curve in bps; 0 when either price is 0. */
export function gapBps(curvePriceWad: bigint, poolPriceWad: bigint): number {
  if (curvePriceWad === 0n || poolPriceWad === 0n) return 0;
  return Number(((poolPriceWad - curvePriceWad) * BPS) / curvePriceWad);
}
