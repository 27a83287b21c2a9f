// Turns "trade this much on that venue" into the Intent that does it, with slippage limits from the
// observation's own quotes, exact on both venues: the pool's integer formulas, and the curve's from
// the fast model (curve-quotes.ts).
// Every rule-based behaviour sizes its trades here, so they all agree on what a limit means and on
// when a trade is impossible: then the helpers return undefined and the behaviour skips it, rather
// than sending a transaction that can only revert.

import { minusBps, plusBps, quoteToTokens, weiToQuote } from "../core/units.ts";
import { poolAmountIn, poolAmountOut } from "../mechanisms/pool/quotes.ts";
import { BPS } from "../core/units.ts";
import type { Intent, Observation, Venue } from "../mechanisms/vocabulary.ts";
import type { IntentBase } from "../core/types.ts";
import type { PoolState } from "../mechanisms/pool/state.ts";
import { PoolModel } from "../mechanisms/pool/model.ts";
import type { CommonConfig } from "./spec.ts";
import { buyCost, curveStateOf, marketOf, sellRefund, tokensFor, unlessReverts } from "./curve-quotes.ts";
import { type GasTerms } from "../mechanisms/vocabulary.ts";

/** How much to buy: quote units to spend, or token wei to receive. */
export type TradeSize = { quote: bigint } | { tokens: bigint };

/** The intents that buy or sell tokens. */
export type TradeIntent = Extract<Intent, { kind: "buyCurve" | "buyCurveWithQuote" | "sellCurve" | "swap" }>;

/** The venue's marginal price at the start of the step (WAD quote per whole token). */
export function venuePriceWad(obs: Observation, venue: Venue): bigint {
  return venue === "curve" ? obs.curve.priceWad : obs.pool.priceWad;
}

/** The venue's prices of earlier steps and now, oldest first, the current price last. */
export function venuePrices(obs: Observation, venue: Venue): bigint[] {
  return [...obs.history[venue], venuePriceWad(obs, venue)];
}

/** Tokens (wei) worth `quote` units at the venue's price; 0 when the venue has no price. */
export function tokensWorth(obs: Observation, venue: Venue, quote: bigint): bigint {
  return quoteToTokens(quote, venuePriceWad(obs, venue));
}

/** The note and, when the config sets one, the priority fee to put on an intent. */
export function intentBase(config: Pick<CommonConfig, "priorityFeeWei">, note: string): IntentBase {
  return config.priorityFeeWei === undefined ? { note } : { note, priorityFeeWei: config.priorityFeeWei };
}

/**
 * The intent that buys `size` on `venue`, its limit `slippageBps` worse than the quote:
 * - curve, quote: `buyCurveWithQuote`, minOut = exact tokens out − slippage;
 * - curve, tokens: `buyCurve`, maxCost = exact cost + slippage (capped at the quote held);
 * - pool, quote: `swap` of the quote, minOut = exact tokens out − slippage;
 * - pool, tokens: `swap` of the exact quote in for those tokens, minOut = tokens − slippage.
 * Undefined when it cannot be done: the curve is paused or would pass its max supply, the pool
 * cannot pay, nothing would come out, or it costs more quote than the agent holds.
 */
export function buyIntent(
  obs: Observation,
  venue: Venue,
  size: TradeSize,
  slippageBps: number,
  base: IntentBase = {},
): TradeIntent | undefined {
  checkSlippage(slippageBps);
  const held = obs.self.holdings.quote;
  if (venue === "curve") {
    if (obs.curve.paused) return undefined;
    if ("quote" in size) {
      if (size.quote <= 0n || size.quote > held) return undefined;
      const expected = tokensFor(marketOf(obs.curve), size.quote);
      const minOut = minusBps(expected, slippageBps);
      if (minOut === 0n) return undefined;
      return { kind: "buyCurveWithQuote", quoteIn: size.quote, minOut, ...base };
    }
    if (size.tokens <= 0n || obs.curve.supply + size.tokens > obs.curve.maxSupply) return undefined;
    const cost = buyCost(marketOf(obs.curve), size.tokens);
    if (cost === undefined || cost === 0n || cost > held) return undefined;
    // A limit above the balance would fail on the transfer instead of on the limit; same outcome, worse error.
    const maxCost = min(plusBps(cost, slippageBps), held);
    return { kind: "buyCurve", amount: size.tokens, maxCost, ...base };
  }
  if ("quote" in size) {
    if (size.quote <= 0n || size.quote > held) return undefined;
    const minOut = minusBps(poolAmountOut(obs.pool, "quote", size.quote), slippageBps);
    if (minOut === 0n) return undefined;
    return { kind: "swap", sell: "quote", amountIn: size.quote, minOut, ...base };
  }
  if (size.tokens <= 0n) return undefined;
  const quoteIn = poolAmountIn(obs.pool, "token", size.tokens);
  if (quoteIn === undefined || quoteIn > held) return undefined;
  const minOut = minusBps(size.tokens, slippageBps);
  if (minOut === 0n) return undefined;
  return { kind: "swap", sell: "quote", amountIn: quoteIn, minOut, ...base };
}

