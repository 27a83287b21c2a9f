// Exact curve quotes for behaviours, from the observation's CurveState alone: the fast model
// (agents/model/market-model.ts), which equals the market's view functions and trades to the wei
// (test/model-differential.test.ts). Synchronous and without a chain call, so a behaviour can quote
// inside a search. Where the contract would revert (past the max supply, more than the supply, a
// limit missed), the helpers here answer undefined, and the behaviour skips that trade.

import { QUOTE_DECIMALS } from "../core/units.ts";
import type { CurveState } from "../mechanisms/market/state.ts";
import { MarketModel } from "../mechanisms/market/model.ts";
import { ModelRevert } from "../core/model-revert.ts";
import { MAX_UINT256 } from "../core/units.ts";

/** The market an observation shows, as a model to quote on or to trade on (a copy: trading on it changes nothing else). */
export function marketOf(curve: CurveState): MarketModel {
  return MarketModel.fromCurveState(curve, QUOTE_DECIMALS);
}

/** `action()`, or undefined where the contract would revert (a ModelRevert); other errors are bugs and propagate. */
export function unlessReverts<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch (error) {
    if (error instanceof ModelRevert) return undefined;
    throw error;
  }
}

/** Quote units buying exactly `amount` tokens costs, fee included; undefined past the max supply. */
export function buyCost(market: MarketModel, amount: bigint): bigint | undefined {
  return unlessReverts(() => market.quoteBuyExactTokens(amount).cost);
}

/** Tokens `quoteIn` (fee included) buys; what it buys costs at most `quoteIn` (the contract's rounding). */
export function tokensFor(market: MarketModel, quoteIn: bigint): bigint {
  if (quoteIn <= 0n) return 0n;
  return unlessReverts(() => market.quoteBuyExactQuote(quoteIn).amount) ?? 0n;
}

/** Quote units selling `amount` tokens returns, fee taken; undefined beyond the supply or the reserve. */
export function sellRefund(market: MarketModel, amount: bigint): bigint | undefined {
  if (amount <= 0n) return undefined; // the sale reverts ZeroAmount; the view would answer 0
  const quoted = unlessReverts(() => market.quoteSell(amount));
  // The sale, unlike the view, also needs the reserve to pay the refund before the fee.
  if (quoted === undefined || quoted.refund + quoted.fee > market.state.reserve) return undefined;
  return quoted.refund;
}

/** A limit that never binds, for a trade whose limit the caller sets afterwards. */
export const NO_LIMIT = MAX_UINT256;

/** `before` with the supply, reserve, accrual, scale, pause and price of `market` (after trades on it). */
export function curveStateOf(market: MarketModel, before: CurveState): CurveState {
  const s = market.state;
  return {
    ...before,
    supply: s.supply,
    reserve: s.reserve,
    treasuryAccrued: s.treasuryAccrued,
    scaleWad: s.scaleWad,
    paused: s.paused,
    priceWad: market.priceWad(),
  };
}
