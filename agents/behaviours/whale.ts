// A whale: one large trade every everySteps from startStep — a buy of buyQuote, a sale of a share of
// its tokens, or the two in turn (a buy first). Its trades are the shocks the other agents and the
// market's parameters have to absorb.

import { BPS } from "../core/units.ts";
import type { Behaviour } from "./behaviour.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { WhaleConfig } from "../inputs/behaviour-configs.ts";
import { BehaviourConfigError, checkCommon, checkPositiveAmount, checkWholeNumber } from "./config-checks.ts";
import { quoteText, tokensText } from "./notes.ts";
import { buyIntent, intentBase, sellIntent } from "./trade.ts";

type Side = "buy" | "sell";

export function createWhale(config: WhaleConfig): Behaviour {
  checkWhaleConfig(config);
  // Alternating turns over on trades it made, so a skipped buy (a paused curve, no quote) is tried again next time.
  let nextSide: Side = config.side === "sell" ? "sell" : "buy";
  return {
    kind: config.kind,
    label: config.label || config.kind,
    step(obs) {
      if (!isScheduled(config, obs.step)) return [];
      const side = config.side === "alternate" ? nextSide : config.side;
      const intent = side === "buy" ? buy(config, obs) : sell(config, obs);
      if (intent === undefined) return [];
      if (config.side === "alternate") nextSide = side === "buy" ? "sell" : "buy";
      return [intent];
    },
  };
}

function isScheduled(config: WhaleConfig, step: number): boolean {
  return step >= config.startStep && (step - config.startStep) % config.everySteps === 0;
}

function buy(config: WhaleConfig, obs: Observation): Intent | undefined {
  const note = `whale: buy ${quoteText(config.buyQuote)} on the ${config.venue}`;
  return buyIntent(obs, config.venue, { quote: config.buyQuote }, config.slippageBps, intentBase(config, note));
}

function sell(config: WhaleConfig, obs: Observation): Intent | undefined {
  const tokens = (obs.self.holdings.tokens * BigInt(config.sellFractionBps)) / BPS;
  const note = `whale: sell ${config.sellFractionBps / 100}% of its tokens (${tokensText(tokens)}) on the ${config.venue}`;
  return sellIntent(obs, config.venue, tokens, config.slippageBps, intentBase(config, note));
}

function checkWhaleConfig(config: WhaleConfig): void {
  checkCommon(config);
  if (config.side !== "buy" && config.side !== "sell" && config.side !== "alternate") {
    throw new BehaviourConfigError(
      config,
      "side",
      `must be "buy", "sell" or "alternate", got ${JSON.stringify(config.side)}`,
      "pick one of the three",
    );
  }
  checkWholeNumber(config, "startStep", config.startStep, 0);
  checkWholeNumber(config, "everySteps", config.everySteps, 1);
  if (config.side !== "sell") checkPositiveAmount(config, "buyQuote", config.buyQuote, "quote units");
  if (config.side !== "buy") checkWholeNumber(config, "sellFractionBps", config.sellFractionBps, 1, 10_000);
}
