// `bin/arena experiment --file x.yaml --queue redis://host:port [--collect] [--chunk N]`: the experiment
// of run-experiment.ts with its runs done by `bin/arena worker` processes on any machines instead of
// this machine's workers. The results folder, --resume and --force, best.json and report.html are the
// local run's; queued-pool.ts enqueues and collects. Checked before the results folder is touched: the
// URL, the file, and that Redis answers.
//
// --collect attaches to a queue that holds the experiment's chunks already (submitted from another
// shell or machine, or by a submission stopped with Ctrl-C) and gathers their results into the folder,
// new or holding this experiment's rows (it continues them as --resume does), enqueueing nothing.

import { type ExperimentOverrides, parseExperiment, readExperimentDocument } from "../experiment/experiment-file.ts";
import { type ExperimentOptions, type ExperimentOutcome, runExperiment } from "../experiment/run-experiment.ts";
import { experimentKey } from "./chunks.ts";
import { queuedPool } from "./queued-pool.ts";
import { checkReachable, parseQueueUrl } from "./queue-url.ts";

/** Runs per job when --chunk is not given (bench/queue.ts measures the choice). */
export const DEFAULT_CHUNK_RUNS = 16;

export interface QueuedExperimentOptions extends Omit<ExperimentOptions, "experiment" | "pool" | "workers"> {
  /** The experiment file (workers get its document through the queue). */
  experiment: string;
  /** redis://host:port[/db] */
  queue: string;
  /** Gather what the queue holds; enqueue nothing. */
  collect?: boolean;
  /** Runs per job (DEFAULT_CHUNK_RUNS). */
  chunkRuns?: number;
  /** Milliseconds Redis may stay unreachable before the collection stops (10 s). */
  lostAfterMs?: number;
}

export async function runQueuedExperiment(options: QueuedExperimentOptions): Promise<ExperimentOutcome> {
  const url = parseQueueUrl(options.queue);
  const path = options.experiment;
  const document = await readExperimentDocument(path);
  const overrides: ExperimentOverrides = options.engine === undefined ? {} : { engine: options.engine };
  // The machine's worker count is the workers', not this one's: the file's `workers` does not apply.
  const experiment = { ...(await parseExperiment(document, path, overrides)), workers: undefined };
  await checkReachable(url);
  const collect = options.collect ?? false;
  const log = options.quiet ? undefined : (line: string) => process.stderr.write(`experiment: ${line}\n`);
  return runExperiment({
    ...options,
    experiment,
    // A collector continues the folder's rows as --resume does, or starts a new folder.
    resume: options.resume === true || (collect && options.force !== true),
    pool: queuedPool({
      url,
      experiment,
      document,
      experimentKey: experimentKey(document, experiment.fingerprint),
      chunkRuns: options.chunkRuns ?? DEFAULT_CHUNK_RUNS,
      collect,
      ...(options.lostAfterMs === undefined ? {} : { lostAfterMs: options.lostAfterMs }),
      ...(log === undefined ? {} : { log }),
    }),
  });
}
