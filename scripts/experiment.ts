// `npx hardhat experiment --file experiments/x.yaml [--engine chain|model|screen] [--workers N] [--out dir] [--resume | --force]`:
// runs a grid of parameters × seeds on worker threads and writes runs.csv, best.json and report.html.
// The work is in agents/experiment/run-experiment.ts; experiments/README.md documents the file.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { ENGINE_NAMES } from "../agents/experiment/experiment-types.ts";
import { rankCases } from "../agents/experiment/best.ts";
import { RESULT_FILES } from "../agents/experiment/results-folder.ts";
import {
  ExperimentInterrupted,
  type ExperimentOutcome,
  ExperimentStopped,
  failureSummary,
  runExperiment,
} from "../agents/experiment/run-experiment.ts";
import { ArenaError } from "../agents/core/errors.ts";
import { ScenarioReader } from "../agents/inputs/scenario-reader.ts";
import { formatInterval } from "../agents/core/interval.ts";
import { WORKERS } from "../agents/core/limits.ts";

interface ExperimentTaskArguments {
  file: string | undefined;
  engine: string;
  workers: string;
  out: string;
  resume: boolean;
  force: boolean;
  quiet: boolean;
}

export default async function experimentTask(args: ExperimentTaskArguments, _hre: HardhatRuntimeEnvironment) {
  try {
    // Every option is checked before anything runs: the file's ranges (core/limits.ts) and its engine
    // names; the machine's cores and memory are checked when the experiment starts.
    const options = new ScenarioReader();
    if (args.file === undefined || args.file === "")
      options.failText(
        "--file",
        "an experiment file",
        "nothing",
        "pass --file experiments/classic-grid.yaml (experiments/README.md describes the format)",
      );
    const engine = args.engine === "" ? undefined : options.oneOf(args.engine, "--engine", ENGINE_NAMES);
    const workers = args.workers === "" ? undefined : options.option(args.workers, "--workers", WORKERS);
    options.throwOptionIssues();
    const outcome = await runExperiment({
      experiment: args.file!,
      ...(engine === undefined ? {} : { engine }),
      ...(workers === undefined ? {} : { workers: Number(workers) }),
      ...(args.out === "" ? {} : { out: args.out }),
      resume: args.resume,
      force: args.force,
      quiet: args.quiet,
    });
    printOutcome(outcome);
    // Results are written either way; failed runs make the command fail, so a script notices them.
    const failed = failureSummary(outcome);
    if (failed !== undefined) {
      console.error(`experiment: ${failed}`);
      return errorResult(failed);
    }
    return successfulResult(outcome.dir);
  } catch (error) {
    if (error instanceof ExperimentInterrupted) {
      printOutcome(error.outcome);
      console.error(`experiment: ${error.message}`);
      process.exit(130);
    }
    if (error instanceof ExperimentStopped) {
      printOutcome(error.outcome);
      const failed = failureSummary(error.outcome);
      if (failed !== undefined) console.error(`experiment: ${failed}`);
    }
    if (error instanceof ArenaError) {
      console.error(`experiment: ${error.message}`);
      return errorResult(error.message);
    }
    throw error;
  }
}

function printOutcome(outcome: ExperimentOutcome): void {
  const { experiment, results } = outcome;
  console.log(
    `\n${experiment.name} · ${experiment.engine} engine · ${experiment.cases.length} cases × ${experiment.seeds.length} seeds · ${outcome.ran} runs in ${outcome.wallSeconds.toFixed(1)} s${outcome.skipped > 0 ? ` (${outcome.skipped} already recorded)` : ""}${outcome.retried > 0 ? ` (${outcome.retried} failed before, run again)` : ""}${outcome.failures.length > 0 ? ` · ${outcome.failures.length} failed` : ""}`,
  );
  experiment.objectives.forEach((o, i) => {
    const best = rankCases(results.stats, i, o.goal)[0];
    const interval = best?.intervals[i];
    console.log(
      `  ${o.goal} ${o.metric}: ${best === undefined ? "no measurable run" : `${best.caseKey} → ${formatInterval(interval!, 6)} (n=${interval!.n})`}`,
    );
  });
  const disagreements = results.screen?.comparisons.filter((c) => !c.agrees) ?? [];
  if (results.screen !== undefined)
    console.log(
      `  screen: ${results.screen.comparisons.length} model/chain comparisons, ${disagreements.length} disagree beyond ${experiment.tolerance}`,
    );
  const search = results.search;
  if (search !== undefined)
    console.log(
      `  search: ${search.method}, ${search.evaluations} evaluations (${((100 * search.evaluations) / experiment.cases.length).toFixed(1)}% of the grid), ${search.runs} runs; best ${search.best === undefined ? "none that meets subjectTo" : `${search.best} → ${search.bestValue}`}; stopped: ${search.stoppedBecause}; every point in ${RESULT_FILES.trail}`,
    );
  console.log(`\nResults: ${outcome.dir}/${RESULT_FILES.runs}, ${RESULT_FILES.best}, ${RESULT_FILES.report}`);
}