/**
 * The intent that sells `tokens` on `venue`, its limit `slippageBps` worse than the quote: `sellCurve`
 * with minRefund = exact refund − slippage, or a token `swap` with minOut = exact quote out −
 * slippage. Undefined when the agent holds fewer tokens, the curve is paused, or nothing would come out.
 */
export function sellIntent(
  obs: Observation,
  venue: Venue,
  tokens: bigint,
  slippageBps: number,
  base: IntentBase = {},
): TradeIntent | undefined {
  checkSlippage(slippageBps);
  if (tokens <= 0n || tokens > obs.self.holdings.tokens) return undefined;
  if (venue === "curve") {
    if (obs.curve.paused) return undefined;
    const minRefund = minusBps(sellRefund(marketOf(obs.curve), tokens) ?? 0n, slippageBps);
    if (minRefund === 0n) return undefined;
    return { kind: "sellCurve", amount: tokens, minRefund, ...base };
  }
  const minOut = minusBps(poolAmountOut(obs.pool, "token", tokens), slippageBps);
  if (minOut === 0n) return undefined;
  return { kind: "swap", sell: "token", amountIn: tokens, minOut, ...base };
}

/**
 * Sells the tokens worth `quote` units at the venue's price, or all the agent holds when that is
 * less: how behaviours that size in quote sell. Undefined as for `sellIntent`, or with no price.
 */
export function sellWorthIntent(
  obs: Observation,
  venue: Venue,
  quote: bigint,
  slippageBps: number,
  base: IntentBase = {},
): TradeIntent | undefined {
  const worth = tokensWorth(obs, venue, quote);
  const held = obs.self.holdings.tokens;
  return sellIntent(obs, venue, min(worth, held), slippageBps, base);
}

function checkSlippage(slippageBps: number): void {
  if (!Number.isInteger(slippageBps) || slippageBps < 0 || slippageBps >= Number(BPS)) {
    throw new RangeError(
      `slippageBps must be a whole number of bps in [0, 10000), got ${slippageBps}; set the behaviour's slippageBps (default 100)`,
    );
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/**
 * The observation exactly as the agent's own trade would leave it, limits included (its holdings, and
 * the venue: the curve on the fast model, the pool on its integer formulas), so a behaviour placing
 * several trades in one step sizes the next against the market its earlier ones moved. A trade that
 * would revert leaves the observation as it was. Other agents' trades in the block are not known.
 */
export function afterTrade(obs: Observation, intent: TradeIntent): Observation {
  const { tokens, quote, lp } = obs.self.holdings;
  const withHoldings = (next: Partial<Observation>, tokenDelta: bigint, quoteDelta: bigint): Observation => ({
    ...obs,
    ...next,
    self: {
      ...obs.self,
      holdings: { ...obs.self.holdings, tokens: tokens + tokenDelta, quote: quote + quoteDelta, lp },
    },
  });
  if (intent.kind === "swap") {
    const pool = PoolModel.fromPoolState(obs.pool);
    const tokenIn = intent.sell === "token";
    const out = unlessReverts(() => pool.swapExactIn(tokenIn, intent.amountIn, intent.minOut));
    if (out === undefined) return obs;
    const next = { pool: poolStateOf(pool, obs.pool) };
    return tokenIn ? withHoldings(next, -intent.amountIn, out) : withHoldings(next, out, -intent.amountIn);
  }
  const market = marketOf(obs.curve);
  const moved = unlessReverts((): [bigint, bigint] => {
    switch (intent.kind) {
      case "buyCurve":
        return [intent.amount, -market.buyExactTokens(intent.amount, intent.maxCost).cost];
      case "buyCurveWithQuote":
        return [market.buyExactQuote(intent.quoteIn, intent.minOut).amount, -intent.quoteIn];
      case "sellCurve":
        return [-intent.amount, market.sell(intent.amount, intent.minRefund).refund];
    }
  });
  if (moved === undefined) return obs;
  return withHoldings({ curve: curveStateOf(market, obs.curve) }, moved[0], moved[1]);
}

function poolStateOf(pool: PoolModel, before: PoolState): PoolState {
  const { reserveToken, reserveQuote, totalLiquidity } = pool.state;
  return { ...before, reserveToken, reserveQuote, totalLiquidity, priceWad: pool.priceWad() };
}

/** Quote units `gasUnits` cost at the step's gas terms (base + priority fee, valued at ethPriceQuote). */
export function gasCostQuote(gasUnits: bigint, gas: GasTerms, priorityFeeWei: bigint = gas.priorityFeeWei): bigint {
  return weiToQuote(gasUnits * (gas.baseFeeWei + priorityFeeWei), gas.ethPriceQuote);
}
