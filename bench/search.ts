// `bin/arena bench:search`: does a search find the grid's optimum with a tenth of the grid's runs?
// Writes bench/results/search.json.
//
// On experiments/classic-grid.yaml (91 × 51 = 4,641 cases, one seed, model engine) the full grid is run
// once for its optimum of the search objective (the first: the buyer's returnBps, maximised). Then
// CMA-ES (search: cmaes, the defaults of experiments/README.md) searches the same grid with a budget
// of ⌊4,641 / 10⌋ = 464 evaluations, once per search seed. Per search seed:
// - evaluationsFraction: evaluations the search made ÷ the grid's cases (target ≤ 0.1)
// - evaluationsToOptimumFraction: the evaluation at which it first reached the grid's optimum ÷ cases
// - foundGridOptimum: its best is within the objective's tolerance (0: returnBps is whole bps) of the
//   grid's best.
// The summary gives how many seeds found the optimum, and the fractions' mean and largest.
// Then the same searches with `stall: ⌊budget / 4⌋` (stop once that many evaluations in a row have
// not improved the best by more than the tolerance): per seed `evaluationsUsed` (÷ cases:
// evaluationsUsedFraction) and foundGridOptimum, so what the stop rule saves and what it costs show.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";

import { rankCases } from "../agents/experiment/best.ts";
import { loadExperiment } from "../agents/experiment/experiment-file.ts";
import type { Experiment } from "../agents/experiment/experiment-types.ts";
import { runExperiment } from "../agents/experiment/run-experiment.ts";
import { CMAES_DEFAULTS, defaultPopulation } from "../agents/experiment/search/search-reader.ts";

const RESULTS = "bench/results/search.json";
const CLASSIC_GRID = "experiments/classic-grid.yaml";
const SEARCH_SEEDS = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n];
const TOLERANCE = 0;
const TARGET_FRACTION = 0.1;

