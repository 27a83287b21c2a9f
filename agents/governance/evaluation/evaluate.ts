// Evaluating a proposal: for each seed, a what-if without the change and one with it, from the same
// snapshot and the same seed, so each seed gives one paired difference per metric and per agent. The
// effect of the change is the mean of those differences with a 95% interval (Student's t); an effect
// whose interval excludes zero is more than the agents' own randomness.

import { type Interval, isSignificant, meanInterval, pairedDifference } from "../../core/interval.ts";
import { ratio } from "../../core/stats.ts";
import { type BetterIs, type MetricName, measure, metricNamed } from "../../metrics/registry.ts";
import type { ProposalActions } from "../protocol/proposal.ts";
import { runWhatIf, type WhatIfContext, type WhatIfRun } from "./what-if.ts";

/** The metrics every evaluation reports (agents/metrics/registry.ts), in report order. */
export const EVALUATION_METRICS = [
  "curveVolatilityBps",
  "poolVolatilityBps",
  "treasuryRevenueQuote",
  "minSolvencyRatio",
  "finalSolvencyRatio",
  "finalCurvePriceQuote",
  "finalPoolPriceQuote",
  "volumeQuote",
  "gasUsed",
] as const satisfies readonly MetricName[];
export type EvaluationMetric = (typeof EVALUATION_METRICS)[number];

export interface EvaluateOptions {
  /** The change: a drafted or submitted proposal's calls. */
  actions: ProposalActions;
  /** One pair of arms per seed; at least two for an interval. */
  seeds: bigint[];
  /** Blocks each arm runs after the change takes effect. */
  blocks: number;
  /** Unix seconds the change takes effect (see apply-time.ts for a proposal's). */
  applyAt: bigint;
  /** Called after each arm (progress). */
  onArm?: (done: number, total: number, run: WhatIfRun) => void;
}

/** One metric's effect. Values are plain numbers in the metric's unit. */
export interface MetricEffect {
  metric: EvaluationMetric;
  label: string;
  unit: string;
  betterIs: BetterIs;
  /** The metric per seed, without and with the change. */
  withoutValues: number[];
  withValues: number[];
  without: Interval;
  with: Interval;
  /** with − without, paired by seed. */
  difference: Interval;
  significant: boolean;
}

/** An agent's (or an agent group's) PnL effect, in quote. */
export interface PnlEffect {
  /** Agent id, or group name. */
  name: string;
  /** The agents it covers (one for an agent; every member for a group). */
  agents: string[];
  group: string;
  behaviours: string[];
  without: Interval;
  with: Interval;
  difference: Interval;
  significant: boolean;
}

export interface Evaluation {
  actions: ProposalActions;
  seeds: bigint[];
  blocks: number;
  applyAt: bigint;
  scenario: { name: string; source: string; genesis: string; blockSeconds: number };
  /** Block the evaluation started from (the chain's latest before the first arm). */
  fromBlock: bigint;
  metrics: MetricEffect[];
  agents: PnlEffect[];
  groups: PnlEffect[];
  /** Gas of the Timelock's calls that make the change. */
  executionGas: bigint;
  /** The arms, seed by seed (index i of each list is seeds[i]). */
  runs: { without: WhatIfRun[]; with: WhatIfRun[] };
  wallSeconds: number;
}

const QUOTE = 10n ** 6n;

export async function evaluateProposal(ctx: WhatIfContext, options: EvaluateOptions): Promise<Evaluation> {
  if (options.seeds.length === 0)
    throw new RangeError("evaluateProposal: give at least one seed (two or more for confidence intervals)");
  if (new Set(options.seeds.map(String)).size !== options.seeds.length)
    throw new RangeError(`evaluateProposal: seeds repeat (${options.seeds.join(", ")}); give distinct seeds`);
  const start = performance.now();
  const fromBlock = await ctx.chain.client.getBlockNumber();
  const without: WhatIfRun[] = [];
  const withChange: WhatIfRun[] = [];
  const total = options.seeds.length * 2;
  for (const seed of options.seeds) {
    const base = await runWhatIf(ctx, { seed, blocks: options.blocks, applyAt: options.applyAt });
    without.push(base);
    options.onArm?.(without.length + withChange.length, total, base);
    const changed = await runWhatIf(ctx, {
      seed,
      blocks: options.blocks,
      applyAt: options.applyAt,
      actions: options.actions,
    });
    withChange.push(changed);
    options.onArm?.(without.length + withChange.length, total, changed);
  }

  const metrics = EVALUATION_METRICS.map((metric): MetricEffect => {
    const withoutValues = without.map((run) => metricOf(run, metric));
    const withValues = withChange.map((run) => metricOf(run, metric));
    const difference = pairedDifference(withValues, withoutValues);
    const { label, unit, betterIs } = metricNamed(metric)!;
    return {
      metric,
      label,
      unit,
      betterIs,
      withoutValues,
      withValues,
      without: meanInterval(withoutValues),
      with: meanInterval(withValues),
      difference,
      significant: isSignificant(difference),
    };
  });

  const first = without[0]!;
  const agents = first.agents.map((a) => pnlEffect(a.agent, [a.agent], a.group, a.behaviours, without, withChange));
  const groupNames = [...new Set(first.agents.map((a) => a.group))];
  const groups = groupNames.map((group) => {
    const members = first.agents.filter((a) => a.group === group);
    return pnlEffect(
      group,
      members.map((a) => a.agent),
      group,
      [...new Set(members.flatMap((a) => a.behaviours))],
      without,
      withChange,
    );
  });

  const s = ctx.scenario;
  return {
    actions: options.actions,
    seeds: [...options.seeds],
    blocks: options.blocks,
    applyAt: options.applyAt,
    scenario: { name: s.name, source: s.source, genesis: s.genesis, blockSeconds: s.blockSeconds },
    fromBlock,
    metrics,
    agents,
    groups,
    executionGas: withChange[0]!.execution?.gasUsed ?? 0n,
    runs: { without, with: withChange },
    wallSeconds: (performance.now() - start) / 1000,
  };
}

/**
 * A metric of one arm, in the metric's unit, measured from the market before the change took effect
 * (the same in both arms of a seed): the move the change makes when it executes counts against it.
 */
export function metricOf(run: WhatIfRun, metric: MetricName): number {
  return measure({ steps: run.steps, before: run.before }, metric);
}

function pnlEffect(
  name: string,
  members: string[],
  group: string,
  behaviours: string[],
  without: WhatIfRun[],
  withChange: WhatIfRun[],
): PnlEffect {
  const pnl = (run: WhatIfRun) => {
    let total = 0n;
    for (const agent of run.agents) if (members.includes(agent.agent)) total += agent.pnlQuote;
    return ratio(total, QUOTE);
  };
  const withoutValues = without.map(pnl);
  const withValues = withChange.map(pnl);
  const difference = pairedDifference(withValues, withoutValues);
  return {
    name,
    agents: members,
    group,
    behaviours,
    without: meanInterval(withoutValues),
    with: meanInterval(withValues),
    difference,
    significant: isSignificant(difference),
  };
}
