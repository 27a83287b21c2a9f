// best.json: per objective the best case by mean across seeds with its 95% interval, the Pareto front
// when there are several objectives, and for the screen engine the model's picks, what the chain
// found on them and every disagreement.

import { join } from "node:path";

import { stableJson } from "../core/stable-json.ts";
import { writeFileAtomically } from "../core/write-atomically.ts";
import { type CaseStats, caseEntry, caseStats, paretoFront, rankCases } from "./best.ts";
import type { Experiment, RunEngine } from "./experiment-types.ts";
import { RESULT_FILES, type RunRecord } from "./results-folder.ts";
import { compareScreen, type ScreenComparison, screenCandidates } from "./screen.ts";
import type { SearchOutcome } from "./search/search-common.ts";

export const BEST_KIND = "token-arena/experiment-best";

export interface ExperimentResults {
  /** The engine whose rows decide the best cases (chain for screen). */
  engine: RunEngine;
  stats: CaseStats[];
  /** Screen only: the model's rows and the comparison on the confirmed cases. */
  screen?: { modelStats: CaseStats[]; candidates: string[]; comparisons: ScreenComparison[] };
  /** A search's trail and answer (absent for a grid). */
  search?: SearchOutcome;
}

/** The statistics of the rows recorded for the experiment's current grid, in grid order (and the search's outcome, when it searched). */
export function experimentResults(
  experiment: Experiment,
  records: readonly RunRecord[],
  search?: SearchOutcome,
): ExperimentResults {
  const order = new Map(experiment.cases.map((c) => [c.key, c.index]));
  const inGrid = records.filter((r) => order.has(r.caseKey));
  if (experiment.engine !== "screen")
    return {
      engine: experiment.engine,
      stats: caseStats(inGrid, experiment.objectives, experiment.engine, order, experiment.constraints),
      ...(search === undefined ? {} : { search }),
    };
  const modelStats = caseStats(inGrid, experiment.objectives, "model", order, experiment.constraints);
  // Halving picks from its last rung (the cases measured on every seed); otherwise the model's top k.
  const candidates =
    search !== undefined && search.picks.length > 0
      ? search.picks
      : screenCandidates(modelStats, experiment.objectives, experiment.topK);
  const chainStats = caseStats(
    inGrid.filter((r) => candidates.includes(r.caseKey)),
    experiment.objectives,
    "chain",
    order,
    experiment.constraints,
  );
  return {
    engine: "chain",
    stats: chainStats,
    screen: {
      modelStats,
      candidates,
      comparisons: compareScreen(modelStats, chainStats, experiment.objectives, experiment.tolerance),
    },
    ...(search === undefined ? {} : { search }),
  };
}

export function bestJson(experiment: Experiment, results: ExperimentResults, records: readonly RunRecord[]): string {
  const names = experiment.parameters.map((p) => p.name);
  const entry = (s: CaseStats | undefined) => (s === undefined ? null : caseEntry(names, s, experiment.objectives));
  const objectives = experiment.objectives.map((o, i) => ({
    metric: o.metric,
    goal: o.goal,
    best: entry(rankCases(results.stats, i, o.goal)[0]),
    ...(results.screen === undefined ? {} : { modelBest: entry(rankCases(results.screen.modelStats, i, o.goal)[0]) }),
  }));
  const count = (engine: RunEngine) => records.filter((r) => r.engine === engine).length;
  return stableJson({
    kind: BEST_KIND,
    version: 1,
    name: experiment.name,
    file: experiment.source,
    scenario: experiment.scenarioPath,
    engine: experiment.engine,
    cases: experiment.cases.length,
    seeds: experiment.seeds.map(String),
    runs: { chain: count("chain"), model: count("model"), failed: records.filter((r) => r.status === "failed").length },
    objectives,
    pareto: experiment.objectives.length > 1 ? paretoFront(results.stats, experiment.objectives).map(entry) : null,
    screen:
      results.screen === undefined
        ? null
        : {
            topK: experiment.topK,
            tolerance: experiment.tolerance,
            confirmed: results.screen.candidates,
            comparisons: results.screen.comparisons,
            disagreements: results.screen.comparisons.filter((c) => !c.agrees).length,
          },
    // Grids without conditions write what they always wrote.
    ...(experiment.constraints.length === 0
      ? {}
      : {
          subjectTo: experiment.constraints.map((c) => c.text),
          infeasibleCases: results.stats.filter((s) => s.feasible === false).length,
        }),
    ...(results.search === undefined ? {} : { search: searchEntry(experiment, results.search, results.stats) }),
  });
}

/** best.json's `search`: the method and its settings, what it spent, why it stopped, and its answer. */
function searchEntry(experiment: Experiment, search: SearchOutcome, stats: readonly CaseStats[]) {
  const {
    method: _method,
    objective: _objective,
    ...settings
  } = experiment.search as Exclude<Experiment["search"], { method: "grid" }>;
  const objective = experiment.objectives[search.objective]!;
  const best = stats.find((s) => s.caseKey === search.best);
  return {
    method: search.method,
    objective: objective.metric,
    goal: objective.goal,
    settings: { ...settings, seed: String(settings.seed) },
    evaluations: search.evaluations,
    runs: search.runs,
    evaluationsFraction: search.evaluations / experiment.cases.length,
    stoppedBecause: search.stoppedBecause,
    best:
      search.best === undefined
        ? null
        : {
            case: search.best,
            value: search.bestValue,
            ...(best === undefined
              ? {}
              : {
                  entry: caseEntry(
                    experiment.parameters.map((p) => p.name),
                    best,
                    experiment.objectives,
                  ),
                }),
          },
    trail: RESULT_FILES.trail,
  };
}

export async function writeBest(
  dir: string,
  experiment: Experiment,
  results: ExperimentResults,
  records: readonly RunRecord[],
): Promise<string> {
  const path = join(dir, RESULT_FILES.best);
  await writeFileAtomically(path, bestJson(experiment, results, records));
  return path;
}
