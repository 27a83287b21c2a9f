// `search: cmaes`: CMA-ES (cmaes.ts) over the grid's box (search-space.ts). Each generation's samples
// are snapped to grid cases; the cases not evaluated before are run on every seed of the experiment
// (one phase per generation), and a case sampled again costs nothing and is not counted. Samples are
// ranked feasible first (search-common.ts). A run of the optimiser ends when its generations stop
// improving the run's best by more than `tolerance` for `patience` generations, or when its spread is
// below half a grid step on every axis (every sample would snap to the mean's case); then, while the
// budget lasts, it restarts from a random point with twice the population (IPOP-CMA-ES, Auger and
// Hansen 2005), which keeps a search from settling on a local optimum. The search stops when the budget
// of distinct evaluations is spent, when every case is evaluated, after the last restart, or, with
// `stall: K`, once K evaluations in a row have not improved its best by more than `tolerance` (checked
// before each generation and descent step). Every draw comes from a stream of the search's seed.

import { Random } from "../../core/random.ts";
import type { Experiment, ExperimentCase, RunEngine } from "../experiment-types.ts";
import type { RunRecord } from "../results-folder.ts";
import { CmaEs } from "./cmaes.ts";
import {
  bestOf,
  compareKeys,
  type Measured,
  measureCases,
  rankKey,
  type Search,
  type SearchOutcome,
  type SearchPhase,
  type TrailRow,
  trailRow,
} from "./search-common.ts";
import { SearchSpace } from "./search-space.ts";
import type { CmaesSettings } from "./search-types.ts";

interface Ranked {
  key: [number, number];
  case: ExperimentCase;
}

/** Grid steps the descent looks along each axis, in turn, until one of them finds a better case. */
const DESCENT_DISTANCES = [1, 2, 4];

