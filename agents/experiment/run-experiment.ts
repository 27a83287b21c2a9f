// Running an experiment: every (case, seed) not yet in the results folder goes to the worker pool, each
// finished run is appended to runs.csv as it arrives, and best.json and report.html are written from
// all recorded rows at the end — also after Ctrl-C or an abort, which keep every finished run for a
// later --resume. A run that fails is recorded as failed (errors.log says why), listed in the outcome
// and run again by --resume. The screen engine runs the model over the whole grid first, then the
// chain on the model's top k per objective.

import { join } from "node:path";

import { handleInterrupts } from "../run/interrupts.ts";
import { progressBar } from "../run/progress.ts";
import { experimentResults, type ExperimentResults, writeBest } from "./best-file.ts";
import { type ExperimentOverrides, loadExperiment } from "./experiment-file.ts";
import type { Experiment, ExperimentCase, RunEngine } from "./experiment-types.ts";
import { writeExperimentReport } from "./experiment-report.ts";
import { ResultsFolder, type RunRecord } from "./results-folder.ts";
import { screenCandidates } from "./screen.ts";
import { caseStats } from "./best.ts";
import type { RunJob } from "./worker-messages.ts";
import { type PoolOptions, runPool } from "./worker-pool.ts";
import { workerCount } from "./worker-limit.ts";
import { ArenaError, messageOf } from "../core/errors.ts";
import { type SearchPhase, searchPhases, startSearch, writeTrail } from "./search/run-search.ts";
import { runInline, runsInline } from "./search/inline-runs.ts";

export interface ExperimentOptions extends ExperimentOverrides {
  /** An experiment file, or one already loaded. */
  experiment: string | Experiment;
  /** Results folder; experiments/out/<name> when absent. */
  out?: string;
  /** Continue the runs recorded in `out`. */
  resume?: boolean;
  /** Start over in an `out` that holds an experiment (its result files are replaced). */
  force?: boolean;
  /** No progress bar. */
  quiet?: boolean;
  /** Stops handing out runs when aborted (Ctrl-C does this too); finished runs stay recorded. */
  signal?: AbortSignal;
  /** Called after each run is recorded (tests stop an experiment midway with it). */
  onRecorded?: (record: RunRecord, recordedThisTime: number) => void;
  /** What runs the jobs: the worker pool on this machine when absent, or a job queue (agents/queue/). */
  pool?: RunPool;
}

/** Runs jobs and delivers each result through `options.onResult`; `folder` says what is recorded already. */
export type RunPool = (jobs: readonly RunJob[], options: PoolOptions & { folder: ResultsFolder }) => Promise<unknown>;

/** A run that failed in this call: which one, and why (errors.log has every failure). */
export interface FailedRun {
  engine: RunEngine;
  caseKey: string;
  seed: bigint;
  error: string;
}

export interface ExperimentOutcome {
  dir: string;
  experiment: Experiment;
  /** The last row of each run in runs.csv (resumed ones included; a retried failure counts once). */
  records: RunRecord[];
  results: ExperimentResults;
  /** Runs made by this call, and runs skipped because a resume found them recorded as ok. */
  ran: number;
  skipped: number;
  /** Runs a resume found recorded as failed and ran again. */
  retried: number;
  /** Runs of this call that failed, in the order they finished: --resume runs them again. */
  failures: FailedRun[];
  wallSeconds: number;
}

export class ExperimentInterrupted extends ArenaError {
  readonly outcome: ExperimentOutcome;

  constructor(reason: string, outcome: ExperimentOutcome) {
    super(
      `experiment interrupted (${reason}): ${outcome.records.length} runs are recorded in ${outcome.dir}; run it again with --resume to finish`,
    );
    this.outcome = outcome;
  }
}

/** The runs stopped early for another reason than an interruption (a worker that crashed); what finished is recorded. */
export class ExperimentStopped extends ArenaError {
  readonly outcome: ExperimentOutcome;

  constructor(reason: string, outcome: ExperimentOutcome, cause: unknown) {
    super(
      `experiment stopped: ${reason}; ${outcome.records.length} runs are recorded in ${outcome.dir}; run it again with --resume to finish`,
      { cause },
    );
    this.outcome = outcome;
  }
}

/** "3 of 8 runs failed: pool.feeBps=10 seed 1 (chain), …; the first error: …" for the end of an experiment. */
export function failureSummary(outcome: ExperimentOutcome, shown = 5): string | undefined {
  const { failures } = outcome;
  if (failures.length === 0) return undefined;
  const runs = failures
    .slice(0, shown)
    .map((f) => `${f.caseKey === "" ? "the scenario" : f.caseKey} seed ${f.seed} (${f.engine})`)
    .join(", ");
  const more = failures.length > shown ? ` and ${failures.length - shown} more` : "";
  return (
    `${failures.length} of ${outcome.ran} runs failed: ${runs}${more}; the first error: ${failures[0]!.error}\n` +
    `every error is in ${outcome.dir}/errors.log; run it again with --resume to retry the failed runs`
  );
}

