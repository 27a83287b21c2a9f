// `search: halving`: successive halving over seeds (Jamieson and Talwalkar 2016). The first rung runs
// every case (or `cases` of them, sampled with the search's seed) on the experiment's first `seeds`
// seeds; each rung keeps the best 1/eta of its cases (feasible first, search-common.ts) and runs them on
// eta times as many seeds, the seeds of the rung before plus new ones, so a kept case's earlier runs are
// reused. The last rung is the first on every seed of the experiment, and its best case is the search's
// answer: cheap seeds sort out the many poor cases, and the seeds go to the few that could be best.

import { Random } from "../../core/random.ts";
import type { Experiment, ExperimentCase, RunEngine } from "../experiment-types.ts";
import type { RunRecord } from "../results-folder.ts";
import {
  bestOf,
  compareKeys,
  measureCases,
  rankKey,
  type Search,
  type SearchOutcome,
  type SearchPhase,
  type TrailRow,
  trailRow,
} from "./search-common.ts";
import { SearchSpace } from "./search-space.ts";
import type { HalvingSettings } from "./search-types.ts";

export function halvingSearch(
  experiment: Experiment,
  settings: HalvingSettings,
  records: readonly RunRecord[],
  engine: RunEngine,
  topK: number,
): Search {
  const objective = settings.objective;
  const trail: TrailRow[] = [];
  const runs = new Set<string>();
  let stoppedBecause = "not started";
  let final: { key: string; value: number; feasible: boolean }[] = [];

  function* phases(): Generator<SearchPhase, void, void> {
    const all = new SearchSpace(experiment).allCases();
    let current = firstRung(all, settings, new Random(settings.seed).fork("search:halving"));
    let seedCount = settings.seeds;
    for (let rung = 1; ; rung++) {
      const seeds = experiment.seeds.slice(0, seedCount);
      const cases = current;
      yield { engine, cases: () => cases, seeds };
      const results = measureCases(
        experiment,
        records,
        engine,
        cases.map((c) => c.key),
        seeds,
      );
      if (cases.some((c) => results.get(c.key)!.recorded < seeds.length)) {
        stoppedBecause = "interrupted";
        return;
      }
      let bestSoFar = Number.NaN;
      for (const c of cases) {
        const m = results.get(c.key)!;
        for (const seed of seeds) runs.add(`${c.key}|${seed}`);
        if (rankKey(experiment, objective, m)[0] === 0)
          bestSoFar = bestOf(experiment, objective, bestSoFar, m.means[objective]!);
        trail.push(
          trailRow(experiment, objective, c, m, {
            stage: "rung",
            restart: 0,
            step: rung,
            evaluation: trail.length + 1,
            seeds: seeds.length,
            bestSoFar,
          }),
        );
      }
      const ranked = cases
        .map((c, position) => ({ c, position, key: rankKey(experiment, objective, results.get(c.key)!) }))
        .sort((a, b) => compareKeys(a.key, b.key) || a.position - b.position);
      if (seedCount >= experiment.seeds.length) {
        final = ranked.map(({ c, key }) => ({
          key: c.key,
          value: results.get(c.key)!.means[objective]!,
          feasible: key[0] === 0,
        }));
        stoppedBecause = `rung ${rung} ran its ${cases.length} case${cases.length === 1 ? "" : "s"} on all ${seeds.length} seeds`;
        return;
      }
      const kept = new Set(ranked.slice(0, Math.ceil(cases.length / settings.eta)).map(({ c }) => c.key));
      current = cases.filter((c) => kept.has(c.key));
      seedCount = Math.min(experiment.seeds.length, seedCount * settings.eta);
    }
  }

  return {
    phases,
    outcome(): SearchOutcome {
      const winner = final[0]?.feasible === true ? final[0] : undefined;
      return {
        method: "halving",
        objective,
        evaluations: trail.length,
        runs: runs.size,
        stoppedBecause,
        best: winner?.key,
        bestValue: winner?.value ?? Number.NaN,
        trail,
        picks: final
          .filter((f) => f.feasible)
          .slice(0, topK)
          .map((f) => f.key),
      };
    },
  };
}

/** Every case, or `settings.cases` of them drawn without replacement (in grid order). */
function firstRung(all: ExperimentCase[], settings: HalvingSettings, random: Random): ExperimentCase[] {
  if (settings.cases === undefined || settings.cases >= all.length) return all;
  const pool = [...all];
  for (let i = 0; i < settings.cases; i++) {
    const j = i + random.index(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, settings.cases).sort((a, b) => a.index - b.index);
}
