// The front-runner reads the pending block (priority mode only) and sandwiches another agent's curve
// buy: a front leg that buys X tokens just before the victim (bidding the victim's priority fee plus
// bidIncrementWei), and a back leg that sells the same X just after it (bidding the victim's fee
// minus bidIncrementWei). The victim's buy lifts the price between the two legs; the front-runner
// keeps the lift on X, less both fees and both legs' gas.
//
// It plays one sandwich per block, on the victim that pays best. The curve is walked in the order
// the block will mine it (priority fee, highest first): other pending curve trades that outbid the
// front leg move the supply before it; those bidding between the front leg and the victim move it
// before the victim (ties with the victim too, so the victim's limit is never overestimated); those
// between the victim and the back leg move it before the back leg (a buy tied with the back leg is
// not counted, a sell tied with it is, so ties never flatter the profit). X is the size with the largest estimated profit such that the victim still executes
// within its own limit (maxCost, or minOut for a quote-sized buy), X costs at most
// min(maxTradeQuote, quote held), and the profit ≥ minProfitQuote. Everything is float estimates:
// the Quoter prices the start-of-step state, not the pending block.
//
// In sequential mode there is no pending block to read, and it never trades.

import type { FrontRunnerConfig } from "../scenario/behaviour-configs.ts";
import {
  curveAfterTrade,
  estimateBuyCost,
  estimateSellRefund,
  estimateTokensForQuote,
  gasCostQuote,
  minusBps,
  plusBps,
} from "../harness/estimates.ts";
import type { Behaviour, CurveState, Intent, Observation, PendingTx } from "../harness/types.ts";
import { checkCommon, checkMinProfit, checkPositiveAmount } from "./config-checks.ts";
import { quoteText, tokensText } from "./notes.ts";
import { largestWhere, maximiseConcave } from "./search.ts";

/** How far inside its limit the victim must stay, relative: float estimates are good to ~1e-12. */
const VICTIM_MARGIN_PPM = 10n;

type VictimIntent = Extract<Intent, { kind: "buyCurve" | "buyCurveWithQuote" }>;

/** A sandwich around one pending buy, as estimated. */
export interface SandwichPlan {
  victim: PendingTx;
  tokens: bigint;
  /** Estimated front-leg cost and back-leg refund, fees included. */
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
export function planSandwich(obs: Observation, pending: readonly PendingTx[], config: FrontRunnerConfig): SandwichPlan | undefined {
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
  const behindVictim = rest.filter((tx) => fee(tx) < victim.priorityFeeWei && (fee(tx) > backFee || (fee(tx) === backFee && tx.intent.kind === "sellCurve")));
  const atFront = applyAll(obs.curve, before);
  if (atFront === undefined) return undefined;
  /** The curve the victim meets after a front leg of `tokens`. */
  const atVictim = (tokens: bigint) => applyAll(curveAfterTrade(atFront, tokens), aheadOfVictim);

  const gasQuote =
    gasCostQuote(obs.gas.limits.buyCurve, obs.gas, frontFee) + gasCostQuote(obs.gas.limits.sellCurve, obs.gas, backFee);
  const floor = config.minProfitQuote + gasQuote;

  // The victim's limit bounds X: the more the front leg buys, the more the victim pays.
  const victimExecutes = (tokens: bigint) => {
    const curve = atVictim(tokens);
    return curve !== undefined && victimWithinLimit(curve, victimIntent);
  };
  if (!victimExecutes(0n)) return undefined;
  // One bp under the budget: the estimate can be a few quote units short of the exact cost.
  const affordable = min(estimateTokensForQuote(atFront, minusBps(budget, 1)), atFront.maxSupply - atFront.supply);
  if (affordable <= 0n) return undefined;
  const maxTokens = largestWhere(victimExecutes, 0n, affordable);
  if (maxTokens <= 0n) return undefined;

  const estimate = (tokens: bigint) => {
    const cost = estimateBuyCost(atFront, tokens);
    const victimMeets = atVictim(tokens);
    const atBack = victimMeets === undefined ? undefined : applyAll(applyVictim(victimMeets, victimIntent), behindVictim);
    const refund = atBack === undefined ? 0n : estimateSellRefund(atBack, tokens);
    return { cost, refund };
  };
  const gross = (tokens: bigint) => {
    const { cost, refund } = estimate(tokens);
    return refund - cost;
  };
  const tokens = BigInt(Math.floor(maximiseConcave((x) => Number(gross(BigInt(Math.floor(x)))), 0, Number(maxTokens))));
  if (tokens <= 0n) return undefined;
  const { cost, refund } = estimate(tokens);
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

/** Whether the victim's buy still executes on `curve`, with a margin for the estimates' error. */
function victimWithinLimit(curve: CurveState, intent: VictimIntent): boolean {
  if (intent.kind === "buyCurve") {
    if (curve.supply + intent.amount > curve.maxSupply) return false;
    const cost = estimateBuyCost(curve, intent.amount);
    return cost + (cost * VICTIM_MARGIN_PPM) / 1_000_000n + 1n <= intent.maxCost;
  }
  const tokens = estimateTokensForQuote(curve, intent.quoteIn);
  return tokens > 0n && tokens - (tokens * VICTIM_MARGIN_PPM) / 1_000_000n - 1n >= intent.minOut;
}

function applyVictim(curve: CurveState, intent: VictimIntent): CurveState {
  const tokens = intent.kind === "buyCurve" ? intent.amount : estimateTokensForQuote(curve, intent.quoteIn);
  return curveAfterTrade(curve, tokens);
}

/**
 * The curve after `txs` in mining order (highest fee first); a trade that would fail its own limit
 * is skipped, as it would revert. Undefined when one moves the supply out of the domain.
 */
function applyAll(curve: CurveState, txs: readonly PendingTx[]): CurveState | undefined {
  let state = curve;
  for (const tx of [...txs].sort((a, b) => (a.priorityFeeWei === b.priorityFeeWei ? 0 : a.priorityFeeWei > b.priorityFeeWei ? -1 : 1))) {
    const delta = curveDelta(state, tx.intent);
    if (delta === 0n) continue;
    if (state.supply + delta < 0n || state.supply + delta > state.maxSupply) return undefined;
    state = curveAfterTrade(state, delta);
  }
  return state;
}

/** Estimated supply change from one pending intent (0 for pool and vesting intents, or a failing trade). */
function curveDelta(curve: CurveState, intent: Intent): bigint {
  switch (intent.kind) {
    case "buyCurve":
      return estimateBuyCost(curve, intent.amount) <= intent.maxCost ? intent.amount : 0n;
    case "buyCurveWithQuote": {
      const tokens = estimateTokensForQuote(curve, intent.quoteIn);
      return tokens >= intent.minOut ? tokens : 0n;
    }
    case "sellCurve":
      return intent.amount <= curve.supply && estimateSellRefund(curve, intent.amount) >= intent.minRefund ? -intent.amount : 0n;
    default:
      return 0n;
  }
}

function min(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b < a ? b : a));
}

function max(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b > a ? b : a));
}
