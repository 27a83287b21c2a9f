// Quotes a behaviour can compute from its Observation alone. The pool's are exact (the contract's
// Uniswap V2 integer formulas, mirrored in bigint); the curve's are float64 estimates of the closed-form
// integrals, good to ~1e-12 relative, for sizing trades and setting slippage limits. For an exact curve
// quote a behaviour asks the Quoter (the contract's own view functions).

import type { CurveState, GasTerms, Holdings, PoolState } from "./types.ts";

export const BPS = 10_000n;
export const WAD = 10n ** 18n;
const WAD_NUM = 1e18;
/** Quote units per whole quote (the test stablecoin has 6 decimals). */
export const QUOTE_UNIT = 1_000_000n;
const QUOTE_UNIT_NUM = 1e6;
const TOKEN_NUM = 1e18;

/* POOL: exact */

/** Tokens or quote out for `amountIn` in, exactly as `ConstantProductPool.getAmountOut`; 0 when it would revert. */
export function poolAmountOut(pool: PoolState, sell: "token" | "quote", amountIn: bigint): bigint {
  const [reserveIn, reserveOut] = sell === "token" ? [pool.reserveToken, pool.reserveQuote] : [pool.reserveQuote, pool.reserveToken];
  if (amountIn <= 0n || reserveIn === 0n || reserveOut === 0n) return 0n;
  const inAfterFee = amountIn * (BPS - BigInt(pool.feeBps));
  return (inAfterFee * reserveOut) / (reserveIn * BPS + inAfterFee);
}

/** What must go in to get `amountOut` out, exactly as `ConstantProductPool.getAmountIn`; undefined when the pool cannot pay it. */
export function poolAmountIn(pool: PoolState, buy: "token" | "quote", amountOut: bigint): bigint | undefined {
  const [reserveIn, reserveOut] = buy === "token" ? [pool.reserveQuote, pool.reserveToken] : [pool.reserveToken, pool.reserveQuote];
  if (amountOut <= 0n || reserveIn === 0n || reserveOut <= amountOut) return undefined;
  return (reserveIn * amountOut * BPS) / ((reserveOut - amountOut) * (BPS - BigInt(pool.feeBps))) + 1n;
}

/** The pool after a swap of `amountIn` (fees stay in the pool, as in the contract). */
export function poolAfterSwap(pool: PoolState, sell: "token" | "quote", amountIn: bigint): PoolState {
  const out = poolAmountOut(pool, sell, amountIn);
  const reserveToken = sell === "token" ? pool.reserveToken + amountIn : pool.reserveToken - out;
  const reserveQuote = sell === "token" ? pool.reserveQuote - out : pool.reserveQuote + amountIn;
  return { ...pool, reserveToken, reserveQuote, priceWad: poolPriceWad(reserveToken, reserveQuote) };
}

/** reserveQuote / reserveToken as WAD quote value per whole token (the contract's `priceWad`). */
export function poolPriceWad(reserveToken: bigint, reserveQuote: bigint): bigint {
  if (reserveToken === 0n) return 0n;
  return (reserveQuote * 10n ** 30n) / reserveToken;
}

/* CURVE: float estimates */

function num(x: bigint): number {
  return Number(x);
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** ∫ price over [from, from + amount] in whole quote (float), with the renormalisation scale. */
export function curveIntegral(curve: CurveState, from: bigint, amount: bigint): number {
  const a = num(from) / TOKEN_NUM;
  const b = num(from + amount) / TOKEN_NUM;
  const [p1, p2, p3, p4] = curve.params.map((p) => num(p) / WAD_NUM) as [number, number, number, number];
  const scale = num(curve.scaleWad) / WAD_NUM;
  let raw: number;
  switch (curve.kind) {
    case "linear":
      raw = (p1 * (b * b - a * a)) / 2 + p2 * (b - a);
      break;
    case "exponential":
      raw = (p1 / p2) * (Math.exp(p2 * b) - Math.exp(p2 * a));
      break;
    case "sigmoid":
      raw = (p1 / p2) * (softplus(p2 * (b - p3)) - softplus(p2 * (a - p3))) + p4 * (b - a);
      break;
  }
  return raw * scale;
}

/** Marginal price at `supply`, whole quote per whole token (float). */
export function curvePriceAt(curve: CurveState, supply: bigint): number {
  const s = num(supply) / TOKEN_NUM;
  const [p1, p2, p3, p4] = curve.params.map((p) => num(p) / WAD_NUM) as [number, number, number, number];
  const scale = num(curve.scaleWad) / WAD_NUM;
  switch (curve.kind) {
    case "linear":
      return (p1 * s + p2) * scale;
    case "exponential":
      return p1 * Math.exp(p2 * s) * scale;
    case "sigmoid":
      return (p1 / (1 + Math.exp(-p2 * (s - p3))) + p4) * scale;
  }
}

function toQuoteUnits(value: number, roundUp: boolean): bigint {
  const units = value * QUOTE_UNIT_NUM;
  if (!Number.isFinite(units) || units < 0) return 0n;
  return BigInt(roundUp ? Math.ceil(units) : Math.floor(units));
}

/** Estimated quote units a buy of `amount` tokens costs, fee included. */
export function estimateBuyCost(curve: CurveState, amount: bigint): bigint {
  if (amount <= 0n) return 0n;
  const cost = toQuoteUnits(curveIntegral(curve, curve.supply, amount), true);
  return cost + ceilDiv(cost * BigInt(curve.buyFeeBps), BPS);
}

/** Estimated quote units a sale of `amount` tokens returns, fee taken. */
export function estimateSellRefund(curve: CurveState, amount: bigint): bigint {
  if (amount <= 0n || amount > curve.supply) return 0n;
  const refund = toQuoteUnits(curveIntegral(curve, curve.supply - amount, amount), false);
  return refund - ceilDiv(refund * BigInt(curve.sellFeeBps), BPS);
}

/** Estimated tokens `quoteIn` (fee included) buys on the curve. */
export function estimateTokensForQuote(curve: CurveState, quoteIn: bigint): bigint {
  if (quoteIn <= 0n) return 0n;
  const budget = num((quoteIn * BPS) / (BPS + BigInt(curve.buyFeeBps))) / QUOTE_UNIT_NUM;
  let lo = 0n;
  let hi = curve.maxSupply - curve.supply;
  if (hi <= 0n) return 0n;
  if (curveIntegral(curve, curve.supply, hi) <= budget) return hi;
  for (let i = 0; i < 200 && hi - lo > 1n; i++) {
    const mid = (lo + hi) / 2n;
    if (curveIntegral(curve, curve.supply, mid) <= budget) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The curve after a buy (+) or sell (−) of `amount` tokens, price re-estimated (fees ignored in the reserve). */
export function curveAfterTrade(curve: CurveState, delta: bigint): CurveState {
  const supply = curve.supply + delta;
  const priceWad = BigInt(Math.floor(curvePriceAt(curve, supply) * WAD_NUM));
  return { ...curve, supply, priceWad };
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
