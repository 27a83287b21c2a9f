// Exact curve quotes with no chain call: the Quoter a behaviour gets, answered by the fast model from
// the step's CurveState. Equal to the market's view functions at the state observed (the model is
// tested against them to the wei), and a quote the contract would refuse throws the same ModelRevert.

import { MarketModel } from "./model.ts";
import type { CurveState } from "./state.ts";

/** Exact quotes against the state at the start of the step (the market's own view functions). */
export interface Quoter {
  curveBuyExactTokens(amount: bigint): Promise<{ cost: bigint; fee: bigint }>;
  curveBuyExactQuote(quoteIn: bigint): Promise<{ amount: bigint; fee: bigint }>;
  curveSell(amount: bigint): Promise<{ refund: bigint; fee: bigint }>;
}

/** A Quoter over `curve` (a quote token of `quoteDecimals` decimals). */
export function modelQuoter(curve: CurveState, quoteDecimals = 6): Quoter {
  const market = MarketModel.fromCurveState(curve, quoteDecimals);
  return {
    curveBuyExactTokens: async (amount) => market.quoteBuyExactTokens(amount),
    curveBuyExactQuote: async (quoteIn) => market.quoteBuyExactQuote(quoteIn),
    curveSell: async (amount) => market.quoteSell(amount),
  };
}
