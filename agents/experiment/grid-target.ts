// What a grid parameter's name points at. Four kinds of names:
//   pool.feeBps, market.buyFeeBps, curve.slope …   a parameter-store key: its genesis value is replaced
//                                                  (the store's step rails forbid moving it after launch)
//   agents.<id>.<field>                           a behaviour field of the scenario's agent entry <id>
//   agents.<id>.behaviours[<j>].<field>           the same, for an agent with several behaviours
//   genesis.<path>                                any field of the genesis file (genesis-target.ts)
//   genesis                                       the genesis file itself (each value a file)
// <id> is the id written in the scenario file: with `count: N` every copy gets the value. <field> is
// the field's name in the file (buyBelow, amount, cooldownSteps …), in the file's human units.

import { closest } from "../inputs/scenario-reader.ts";
import { BEHAVIOUR_REGISTRY } from "../behaviours/registry.ts";
import { fieldNames } from "../behaviours/spec.ts";
import { parameterDecimals } from "../core/parameters.ts";
import type { ScenarioReader } from "../inputs/scenario-reader.ts";
import type { ParameterTarget } from "./experiment-types.ts";

const BEHAVIOUR_NAME = /^agents\.([A-Za-z0-9_-]+)\.(?:behaviours\[(\d+)\]\.)?([A-Za-z]+)$/;

/** The target of grid parameter `name`; `storeKeys` are the genesis's, `scenario` the scenario file's document. */
export function readGridTarget(
  r: ScenarioReader,
  name: string,
  path: string,
  storeKeys: readonly string[],
  scenario: unknown,
): ParameterTarget | undefined {
  if (!name.startsWith("agents.")) {
    if (storeKeys.includes(name)) return { kind: "store", key: name, decimals: parameterDecimals(name) };
    const near = closest(name, storeKeys);
    return r.failText(
      path,
      `a parameter-store key of the scenario's genesis (${storeKeys.join(", ")}), agents.<id>.<field> or genesis.<path>`,
      JSON.stringify(name),
      near === undefined ? undefined : `did you mean ${near}?`,
    );
  }
  const match = BEHAVIOUR_NAME.exec(name);
  if (match === null) {
    return r.failText(
      path,
      "agents.<id>.<field> or agents.<id>.behaviours[<j>].<field> (like agents.buyer.buyBelow)",
      JSON.stringify(name),
    );
  }
  const [, agentId, indexText, field] = match;
  const entries = agentEntries(scenario);
  const agentIndex = entries.findIndex((entry) => entry.id === agentId);
  if (agentIndex < 0) {
    const ids = entries.map((entry) => entry.id);
    const near = closest(agentId, ids) ?? ids.find((id) => agentId.startsWith(`${id}-`));
    return r.failText(
      path,
      `an agent id of the scenario file (${ids.join(", ")})`,
      JSON.stringify(agentId),
      near === undefined ? undefined : `use ${near} (a counted agent's copies all take the value)`,
    );
  }
  const behaviours = entries[agentIndex].behaviours;
  if (indexText === undefined && behaviours.length > 1) {
    return r.failText(
      path,
      `a behaviour index: agent ${agentId} has ${behaviours.length} behaviours`,
      JSON.stringify(name),
      `write agents.${agentId}.behaviours[<j>].${field}, j from 0 to ${behaviours.length - 1}`,
    );
  }
  const behaviourIndex = indexText === undefined ? 0 : Number(indexText);
  const kind = behaviours[behaviourIndex];
  if (kind === undefined)
    return r.failText(
      path,
      `a behaviour index from 0 to ${behaviours.length - 1} (agent ${agentId})`,
      indexText ?? "0",
    );
  // The base scenario parsed, so every kind it names is registered.
  const names = fieldNames(BEHAVIOUR_REGISTRY.spec(kind)!);
  const fields = [...names.required, ...names.optional].filter((f) => f !== "kind" && f !== "label");
  if (!fields.includes(field)) {
    const near = closest(field, fields);
    return r.failText(
      path,
      `a field of ${agentId}'s ${kind} behaviour (${fields.join(", ")})`,
      JSON.stringify(field),
      near === undefined
        ? undefined
        : `did you mean agents.${agentId}.${indexText === undefined ? "" : `behaviours[${indexText}].`}${near}?`,
    );
  }
  return { kind: "behaviour", agentIndex, agentId, behaviourIndex, field };
}

/** The scenario document's agent entries with their behaviour kinds, as far as they can be read (the scenario reader reports the rest). */
function agentEntries(document: unknown): { id: string; behaviours: string[] }[] {
  const agents = (document as { agents?: unknown })?.agents;
  if (!Array.isArray(agents)) return [];
  return agents.map((agent) => {
    const id = typeof agent?.id === "string" ? agent.id : "";
    const behaviours = Array.isArray(agent?.behaviours) ? agent.behaviours : [];
    return {
      id,
      behaviours: behaviours.map((b: { kind?: unknown }) => String(b?.kind)),
    };
  });
}

/** The scenario document with behaviour values set (a copy: the base document is shared by every case). */
export function scenarioDocumentWith(
  document: unknown,
  settings: readonly { target: ParameterTarget; value: string | number | boolean }[],
): unknown {
  const copy = structuredClone(document) as { agents: { behaviours: Record<string, unknown>[] }[] };
  for (const { target, value } of settings) {
    if (target.kind !== "behaviour") continue;
    copy.agents[target.agentIndex].behaviours[target.behaviourIndex][target.field] = value;
  }
  return copy;
}
