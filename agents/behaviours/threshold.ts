// A threshold trader: buys a fixed number of tokens whenever the venue's price is at or below its
// buy level, sells the same number whenever it is at or above its sell level, then waits out its
// cooldown. Two of them with fixed amounts on a fee-less pool and a day's cooldown are the classic
// off-chain market model; on the curve the same rule meets the curve's own price response.

import { child } from "../core/document-reader.ts";
import { TOKEN_DECIMALS } from "../core/units.ts";
import { shown, UNITS } from "../inputs/scenario-reader.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour } from "./behaviour.ts";
import { BehaviourConfigError, checkCommon, checkPositiveAmount, checkWholeNumber } from "./config-checks.ts";
import { oneTradeWithCooldown } from "./cooldown.ts";
import { priceText, tokensText } from "./notes.ts";
import { amount, type BehaviourSpec, type CommonConfig, cooldownSteps, venue, type VenueChoice } from "./spec.ts";
import { buyIntent, intentBase, sellIntent, venuePriceWad } from "./trade.ts";

/** Buys `amount` tokens when the price is at or below `buyBelowWad`, sells `amount` when at or above `sellAboveWad`. */
export interface ThresholdConfig extends CommonConfig {
  kind: "threshold";
  venue: VenueChoice;
  buyBelowWad?: bigint;
  sellAboveWad?: bigint;
  /** Tokens per trade (token wei). */
  amount: bigint;
  /** How it buys `amount` on the pool: `exactIn` swaps the quote getAmountIn asks for, `exactOut` swaps for exactly `amount`. */
  poolBuy?: "exactIn" | "exactOut";
  /** Steps to wait after a trade before the next one (default 0). */
  cooldownSteps: number;
}

export const threshold: BehaviourSpec<ThresholdConfig> = {
  kind: "threshold",
  summary: "buys below one price, sells above another",
  fields: [
    venue(),
    amount("buyBelow", UNITS.price, "price at or below which it buys `amount`", { key: "buyBelowWad", optional: true }),
    amount(
      "sellAbove",
      UNITS.price,
      "price at or above which it sells `amount` (at least one of the two; `buyBelow` < `sellAbove`)",
      { key: "sellAboveWad", optional: true },
    ),
    amount("amount", UNITS.tokens, "tokens per trade"),
    {
      name: "poolBuy",
      type: "enum",
      values: ["exactIn", "exactOut"],
      optional: true,
      shownDefault: "`exactIn`",
      meaning:
        "how it buys `amount` on the pool: `exactIn` swaps the quote the pool's getAmountIn asks for (`amount` and up to a quote unit's worth more), `exactOut` buys exactly `amount` with swapExactOut (the quote in at most the quote + `slippageBps`)",
    },
    cooldownSteps,
  ],
  check(r, { path, file, config }) {
    const { buyBelowWad: below, sellAboveWad: above } = config;
    if (file.buyBelow === undefined && file.sellAbove === undefined) {
      r.failText(
        child(path, "buyBelow"),
        "buyBelow, sellAbove or both: a threshold trader needs a price to act at",
        "neither",
      );
    } else if (below !== undefined && above !== undefined && below >= above) {
      r.failText(
        child(path, "sellAbove"),
        `a price above buyBelow (${shown(below, TOKEN_DECIMALS)}), or it would buy and sell at once`,
        shown(above, TOKEN_DECIMALS),
      );
    }
  },
  create: createThreshold,
};

export function createThreshold(config: ThresholdConfig): Behaviour {
  checkThresholdConfig(config);
  return oneTradeWithCooldown(config, decide);
}

/** A buy at or below the buy level, a sell at or above the sell level; undefined when neither, or when it cannot pay or hold. */
function decide(config: ThresholdConfig, obs: Observation): Intent | undefined {
  const { venue, amount, buyBelowWad, sellAboveWad, slippageBps, poolBuy } = config;
  const price = venuePriceWad(obs, venue);
  if (price === 0n) return undefined; // an empty pool has no price to compare
  if (buyBelowWad !== undefined && price <= buyBelowWad) {
    const note = `${venue} price ${priceText(price)} <= buy level ${priceText(buyBelowWad)}: buy ${tokensText(amount)}`;
    const size = poolBuy === "exactOut" ? { tokens: amount, exactOut: true as const } : { tokens: amount };
    return buyIntent(obs, venue, size, slippageBps, intentBase(config, note));
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
