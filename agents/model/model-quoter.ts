// Exact curve quotes with no chain call: the Quoter a behaviour gets, answered by the fast model from
// the step's CurveState. Equal to the market's view functions at the state observed (the model is
// tested against them to the wei), and a quote the contract would refuse throws the same ModelRevert.

import type { CurveState, Quoter } from "../harness/types.ts";
import { MarketModel } from "./market-model.ts";

/** A Quoter over `curve` (a quote token of `quoteDecimals` decimals). */
export function modelQuoter(curve: CurveState, quoteDecimals = 6): Quoter {
  const market = MarketModel.fromCurveState(curve, quoteDecimals);
  return {
    curveBuyExactTokens: async (amount) => market.quoteBuyExactTokens(amount),
    curveBuyExactQuote: async (quoteIn) => market.quoteBuyExactQuote(quoteIn),
    curveSell: async (amount) => market.quoteSell(amount),
  };
}
