// A behaviour's phase: the steps it acts in (`activeFrom` … `activeUntil`, common fields of every
// kind). Outside them it sends nothing, reacts to nothing, learns nothing and draws nothing from its
// random stream, as if it were not there; a regime change (calm, then a demand shock, then a bear
// phase) is a few agents whose phases follow each other. A behaviour with neither field is returned
// as it is, so a scenario without phases runs exactly as before.
//
// Steps are the run's: a what-if that starts from step k of a battle passes `stepOffset` k, so its
// agents switch phase at the same steps as the battle's (its own World counts from 1).

import type { Behaviour } from "./behaviour.ts";
import { BehaviourConfigError } from "./config-checks.ts";
import type { BaseConfig } from "./spec.ts";

/** Whether `step` (the run's) lies in the config's phase. */
export function activeAt(config: Pick<BaseConfig, "activeFrom" | "activeUntil">, step: number): boolean {
  return step >= (config.activeFrom ?? 1) && (config.activeUntil === undefined || step <= config.activeUntil);
}

/** `behaviour` gated by its config's phase; `stepOffset` is the run's step before the World's step 1. */
export function withPhase(behaviour: Behaviour, config: BaseConfig, stepOffset = 0): Behaviour {
  if (config.activeFrom === undefined && config.activeUntil === undefined) return behaviour;
  checkPhase(config);
  const active = (step: number) => activeAt(config, step + stepOffset);
  const gated: Behaviour = {
    kind: behaviour.kind,
    label: behaviour.label,
    step: (obs, ctx) => (active(obs.step) ? behaviour.step(obs, ctx) : []),
  };
  if (behaviour.decidesAhead === true) (gated as { decidesAhead?: boolean }).decidesAhead = true;
  const { react, settle, dispose } = behaviour;
  if (dispose !== undefined) gated.dispose = () => dispose.call(behaviour);
  if (react !== undefined)
    gated.react = (obs, pending, ctx) => (active(obs.step) ? react.call(behaviour, obs, pending, ctx) : []);
  if (settle !== undefined)
    gated.settle = (outcome) => {
      if (active(outcome.step)) settle.call(behaviour, outcome);
    };
  return gated;
}

function checkPhase(config: BaseConfig): void {
  const label = { kind: config.kind, label: config.label || config.kind };
  for (const field of ["activeFrom", "activeUntil"] as const) {
    const value = config[field];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1))
      throw new BehaviourConfigError(
        label,
        field,
        `must be a step, a whole number >= 1, got ${value}`,
        `set ${field} to a step of the run`,
      );
  }
  if (config.activeFrom !== undefined && config.activeUntil !== undefined && config.activeUntil < config.activeFrom)
    throw new BehaviourConfigError(
      label,
      "activeUntil",
      `must be at least activeFrom (${config.activeFrom}), got ${config.activeUntil}`,
      "end the phase at or after the step it starts",
    );
}
