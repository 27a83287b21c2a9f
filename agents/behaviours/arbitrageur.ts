// The arbitrageur links the bonding curve and the pool. When the pool pays more for a token than
// the curve charges (after both fees), it buys on the curve and sells into the pool; when the curve
// refunds more than the pool charges, it buys on the pool and sells to the curve. Both legs go out
// in one step, buy leg first: same block, same sender, so nonce order puts the first leg's output in
// the wallet before the second leg spends it.
//
// Sizing: the profit out − in is concave in the trade size, so a golden-section search on float
// estimates (the pool's exact bigint math, the curve's float integrals) finds the best size within
// the budget, min(maxTradeQuote, quote held). That size alone is then priced with the contract's own
// quote (one Quoter call, a few more only when rounding pushes the cost past the budget) and traded
// only when out − in − gas of both legs ≥ minProfitQuote.
//
// Limits: every limit is set so that, if both legs execute, the profit is at least minProfitQuote:
// the second leg's minimum out is what the first leg may pay at most, plus gas, plus minProfitQuote.

import type { ArbitrageurConfig } from "../scenario/behaviour-configs.ts";
import {
  estimateBuyCost,
  estimateSellRefund,
  estimateTokensForQuote,
  gasCostQuote,
  minusBps,
  plusBps,
  poolAmountOut,
} from "../harness/estimates.ts";
import type { Behaviour, DecideContext, Intent, Observation, Quoter } from "../harness/types.ts";
import { checkCommon, checkMinProfit, checkPositiveAmount } from "./config-checks.ts";
import { quoteText, tokensText } from "./notes.ts";
import { maximiseConcave } from "./search.ts";

/** Exact-quote attempts when the contract's rounding puts the cost just over the budget. */
const MAX_BUDGET_RETRIES = 3;

export type ArbitrageDirection = "curveToPool" | "poolToCurve";

/** One arbitrage, as priced with exact quotes against the step's state. */
export interface ArbitragePlan {
  direction: ArbitrageDirection;
  /** Quote paid by the first leg (curve cost with fee, or pool amount in). */
  quoteIn: bigint;
  /** Tokens passed from the first leg to the second. */
  tokens: bigint;
  /** Quote the second leg returns (pool amount out, or curve refund after fee). */
  quoteOut: bigint;
  /** Quote value of the gas of both legs at the step's gas terms. */
  gasQuote: bigint;
  /** quoteOut − quoteIn − gasQuote. */
  profit: bigint;
  /** The two legs, buy leg first. */
  intents: [Intent, Intent];
}

export function createArbitrageur(config: ArbitrageurConfig): Behaviour {
  checkCommon(config);
  checkPositiveAmount(config, "maxTradeQuote", config.maxTradeQuote, "quote units");
  checkMinProfit(config, "a trade");
  return {
    kind: "arbitrageur",
    label: config.label,
    async step(obs: Observation, ctx: DecideContext): Promise<Intent[]> {
      const plan = await planArbitrage(obs, ctx.quoter, config);
      return plan === undefined ? [] : [...plan.intents];
    },
  };
}

/** The most profitable arbitrage at this step, or undefined when none clears minProfitQuote. */
export async function planArbitrage(obs: Observation, quoter: Quoter, config: ArbitrageurConfig): Promise<ArbitragePlan | undefined> {
  const { curve, pool } = obs;
  if (curve.paused || pool.reserveToken === 0n || pool.reserveQuote === 0n) return undefined;
  const budget = min(config.maxTradeQuote, obs.self.holdings.quote);
  if (budget <= 0n) return undefined;
  if (pool.priceWad > curve.priceWad) return planCurveToPool(obs, quoter, config, budget);
  if (pool.priceWad < curve.priceWad) return planPoolToCurve(obs, quoter, config, budget);
  return undefined;
}

/* CURVE → POOL: buy exact tokens on the curve, swap them into the pool */

