// What a behaviour declares about itself, so that nothing else has to know it by name: its kind, its
// fields in a scenario file (a table the scenario reader walks: name, type, unit, range, default and
// meaning), the rules the table cannot say, and the factory that builds it. Each behaviour's file
// exports one BehaviourSpec; registry.ts lists them. This file also holds what many behaviours
// share: the fields every kind accepts, the venue and cooldown fields, and the look-back rule.
//
// A field is written in human units and read into contract units (inputs/scenario-reader.ts has the
// units): prices into WAD, tokens into token wei, quote into quote units, gwei into wei; bps and
// steps are integers; rates and probabilities plain numbers.

import { child } from "../core/document-reader.ts";
import type { OrderingMode } from "../core/types.ts";
import type { LlmShared } from "../inputs/llm-reader.ts";
import type { AmountUnit, ScenarioReader } from "../inputs/scenario-reader.ts";
import { UNITS } from "../inputs/scenario-reader.ts";
import type { Behaviour } from "./behaviour.ts";

/* CONFIGS */

/** Where a behaviour trades. */
export type VenueChoice = "curve" | "pool";

/** Fields every behaviour accepts. */
export interface CommonConfig {
  /** Name in gas profiles and the leaderboard; the kind when absent. */
  label: string;
  /** Largest price move it accepts between observing and being mined, in bps (default 100). */
  slippageBps: number;
  /** Priority fee it bids, wei per gas; the scenario's `gas.priorityFeeGwei` when absent. */
  priorityFeeWei?: bigint;
  /** First step it acts (a phase of the run: phase.ts); from step 1 when absent. */
  activeFrom?: number;
  /** Last step it acts; to the end of the run when absent. */
  activeUntil?: number;
}

/** What every behaviour's config has: its kind and the common fields. */
export interface BaseConfig extends CommonConfig {
  kind: string;
}

/* FIELD TABLES */

/** How a field is written in the file; the scenario reader (inputs/behaviour-reader.ts) reads each type. */
export type FieldType =
  | { type: "venue" | "venues" | "rate" | "probability" | "label" }
  | { type: "amount"; unit: AmountUnit }
  | { type: "bps"; min: number }
  | { type: "steps"; min: number }
  | { type: "enum"; values: readonly string[] }
  /** A nested object or list, read by the kind's own `check`. */
  | { type: "custom" };

export type Field = FieldType & {
  /** Name in the file. */
  name: string;
  /** Name in the config, when it differs (the unit moves into the name: buyBelow → buyBelowWad). */
  key?: string;
  /** Value when the file leaves it out; with neither a default nor `optional`, the field is required. */
  default?: unknown;
  optional?: true;
  /** What it means, as scenarios/README.md says it. */
  meaning: string;
  /** The default as the README shows it, when it is not `default` (the kind's check, or the scenario, sets it). */
  shownDefault?: string;
};

type Extra = Partial<Pick<Field, "key" | "default" | "optional" | "shownDefault">>;

export const venue = (meaning = "`curve` or `pool`"): Field => ({ name: "venue", type: "venue", meaning });

export const cooldownSteps: Field = {
  name: "cooldownSteps",
  type: "steps",
  min: 0,
  default: 0,
  meaning: "steps to wait after a trade",
};

/** An integer number of bps from 0 (or `min`) to 10000. */
export const bps = (name: string, meaning: string, extra: Extra & { min?: number } = {}): Field => ({
  name,
  type: "bps",
  min: 0,
  meaning,
  ...extra,
});

/** A whole number of steps, at least 1. */
export const period = (name: string, meaning: string, extra: Extra = {}): Field => ({
  name,
  type: "steps",
  min: 1,
  meaning,
  ...extra,
});

export const amount = (name: string, unit: AmountUnit, meaning: string, extra: Extra = {}): Field => ({
  name,
  type: "amount",
  unit,
  meaning,
  ...extra,
});

