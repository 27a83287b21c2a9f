// Reads one behaviour of a scenario file into its BehaviourConfig. Each kind's fields are a table
// (name in the file, unit, default); what a table cannot say — a threshold needs at least one
// threshold, a whale that only sells takes no buyQuote, a front-runner needs priority mode — is
// checked after the table by the kind's own rule. Human units in, contract units out:
//   prices  decimal quote per whole token ("0.012")  → WAD
//   tokens  decimal whole tokens ("100")              → token wei
//   quote   decimal whole quote ("250.5")             → quote units (6 decimals)
//   gwei    decimal gwei ("1.5")                       → wei
//   bps, steps: integers; rates and probabilities: plain numbers.
// (UNITS, in scenario-reader.ts, says how each amount is written.)

import { child } from "../core/document-reader.ts";
import { BPS, QUOTE_DECIMALS, TOKEN_DECIMALS } from "../core/units.ts";
import type { OrderingMode } from "../core/types.ts";
import {
  type BanditConfig,
  BEHAVIOUR_KINDS,
  type BehaviourConfig,
  type BehaviourKind,
  type VenueChoice,
} from "./behaviour-configs.ts";
import { type AmountUnit, ScenarioReader, shown, UNITS } from "./scenario-reader.ts";

/** What a behaviour's validity depends on outside itself. Undefined when the scenario's own value was unreadable (already reported). */
export interface BehaviourContext {
  mode: OrderingMode | undefined;
  historyLength: number | undefined;
}

const VENUES: readonly VenueChoice[] = ["curve", "pool"];

type FieldType =
  | { type: "venue" | "venues" | "rate" | "probability" }
  | { type: "amount"; unit: AmountUnit }
  | { type: "bps"; min: number }
  | { type: "steps"; min: number }
  | { type: "enum"; values: readonly string[] }
  /** Read by the kind's own rule (a nested object or list) or apart from the table (the label). */
  | { type: "custom" };

type Field = FieldType & {
  /** Name in the file. */
  name: string;
  /** Name in the config, when it differs (the unit moves into the name: buyBelow → buyBelowWad). */
  key?: string;
  /** Value when the file leaves it out; with neither a default nor `optional`, the field is required. */
  default?: unknown;
  optional?: true;
};

const venue: Field = { name: "venue", type: "venue" };
const cooldownSteps: Field = { name: "cooldownSteps", type: "steps", min: 0, default: 0 };
const bps = (name: string, extra: Partial<Field> = {}): Field => ({ name, type: "bps", min: 0, ...extra }) as Field;
const period = (name: string, extra: Partial<Field> = {}): Field =>
  ({ name, type: "steps", min: 1, ...extra }) as Field;
const amount = (name: string, unit: AmountUnit, extra: Partial<Field> = {}): Field =>
  ({ name, type: "amount", unit, ...extra }) as Field;

/** Fields every kind accepts. */
const COMMON: Field[] = [
  { name: "label", type: "custom", optional: true },
  bps("slippageBps", { default: 100 }),
  amount("priorityFeeGwei", UNITS.gwei, { key: "priorityFeeWei", optional: true }),
];

const FIELDS: Record<BehaviourKind, Field[]> = {
  threshold: [
    venue,
    amount("buyBelow", UNITS.price, { key: "buyBelowWad", optional: true }),
    amount("sellAbove", UNITS.price, { key: "sellAboveWad", optional: true }),
    amount("amount", UNITS.tokens),
    cooldownSteps,
  ],
  noise: [
    { name: "venues", type: "venues" },
    { name: "ratePerStep", type: "rate" },
    amount("minQuote", UNITS.quote),
    amount("maxQuote", UNITS.quote),
    { name: "buyProbability", type: "probability", default: 0.5 },
  ],
  momentum: [venue, period("lookbackSteps"), bps("triggerBps"), amount("tradeQuote", UNITS.quote), cooldownSteps],
  meanReversion: [venue, period("windowSteps"), bps("bandBps"), amount("tradeQuote", UNITS.quote), cooldownSteps],
  whale: [
    venue,
    { name: "side", type: "enum", values: ["buy", "sell", "alternate"] },
    period("startStep", { default: 1 }),
    period("everySteps"),
    amount("buyQuote", UNITS.quote, { optional: true }),
    bps("sellFractionBps", { min: 1, optional: true }),
  ],
  liquidityProvider: [
    amount("depositQuote", UNITS.quote),
    period("startStep", { default: 1 }),
    bps("exitGapBps"),
    bps("enterGapBps"),
  ],
  arbitrageur: [amount("minProfitQuote", UNITS.quoteOrZero), amount("maxTradeQuote", UNITS.quote)],
  vestingBeneficiary: [venue, period("claimEverySteps"), { name: "sell", type: "custom" }],
  frontRunner: [
    amount("minProfitQuote", UNITS.quoteOrZero),
    amount("maxTradeQuote", UNITS.quote),
    amount("bidIncrementGwei", { ...UNITS.gwei, positive: true }, { key: "bidIncrementWei" }),
  ],
  bandit: [
    { name: "algorithm", type: "enum", values: ["ucb1", "epsilonGreedy"] },
    { name: "epsilon", type: "probability", optional: true },
    period("periodSteps"),
    { name: "arms", type: "custom" },
  ],
};

