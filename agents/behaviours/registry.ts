// The one list of behaviour kinds. Each entry is a behaviour's spec (spec.ts): its config type, its
// fields in a scenario file, its rules and its factory, all in the behaviour's own file. The
// scenario reader, the factory below, experiment grids and the scenario README's reference all go
// through this list, and know no behaviour by name.
//
// Adding a behaviour: write behaviours/<kind>.ts exporting its config type and its BehaviourSpec
// (fields with their meanings, a `check` for what the table cannot say, `create`), then add it to
// BEHAVIOURS below (and its import). `UPDATE_README=1 bin/arena test mocha test/scenario.test.ts`
// then writes its section of scenarios/README.md from its field table.
//
// The order of BEHAVIOURS is the order the kinds are listed in messages and in the README.

import { arbitrageur } from "./arbitrageur.ts";
import { bandit } from "./bandit.ts";
import type { Behaviour } from "./behaviour.ts";
import { withPhase } from "./phase.ts";
import { frontRunner } from "./front-runner.ts";
import { liquidityProvider } from "./liquidity-provider.ts";
import { llmTrader } from "./llm-trader.ts";
import { meanReversion } from "./mean-reversion.ts";
import { mercenaryFarmer } from "./mercenary-farmer.ts";
import { momentum } from "./momentum.ts";
import { noise } from "./noise.ts";
import type { AnySpec, BaseConfig, ConfigOf } from "./spec.ts";
import { strategy } from "../strategy/strategy-behaviour.ts";
import { threshold } from "./threshold.ts";
import { vestingBeneficiary } from "./vesting-beneficiary.ts";
import { whale } from "./whale.ts";
import { yieldStaker } from "./yield-staker.ts";

export const BEHAVIOURS = [
  threshold,
  noise,
  momentum,
  meanReversion,
  whale,
  liquidityProvider,
  arbitrageur,
  vestingBeneficiary,
  frontRunner,
  bandit,
  llmTrader,
  strategy,
  yieldStaker,
  mercenaryFarmer,
] as const;

/** The parsed, validated config of any behaviour, in contract units. */
export type BehaviourConfig = ConfigOf<(typeof BEHAVIOURS)[number]>;

export type BehaviourKind = BehaviourConfig["kind"];

/** A set of behaviour kinds: what a scenario may use and how each is built. */
export interface BehaviourRegistry {
  /** The kinds, in the order of their specs. */
  readonly kinds: readonly string[];
  readonly specs: readonly AnySpec[];
  spec(kind: string): AnySpec | undefined;
  /**
   * Builds any behaviour from its config; the factory checks the config (BehaviourConfigError). A
   * behaviour with a phase (`activeFrom`, `activeUntil`) acts only in it; `stepOffset` is the run's
   * step before the World's first (a what-if from the middle of a battle).
   */
  create(config: BaseConfig, stepOffset?: number): Behaviour;
  /** Whether the agent running `config` must trade from a genesis vesting beneficiary's account. */
  needsVestingAccount(config: BaseConfig): boolean;
}

/** A registry of `specs` (each kind once). */
export function behaviourRegistry(specs: readonly AnySpec[]): BehaviourRegistry {
  const byKind = new Map<string, AnySpec>();
  for (const spec of specs) {
    if (byKind.has(spec.kind)) throw new Error(`behaviour kind "${spec.kind}" is registered twice`);
    byKind.set(spec.kind, spec);
  }
  const kinds = specs.map((spec) => spec.kind);
  const specOf = (config: BaseConfig): AnySpec => {
    const spec = byKind.get(config.kind);
    if (spec === undefined) throw new Error(`unknown behaviour kind "${config.kind}"; use one of ${kinds.join(", ")}`);
    return spec;
  };
  const registry: BehaviourRegistry = {
    kinds,
    specs,
    spec: (kind) => byKind.get(kind),
    create: (config, stepOffset = 0) =>
      withPhase(
        specOf(config).create(config, (part) => registry.create(part, stepOffset)),
        config,
        stepOffset,
      ),
    needsVestingAccount(config) {
      const spec = specOf(config);
      return spec.needsVestingAccount === true || (spec.parts?.(config) ?? []).some(registry.needsVestingAccount);
    },
  };
  return registry;
}

export const BEHAVIOUR_REGISTRY: BehaviourRegistry = behaviourRegistry(BEHAVIOURS);

export const BEHAVIOUR_KINDS = BEHAVIOUR_REGISTRY.kinds as readonly BehaviourKind[];

/** Builds any behaviour from its parsed config; a bandit's arms are built through here too. */
export function createBehaviour(config: BehaviourConfig): Behaviour {
  return BEHAVIOUR_REGISTRY.create(config);
}

/** The same, for a World whose step 1 is the run's step `stepOffset + 1` (a what-if from the middle of a battle). */
export function createBehaviourAfter(stepOffset: number): (config: BehaviourConfig) => Behaviour {
  return (config) => BEHAVIOUR_REGISTRY.create(config, stepOffset);
}
