// The best cases of an experiment: each case's metrics as means across seeds with 95% confidence
// intervals (Student's t), the best case per objective by mean, and — with several objectives — the
// Pareto front: the cases no other case beats on every objective at once. Pure functions of the
// recorded rows, so best.json can be rebuilt from runs.csv at any time.

import { type Interval, meanInterval } from "../core/interval.ts";
import type { Goal, Objective, RunEngine } from "./experiment-types.ts";
import type { RunRecord } from "./results-folder.ts";
import { meetsConstraints } from "./search/search-reader.ts";
import type { MetricConstraint } from "./search/search-types.ts";

export interface CaseStats {
  caseKey: string;
  values: string[];
  /** One per objective: the mean across the seeds whose metric was measurable. */
  intervals: Interval[];
  /** Seeds that ran (failed ones included). */
  runs: number;
  failed: number;
  /** With `subjectTo`: whether the means meet every condition (a case that does not is never best). */
  feasible?: boolean;
}

/** Per case (in `order`'s order, then first-seen), the metric intervals of `engine`'s rows. */
export function caseStats(
  records: readonly RunRecord[],
  objectives: readonly Objective[],
  engine: RunEngine,
  order?: ReadonlyMap<string, number>,
  constraints: readonly MetricConstraint[] = [],
): CaseStats[] {
  const groups = new Map<string, RunRecord[]>();
  for (const record of records) {
    if (record.engine !== engine) continue;
    const group = groups.get(record.caseKey);
    if (group === undefined) groups.set(record.caseKey, [record]);
    else group.push(record);
  }
  const stats = [...groups.values()].map((group): CaseStats => {
    // Runs arrive in the order workers finish them; sums of floats must not depend on it.
    group.sort((a, b) => (a.seed < b.seed ? -1 : a.seed > b.seed ? 1 : 0));
    const ok = group.filter((r) => r.status === "ok");
    const meanOf = (i: number) => meanInterval(ok.map((r) => r.metrics[i]).filter(Number.isFinite));
    const entry: CaseStats = {
      caseKey: group[0].caseKey,
      values: group[0].values,
      intervals: objectives.map((_, i) => meanOf(i)),
      runs: group.length,
      failed: group.length - ok.length,
    };
    if (constraints.length === 0) return entry;
    const means: number[] = [];
    for (const c of constraints) {
      const interval = meanOf(c.index);
      means[c.index] = interval.n > 0 ? interval.mean : Number.NaN;
    }
    return { ...entry, feasible: meetsConstraints(means, constraints) };
  });
  if (order !== undefined)
    stats.sort((a, b) => (order.get(a.caseKey) ?? Infinity) - (order.get(b.caseKey) ?? Infinity));
  return stats;
}

/** True when `a` is better than `b` for `goal`. */
export function better(a: number, b: number, goal: Goal): boolean {
  return goal === "maximise" ? a > b : a < b;
}

/** Cases ranked best first by the mean of objective `index` (cases without a measurable mean, or that miss a `subjectTo` condition, are left out; ties keep their order). */
export function rankCases(stats: readonly CaseStats[], index: number, goal: Goal): CaseStats[] {
  const measured = stats.filter(
    (s) => s.feasible !== false && s.intervals[index].n > 0 && Number.isFinite(s.intervals[index].mean),
  );
  return measured
    .map((s, position) => ({ s, position }))
    .sort((a, b) => {
      const x = a.s.intervals[index].mean;
      const y = b.s.intervals[index].mean;
      return better(x, y, goal) ? -1 : better(y, x, goal) ? 1 : a.position - b.position;
    })
    .map(({ s }) => s);
}

/** The feasible cases no other feasible case dominates: at least as good on every objective and better on one. */
export function paretoFront(stats: readonly CaseStats[], objectives: readonly Objective[]): CaseStats[] {
  const measured = stats.filter(
    (s) => s.feasible !== false && s.intervals.every((interval) => interval.n > 0 && Number.isFinite(interval.mean)),
  );
  const dominates = (a: CaseStats, b: CaseStats) =>
    objectives.every((o, i) => !better(b.intervals[i].mean, a.intervals[i].mean, o.goal)) &&
    objectives.some((o, i) => better(a.intervals[i].mean, b.intervals[i].mean, o.goal));
  return measured.filter((candidate) => !measured.some((other) => other !== candidate && dominates(other, candidate)));
}

/** A case as best.json writes it. */
export function caseEntry(parameterNames: readonly string[], stats: CaseStats, objectives: readonly Objective[]) {
  return {
    case: stats.caseKey,
    parameters: Object.fromEntries(parameterNames.map((name, i) => [name, stats.values[i]])),
    runs: stats.runs,
    failed: stats.failed,
    metrics: Object.fromEntries(objectives.map((o, i) => [o.metric, intervalEntry(stats.intervals[i])])),
  };
}

export function intervalEntry(interval: Interval) {
  return {
    mean: interval.mean,
    ci95: [interval.low, interval.high],
    halfWidth: interval.halfWidth,
    stdev: interval.stdev,
    n: interval.n,
  };
}