/** The file's field names of a kind, for the scenario README and messages. */
export function fieldNames(kind: BehaviourKind): { required: string[]; optional: string[] } {
  const fields = [...COMMON, ...FIELDS[kind]];
  const isOptional = (f: Field): boolean => f.optional === true || f.default !== undefined;
  return {
    required: ["kind", ...fields.filter((f) => !isOptional(f)).map((f) => f.name)],
    optional: fields.filter(isOptional).map((f) => f.name),
  };
}

/** Reads the behaviour at `path`; undefined (with the problems recorded) when it is unusable. */
export function readBehaviour(
  r: ScenarioReader,
  value: unknown,
  path: string,
  context: BehaviourContext,
  inBandit = false,
): BehaviourConfig | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return r.fail(
      path,
      `a behaviour: an object with "kind" (${BEHAVIOUR_KINDS.join(", ")}) and that kind's fields`,
      value,
    );
  }
  const raw = (value as Record<string, unknown>).kind;
  if (raw === undefined)
    return r.fail(child(path, "kind"), `the behaviour's kind, one of ${BEHAVIOUR_KINDS.join(", ")}`, undefined);
  const kind = r.oneOf(raw, child(path, "kind"), BEHAVIOUR_KINDS);
  if (kind === undefined) return undefined;

  const before = r.issues.length;
  const { required, optional } = fieldNames(kind);
  const o = r.fields(value, path, required, optional)!;
  const config: Record<string, unknown> = { kind };
  for (const field of [...COMMON, ...FIELDS[kind]]) {
    if (field.type === "custom") continue;
    const given = o[field.name];
    if (given === undefined) {
      if (field.default !== undefined) config[field.key ?? field.name] = field.default;
      continue;
    }
    const read = readField(r, given, child(path, field.name), field);
    if (read !== undefined) config[field.key ?? field.name] = read;
  }
  config.label =
    o.label === undefined
      ? kind
      : r.name(o.label, child(path, "label"), "a label for gas profiles and the leaderboard");

  RULES[kind](r, path, o, config, context, inBandit);
  return r.issues.length > before ? undefined : (config as unknown as BehaviourConfig);
}

function readField(r: ScenarioReader, value: unknown, path: string, field: Field): unknown {
  switch (field.type) {
    case "venue":
      return r.oneOf(value, path, VENUES);
    case "venues": {
      const list = r.array(value, path, '"curve" and/or "pool"');
      if (list === undefined) return undefined;
      if (list.length === 0) return r.failText(path, 'one or both of "curve", "pool"', "an empty list");
      const venues = list.map((v, i) => r.oneOf(v, `${path}[${i}]`, VENUES));
      if (venues.includes(undefined)) return undefined;
      if (new Set(venues).size !== venues.length)
        return r.failText(path, "each venue at most once", JSON.stringify(venues), "list each venue once");
      return venues;
    }
    case "rate":
      return r.number(value, path, 0, 100, "a mean number of trades per step, from 0 to 100 (like 0.2)");
    case "probability":
      return r.number(value, path, 0, 1, "a probability from 0 to 1 (like 0.5)");
    case "amount":
      return r.amount(value, path, field.unit);
    case "bps":
      return r.integer(value, path, BigInt(field.min), BPS, `an integer number of bps from ${field.min} to ${BPS}`);
    case "steps":
      return r.steps(
        value,
        path,
        field.min,
        field.min === 0 ? "a whole number of steps, 0 or more" : `a whole number of steps, at least ${field.min}`,
      );
    case "enum":
      return r.oneOf(value, path, field.values);
    case "custom":
      return undefined;
  }
}

type Rule = (
  r: ScenarioReader,
  path: string,
  file: Record<string, unknown>,
  config: Record<string, unknown>,
  context: BehaviourContext,
  inBandit: boolean,
) => void;

const none: Rule = () => {};

/** A look-back longer than the history the observation keeps could never be filled. */
function withinHistory(field: string): Rule {
  return (r, path, _file, config, context) => {
    const steps = config[field] as number | undefined;
    if (steps === undefined || context.historyLength === undefined || steps <= context.historyLength) return;
    r.failText(
      child(path, field),
      `at most output.historyLength (${context.historyLength}) steps: observations keep no older prices`,
      `${steps}`,
      `raise output.historyLength to ${steps} or shorten ${field}`,
    );
  };
}

