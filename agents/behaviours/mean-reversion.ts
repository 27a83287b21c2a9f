// A mean-reversion trader: bets the price returns to its moving average. When the venue's price is
// bandBps or more below the average of the last windowSteps prices (the current one included) it
// buys tradeQuote; when as far above, it sells tokens worth tradeQuote (all it holds if less). It
// waits until it has a full window, and waits out its cooldown after each trade.

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

/** Bets on a return to the moving average: buys when the price is `bandBps` below it, sells when above. */
export interface MeanReversionConfig extends CommonConfig {
  kind: "meanReversion";
  venue: VenueChoice;
  windowSteps: number;
  bandBps: number;
  tradeQuote: bigint;
  cooldownSteps: number;
}

export const meanReversion: BehaviourSpec<MeanReversionConfig> = {
  kind: "meanReversion",
  summary: "bets on a return to the moving average",
  fields: [
    venue(),
    period("windowSteps", "steps in the moving average (at most `output.historyLength`)"),
    bps("bandBps", "distance from the average that triggers a trade"),
    amount("tradeQuote", UNITS.quote, "quote per trade"),
    cooldownSteps,
  ],
  check: withinHistory("windowSteps"),
  create: createMeanReversion,
};

export function createMeanReversion(config: MeanReversionConfig): Behaviour {
  checkMeanReversionConfig(config);
  return oneTradeWithCooldown(config, decide);
}

function decide(config: MeanReversionConfig, obs: Observation): Intent | undefined {
  const { venue, windowSteps, bandBps, tradeQuote, slippageBps } = config;
  const prices = venuePrices(obs, venue);
  if (prices.length < windowSteps) return undefined;
  const window = prices.slice(-windowSteps);
  const now = window[window.length - 1]!;
  if (now === 0n) return undefined;
  // Compared exactly against the window's sum: now / average against 1 ∓ bandBps / 10,000.
  const sum = window.reduce((total, price) => total + price, 0n);
  const scaledNow = now * BigInt(windowSteps) * BPS;
  const note = (side: string) =>
    `${venue} price ${priceText(now)} vs ${windowSteps}-step average ${priceText(sum / BigInt(windowSteps))}: ${side}`;
  if (scaledNow <= sum * (BPS - BigInt(bandBps))) {
    return buyIntent(
      obs,
      venue,
      { quote: tradeQuote },
      slippageBps,
      intentBase(config, note(`buy ${quoteText(tradeQuote)}`)),
    );
  }
  if (scaledNow >= sum * (BPS + BigInt(bandBps))) {
    return sellWorthIntent(
      obs,
      venue,
      tradeQuote,
      slippageBps,
      intentBase(config, note(`sell ~${quoteText(tradeQuote)}`)),
    );
  }
  return undefined;
}

function checkMeanReversionConfig(config: MeanReversionConfig): void {
  checkCommon(config);
  // A window of one is the price itself: it would never leave its own average.
  checkWholeNumber(config, "windowSteps", config.windowSteps, 2);
  checkWholeNumber(config, "bandBps", config.bandBps, 1, 9_999);
  checkPositiveAmount(config, "tradeQuote", config.tradeQuote, "quote units");
  checkWholeNumber(config, "cooldownSteps", config.cooldownSteps, 0);
}
