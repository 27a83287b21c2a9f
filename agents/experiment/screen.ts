// The screen engine's two questions: which cases the chain should confirm (the model's top k per
// objective), and whether the chain agrees with the model on them. A disagreement is a confirmed
// case whose chain mean differs from the model mean by more than the stated relative tolerance.

import { type CaseStats, rankCases } from "./best.ts";
import type { Objective } from "./experiment-types.ts";

export interface ScreenComparison {
  case: string;
  metric: string;
  model: number;
  chain: number;
  /** |chain − model| / max(|chain|, |model|); 0 when both are 0. */
  relativeDifference: number;
  agrees: boolean;
}

/** The union of the model's top `topK` cases per objective, best first per objective. */
export function screenCandidates(
  modelStats: readonly CaseStats[],
  objectives: readonly Objective[],
  topK: number,
): string[] {
  const keys: string[] = [];
  objectives.forEach((o, i) => {
    for (const stats of rankCases(modelStats, i, o.goal).slice(0, topK))
      if (!keys.includes(stats.caseKey)) keys.push(stats.caseKey);
  });
  return keys;
}

export function relativeDifference(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  if (scale === 0) return 0;
  return Math.abs(a - b) / scale;
}

/** Model vs chain mean of every objective on every case both engines ran. */
export function compareScreen(
  modelStats: readonly CaseStats[],
  chainStats: readonly CaseStats[],
  objectives: readonly Objective[],
  tolerance: number,
): ScreenComparison[] {
  const model = new Map(modelStats.map((s) => [s.caseKey, s]));
  const out: ScreenComparison[] = [];
  for (const chain of chainStats) {
    const m = model.get(chain.caseKey);
    if (m === undefined) continue;
    objectives.forEach((o, i) => {
      const a = m.intervals[i].mean;
      const b = chain.intervals[i].mean;
      const difference =
        Number.isFinite(a) && Number.isFinite(b)
          ? relativeDifference(a, b)
          : Number.isNaN(a) && Number.isNaN(b)
            ? 0
            : Infinity;
      out.push({
        case: chain.caseKey,
        metric: o.metric,
        model: a,
        chain: b,
        relativeDifference: difference,
        agrees: difference <= tolerance,
      });
    });
  }
  return out;
}
