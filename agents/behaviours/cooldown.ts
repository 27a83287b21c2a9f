// The wait between two trades of one behaviour, counted in the observation's steps (not in calls),
// so a behaviour that is skipped for a step, or given steps out of a bandit's rota, waits the same.

import type { Behaviour } from "./behaviour.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";

export class Cooldown {
  private lastTradeStep: number | undefined;

  /** `steps` whole steps must pass after a trade before the next one (0: trade every step). */
  constructor(private readonly steps: number) {}

  ready(step: number): boolean {
    return this.lastTradeStep === undefined || step - this.lastTradeStep > this.steps;
  }

  /** Starts the wait: call when the behaviour emits a trade at `step`. */
  start(step: number): void {
    this.lastTradeStep = step;
  }
}

/**
 * A behaviour that makes at most one trade per step, `decide` choosing it, and then waits out
 * `cooldownSteps` (threshold, momentum and mean reversion are all this shape).
 */
export function oneTradeWithCooldown<C extends { kind: string; label: string; cooldownSteps: number }>(
  config: C,
  decide: (config: C, obs: Observation) => Intent | undefined,
): Behaviour {
  const cooldown = new Cooldown(config.cooldownSteps);
  return {
    kind: config.kind,
    label: config.label || config.kind,
    step(obs) {
      if (!cooldown.ready(obs.step)) return [];
      const intent = decide(config, obs);
      if (intent === undefined) return [];
      cooldown.start(obs.step);
      return [intent];
    },
  };
}
