// The front-runner reads the pending block (priority mode only) and sandwiches another agent's curve
// buy: a front leg that buys X tokens just before the victim (bidding the victim's priority fee plus
// bidIncrementWei), and a back leg that sells the same X just after it (bidding the victim's fee
// minus bidIncrementWei). The victim's buy lifts the price between the two legs; the front-runner
// keeps the lift on X, less both fees and both legs' gas.
//
// It plays one sandwich per block, on the victim that pays best. The block is replayed on a copy of
// the market (the fast model, exact to the wei) in the order it will mine (priority fee, highest
// first): other pending curve trades that outbid the front leg move the supply before it; those
// bidding between the front leg and the victim move it before the victim (ties with the victim too,
// so the victim's room is never overestimated); those between the victim and the back leg move it
// before the back leg (a buy tied with the back leg is not counted, a sell tied with it is, so ties
// never flatter the profit). A replayed trade that misses its own limit is skipped, as it would
// revert. X is the size with the largest profit such that the victim's buy still executes exactly
// within its own limit (maxCost, or minOut for a quote-sized buy), X costs at most
// min(maxTradeQuote, quote held), and the profit ≥ minProfitQuote.
//
// In sequential mode there is no pending block to read, and it never trades.

import { child } from "../core/document-reader.ts";
import { minusBps, plusBps } from "../core/units.ts";
import { UNITS } from "../inputs/scenario-reader.ts";
import type { MarketModel } from "../mechanisms/market/model.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour, PendingTx } from "./behaviour.ts";
import { checkCommon, checkMinProfit, checkPositiveAmount } from "./config-checks.ts";
import { buyCost, marketOf, NO_LIMIT, sellRefund, tokensFor, unlessReverts } from "./curve-quotes.ts";
import { quoteText, tokensText } from "./notes.ts";
import { largestWhere, maximiseConcaveWhole } from "./search.ts";
import { amount, type BehaviourSpec, type CommonConfig } from "./spec.ts";
import { gasCostQuote } from "./trade.ts";

/** Priority mode: reads the pending block and sandwiches curve buys when the profit after fees and gas is worth it. */
export interface FrontRunnerConfig extends CommonConfig {
  kind: "frontRunner";
  minProfitQuote: bigint;
  maxTradeQuote: bigint;
  /** How much more (front) or less (back) it bids than the victim, wei per gas. */
  bidIncrementWei: bigint;
}

export const frontRunner: BehaviourSpec<FrontRunnerConfig> = {
  kind: "frontRunner",
  summary: "sandwiches curve buys it sees in the pending block (needs `mode: priority`)",
  fields: [
    amount("minProfitQuote", UNITS.quoteOrZero, "smallest profit worth a sandwich after fees and gas, quote"),
    amount("maxTradeQuote", UNITS.quote, "largest quote committed to the front leg"),
    amount(
      "bidIncrementGwei",
      { ...UNITS.gwei, positive: true },
      "how much more it bids than the victim in front, and less behind, in gwei (more than 0)",
      { key: "bidIncrementWei" },
    ),
  ],
  /** Sequential mode has no pending block to read. */
  check(r, { path, context }) {
    if (context.mode === "sequential") {
      r.failText(
        child(path, "kind"),
        "a behaviour that can act in sequential mode: a front-runner needs to see the pending block",
        '"frontRunner" with mode "sequential"',
        "set mode: priority at the top of the scenario",
      );
    }
  },
  create: createFrontRunner,
};

type VictimIntent = Extract<Intent, { kind: "buyCurve" | "buyCurveWithQuote" }>;

/** A sandwich around one pending buy, priced exactly on the replayed block. */
export interface SandwichPlan {
  victim: PendingTx;
  tokens: bigint;
  /** Front-leg cost and back-leg refund, fees included. */
  cost: bigint;
  refund: bigint;
  gasQuote: bigint;
  /** refund − cost − gasQuote. */
  profit: bigint;
  intents: [Intent, Intent];
}

export function createFrontRunner(config: FrontRunnerConfig): Behaviour {
  checkCommon(config);
  checkPositiveAmount(config, "maxTradeQuote", config.maxTradeQuote, "quote units");
  checkPositiveAmount(config, "bidIncrementWei", config.bidIncrementWei, "wei per gas");
  checkMinProfit(config, "a sandwich");
  return {
    kind: "frontRunner",
    label: config.label,
    step(): Intent[] {
      return [];
    },
    react(obs: Observation, pending: readonly PendingTx[]): Intent[] {
      const plan = planSandwich(obs, pending, config);
      return plan === undefined ? [] : [...plan.intents];
    },
  };
}

/** The best sandwich in the pending block, or undefined when none clears minProfitQuote. */
export function planSandwich(
  obs: Observation,
  pending: readonly PendingTx[],
  config: FrontRunnerConfig,
): SandwichPlan | undefined {
  if (obs.mode !== "priority" || obs.curve.paused) return undefined;
  const budget = min(config.maxTradeQuote, obs.self.holdings.quote);
  if (budget <= 0n) return undefined;
  const others = pending.filter((tx) => !isOwn(tx, obs));
  let best: SandwichPlan | undefined;
  for (const victim of others) {
    if (victim.intent.kind !== "buyCurve" && victim.intent.kind !== "buyCurveWithQuote") continue;
    const plan = planAround(obs, others, victim, victim.intent, config, budget);
    if (plan !== undefined && (best === undefined || plan.profit > best.profit)) best = plan;
  }
  return best;
}

