// What a holding is worth, the one rule every PnL, leaderboard and vote is measured by: quote at
// face value, tokens at the curve's price, and pool shares as their part of the pool's reserves.

import { tokensToQuote } from "../core/units.ts";
import type { CurveState } from "./market/state.ts";
import type { PoolState } from "./pool/state.ts";
import type { Holdings } from "./vocabulary.ts";

/** Mark-to-market value in quote units: quote + tokens (held and staked) at the curve price + the LP share of the pool. */
export function markToMarket(holdings: Holdings, curve: CurveState, pool: PoolState): bigint {
  let value = holdings.quote + tokensToQuote(holdings.tokens + (holdings.staked ?? 0n), curve.priceWad);
  if (holdings.lp > 0n && pool.totalLiquidity > 0n) {
    const lpTokens = (pool.reserveToken * holdings.lp) / pool.totalLiquidity;
    const lpQuote = (pool.reserveQuote * holdings.lp) / pool.totalLiquidity;
    value += lpQuote + tokensToQuote(lpTokens, curve.priceWad);
  }
  return value;
}