export async function runExperiment(options: ExperimentOptions): Promise<ExperimentOutcome> {
  const started = performance.now();
  const overrides = { engine: options.engine, workers: options.workers };
  const experiment =
    typeof options.experiment === "string"
      ? await loadExperiment(options.experiment, overrides)
      : {
          ...options.experiment,
          engine: options.engine ?? options.experiment.engine,
          workers: options.workers ?? options.experiment.workers,
        };
  const workers = workerCount(experiment);
  const dir = options.out ?? join("experiments", "out", experiment.name);
  const folder = ResultsFolder.open(dir, experiment, options.resume ?? false, options.force ?? false);
  if (folder.wasKilled && !options.quiet)
    process.stderr.write(
      `experiment: ${dir}'s last experiment was killed before it wrote best.json and report.html; they are rewritten at the end\n`,
    );
  const pool = options.pool ?? runPool;
  const retry = new Set(folder.failed.map((r) => `${r.engine}|${r.seed}|${r.caseKey}`));

  const stop = new AbortController();
  let writing = false;
  const stopHandlingInterrupts = handleInterrupts({
    stop: () => stop.abort("SIGINT (Ctrl-C)"),
    waiting: () =>
      `experiment: stopping: ${writing ? "writing" : "waiting for the runs in progress, then writing"} best.json and report.html; Ctrl-C again quits without them`,
    quitting: () =>
      `experiment: quit before best.json and report.html were written: runs.csv in ${dir} keeps every finished run; run the experiment again with --resume to write them`,
  });
  const onAbort = () => stop.abort(options.signal?.reason ?? "abort");
  options.signal?.addEventListener("abort", onAbort);
  let ran = 0;
  let skipped = 0;
  let results: ExperimentResults;
  let retried = 0;
  const failures: FailedRun[] = [];
  let poolFailure: unknown;
  try {
    const gridPhases: { engine: RunEngine; cases: () => ExperimentCase[] }[] =
      experiment.engine === "screen"
        ? [
            { engine: "model", cases: () => experiment.cases },
            {
              engine: "chain",
              cases: () => {
                const order = new Map(experiment.cases.map((c) => [c.key, c.index]));
                const picked = screenCandidates(
                  caseStats(folder.records, experiment.objectives, "model", order, experiment.constraints),
                  experiment.objectives,
                  experiment.topK,
                );
                return experiment.cases.filter((c) => picked.includes(c.key));
              },
            },
          ]
        : [{ engine: experiment.engine, cases: () => experiment.cases }];
    // A search (cmaes, halving) hands out its phases one at a time, each chosen from the rows recorded so far.
    const search = startSearch(experiment, folder.records);
    const phases: Iterable<SearchPhase> =
      search === undefined ? gridPhases : searchPhases(experiment, search, folder.records);
    for (const phase of phases) {
      if (stop.signal.aborted) break;
      const jobs: RunJob[] = [];
      for (const c of phase.cases()) {
        for (const seed of phase.seeds ?? experiment.seeds) {
          if (folder.has(phase.engine, c.key, seed)) {
            skipped++;
            continue;
          }
          if (retry.has(`${phase.engine}|${seed}|${c.key}`)) retried++;
          jobs.push({
            id: jobs.length,
            engine: phase.engine,
            caseKey: c.key,
            deploymentKey: c.deploymentKey,
            seed,
            parameters: c.parameters,
            genesisFields: c.genesisFields,
            scenario: { ...c.scenario, seed, blocks: experiment.blocks },
            metrics: experiment.measured,
          });
        }
      }
      const valuesOf = new Map(experiment.cases.map((c) => [c.key, c.values.map((v) => v.text)]));
      const progress = progressBar(
        jobs.length,
        `experiment ${experiment.name} (${phase.engine})`,
        process.stderr,
        // A search's small batches take milliseconds: a bar for each would only scroll the terminal.
        (options.quiet ?? false) || (search !== undefined && runsInline(jobs)),
      );
      let failed = 0;
      let finished = 0;
      let poolDetail = "";
      try {
        // A search's small model batches run on this thread (inline-runs.ts says why), unless a queue runs them.
        const runJobs: RunPool =
          search !== undefined && runsInline(jobs) && options.pool === undefined ? runInline : pool;
        await runJobs(jobs, {
          folder,
          workers,
          signal: stop.signal,
          onDetail: (detail) => {
            poolDetail = ` · ${detail}`;
            progress.update(finished, `${failed} failed${poolDetail}`);
          },
          onResult: ({ job, metrics, error, wallMs }) => {
            const record: RunRecord = {
              engine: job.engine,
              seed: job.seed,
              values: valuesOf.get(job.caseKey)!,
              caseKey: job.caseKey,
              metrics: metrics ?? experiment.measured.map(() => Number.NaN),
              status: error === undefined ? "ok" : "failed",
              wallMs,
            };
            folder.append(record, error);
            ran++;
            finished++;
            if (error !== undefined) {
              failed++;
              failures.push({ engine: job.engine, caseKey: job.caseKey, seed: job.seed, error: error.split("\n")[0]! });
            }
            progress.update(finished, `${failed} failed${poolDetail}`);
            options.onRecorded?.(record, ran);
          },
        });
      } catch (error) {
        // A crashed worker ends the runs, not the results: what finished is written up below.
        poolFailure = error;
      } finally {
        progress.finish();
      }
      if (poolFailure !== undefined) break;
    }
    // Whatever stopped the runs, best.json and the report describe what is recorded.
    writing = true;
    results = experimentResults(experiment, folder.records, search?.outcome());
    if (results.search !== undefined) await writeTrail(dir, experiment, results.search);
    await writeBest(dir, experiment, results, folder.records);
    await writeExperimentReport(dir, experiment, results, folder.records);
    folder.finish();
  } finally {
    stopHandlingInterrupts();
    options.signal?.removeEventListener("abort", onAbort);
  }
  const outcome: ExperimentOutcome = {
    dir,
    experiment,
    records: folder.records,
    results,
    ran,
    skipped,
    retried,
    failures,
    wallSeconds: (performance.now() - started) / 1000,
  };
  if (poolFailure !== undefined) throw new ExperimentStopped(messageOf(poolFailure), outcome, poolFailure);
  if (stop.signal.aborted) throw new ExperimentInterrupted(String(stop.signal.reason), outcome);
  return outcome;
}
