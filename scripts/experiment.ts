// `npx hardhat experiment --file experiments/x.yaml [--engine chain|model|screen] [--workers N] [--out dir] [--resume | --force]`:
// runs a grid of parameters × seeds on worker threads and writes runs.csv, best.json and report.html.
// The work is in agents/experiment/run-experiment.ts; experiments/README.md documents the file; the
// live view (--live, --live-keep) is in agents/live/. With `--queue redis://host:port [--collect]
// [--chunk N]` the runs go to `worker` processes through Redis instead (agents/queue/queue-experiment.ts).

import { join } from "node:path";

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
import { QUEUE_CHUNK_RUNS, WORKERS } from "../agents/core/limits.ts";
import { loadExperiment } from "../agents/experiment/experiment-file.ts";
import { type LiveCommand, startLiveCommand } from "../agents/live/live-command.ts";
import { ExperimentSource } from "../agents/live/sources.ts";
import { runQueuedExperiment } from "../agents/queue/queue-experiment.ts";

interface ExperimentTaskArguments {
  file: string | undefined;
  engine: string;
  workers: string;
  out: string;
  resume: boolean;
  force: boolean;
  quiet: boolean;
  live?: boolean;
  liveKeep?: boolean;
  queue?: string;
  collect?: boolean;
  chunk?: string;
}

export default async function experimentTask(args: ExperimentTaskArguments, _hre: HardhatRuntimeEnvironment) {
  let live: LiveCommand | undefined;
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
    const queue = args.queue ?? "";
    const chunk = (args.chunk ?? "") === "" ? undefined : options.option(args.chunk!, "--chunk", QUEUE_CHUNK_RUNS);
    if (queue === "" && (args.collect === true || chunk !== undefined))
      options.failText(
        args.collect === true ? "--collect" : "--chunk",
        "--queue with it",
        "no --queue",
        "pass --queue redis://host:port",
      );
    if (queue !== "" && workers !== undefined)
      options.failText(
        "--workers",
        "no --workers with --queue",
        args.workers,
        "give each `bin/arena worker` its --threads instead",
      );
    options.throwOptionIssues();
    let experiment: Awaited<ReturnType<typeof loadExperiment>> | undefined;
    if (args.live || args.liveKeep) {
      // The view needs the grid and the results folder before the first run: the experiment is read here.
      experiment = await loadExperiment(args.file!, {
        ...(engine === undefined ? {} : { engine }),
        ...(workers === undefined ? {} : { workers: Number(workers) }),
      });
      const dir = args.out === "" ? join("experiments", "out", experiment.name) : args.out;
      live = await startLiveCommand("experiment", new ExperimentSource(dir, experiment));
    }
    const common = {
      ...(engine === undefined ? {} : { engine }),
      ...(args.out === "" ? {} : { out: args.out }),
      resume: args.resume,
      force: args.force,
      quiet: args.quiet,
    };
    const outcome =
      queue !== ""
        ? await runQueuedExperiment({
            experiment: args.file!,
            queue,
            collect: args.collect === true,
            ...(chunk === undefined ? {} : { chunkRuns: Number(chunk) }),
            ...common,
          })
        : await runExperiment({
            experiment: experiment ?? args.file!,
            ...(workers === undefined ? {} : { workers: Number(workers) }),
            ...common,
          });
    printOutcome(outcome);
    await live?.finish({ interrupted: false, keep: args.liveKeep === true });
    // Results are written either way; failed runs make the command fail, so a script notices them.
    const failed = failureSummary(outcome);
    if (failed !== undefined) {
      console.error(`experiment: ${failed}`);
      return errorResult(failed);
    }
    return successfulResult(outcome.dir);
  } catch (error) {
    // Ctrl-C stops the live view with the experiment; --live-keep keeps it open on one that stopped otherwise.
    await live?.finish({
      interrupted: !(error instanceof ExperimentStopped),
      keep: args.liveKeep === true,
      reason: "the experiment stopped",
    });
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
