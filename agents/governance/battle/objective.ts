// The protocol agent's stated objective applied to an evaluation: whether a change keeps every
// condition, how much it improves the objective's metric, and whether that improvement is more than
// noise (its 95% interval excludes zero on the good side).

import { formatInterval, type Interval } from "../../core/interval.ts";
import type { Objective } from "../../inputs/governance-types.ts";
import type { ProposalEvaluation } from "../evaluation/evaluation.ts";

export interface Judgement {
  /** The objective metric's paired difference, signed so that a positive value is an improvement. */
  improvement: Interval;
  /** Every condition holds. */
  eligible: boolean;
  /** The improvement's interval lies above zero. */
  significant: boolean;
  /** The change makes the objective significantly worse. */
  harmful: boolean;
  /** Conditions that fail, as stated. */
  violated: string[];
  summary: string;
}

export function judge(objective: Objective, evaluation: Pick<ProposalEvaluation, "metrics">): Judgement {
  const effect = evaluation.metrics[objective.metric];
  const d = effect.difference;
  const improvement: Interval =
    objective.direction === "minimise" ? { ...d, mean: -d.mean, low: -d.high, high: -d.low } : d;
  const violated: string[] = [];
  for (const c of objective.constraints) {
    const m = evaluation.metrics[c.metric];
    if (c.kind === "level") {
      const ok = c.op === ">=" ? m.with.mean >= c.value : m.with.mean <= c.value;
      if (!ok) violated.push(`${c.text} (with the change: ${m.with.mean.toPrecision(4)})`);
    } else if (c.kind === "notFalling" && m.difference.n >= 2 && m.difference.high < 0) {
      violated.push(`${c.text} (difference ${formatInterval(m.difference)})`);
    } else if (c.kind === "notRising" && m.difference.n >= 2 && m.difference.low > 0) {
      violated.push(`${c.text} (difference ${formatInterval(m.difference)})`);
    }
  }
  const significant = improvement.n >= 2 && improvement.low > 0;
  const harmful = improvement.n >= 2 && improvement.high < 0;
  const summary = `${objective.metric} ${formatInterval(d)}${violated.length === 0 ? "" : `; violates ${violated.join(", ")}`}`;
  return { improvement, eligible: violated.length === 0, significant, harmful, violated, summary };
}

export function describeObjective(objective: Objective): string {
  const conditions = objective.constraints.map((c) => c.text);
  return `${objective.direction} ${objective.metric}${conditions.length === 0 ? "" : ` subject to ${conditions.join(", ")}`}`;
}
