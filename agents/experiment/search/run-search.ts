// Where an experiment's search meets its runner: the search for the file's `search` method, the
// phases the runner runs (the search's, then under the screen engine the chain on the search's picks),
// and trail.csv, the evaluated points in the order the search evaluated them.

import { join } from "node:path";

import { csvHeader, csvLine } from "../../core/csv.ts";
import { writeFileAtomically } from "../../core/write-atomically.ts";
import { caseStats } from "../best.ts";
import type { Experiment, RunEngine } from "../experiment-types.ts";
import { RESULT_FILES, type RunRecord } from "../results-folder.ts";
import { screenCandidates } from "../screen.ts";
import { cmaesSearch } from "./cmaes-search.ts";
import { halvingSearch } from "./halving-search.ts";
import type { Search, SearchOutcome, SearchPhase } from "./search-common.ts";

export type { SearchPhase } from "./search-common.ts";

/** The file's search over `records` (the results folder's live rows); undefined for a grid. */
export function startSearch(experiment: Experiment, records: readonly RunRecord[]): Search | undefined {
  const engine: RunEngine = experiment.engine === "chain" ? "chain" : "model";
  const settings = experiment.search;
  if (settings.method === "cmaes") return cmaesSearch(experiment, settings, records, engine);
  if (settings.method === "halving") return halvingSearch(experiment, settings, records, engine, experiment.topK);
  return undefined;
}

/** The search's phases, then for the screen engine the chain on what the search found (picks, else the model's top k per objective). */
export function* searchPhases(
  experiment: Experiment,
  search: Search,
  records: readonly RunRecord[],
): Generator<SearchPhase, void, void> {
  yield* search.phases();
  if (experiment.engine !== "screen") return;
  const picks = confirmedBySearch(experiment, search.outcome(), records);
  yield {
    engine: "chain",
    cases: () => experiment.cases.filter((c) => picks.includes(c.key)),
    seeds: experiment.seeds,
  };
}

/** The cases the chain confirms after a search: its own picks (halving's last rung), or the model's top k per objective. */
export function confirmedBySearch(
  experiment: Experiment,
  outcome: SearchOutcome,
  records: readonly RunRecord[],
): string[] {
  if (outcome.picks.length > 0) return outcome.picks;
  const order = new Map(experiment.cases.map((c) => [c.key, c.index]));
  const modelStats = caseStats(
    records.filter((r) => order.has(r.caseKey)),
    experiment.objectives,
    "model",
    order,
    experiment.constraints,
  );
  return screenCandidates(modelStats, experiment.objectives, experiment.topK);
}

/** restart, generation, stage (cmaes or descent) — halving: rung — then evaluation, the parameters, seeds, the objectives' means, feasible, bestSoFar. */
export function trailColumns(experiment: Experiment): string[] {
  const method = experiment.search.method;
  return [
    ...(method === "cmaes" ? ["restart", "generation", "stage"] : ["rung"]),
    "evaluation",
    ...experiment.parameters.map((p) => p.name),
    "seeds",
    ...experiment.objectives.map((o) => o.metric),
    "feasible",
    "bestSoFar",
  ];
}

export function trailCsv(experiment: Experiment, outcome: SearchOutcome): string {
  const columns = trailColumns(experiment);
  const lines = outcome.trail.map((row) => {
    const fields: Record<string, string> = {
      restart: String(row.restart),
      stage: row.stage,
      generation: String(row.step),
      rung: String(row.step),
      evaluation: String(row.evaluation),
      seeds: String(row.seeds),
      feasible: row.feasible ? "yes" : "no",
      bestSoFar: Number.isNaN(row.bestSoFar) ? "" : String(row.bestSoFar),
    };
    experiment.parameters.forEach((p, i) => (fields[p.name] = row.values[i]!));
    experiment.objectives.forEach((o, i) => (fields[o.metric] = String(row.objectives[i])));
    return csvLine(columns, fields);
  });
  return csvHeader(columns) + lines.join("");
}

export async function writeTrail(dir: string, experiment: Experiment, outcome: SearchOutcome): Promise<string> {
  const path = join(dir, RESULT_FILES.trail);
  await writeFileAtomically(path, trailCsv(experiment, outcome));
  return path;
}
