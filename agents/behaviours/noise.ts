// A noise trader: the market's background flow. Trades arrive as a Poisson process (ratePerStep on
// average), each a buy or a sell of a log-uniform quote size on a venue picked at random. It has no
// view on price; it only skips what it cannot do (pay for, hold, or trade on a paused curve).

import { child } from "../core/document-reader.ts";
import type { Random } from "../core/random.ts";
import { QUOTE_DECIMALS } from "../core/units.ts";
import { shown, UNITS } from "../inputs/scenario-reader.ts";
import type { Intent, Observation, Venue } from "../mechanisms/vocabulary.ts";
import type { Behaviour } from "./behaviour.ts";
import { BehaviourConfigError, checkCommon, checkPositiveAmount, checkProbability } from "./config-checks.ts";
import { quoteText } from "./notes.ts";
import { amount, type BehaviourSpec, type CommonConfig, type VenueChoice } from "./spec.ts";
import { afterTrade, buyIntent, intentBase, sellWorthIntent } from "./trade.ts";

/** Trades arrive as a Poisson process; each is a buy or a sell of a random quote size on a random venue. */
export interface NoiseConfig extends CommonConfig {
  kind: "noise";
  venues: VenueChoice[];
  /** Mean number of trades per step. */
  ratePerStep: number;
  /** Quote size of each trade, log-uniform in [min, max] (quote units). */
  minQuote: bigint;
  maxQuote: bigint;
  /** Probability that a trade is a buy (default 0.5). */
  buyProbability: number;
}

export const noise: BehaviourSpec<NoiseConfig> = {
  kind: "noise",
  summary: "random trades arriving as a Poisson process",
  fields: [
    { name: "venues", type: "venues", meaning: "list of `curve`, `pool`; each trade picks one" },
    { name: "ratePerStep", type: "rate", meaning: "mean trades per step, 0 … 100" },
    amount("minQuote", UNITS.quote, "smallest trade, quote (sizes are log-uniform)"),
    amount("maxQuote", UNITS.quote, "largest trade, quote (at least `minQuote`)"),
    { name: "buyProbability", type: "probability", default: 0.5, meaning: "chance a trade is a buy, 0 … 1" },
  ],
  check(r, { path, config }) {
    const { minQuote: min, maxQuote: max } = config;
    if (min !== undefined && max !== undefined && min > max) {
      r.failText(
        child(path, "maxQuote"),
        `at least minQuote (${shown(min, QUOTE_DECIMALS)})`,
        shown(max, QUOTE_DECIMALS),
      );
    }
  },
  create: createNoise,
};

export function createNoise(config: NoiseConfig): Behaviour {
  checkNoiseConfig(config);
  return {
    kind: config.kind,
    label: config.label || config.kind,
    step(obs, ctx) {
      const intents: Intent[] = [];
      // Each trade is sized against the market its own earlier trades in this block leave.
      let view = obs;
      const count = ctx.rng.poisson(config.ratePerStep);
      for (let i = 0; i < count; i++) {
        // Every draw is made whether or not the trade happens, so a skip does not shift later draws.
        const venue = ctx.rng.pick(config.venues);
        const isBuy = ctx.rng.chance(config.buyProbability);
        const sizeQuote = logUniform(ctx.rng, config.minQuote, config.maxQuote);
        const intent = isBuy ? buy(config, view, venue, sizeQuote) : sell(config, view, venue, sizeQuote);
        if (intent === undefined) continue;
        intents.push(intent);
        view = afterTrade(view, intent);
      }
      return intents;
    },
  };
}

function buy(config: NoiseConfig, obs: Observation, venue: Venue, sizeQuote: bigint) {
  return buyIntent(
    obs,
    venue,
    { quote: sizeQuote },
    config.slippageBps,
    intentBase(config, `noise: buy ${quoteText(sizeQuote)} on the ${venue}`),
  );
}

function sell(config: NoiseConfig, obs: Observation, venue: Venue, sizeQuote: bigint) {
  return sellWorthIntent(
    obs,
    venue,
    sizeQuote,
    config.slippageBps,
    intentBase(config, `noise: sell ~${quoteText(sizeQuote)} of tokens on the ${venue}`),
  );
}

/** A quote size whose logarithm is uniform on [log min, log max]: as many trades of 1–10 as of 10–100. */
function logUniform(rng: Random, min: bigint, max: bigint): bigint {
  const u = rng.unit();
  if (min === max) return min;
  const lo = Math.log(Number(min));
  const size = BigInt(Math.floor(Math.exp(lo + u * (Math.log(Number(max)) - lo))));
  return size < min ? min : size > max ? max : size;
}

function checkNoiseConfig(config: NoiseConfig): void {
  checkCommon(config);
  if (config.venues.length === 0 || config.venues.some((venue) => venue !== "curve" && venue !== "pool")) {
    throw new BehaviourConfigError(
      config,
      "venues",
      `must list "curve" and/or "pool", got ${JSON.stringify(config.venues)}`,
      'set venues to ["curve"], ["pool"] or ["curve", "pool"]',
    );
  }
  if (!(Number.isFinite(config.ratePerStep) && config.ratePerStep >= 0)) {
    throw new BehaviourConfigError(
      config,
      "ratePerStep",
      `must be a mean number of trades per step >= 0, got ${config.ratePerStep}`,
      "set ratePerStep to e.g. 0.5",
    );
  }
  checkPositiveAmount(config, "minQuote", config.minQuote, "quote units");
  if (config.maxQuote < config.minQuote) {
    throw new BehaviourConfigError(
      config,
      "maxQuote",
      `(${config.maxQuote}) must be >= minQuote (${config.minQuote})`,
      "set maxQuote at or above minQuote",
    );
  }
  checkProbability(config, "buyProbability", config.buyProbability);
}
