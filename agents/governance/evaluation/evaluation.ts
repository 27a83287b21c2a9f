// A proposal's evaluation as governance reasons with it: for each metric of window-metrics.ts, its
// level with and without the change and the paired difference (with − without, seed by seed, the
// same seed driving both arms), each a 95% interval across seeds; and each agent's PnL difference.
// Built from the arms of what-if runs (what-if.ts), so the metrics are measured
// exactly as the protocol agent's monitor measures them in the battle.

import { type Interval, meanInterval, pairedDifference } from "../../core/interval.ts";
import type { Evaluation } from "./evaluate.ts";
import type { StepRow } from "../../mechanisms/vocabulary.ts";
import { OBJECTIVE_METRICS, type ObjectiveMetric } from "../../inputs/governance-types.ts";
import { type WindowStart, windowMetrics } from "./window-metrics.ts";

export interface MetricEffect {
  with: Interval;
  without: Interval;
  difference: Interval;
}

export interface ProposalEvaluation {
  seeds: number;
  blocks: number;
  applyAt: bigint;
  metrics: Record<ObjectiveMetric, MetricEffect>;
  /** Each agent's PnL difference (with − without), in whole quote. */
  agents: Record<string, Interval>;
  /** The what-if evaluation it was measured from (its per-agent effects are what voters decide on). */
  source: Evaluation;
}

/**
 * Governance's metrics measured on the arms of an evaluation (evaluate.ts), seed by seed, each from
 * `start`, the market when the evaluation began: a change that moves the price when it executes (a
 * retuned curve) has that move counted against it, as the market will feel it.
 */
export function governanceEvaluation(evaluation: Evaluation, start: WindowStart): ProposalEvaluation {
  const pnl = (run: Evaluation["runs"]["with"][number]) => new Map(run.agents.map((a) => [a.agent, a.pnlQuote]));
  const pairs = evaluation.runs.with.map((w, i) => {
    const wo = evaluation.runs.without[i]!;
    return { with: { steps: w.steps, pnlQuote: pnl(w) }, without: { steps: wo.steps, pnlQuote: pnl(wo) } };
  });
  return { ...evaluationFromArms(pairs, evaluation.blocks, evaluation.applyAt, start), source: evaluation };
}

/** One seed's two arms: the steps each ran and each agent's PnL (quote units). */
export interface ArmPair {
  with: { steps: readonly StepRow[]; pnlQuote: ReadonlyMap<string, bigint> };
  without: { steps: readonly StepRow[]; pnlQuote: ReadonlyMap<string, bigint> };
}

export function evaluationFromArms(
  pairs: readonly ArmPair[],
  blocks: number,
  applyAt: bigint,
  start?: WindowStart,
): Omit<ProposalEvaluation, "source"> {
  if (pairs.length === 0) throw new RangeError("an evaluation needs at least one pair of arms");
  const withMetrics = pairs.map((p) => windowMetrics(p.with.steps, start));
  const withoutMetrics = pairs.map((p) => windowMetrics(p.without.steps, start));
  const metrics = {} as Record<ObjectiveMetric, MetricEffect>;
  for (const m of OBJECTIVE_METRICS) {
    const w = withMetrics.map((x) => x[m]);
    const wo = withoutMetrics.map((x) => x[m]);
    metrics[m] = { with: meanInterval(w), without: meanInterval(wo), difference: pairedDifference(w, wo) };
  }
  const agents: Record<string, Interval> = {};
  for (const id of [...pairs[0]!.with.pnlQuote.keys()].sort()) {
    const w = pairs.map((p) => Number(p.with.pnlQuote.get(id) ?? 0n) / 1e6);
    const wo = pairs.map((p) => Number(p.without.pnlQuote.get(id) ?? 0n) / 1e6);
    agents[id] = pairedDifference(w, wo);
  }
  return { seeds: pairs.length, blocks, applyAt, metrics, agents };
}

/**
 * The same evaluation measured over `history` (the battle's last steps before the evaluation,
 * oldest first) followed by each arm's steps: a change is judged by the metric over the recent past
 * and the horizon together, so a move that shifts the price's level or drift against the recent past
 * counts, as it will in any longer window, and not only its effect within the horizon. Both arms share
 * the history, so the paired differences still isolate the change.
 */
export function evaluationWithHistory(evaluation: ProposalEvaluation, history: readonly StepRow[]): ProposalEvaluation {
  if (history.length === 0) return evaluation;
  const source = evaluation.source;
  const pnl = (run: Evaluation["runs"]["with"][number]) => new Map(run.agents.map((a) => [a.agent, a.pnlQuote]));
  const pairs = source.runs.with.map((w, i) => {
    const wo = source.runs.without[i]!;
    return {
      with: { steps: [...history, ...w.steps], pnlQuote: pnl(w) },
      without: { steps: [...history, ...wo.steps], pnlQuote: pnl(wo) },
    };
  });
  return { ...evaluationFromArms(pairs, source.blocks, source.applyAt), source };
}
