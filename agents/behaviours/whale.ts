// A whale: one large trade every everySteps from startStep — a buy of buyQuote, a sale of a share of
// its tokens, or the two in turn (a buy first). Its trades are the shocks the other agents and the
// market's parameters have to absorb.

import { child } from "../core/document-reader.ts";
import { BPS } from "../core/units.ts";
import { UNITS } from "../inputs/scenario-reader.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour } from "./behaviour.ts";
import { BehaviourConfigError, checkCommon, checkPositiveAmount, checkWholeNumber } from "./config-checks.ts";
import { quoteText, tokensText } from "./notes.ts";
import { amount, type BehaviourSpec, bps, type CommonConfig, period, venue, type VenueChoice } from "./spec.ts";
import { buyIntent, intentBase, sellIntent } from "./trade.ts";

/** Large trades every `everySteps` from `startStep`: buys, sells or alternates. */
export interface WhaleConfig extends CommonConfig {
  kind: "whale";
  venue: VenueChoice;
  side: "buy" | "sell" | "alternate";
  startStep: number;
  everySteps: number;
  /** Quote spent per buy (quote units). */
  buyQuote: bigint;
  /** Share of its token holdings sold per sell, bps. */
  sellFractionBps: number;
}

export const whale: BehaviourSpec<WhaleConfig> = {
  kind: "whale",
  summary: "large periodic trades",
  fields: [
    venue(),
    { name: "side", type: "enum", values: ["buy", "sell", "alternate"], meaning: "`buy`, `sell` or `alternate`" },
    period("startStep", "first step it trades", { default: 1 }),
    period("everySteps", "steps between trades"),
    amount("buyQuote", UNITS.quote, "quote per buy (with `buy` and `alternate` only)", { optional: true }),
    bps("sellFractionBps", "share of its tokens sold per sell, 1 … 10000 (with `sell` and `alternate` only)", {
      min: 1,
      optional: true,
    }),
  ],
  /** A side that buys needs buyQuote and one that sells sellFractionBps; neither takes the other's. */
  check(r, { path, file, config }) {
    const { side } = config;
    if (side === undefined) return;
    const buys = side !== "sell";
    const sells = side !== "buy";
    for (const [field, needed] of [
      ["buyQuote", buys],
      ["sellFractionBps", sells],
    ] as const) {
      if (needed && file[field] === undefined)
        r.fail(
          child(path, field),
          `a value for this field: a whale with side "${side}" ${field === "buyQuote" ? "buys" : "sells"}`,
          undefined,
        );
      if (!needed && file[field] !== undefined) {
        r.failText(
          child(path, field),
          `no ${field}: a whale with side "${side}" never ${field === "buyQuote" ? "buys" : "sells"}`,
          JSON.stringify(file[field]),
          `remove it, or set side: alternate`,
        );
      }
    }
    config.buyQuote ??= 0n;
    config.sellFractionBps ??= 0;
  },
  create: createWhale,
};

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