const RULES: Record<BehaviourKind, Rule> = {
  threshold(r, path, file, config) {
    const below = config.buyBelowWad as bigint | undefined;
    const above = config.sellAboveWad as bigint | undefined;
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
  noise(r, path, _file, config) {
    const min = config.minQuote as bigint | undefined;
    const max = config.maxQuote as bigint | undefined;
    if (min !== undefined && max !== undefined && min > max) {
      r.failText(
        child(path, "maxQuote"),
        `at least minQuote (${shown(min, QUOTE_DECIMALS)})`,
        shown(max, QUOTE_DECIMALS),
      );
    }
  },
  momentum: withinHistory("lookbackSteps"),
  meanReversion: withinHistory("windowSteps"),
  whale(r, path, file, config) {
    const side = config.side as string | undefined;
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
  liquidityProvider(r, path, _file, config) {
    const exit = config.exitGapBps as number | undefined;
    const enter = config.enterGapBps as number | undefined;
    if (exit !== undefined && enter !== undefined && enter > exit) {
      r.failText(
        child(path, "enterGapBps"),
        `at most exitGapBps (${exit}), or it would leave as soon as it entered`,
        `${enter}`,
      );
    }
  },
  arbitrageur: none,
  vestingBeneficiary(r, path, file, config) {
    if (file.sell !== undefined) {
      const sell = readSell(r, file.sell, child(path, "sell"));
      if (sell !== undefined) config.sell = sell;
    }
  },
  frontRunner(r, path, _file, _config, context) {
    if (context.mode === "sequential") {
      r.failText(
        child(path, "kind"),
        "a behaviour that can act in sequential mode: a front-runner needs to see the pending block",
        '"frontRunner" with mode "sequential"',
        "set mode: priority at the top of the scenario",
      );
    }
  },
  bandit(r, path, file, config, context, inBandit) {
    if (inBandit)
      r.failText(
        child(path, "kind"),
        "an arm that is not itself a bandit",
        '"bandit"',
        "list the inner bandit's arms here directly",
      );
    const algorithm = config.algorithm as BanditConfig["algorithm"] | undefined;
    if (algorithm === "ucb1" && file.epsilon !== undefined) {
      r.failText(
        child(path, "epsilon"),
        "no epsilon: ucb1 explores by its confidence bounds",
        JSON.stringify(file.epsilon),
        "remove it, or set algorithm: epsilonGreedy",
      );
    }
    config.epsilon ??= algorithm === "epsilonGreedy" ? 0.1 : 0;
    if (file.arms === undefined) return;
    const armsPath = child(path, "arms");
    const list = r.array(file.arms, armsPath, "behaviours to choose among");
    if (list === undefined) return;
    if (list.length === 0)
      return void r.failText(armsPath, "at least one arm (a behaviour of any kind but bandit)", "an empty list");
    const arms = list.map((arm, i) => readBehaviour(r, arm, `${armsPath}[${i}]`, context, true));
    arms.forEach((arm, i) => {
      const first = arms.findIndex((other) => other?.label === arm?.label);
      if (arm !== undefined && first < i) {
        r.failText(
          `${armsPath}[${i}].label`,
          `a label no other arm of this bandit has (arms[${first}] is "${arm.label}" too)`,
          JSON.stringify(arm.label),
          "give each arm its own label, so its pulls and rewards can be told apart",
        );
      }
    });
    config.arms = arms;
  },
};

function readSell(r: ScenarioReader, value: unknown, path: string): unknown {
  const modes = ["schedule", "targetPrice", "hold"] as const;
  const expected = `{mode: schedule, fractionBps, everySteps}, {mode: targetPrice, price} or {mode: hold}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return r.fail(path, expected, value);
  const mode = r.oneOf((value as Record<string, unknown>).mode, child(path, "mode"), modes);
  switch (mode) {
    case undefined:
      return undefined;
    case "schedule": {
      const o = r.fields(value, path, ["mode", "fractionBps", "everySteps"])!;
      const fractionBps =
        o.fractionBps === undefined
          ? undefined
          : r.integer(
              o.fractionBps,
              child(path, "fractionBps"),
              1n,
              BPS,
              `an integer share of the released, unsold tokens in bps, from 1 to ${BPS}`,
            );
      const everySteps =
        o.everySteps === undefined
          ? undefined
          : r.steps(o.everySteps, child(path, "everySteps"), 1, "a whole number of steps, at least 1");
      return fractionBps === undefined || everySteps === undefined ? undefined : { mode, fractionBps, everySteps };
    }
    case "targetPrice": {
      const o = r.fields(value, path, ["mode", "price"])!;
      const priceWad = o.price === undefined ? undefined : r.amount(o.price, child(path, "price"), UNITS.price);
      return priceWad === undefined ? undefined : { mode, priceWad };
    }
    case "hold":
      r.fields(value, path, ["mode"]);
      return { mode };
  }
}