export function cmaesSearch(
  experiment: Experiment,
  settings: CmaesSettings,
  records: readonly RunRecord[],
  engine: RunEngine,
): Search {
  const space = new SearchSpace(experiment);
  const evaluated = new Map<string, Measured>();
  const trail: TrailRow[] = [];
  const objective = settings.objective;
  let stoppedBecause = "not started";
  let best: { measured: Measured; index: number } | undefined;
  let bestSoFar = Number.NaN;
  /** The evaluation (1-based count) that last improved the search's best by more than `tolerance`. */
  let improvedAt = 0;
  let improvedKey: [number, number] | undefined;

  /** Runs `fresh` on every seed, then reads their results; false when the runs were interrupted. */
  function* evaluate(
    fresh: ExperimentCase[],
    restart: number,
    step: number,
    stage: TrailRow["stage"],
  ): Generator<SearchPhase, boolean, void> {
    yield { engine, cases: () => fresh, seeds: experiment.seeds };
    const results = measureCases(
      experiment,
      records,
      engine,
      fresh.map((c) => c.key),
      experiment.seeds,
    );
    for (const c of fresh) {
      const m = results.get(c.key)!;
      if (m.recorded < experiment.seeds.length) return false;
      evaluated.set(c.key, m);
      const key = rankKey(experiment, objective, m);
      if (improvedKey === undefined || improves(key, improvedKey, settings.tolerance)) {
        improvedKey = key;
        improvedAt = evaluated.size;
      }
      if (key[0] === 0) {
        bestSoFar = bestOf(experiment, objective, bestSoFar, m.means[objective]!);
        // Among equal values the first in grid order, as best.json's best case is chosen.
        const order = best === undefined ? -1 : compareKeys(key, rankKey(experiment, objective, best.measured));
        if (best === undefined || order < 0 || (order === 0 && c.index < best.index))
          best = { measured: m, index: c.index };
      }
      trail.push(
        trailRow(experiment, objective, c, m, {
          stage,
          restart,
          step,
          evaluation: evaluated.size,
          seeds: experiment.seeds.length,
          bestSoFar,
        }),
      );
    }
    return true;
  }

  /**
   * Evaluates the cases of `wanted` not evaluated before, within the budget: "done" when every one of
   * them is evaluated, "spent" when the budget ran out first, "interrupted" when the runs were.
   */
  function* batch(
    wanted: readonly ExperimentCase[],
    restart: number,
    step: number,
    stage: TrailRow["stage"],
  ): Generator<SearchPhase, "done" | "spent" | "interrupted", void> {
    const fresh: ExperimentCase[] = [];
    for (const c of wanted) if (!evaluated.has(c.key) && !fresh.includes(c)) fresh.push(c);
    const room = settings.budget - evaluated.size;
    if (fresh.length > 0 && room > 0) {
      const finished = yield* evaluate(fresh.slice(0, room), restart, step, stage);
      if (!finished) return "interrupted";
    }
    return fresh.length > room ? "spent" : "done";
  }

  /** With `stall`, why the search stops now (its best stalled), or undefined. */
  function stalled(): string | undefined {
    if (settings.stall === undefined || evaluated.size - improvedAt < settings.stall) return undefined;
    return `its best has not improved by more than ${settings.tolerance} over the last ${evaluated.size - improvedAt} evaluations (stall: ${settings.stall})`;
  }

  function* phases(): Generator<SearchPhase, void, void> {
    const random = new Random(settings.seed).fork("search:cmaes");
    const steps = space.steps();
    const n = space.dimensions;
    const spentText = `the budget of ${settings.budget} evaluations is spent`;
    let population = settings.population;
    stoppedBecause = `the last of ${settings.restarts} restarts ended`;
    for (let restart = 0; restart <= settings.restarts; restart++) {
      const stream = random.fork(`restart ${restart}`);
      const start = restart === 0 ? new Array(n).fill(0.5) : Array.from({ length: n }, () => stream.unit());
      const es = new CmaEs({
        mean: start,
        sigma: settings.sigma,
        random: stream,
        population,
        lower: new Array(n).fill(0),
        upper: new Array(n).fill(1),
      });
      let runBest: Ranked | undefined;
      let stale = 0;
      let generation = 0;
      for (;;) {
        if (evaluated.size >= settings.budget) {
          stoppedBecause = spentText;
          return;
        }
        if (evaluated.size >= space.cases) {
          stoppedBecause = `every one of the grid's ${space.cases} cases is evaluated`;
          return;
        }
        const stall = stalled();
        if (stall !== undefined) {
          stoppedBecause = stall;
          return;
        }
        generation += 1;
        const samples = es.ask();
        const cases = samples.map((x) => space.caseAt(x));
        const done = yield* batch(cases, restart, generation, "cmaes");
        if (done !== "done") {
          stoppedBecause = done === "spent" ? spentText : "interrupted";
          return;
        }
        const keys = cases.map((c) => rankKey(experiment, objective, evaluated.get(c.key)!));
        // Only the order counts: equal cases get equal ranks.
        const sorted = [...keys].sort(compareKeys);
        es.tell(
          samples,
          keys.map((k) => sorted.findIndex((s) => compareKeys(s, k) === 0)),
        );
        const generationBest = sorted[0]!;
        stale = runBest === undefined || improves(generationBest, runBest.key, settings.tolerance) ? 0 : stale + 1;
        if (runBest === undefined || compareKeys(generationBest, runBest.key) < 0)
          runBest = { key: generationBest, case: cases[keys.indexOf(generationBest)]! };
        if (stale >= settings.patience) break;
        if (es.spread().every((spread, i) => spread < steps[i]! / 2)) break;
      }
      // The descent from the run's best, one phase per step, its generations numbered on: the
      // neighbours one grid step away, and when none is better (a step can be flat) two, then four.
      let at: Ranked | undefined = runBest;
      while (at !== undefined) {
        let next: Ranked | undefined;
        for (const distance of DESCENT_DISTANCES) {
          const stall = stalled();
          if (stall !== undefined) {
            stoppedBecause = stall;
            return;
          }
          generation += 1;
          const around = space.neighbours(at.case, distance);
          const done = yield* batch(around, restart, generation, "descent");
          if (done !== "done") {
            stoppedBecause = done === "spent" ? spentText : "interrupted";
            return;
          }
          for (const c of around) {
            const key = rankKey(experiment, objective, evaluated.get(c.key)!);
            if (improves(key, (next ?? at).key, settings.tolerance)) next = { key, case: c };
          }
          if (next !== undefined) break;
        }
        at = next;
      }
      population *= 2;
    }
  }

  return {
    phases,
    outcome(): SearchOutcome {
      return {
        method: "cmaes",
        objective,
        evaluations: evaluated.size,
        runs: evaluated.size * experiment.seeds.length,
        stoppedBecause,
        best: best?.measured.key,
        bestValue: best === undefined ? Number.NaN : best.measured.means[objective]!,
        trail,
        picks: [],
      };
    },
  };
}

/** True when `candidate` beats `incumbent` by more than `tolerance` (a better class always does). */
function improves(candidate: [number, number], incumbent: [number, number], tolerance: number): boolean {
  if (candidate[0] !== incumbent[0]) return candidate[0] < incumbent[0];
  return incumbent[1] - candidate[1] > tolerance;
}