async function planCurveToPool(obs: Observation, quoter: Quoter, config: ArbitrageurConfig, budget: bigint): Promise<ArbitragePlan | undefined> {
  const { curve, pool } = obs;
  const priorityFeeWei = config.priorityFeeWei ?? obs.gas.priorityFeeWei;
  const gasQuote = gasCostQuote(obs.gas.limits.buyCurve + obs.gas.limits.swap, obs.gas, priorityFeeWei);
  const floor = config.minProfitQuote + gasQuote;

  const maxTokens = min(estimateTokensForQuote(curve, budget), curve.maxSupply - curve.supply);
  if (maxTokens <= 0n) return undefined;
  const grossAt = (tokens: bigint) => poolAmountOut(pool, "token", tokens) - estimateBuyCost(curve, tokens);
  let tokens = BigInt(Math.floor(maximiseConcave((x) => Number(grossAt(BigInt(Math.floor(x)))), 0, Number(maxTokens))));
  if (tokens <= 0n || grossAt(tokens) < floor) return undefined;

  let { cost } = await quoter.curveBuyExactTokens(tokens);
  for (let retry = 0; cost > budget && retry < MAX_BUDGET_RETRIES; retry++) {
    // Scale down to the budget, a hair more than proportionally (the cost is convex).
    tokens = (tokens * budget * 999_999n) / (cost * 1_000_000n);
    if (tokens <= 0n) return undefined;
    ({ cost } = await quoter.curveBuyExactTokens(tokens));
  }
  if (cost > budget) return undefined;
  const quoteOut = poolAmountOut(pool, "token", tokens);
  const profit = quoteOut - cost - gasQuote;
  if (profit < config.minProfitQuote) return undefined;

  const maxCost = min(plusBps(cost, config.slippageBps), budget, quoteOut - floor);
  const minOut = max(minusBps(quoteOut, config.slippageBps), maxCost + floor);
  const note = `arbitrage curve→pool: ${tokensText(tokens)}, expected profit ${quoteText(profit)}`;
  return {
    direction: "curveToPool",
    quoteIn: cost,
    tokens,
    quoteOut,
    gasQuote,
    profit,
    intents: [
      { kind: "buyCurve", amount: tokens, maxCost, note, ...fee(config) },
      { kind: "swap", sell: "token", amountIn: tokens, minOut, note, ...fee(config) },
    ],
  };
}

/* POOL → CURVE: swap quote for tokens in the pool, sell them to the curve */

async function planPoolToCurve(obs: Observation, quoter: Quoter, config: ArbitrageurConfig, budget: bigint): Promise<ArbitragePlan | undefined> {
  const { curve, pool } = obs;
  const priorityFeeWei = config.priorityFeeWei ?? obs.gas.priorityFeeWei;
  const gasQuote = gasCostQuote(obs.gas.limits.swap + obs.gas.limits.sellCurve, obs.gas, priorityFeeWei);
  const floor = config.minProfitQuote + gasQuote;

  const grossAt = (quoteIn: bigint) => estimateSellRefund(curve, poolAmountOut(pool, "quote", quoteIn)) - quoteIn;
  const quoteIn = BigInt(Math.floor(maximiseConcave((x) => Number(grossAt(BigInt(Math.floor(x)))), 0, Number(budget))));
  if (quoteIn <= 0n || grossAt(quoteIn) < floor) return undefined;

  const tokens = poolAmountOut(pool, "quote", quoteIn);
  if (tokens <= 0n) return undefined;
  const { refund } = await quoter.curveSell(tokens);
  const profit = refund - quoteIn - gasQuote;
  if (profit < config.minProfitQuote) return undefined;

  // The second leg sells exactly the first leg's output at the observed state. The first leg may
  // deliver less (someone swapped first) only by as much as the wallet already holds, so the sale
  // is always covered.
  const minTokensOut = max(minusBps(tokens, config.slippageBps), tokens - obs.self.holdings.tokens, 1n);
  const minRefund = max(minusBps(refund, config.slippageBps), quoteIn + floor);
  const note = `arbitrage pool→curve: ${tokensText(tokens)}, expected profit ${quoteText(profit)}`;
  return {
    direction: "poolToCurve",
    quoteIn,
    tokens,
    quoteOut: refund,
    gasQuote,
    profit,
    intents: [
      { kind: "swap", sell: "quote", amountIn: quoteIn, minOut: minTokensOut, note, ...fee(config) },
      { kind: "sellCurve", amount: tokens, minRefund, note, ...fee(config) },
    ],
  };
}

function fee(config: ArbitrageurConfig): { priorityFeeWei?: bigint } {
  return config.priorityFeeWei === undefined ? {} : { priorityFeeWei: config.priorityFeeWei };
}

function min(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b < a ? b : a));
}

function max(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b > a ? b : a));
}
