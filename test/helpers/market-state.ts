// Reads the deployed market and pool into the harness's CurveState and PoolState, and answers a
// Quoter from the market's own view functions, so behaviours and estimates can be checked against
// the real contracts.

import type { Deployment } from "../../agents/deploy/deploy.ts";
import type { Quoter } from "../../agents/mechanisms/market/quoter.ts";
import type { PoolState } from "../../agents/mechanisms/pool/state.ts";
import type { CurveKind, CurveState } from "../../agents/mechanisms/market/state.ts";

const CURVE_KINDS: readonly CurveKind[] = ["linear", "exponential", "sigmoid"];

export async function readCurveState(deployment: Deployment): Promise<CurveState> {
  const { market, quote } = deployment.contracts;
  const [kindId, params, scaleWad, priceWad, supply, maxSupply, reserve, fees, paused, balance] = await Promise.all([
    market.curveKind(),
    market.curveParameters(),
    market.scaleWad(),
    market.priceWad(),
    market.supply(),
    market.maxSupply(),
    market.reserve(),
    market.fees(),
    market.paused(),
    quote.balanceOf(deployment.addresses.market),
  ]);
  return {
    kind: CURVE_KINDS[Number(kindId)]!,
    params: [params[0], params[1], params[2], params[3]],
    scaleWad,
    priceWad,
    supply,
    maxSupply,
    reserve,
    treasuryAccrued: balance - reserve,
    buyFeeBps: Number(fees[0]),
    sellFeeBps: Number(fees[1]),
    treasuryShareBps: Number(fees[2]),
    paused,
  };
}

export async function readPoolState(deployment: Deployment): Promise<PoolState> {
  const { pool } = deployment.contracts;
  const [[reserveToken, reserveQuote], feeBps, priceWad, totalLiquidity] = await Promise.all([
    pool.getReserves(),
    pool.feeBps(),
    pool.priceWad(),
    pool.totalSupply(),
  ]);
  return { reserveToken, reserveQuote, feeBps: Number(feeBps), priceWad, totalLiquidity };
}

/** A Quoter over the market's quote functions at the chain's current state, counting its calls. */
export function marketQuoter(deployment: Deployment): Quoter & { calls: number } {
  const { market } = deployment.contracts;
  const quoter = {
    calls: 0,
    async curveBuyExactTokens(amount: bigint) {
      quoter.calls++;
      const [cost, fee] = await market.quoteBuyExactTokens(amount);
      return { cost, fee };
    },
    async curveBuyExactQuote(quoteIn: bigint) {
      quoter.calls++;
      const [amount, fee] = await market.quoteBuyExactQuote(quoteIn);
      return { amount, fee };
    },
    async curveSell(amount: bigint) {
      quoter.calls++;
      const [refund, fee] = await market.quoteSell(amount);
      return { refund, fee };
    },
  };
  return quoter;
}
