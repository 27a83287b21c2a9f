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

import { child } from "../core/document-reader.ts";
import type { Random } from "../core/random.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour, DecideContext, PendingTx, StepOutcome } from "./behaviour.ts";
import { BehaviourConfigError, checkCommon, checkProbability, checkWholeNumber } from "./config-checks.ts";
import { type BaseConfig, type BehaviourSpec, type CommonConfig, period } from "./spec.ts";

/** An arm: any behaviour but a bandit, built through the registry (the bandit knows none of them). */
export type ArmConfig = BaseConfig;

/** A multi-armed bandit that picks one of its arms every `periodSteps` and is rewarded by the PnL it made. */
export interface BanditConfig extends CommonConfig {
  kind: "bandit";
  algorithm: "ucb1" | "epsilonGreedy";
  /** Exploration rate for epsilon-greedy (0..1). */
  epsilon: number;
  periodSteps: number;
  /** The strategies it chooses among (any kind but bandit). */
  arms: ArmConfig[];
}

export const bandit: BehaviourSpec<BanditConfig> = {
  kind: "bandit",
  summary: "learns which of its arms pays",
  fields: [
    { name: "algorithm", type: "enum", values: ["ucb1", "epsilonGreedy"], meaning: "`ucb1` or `epsilonGreedy`" },
    {
      name: "epsilon",
      type: "probability",
      optional: true,
      shownDefault: "`0.1`",
      meaning: "exploration rate, 0 … 1 (`epsilonGreedy` only)",
    },
    period("periodSteps", "steps each chosen arm runs before the next choice, rewarded by the PnL it made"),
    { name: "arms", type: "custom", meaning: "behaviours of any kind but `bandit`, each with its own `label`" },
  ],
  check(r, { path, file, config, nested, readNested }) {
    if (nested)
      r.failText(
        child(path, "kind"),
        "an arm that is not itself a bandit",
        '"bandit"',
        "list the inner bandit's arms here directly",
      );
    const { algorithm } = config;
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
    const arms = list.map((arm, i) => readNested(arm, `${armsPath}[${i}]`));
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
    config.arms = arms as ArmConfig[]; // with an unusable arm reported, the config is not used
  },
  parts: (config) => config.arms,
  create: createBandit,
};

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
