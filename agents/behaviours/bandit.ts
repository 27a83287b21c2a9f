// A multi-armed bandit over strategies. Its arms are whole behaviours (a threshold trader, an
// arbitrageur, ...), built once with `build`. Every periodSteps steps it picks one arm and lets it
// act alone for the period: step, react and settle all go to that arm. When the period ends, the
// arm's reward is the change in the agent's mark-to-market PnL (net of gas) over the period, read
// from obs.self.pnlQuote at the first step of the next period.
//
// Choice: every arm is pulled once first, in order; then
// - ucb1: the arm with the largest mean + range·√(2·ln(pulls) / armPulls). UCB1 assumes rewards in
//   [0, 1]; PnL is in quote units, so the bonus is scaled by the range of the rewards seen so far;
// - epsilonGreedy: with probability epsilon a uniformly random arm, otherwise the best mean.
// Ties go to the first arm. The draws come from ctx.rng, so a seed fixes every choice.
//
// For reports, `stats()` returns each arm's label, pulls, total and mean reward (quote units), and
// `current()` the index of the arm playing now.

import type { BanditConfig } from "../inputs/behaviour-configs.ts";
import type { Random } from "../core/random.ts";
import type { Behaviour, DecideContext, PendingTx, StepOutcome } from "./behaviour.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import { BehaviourConfigError, checkCommon, checkProbability, checkWholeNumber } from "./config-checks.ts";

export type ArmConfig = BanditConfig["arms"][number];

export interface ArmStats {
  /** The arm's behaviour label (its scenario label, else its kind). */
  label: string;
  kind: string;
  /** Periods it was chosen for and that have ended. */
  pulls: number;
  /** Sum of its rewards, quote units. */
  totalReward: bigint;
  /** totalReward / pulls (0 before the first pull), quote units. */
  meanReward: number;
}

export interface Bandit extends Behaviour {
  stats(): ArmStats[];
  /** Index into the arms of the one playing now; undefined before the first step. */
  current(): number | undefined;
}

export function createBandit(config: BanditConfig, build: (arm: ArmConfig) => Behaviour): Bandit {
  checkConfig(config);
  const arms = config.arms.map(build);
  const pulls = arms.map(() => 0);
  const totals = arms.map(() => 0n);
  let active: number | undefined;
  let periodStartStep = 0;
  let periodStartPnl = 0n;

  const mean = (i: number) => (pulls[i] === 0 ? 0 : Number(totals[i]!) / pulls[i]!);

  function choose(rng: Random): number {
    const untried = pulls.findIndex((n) => n === 0);
    if (untried >= 0) return untried;
    if (config.algorithm === "epsilonGreedy") {
      if (rng.unit() < config.epsilon) return rng.index(arms.length);
      return argmax(arms.map((_, i) => mean(i)));
    }
    const total = pulls.reduce((a, b) => a + b, 0);
    const means = arms.map((_, i) => mean(i));
    const range = Math.max(...means) - Math.min(...means) || 1;
    return argmax(means.map((m, i) => m + range * Math.sqrt((2 * Math.log(total)) / pulls[i]!)));
  }

  function arm(): Behaviour {
    return arms[active!]!;
  }

  return {
    kind: "bandit",
    label: config.label,
    step(obs: Observation, ctx: DecideContext) {
      if (active === undefined || obs.step - periodStartStep >= config.periodSteps) {
        if (active !== undefined) {
          pulls[active]! += 1;
          totals[active]! += obs.self.pnlQuote - periodStartPnl;
        }
        active = choose(ctx.rng);
        periodStartStep = obs.step;
        periodStartPnl = obs.self.pnlQuote;
      }
      return arm().step(obs, ctx);
    },
    react(obs: Observation, pending: readonly PendingTx[], ctx: DecideContext): Intent[] | Promise<Intent[]> {
      if (active === undefined) return [];
      const current = arm();
      return current.react === undefined ? [] : current.react(obs, pending, ctx);
    },
    settle(outcome: StepOutcome): void {
      if (active !== undefined) arm().settle?.(outcome);
    },
    stats(): ArmStats[] {
      return arms.map((a, i) => ({
        label: a.label,
        kind: a.kind,
        pulls: pulls[i]!,
        totalReward: totals[i]!,
        meanReward: mean(i),
      }));
    },
    current(): number | undefined {
      return active;
    },
  };
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function checkConfig(config: BanditConfig): void {
  checkCommon(config);
  if (config.arms.length === 0)
    throw new BehaviourConfigError(config, "arms", "is empty", "give at least one strategy to choose among");
  checkWholeNumber(config, "periodSteps", config.periodSteps, 1);
  if (config.algorithm === "epsilonGreedy") checkProbability(config, "epsilon", config.epsilon);
  for (const [i, arm] of config.arms.entries()) {
    if ((arm as { kind: string }).kind === "bandit")
      throw new BehaviourConfigError(config, `arms[${i}]`, "is a bandit", "an arm may be any kind but bandit");
  }
}