const root = mkdtempSync(join(tmpdir(), "arena-bench-search-"));
try {
  const grid = await loadExperiment(CLASSIC_GRID);
  const objective = grid.objectives[0]!;
  const gridStarted = performance.now();
  const full = await runExperiment({ experiment: grid, out: join(root, "grid"), quiet: true });
  const gridSeconds = (performance.now() - gridStarted) / 1000;
  const gridBest = rankCases(full.results.stats, 0, objective.goal)[0]!;
  const gridOptimum = gridBest.intervals[0]!.mean;
  const optimalCases = full.results.stats.filter((s) => Math.abs(s.intervals[0]!.mean - gridOptimum) <= TOLERANCE);
  console.log(
    `grid      ${grid.cases.length} cases in ${gridSeconds.toFixed(1)} s: ${objective.goal} ${objective.metric} = ${gridOptimum} at ${gridBest.caseKey} (${optimalCases.length} cases within ${TOLERANCE})`,
  );

  const budget = Math.floor(grid.cases.length * TARGET_FRACTION);
  const dimensions = grid.parameters.filter((p) => p.values.length > 1).length;
  const settings = {
    method: "cmaes" as const,
    objective: 0,
    budget,
    population: defaultPopulation(dimensions),
    ...CMAES_DEFAULTS,
    tolerance: TOLERANCE,
  };
  const stall = Math.floor(budget / 4);
  const perSeed = [];
  const stalled = [];
  for (const seed of SEARCH_SEEDS) {
    const experiment: Experiment = { ...grid, search: { ...settings, seed } };
    const started = performance.now();
    const outcome = await runExperiment({ experiment, out: join(root, `cmaes-${seed}`), quiet: true });
    const seconds = (performance.now() - started) / 1000;
    const search = outcome.results.search!;
    const found = search.best !== undefined && Math.abs(search.bestValue - gridOptimum) <= TOLERANCE;
    const reached = search.trail.find((row) => Math.abs(row.bestSoFar - gridOptimum) <= TOLERANCE);
    const entry = {
      seed: String(seed),
      evaluations: search.evaluations,
      evaluationsUsed: search.evaluations,
      evaluationsFraction: round(search.evaluations / grid.cases.length, 4),
      evaluationsToOptimum: reached?.evaluation ?? null,
      evaluationsToOptimumFraction: reached === undefined ? null : round(reached.evaluation / grid.cases.length, 4),
      foundGridOptimum: found,
      best: search.best ?? null,
      bestValue: search.bestValue,
      restarts: Math.max(0, ...search.trail.map((row) => row.restart)),
      stoppedBecause: search.stoppedBecause,
      seconds: round(seconds, 1),
    };
    perSeed.push(entry);
    console.log(
      `cmaes ${String(seed).padStart(2)}  ${entry.evaluations} evaluations (${entry.evaluationsFraction}), best ${entry.bestValue}${found ? " = the grid's optimum" : ` ≠ ${gridOptimum}`}${reached === undefined ? "" : `, reached at evaluation ${reached.evaluation} (${entry.evaluationsToOptimumFraction})`}, ${entry.restarts} restarts, ${seconds.toFixed(1)} s`,
    );

    const stopping: Experiment = { ...grid, search: { ...settings, stall, seed } };
    const stopped = (await runExperiment({ experiment: stopping, out: join(root, `stall-${seed}`), quiet: true }))
      .results.search!;
    const stoppedFound = stopped.best !== undefined && Math.abs(stopped.bestValue - gridOptimum) <= TOLERANCE;
    stalled.push({
      seed: String(seed),
      evaluationsUsed: stopped.evaluations,
      evaluationsUsedFraction: round(stopped.evaluations / grid.cases.length, 4),
      foundGridOptimum: stoppedFound,
      bestValue: stopped.bestValue,
      stoppedBecause: stopped.stoppedBecause,
    });
    console.log(
      `  stall ${stall}: ${stopped.evaluations} evaluations used, best ${stopped.bestValue}${stoppedFound ? " = the grid's optimum" : ` ≠ ${gridOptimum}`} (${stopped.stoppedBecause})`,
    );
  }
  const used = stalled.map((s) => s.evaluationsUsed);
  const stallSummary = {
    stall,
    meanEvaluationsUsed: round(used.reduce((a, b) => a + b, 0) / used.length, 1),
    largestEvaluationsUsed: Math.max(...used),
    meanEvaluationsUsedFraction: round(used.reduce((a, b) => a + b, 0) / used.length / grid.cases.length, 4),
    foundGridOptimumSeeds: stalled.filter((s) => s.foundGridOptimum).length,
    seeds: stalled,
  };
  console.log(
    `stall ${stall}: ${stallSummary.meanEvaluationsUsed} evaluations used on average (largest ${stallSummary.largestEvaluationsUsed}, budget ${budget}); the grid's optimum on ${stallSummary.foundGridOptimumSeeds} of ${stalled.length} seeds`,
  );
  const fractions = perSeed.map((s) => s.evaluationsFraction);
  const toOptimum = perSeed.flatMap((s) =>
    s.evaluationsToOptimumFraction === null ? [] : [s.evaluationsToOptimumFraction],
  );
  const foundCount = perSeed.filter((s) => s.foundGridOptimum).length;
  const evaluationsFraction = Math.max(...fractions);
  const foundGridOptimum = foundCount === perSeed.length;
  const summary = {
    evaluationsFraction,
    evaluationsUsed: Math.max(...perSeed.map((s) => s.evaluationsUsed)),
    foundGridOptimum,
    foundGridOptimumSeeds: foundCount,
    searchSeeds: perSeed.length,
    meanEvaluationsFraction: round(fractions.reduce((a, b) => a + b, 0) / fractions.length, 4),
    meanEvaluationsToOptimumFraction:
      toOptimum.length === 0 ? null : round(toOptimum.reduce((a, b) => a + b, 0) / toOptimum.length, 4),
    largestEvaluationsToOptimumFraction: toOptimum.length === 0 ? null : Math.max(...toOptimum),
  };
  console.log(
    `evaluationsFraction ${evaluationsFraction} (largest over ${perSeed.length} search seeds; target ≤ ${TARGET_FRACTION}: ${evaluationsFraction <= TARGET_FRACTION ? "met" : "NOT met"}); foundGridOptimum on ${foundCount} of ${perSeed.length} seeds${foundGridOptimum ? "" : " (NOT met on every seed)"}; reached the optimum after ${summary.meanEvaluationsToOptimumFraction} of the grid on average`,
  );

  const results = {
    ...summary,
    targets: { evaluationsFraction: `<= ${TARGET_FRACTION}`, foundGridOptimum: "true on every search seed" },
    met: { evaluationsFraction: evaluationsFraction <= TARGET_FRACTION, foundGridOptimum },
    details: {
      cores: availableParallelism(),
      file: CLASSIC_GRID,
      engine: "model",
      cases: grid.cases.length,
      blocks: grid.blocks,
      objective: { metric: objective.metric, goal: objective.goal, tolerance: TOLERANCE },
      grid: {
        optimum: gridOptimum,
        bestCase: gridBest.caseKey,
        casesWithinTolerance: optimalCases.length,
        seconds: round(gridSeconds, 1),
      },
      search: { ...settings, seeds: perSeed },
      withStall: stallSummary,
    },
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written to ${RESULTS}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
