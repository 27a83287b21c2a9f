// A threshold trader: buys a fixed number of tokens whenever the venue's price is at or below its
// buy level, sells the same number whenever it is at or above its sell level, then waits out its
// cooldown. Two of them with fixed amounts on a fee-less pool and a day's cooldown are the classic
// off-chain market model; on the curve the same rule meets the curve's own price response.

import type { Behaviour } from "./behaviour.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { ThresholdConfig } from "../inputs/behaviour-configs.ts";
import { BehaviourConfigError, checkCommon, checkPositiveAmount, checkWholeNumber } from "./config-checks.ts";
import { oneTradeWithCooldown } from "./cooldown.ts";
import { priceText, tokensText } from "./notes.ts";
import { buyIntent, intentBase, sellIntent, venuePriceWad } from "./trade.ts";

export function createThreshold(config: ThresholdConfig): Behaviour {
  checkThresholdConfig(config);
  return oneTradeWithCooldown(config, decide);
}

/** A buy at or below the buy level, a sell at or above the sell level; undefined when neither, or when it cannot pay or hold. */
function decide(config: ThresholdConfig, obs: Observation): Intent | undefined {
  const { venue, amount, buyBelowWad, sellAboveWad, slippageBps } = config;
  const price = venuePriceWad(obs, venue);
  if (price === 0n) return undefined; // an empty pool has no price to compare
  if (buyBelowWad !== undefined && price <= buyBelowWad) {
    const note = `${venue} price ${priceText(price)} <= buy level ${priceText(buyBelowWad)}: buy ${tokensText(amount)}`;
    return buyIntent(obs, venue, { tokens: amount }, slippageBps, intentBase(config, note));
  }
  if (sellAboveWad !== undefined && price >= sellAboveWad) {
    const note = `${venue} price ${priceText(price)} >= sell level ${priceText(sellAboveWad)}: sell ${tokensText(amount)}`;
    return sellIntent(obs, venue, amount, slippageBps, intentBase(config, note));
  }
  return undefined;
}

function checkThresholdConfig(config: ThresholdConfig): void {
  checkCommon(config);
  checkPositiveAmount(config, "amount", config.amount, "token wei");
  checkWholeNumber(config, "cooldownSteps", config.cooldownSteps, 0);
  const { buyBelowWad, sellAboveWad } = config;
  if (buyBelowWad === undefined && sellAboveWad === undefined) {
    throw new BehaviourConfigError(
      config,
      "buyBelowWad/sellAboveWad",
      "are both missing, so it would never trade",
      "set a buy level, a sell level, or both",
    );
  }
  if (buyBelowWad !== undefined && sellAboveWad !== undefined && buyBelowWad >= sellAboveWad) {
    throw new BehaviourConfigError(
      config,
      "buyBelowWad",
      `(${buyBelowWad}) must be below sellAboveWad (${sellAboveWad})`,
      "put the buy level under the sell level, or it buys and sells at the same price",
    );
  }
}
