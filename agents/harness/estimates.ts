// Arithmetic a behaviour can do on its Observation alone: the pool's quotes, exact (the contract's
// Uniswap V2 integer formulas, mirrored in bigint, answering 0 or undefined where the contract would
// revert), slippage limits, gas and mark-to-market value. The curve's exact quotes are the fast
// model's (agents/behaviours/curve-quotes.ts).

import type { CurveState, GasTerms, Holdings, PoolState } from "./types.ts";
import { BPS, WAD } from "../core/units.ts";

/* POOL: exact */

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

/* SLIPPAGE, GAS, VALUE */

export function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

/** `value` plus `bps` of it, rounded up: a maximum to pay. */
export function plusBps(value: bigint, bps: number): bigint {
  return ceilDiv(value * (BPS + BigInt(bps)), BPS);
}

/** `value` minus `bps` of it, rounded down: a minimum to accept. */
export function minusBps(value: bigint, bps: number): bigint {
  return (value * (BPS - BigInt(bps))) / BPS;
}

/** Quote units worth of `tokens` at a WAD price per whole token, rounded down. */
export function tokensToQuote(tokens: bigint, priceWad: bigint): bigint {
  return (tokens * priceWad) / (WAD * 10n ** 12n);
}

/** Tokens (wei) `quote` units buy at a WAD price per whole token, rounded down; 0 at a zero price. */
export function quoteToTokens(quote: bigint, priceWad: bigint): bigint {
  return priceWad === 0n ? 0n : (quote * WAD * 10n ** 12n) / priceWad;
}

/** Signed gap (pool − curve) / curve in bps; 0 when either price is 0. */
export function gapBps(curvePriceWad: bigint, poolPriceWad: bigint): number {
  if (curvePriceWad === 0n || poolPriceWad === 0n) return 0;
  return Number(((poolPriceWad - curvePriceWad) * BPS) / curvePriceWad);
}

/** Quote units `gasUnits` cost at the step's gas terms (base + priority fee, valued at ethPriceQuote). */
export function gasCostQuote(gasUnits: bigint, gas: GasTerms, priorityFeeWei: bigint = gas.priorityFeeWei): bigint {
  return weiToQuote(gasUnits * (gas.baseFeeWei + priorityFeeWei), gas.ethPriceQuote);
}

/** Quote units `wei` of ETH is worth at `ethPriceQuote` quote units per ETH, rounded up. */
export function weiToQuote(wei: bigint, ethPriceQuote: bigint): bigint {
  return ceilDiv(wei * ethPriceQuote, WAD);
}

/** Mark-to-market value in quote units: quote + tokens at the curve price + the LP share of the pool. */
export function markToMarket(holdings: Holdings, curve: CurveState, pool: PoolState): bigint {
  let value = holdings.quote + tokensToQuote(holdings.tokens, curve.priceWad);
  if (holdings.lp > 0n && pool.totalLiquidity > 0n) {
    const lpTokens = (pool.reserveToken * holdings.lp) / pool.totalLiquidity;
    const lpQuote = (pool.reserveQuote * holdings.lp) / pool.totalLiquidity;
    value += lpQuote + tokensToQuote(lpTokens, curve.priceWad);
  }
  return value;
}