function planAround(
  obs: Observation,
  others: readonly PendingTx[],
  victim: PendingTx,
  victimIntent: VictimIntent,
  config: FrontRunnerConfig,
  budget: bigint,
): SandwichPlan | undefined {
  const frontFee = victim.priorityFeeWei + config.bidIncrementWei;
  const backFee = victim.priorityFeeWei - config.bidIncrementWei;
  // A back leg that cannot bid below the victim cannot be sure to trail it.
  if (backFee < 0n) return undefined;

  const rest = others.filter((tx) => tx !== victim);
  const fee = (tx: PendingTx) => tx.priorityFeeWei;
  const before = rest.filter((tx) => fee(tx) >= frontFee);
  // Ties with the victim count as ahead of it: that can only tighten its limit.
  const aheadOfVictim = rest.filter((tx) => fee(tx) < frontFee && fee(tx) >= victim.priorityFeeWei);
  const behindVictim = rest.filter(
    (tx) =>
      fee(tx) < victim.priorityFeeWei && (fee(tx) > backFee || (fee(tx) === backFee && tx.intent.kind === "sellCurve")),
  );
  const atFront = marketOf(obs.curve);
  applyAll(atFront, before);
  /** The market the victim meets after a front leg of `tokens`; undefined when the front leg cannot be bought. */
  const atVictim = (tokens: bigint): MarketModel | undefined => {
    const market = atFront.clone();
    if (tokens > 0n && unlessReverts(() => market.buyExactTokens(tokens, NO_LIMIT)) === undefined) return undefined;
    applyAll(market, aheadOfVictim);
    return market;
  };
  /** The market after a front leg of `tokens` and the victim's buy; undefined when the victim's buy reverts. */
  const afterVictim = (tokens: bigint): MarketModel | undefined => {
    const market = atVictim(tokens);
    return market !== undefined && apply(market, victimIntent) ? market : undefined;
  };

  const gasQuote =
    gasCostQuote(obs.gas.limits.buyCurve, obs.gas, frontFee) + gasCostQuote(obs.gas.limits.sellCurve, obs.gas, backFee);
  const floor = config.minProfitQuote + gasQuote;

  // The victim's limit bounds X: the more the front leg buys, the more the victim pays.
  const victimExecutes = (tokens: bigint) => afterVictim(tokens) !== undefined;
  if (!victimExecutes(0n)) return undefined;
  const affordable = tokensFor(atFront, budget);
  if (affordable <= 0n) return undefined;
  const maxTokens = largestWhere(victimExecutes, 0n, affordable);
  if (maxTokens <= 0n) return undefined;

  const legs = (tokens: bigint) => {
    const cost = buyCost(atFront, tokens);
    const atBack = afterVictim(tokens);
    if (cost === undefined || atBack === undefined) return undefined;
    applyAll(atBack, behindVictim);
    const refund = sellRefund(atBack, tokens);
    return refund === undefined ? undefined : { cost, refund };
  };
  const gross = (tokens: bigint) => {
    const priced = legs(tokens);
    return priced === undefined ? -Infinity : Number(priced.refund - priced.cost);
  };
  const tokens = maximiseConcaveWhole(gross, 0n, maxTokens);
  if (tokens <= 0n) return undefined;
  const priced = legs(tokens);
  if (priced === undefined) return undefined;
  const { cost, refund } = priced;
  const profit = refund - cost - gasQuote;
  if (profit < config.minProfitQuote) return undefined;

  // Limits that keep the profit if both legs execute: the back leg takes no less than the front
  // leg may pay, plus gas, plus minProfitQuote.
  const maxCost = min(plusBps(cost, config.slippageBps), budget, refund - floor);
  const minRefund = max(minusBps(refund, config.slippageBps), maxCost + floor);
  const note = `sandwich ${victim.agentId ?? victim.from}: ${tokensText(tokens)}, expected profit ${quoteText(profit)}`;
  return {
    victim,
    tokens,
    cost,
    refund,
    gasQuote,
    profit,
    intents: [
      { kind: "buyCurve", amount: tokens, maxCost, priorityFeeWei: frontFee, note },
      { kind: "sellCurve", amount: tokens, minRefund, priorityFeeWei: backFee, note },
    ],
  };
}

function isOwn(tx: PendingTx, obs: Observation): boolean {
  return tx.from.toLowerCase() === obs.self.address.toLowerCase() || tx.agentId === obs.self.id;
}

/** Mines `intent` on `market` when it is a curve trade; false when it would revert (the market is then unchanged). */
function apply(market: MarketModel, intent: Intent): boolean {
  const done = unlessReverts(() => {
    switch (intent.kind) {
      case "buyCurve":
        return market.buyExactTokens(intent.amount, intent.maxCost);
      case "buyCurveWithQuote":
        return market.buyExactQuote(intent.quoteIn, intent.minOut);
      case "sellCurve":
        return market.sell(intent.amount, intent.minRefund);
      default:
        return true;
    }
  });
  return done !== undefined;
}

/** Mines `txs` on `market` in mining order (highest fee first, ties in pending order); those that would revert are skipped, as on chain. */
function applyAll(market: MarketModel, txs: readonly PendingTx[]): void {
  for (const tx of [...txs].sort((a, b) =>
    a.priorityFeeWei === b.priorityFeeWei ? 0 : a.priorityFeeWei > b.priorityFeeWei ? -1 : 1,
  )) {
    apply(market, tx.intent);
  }
}

function min(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b < a ? b : a));
}

function max(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b > a ? b : a));
}
