// `npx hardhat experiment --file experiments/x.yaml [--engine chain|model|screen] [--workers N] [--out dir] [--resume | --force]`:
// runs a grid of parameters × seeds on worker threads and writes runs.csv, best.json and report.html.
// The work is in agents/experiment/run-experiment.ts; experiments/README.md documents the file.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { ExperimentError } from "../agents/experiment/experiment-error.ts";
import { ENGINE_NAMES, type EngineName } from "../agents/experiment/experiment-types.ts";
import { rankCases } from "../agents/experiment/best.ts";
import { RESULT_FILES } from "../agents/experiment/results-folder.ts";
import { ExperimentInterrupted, type ExperimentOutcome, runExperiment } from "../agents/experiment/run-experiment.ts";
import { ArenaError } from "../agents/core/errors.ts";

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
    if (args.file === undefined || args.file === "") {
      throw new ExperimentError("experiment", [
        {
          path: "--file",
          expected: "an experiment file",
          got: "nothing",
          fix: "pass --file experiments/classic-grid.yaml (experiments/README.md describes the format)",
        },
      ]);
    }
    if (args.engine !== "" && !(ENGINE_NAMES as readonly string[]).includes(args.engine)) {
      throw new ExperimentError("--engine", [
        { path: "--engine", expected: ENGINE_NAMES.join(", "), got: JSON.stringify(args.engine) },
      ]);
    }
    if (args.workers !== "" && !/^[1-9]\d{0,2}$/.test(args.workers)) {
      throw new ExperimentError("--workers", [
        { path: "--workers", expected: "a number of worker threads from 1 to 999", got: JSON.stringify(args.workers) },
      ]);
    }
    const outcome = await runExperiment({
      experiment: args.file,
      ...(args.engine === "" ? {} : { engine: args.engine as EngineName }),
      ...(args.workers === "" ? {} : { workers: Number(args.workers) }),
      ...(args.out === "" ? {} : { out: args.out }),
      resume: args.resume,
      force: args.force,
      quiet: args.quiet,
    });
    printOutcome(outcome);
    return successfulResult(outcome.dir);
  } catch (error) {
    if (error instanceof ExperimentInterrupted) {
      printOutcome(error.outcome);
      console.error(`experiment: ${error.message}`);
      process.exit(130);
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
    `\n${experiment.name} · ${experiment.engine} engine · ${experiment.cases.length} cases × ${experiment.seeds.length} seeds · ${outcome.ran} runs in ${outcome.wallSeconds.toFixed(1)} s${outcome.skipped > 0 ? ` (${outcome.skipped} already recorded)` : ""}`,
  );
  experiment.objectives.forEach((o, i) => {
    const best = rankCases(results.stats, i, o.goal)[0];
    const interval = best?.intervals[i];
    console.log(
      `  ${o.goal} ${o.metric}: ${best === undefined ? "no measurable run" : `${best.caseKey} → ${interval!.mean.toPrecision(6)} ± ${interval!.halfWidth.toPrecision(2)} (n=${interval!.n})`}`,
    );
  });
  const disagreements = results.screen?.comparisons.filter((c) => !c.agrees) ?? [];
  if (results.screen !== undefined)
    console.log(
      `  screen: ${results.screen.comparisons.length} model/chain comparisons, ${disagreements.length} disagree beyond ${experiment.tolerance}`,
    );
  console.log(`\nResults: ${outcome.dir}/${RESULT_FILES.runs}, ${RESULT_FILES.best}, ${RESULT_FILES.report}`);
}
