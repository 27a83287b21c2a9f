// Reads one behaviour of a scenario file into its config. It knows no behaviour by name: it looks
// the entry's `kind` up in the registry (behaviours/registry.ts) and walks that kind's field table
// (behaviours/spec.ts: name in the file, type, unit, range, default), the common fields first; then
// the kind's own `check` says what a table cannot (a threshold needs at least one threshold, a
// whale that only sells takes no buyQuote, a front-runner needs priority mode). Human units in,
// contract units out (UNITS in scenario-reader.ts).

import { child } from "../core/document-reader.ts";
import { BPS } from "../core/units.ts";
import type { BehaviourRegistry } from "../behaviours/registry.ts";
import {
  type BaseConfig,
  type BehaviourContext,
  COMMON_FIELDS,
  type Field,
  fieldNames,
  type VenueChoice,
} from "../behaviours/spec.ts";
import type { ScenarioReader } from "./scenario-reader.ts";

/** What reading a scenario's behaviours depends on: the scenario's mode and history, and the kinds it may use. */
export interface BehaviourReading extends BehaviourContext {
  /** The kinds a scenario may use (behaviours/registry.ts's BEHAVIOUR_REGISTRY, unless a test adds its own). */
  registry: BehaviourRegistry;
}

const VENUES: readonly VenueChoice[] = ["curve", "pool"];

/** Reads the behaviour at `path`; undefined (with the problems recorded) when it is unusable. */
export function readBehaviour(
  r: ScenarioReader,
  value: unknown,
  path: string,
  reading: BehaviourReading,
  nested = false,
): BaseConfig | undefined {
  const { registry } = reading;
  const kinds = registry.kinds;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return r.fail(path, `a behaviour: an object with "kind" (${kinds.join(", ")}) and that kind's fields`, value);
  }
  const raw = (value as Record<string, unknown>).kind;
  if (raw === undefined)
    return r.fail(child(path, "kind"), `the behaviour's kind, one of ${kinds.join(", ")}`, undefined);
  const kind = r.oneOf(raw, child(path, "kind"), kinds);
  if (kind === undefined) return undefined;
  const spec = registry.spec(kind)!;

  const before = r.issues.length;
  const { required, optional } = fieldNames(spec);
  const file = r.fields(value, path, required, optional)!;
  const config: Record<string, unknown> = { kind };
  const fields = [...COMMON_FIELDS, ...spec.fields];
  for (const field of fields) {
    if (field.type === "custom" || field.type === "label") continue;
    const given = file[field.name];
    if (given === undefined) {
      if (field.default !== undefined) config[field.key ?? field.name] = field.default;
      continue;
    }
    const read = readField(r, given, child(path, field.name), field);
    if (read !== undefined) config[field.key ?? field.name] = read;
  }
  const { activeFrom, activeUntil } = config as { activeFrom?: number; activeUntil?: number };
  if (activeFrom !== undefined && activeUntil !== undefined && activeUntil < activeFrom)
    r.failText(
      child(path, "activeUntil"),
      `a step at or after activeFrom (${activeFrom})`,
      String(activeUntil),
      "end the phase at or after the step it starts",
    );
  // The label (a common field) comes after the others, as it always has, so a file's problems keep their order.
  config.label =
    file.label === undefined
      ? kind
      : r.name(file.label, child(path, "label"), "a label for gas profiles and the leaderboard");

  spec.check?.(r, {
    path,
    file,
    config: config as Partial<BaseConfig>,
    context: {
      mode: reading.mode,
      historyLength: reading.historyLength,
      ...(reading.llm === undefined ? {} : { llm: reading.llm }),
      ...(reading.scenarioDir === undefined ? {} : { scenarioDir: reading.scenarioDir }),
    },
    nested,
    readNested: (part, partPath) => readBehaviour(r, part, partPath, reading, true),
  });
  return r.issues.length > before ? undefined : (config as unknown as BaseConfig);
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
    case "label":
    case "custom":
      return undefined;
  }
}
