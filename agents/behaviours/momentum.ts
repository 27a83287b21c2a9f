// A momentum trader: follows the trend. When the venue's price has risen by more than triggerBps
// over the last lookbackSteps it buys tradeQuote; when it has fallen by as much it sells tokens
// worth tradeQuote (all it holds if less); then it waits out its cooldown.

import { BPS } from "../core/units.ts";
import { UNITS } from "../inputs/scenario-reader.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour } from "./behaviour.ts";
import { checkCommon, checkPositiveAmount, checkWholeNumber } from "./config-checks.ts";
import { oneTradeWithCooldown } from "./cooldown.ts";
import { priceText, quoteText } from "./notes.ts";
import {
  amount,
  type BehaviourSpec,
  bps,
  type CommonConfig,
  cooldownSteps,
  period,
  venue,
  type VenueChoice,
  withinHistory,
} from "./spec.ts";
import { buyIntent, intentBase, sellWorthIntent, venuePrices } from "./trade.ts";

/** Follows the trend: buys after the price rose by more than `triggerBps` over `lookbackSteps`, sells after it fell. */
export interface MomentumConfig extends CommonConfig {
  kind: "momentum";
  venue: VenueChoice;
  lookbackSteps: number;
  triggerBps: number;
  /** Quote spent per buy; a sell sells tokens worth about as much (quote units). */
  tradeQuote: bigint;
  cooldownSteps: number;
}

export const momentum: BehaviourSpec<MomentumConfig> = {
  kind: "momentum",
  summary: "follows the trend",
  fields: [
    venue(),
    period("lookbackSteps", "steps over which the move is measured (at most `output.historyLength`)"),
    bps("triggerBps", "move that triggers a trade: buy after a rise, sell after a fall"),
    amount("tradeQuote", UNITS.quote, "quote per trade"),
    cooldownSteps,
  ],
  check: withinHistory("lookbackSteps"),
  create: createMomentum,
};

export function createMomentum(config: MomentumConfig): Behaviour {
  checkMomentumConfig(config);
  return oneTradeWithCooldown(config, decide);
}

function decide(config: MomentumConfig, obs: Observation): Intent | undefined {
  const { venue, lookbackSteps, triggerBps, tradeQuote, slippageBps } = config;
  // The history holds one price per earlier step, so the price lookbackSteps ago sits that far before the current one.
  const prices = venuePrices(obs, venue);
  if (prices.length <= lookbackSteps) return undefined;
  const now = prices[prices.length - 1]!;
  const then = prices[prices.length - 1 - lookbackSteps]!;
  if (now === 0n || then === 0n) return undefined;
  const move = `${venue} price ${priceText(then)} → ${priceText(now)} over ${lookbackSteps} steps`;
  // Compared exactly: (now − then) / then against triggerBps / 10,000, without rounding the change.
  const trigger = BigInt(triggerBps) * then;
  if ((now - then) * BPS > trigger) {
    return buyIntent(
      obs,
      venue,
      { quote: tradeQuote },
      slippageBps,
      intentBase(config, `${move}: buy ${quoteText(tradeQuote)}`),
    );
  }
  if ((then - now) * BPS > trigger) {
    return sellWorthIntent(
      obs,
      venue,
      tradeQuote,
      slippageBps,
      intentBase(config, `${move}: sell ~${quoteText(tradeQuote)}`),
    );
  }
  return undefined;
}

function checkMomentumConfig(config: MomentumConfig): void {
  checkCommon(config);
  checkWholeNumber(config, "lookbackSteps", config.lookbackSteps, 1);
  checkWholeNumber(config, "triggerBps", config.triggerBps, 0);
  checkPositiveAmount(config, "tradeQuote", config.tradeQuote, "quote units");
  checkWholeNumber(config, "cooldownSteps", config.cooldownSteps, 0);
}