/** Fields every kind accepts, before its own. */
export const COMMON_FIELDS: readonly Field[] = [
  {
    name: "label",
    type: "label",
    optional: true,
    shownDefault: "the kind",
    meaning: "name in gas profiles and the leaderboard (letters, digits, `_`, `-`)",
  },
  bps("slippageBps", "largest price move it accepts between observing and being mined", { default: 100 }),
  amount("priorityFeeGwei", UNITS.gwei, "the priority fee it bids", {
    key: "priorityFeeWei",
    optional: true,
    shownDefault: "`gas.priorityFeeGwei`",
  }),
  period("activeFrom", "first step it acts: a phase of the run (before it, it sends nothing and draws nothing)", {
    optional: true,
    shownDefault: "`1`",
  }),
  period("activeUntil", "last step it acts (at least `activeFrom`); what-ifs count steps as the run does", {
    optional: true,
    shownDefault: "the last",
  }),
];

/** The file's field names of a kind: `kind` and its required fields, and the optional ones. */
export function fieldNames(spec: Pick<AnySpec, "fields">): { required: string[]; optional: string[] } {
  const fields = [...COMMON_FIELDS, ...spec.fields];
  const isOptional = (f: Field): boolean => f.optional === true || f.default !== undefined;
  return {
    required: ["kind", ...fields.filter((f) => !isOptional(f)).map((f) => f.name)],
    optional: fields.filter(isOptional).map((f) => f.name),
  };
}

/* SPECS */

/** What a behaviour's validity depends on outside itself. Undefined when the scenario's own value was unreadable (already reported). */
export interface BehaviourContext {
  mode: OrderingMode | undefined;
  historyLength: number | undefined;
  /** The scenario's top-level `llm` section, as read (an llm behaviour's settings go over it). */
  llm?: LlmShared;
  /** The scenario file's folder: what a behaviour's file paths are relative to (a saved strategy's). */
  scenarioDir?: string;
}

/** One behaviour entry of a scenario file, after its table has been read: what a kind's `check` sees. */
export interface BehaviourEntry<C extends BaseConfig = BaseConfig> {
  path: string;
  /** The entry as the file wrote it. */
  file: Record<string, unknown>;
  /** What the table could read, in contract units (a field with a problem is missing); `check` may complete it. */
  config: Partial<C>;
  context: BehaviourContext;
  /** Read as part of another behaviour (a bandit's arm). */
  nested: boolean;
  /** Reads a behaviour that is part of this one (a bandit's arm) at `path`; undefined when it is unusable (reported). */
  readNested(value: unknown, path: string): BaseConfig | undefined;
}

export interface BehaviourSpec<C extends BaseConfig> {
  /** The `kind` in a scenario file. */
  kind: C["kind"];
  /** What it does, in a few words (its heading in scenarios/README.md). */
  summary: string;
  /** What the README says of it before its fields, if anything. */
  note?: string;
  /** Its fields in the file, after COMMON_FIELDS; read in this order. */
  fields: readonly Field[];
  /**
   * What the table cannot say, checked after it: a rule across fields, a field that depends on the
   * scenario, a custom field. Records each problem on `r`; may complete `entry.config`.
   */
  check?(r: ScenarioReader, entry: BehaviourEntry<C>): void;
  /** The agent's wallet must be a genesis vesting beneficiary's account. */
  needsVestingAccount?: true;
  /** The behaviours that are part of this one (a bandit's arms). */
  parts?(config: C): readonly BaseConfig[];
  /** Builds it; `build` builds any behaviour from its config (a bandit's arms). */
  create(config: C, build: (config: BaseConfig) => Behaviour): Behaviour;
}

/** A spec of any kind, as the registry holds it. */
export type AnySpec = BehaviourSpec<BaseConfig>;

/** The config type of a spec. */
export type ConfigOf<S> = S extends BehaviourSpec<infer C> ? C : never;

/* SHARED RULES */

/** A look-back longer than the history the observation keeps could never be filled. */
export function withinHistory(field: string): NonNullable<AnySpec["check"]> {
  return (r, { path, config, context }) => {
    const steps = (config as Record<string, unknown>)[field] as number | undefined;
    if (steps === undefined || context.historyLength === undefined || steps <= context.historyLength) return;
    r.failText(
      child(path, field),
      `at most output.historyLength (${context.historyLength}) steps: observations keep no older prices`,
      `${steps}`,
      `raise output.historyLength to ${steps} or shorten ${field}`,
    );
  };
}
