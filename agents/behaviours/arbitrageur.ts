// The arbitrageur links the bonding curve and the pool. When the pool pays more for a token than
// the curve charges (after both fees), it buys on the curve and sells into the pool; when the curve
// refunds more than the pool charges, it buys on the pool and sells to the curve. Both legs go out
// in one step, buy leg first: same block, same sender, so nonce order puts the first leg's output in
// the wallet before the second leg spends it.
//
// Sizing: the profit out − in is concave in the trade size, so a golden-section search finds the
// best size within the budget, min(maxTradeQuote, quote held), on exact quotes (the pool's integer
// formulas, the curve's fast model: curve-quotes.ts). It trades only when out − in − gas of both legs
// ≥ minProfitQuote at the observed state.
//
// Limits: every limit is set so that, if both legs execute, the profit is at least minProfitQuote:
// the second leg's minimum out is what the first leg may pay at most, plus gas, plus minProfitQuote.

import { minusBps, plusBps } from "../core/units.ts";
import { UNITS } from "../inputs/scenario-reader.ts";
import { poolAmountOut } from "../mechanisms/pool/quotes.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour } from "./behaviour.ts";
import { checkCommon, checkMinProfit, checkPositiveAmount } from "./config-checks.ts";
import { buyCost, marketOf, sellRefund, tokensFor } from "./curve-quotes.ts";
import { quoteText, tokensText } from "./notes.ts";
import { maximiseConcaveWhole } from "./search.ts";
import { amount, type BehaviourSpec, type CommonConfig } from "./spec.ts";
import { gasCostQuote } from "./trade.ts";

/** Buys on the cheaper venue and sells on the dearer one, sized with exact quotes, only when profitable after fees and gas. */
export interface ArbitrageurConfig extends CommonConfig {
  kind: "arbitrageur";
  /** Smallest profit worth a trade, after fees and gas (quote units). */
  minProfitQuote: bigint;
  /** Largest quote committed to one arbitrage (quote units). */
  maxTradeQuote: bigint;
}

export const arbitrageur: BehaviourSpec<ArbitrageurConfig> = {
  kind: "arbitrageur",
  summary: "buys on the cheaper venue, sells on the dearer",
  fields: [
    amount(
      "minProfitQuote",
      UNITS.quoteOrZero,
      'smallest profit worth a trade after fees and gas, quote (may be `"0"`)',
    ),
    amount("maxTradeQuote", UNITS.quote, "largest quote committed to one arbitrage"),
  ],
  create: createArbitrageur,
};

export type ArbitrageDirection = "curveToPool" | "poolToCurve";

/** One arbitrage, priced exactly against the step's state. */
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
    step(obs: Observation): Intent[] {
      const plan = planArbitrage(obs, config);
      return plan === undefined ? [] : [...plan.intents];
    },
  };
}

/** The most profitable arbitrage at this step, or undefined when none clears minProfitQuote. */
export function planArbitrage(obs: Observation, config: ArbitrageurConfig): ArbitragePlan | undefined {
  const { curve, pool } = obs;
  if (curve.paused || pool.reserveToken === 0n || pool.reserveQuote === 0n) return undefined;
  const budget = min(config.maxTradeQuote, obs.self.holdings.quote);
  if (budget <= 0n) return undefined;
  if (pool.priceWad > curve.priceWad) return planCurveToPool(obs, config, budget);
  if (pool.priceWad < curve.priceWad) return planPoolToCurve(obs, config, budget);
  return undefined;
}

/* CURVE → POOL: buy exact tokens on the curve, swap them into the pool */

function planCurveToPool(obs: Observation, config: ArbitrageurConfig, budget: bigint): ArbitragePlan | undefined {
  const { curve, pool } = obs;
  const priorityFeeWei = config.priorityFeeWei ?? obs.gas.priorityFeeWei;
  const gasQuote = gasCostQuote(obs.gas.limits.buyCurve + obs.gas.limits.swap, obs.gas, priorityFeeWei);
  const floor = config.minProfitQuote + gasQuote;

  const market = marketOf(curve);
  // The most the budget buys (what it buys costs at most the budget), so no size searched is unaffordable.
  const maxTokens = tokensFor(market, budget);
  if (maxTokens <= 0n) return undefined;
  const costOf = (tokens: bigint) => buyCost(market, tokens)!;
  const grossAt = (tokens: bigint) => poolAmountOut(pool, "token", tokens) - costOf(tokens);
  const tokens = maximiseConcaveWhole((x) => Number(grossAt(x)), 0n, maxTokens);
  if (tokens <= 0n) return undefined;
  const cost = costOf(tokens);
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

function planPoolToCurve(obs: Observation, config: ArbitrageurConfig, budget: bigint): ArbitragePlan | undefined {
  const { curve, pool } = obs;
  const priorityFeeWei = config.priorityFeeWei ?? obs.gas.priorityFeeWei;
  const gasQuote = gasCostQuote(obs.gas.limits.swap + obs.gas.limits.sellCurve, obs.gas, priorityFeeWei);
  const floor = config.minProfitQuote + gasQuote;

  const market = marketOf(curve);
  /** The refund for the tokens `quoteIn` buys in the pool; undefined when the curve cannot take them. */
  const refundFor = (quoteIn: bigint) => sellRefund(market, poolAmountOut(pool, "quote", quoteIn));
  const grossAt = (quoteIn: bigint) => {
    const refund = refundFor(quoteIn);
    return refund === undefined ? -Infinity : Number(refund - quoteIn);
  };
  const quoteIn = maximiseConcaveWhole(grossAt, 0n, budget);
  const tokens = poolAmountOut(pool, "quote", quoteIn);
  if (quoteIn <= 0n || tokens <= 0n) return undefined;
  const refund = refundFor(quoteIn);
  if (refund === undefined) return undefined;
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
