// `bin/arena worker`: takes chunks of experiment runs from the queue and runs them on this machine's
// experiment workers (worker threads for the model, child processes for the chain: the same ones a
// local experiment uses, agents/experiment/worker-pool.ts), `threads` chunks at a time, each on a
// worker of its own kept between chunks. A chunk's rows go back as its job's result.
//
// A job of another code version (code-version.ts), or whose scenario or genesis file differs from this
// checkout's, is refused: put back in the queue untouched for a worker that matches, and this worker
// stops with a message saying what differs. A worker that dies mid-chunk stops renewing its job's lock;
// after `stallMs` another worker's stall check puts the job back and it runs again elsewhere (BullMQ's
// stalled jobs); its result is taken once, so nothing is lost or doubled.

import { hostname } from "node:os";

import { type Job, WaitingError, Worker } from "bullmq";

import { ArenaError, messageOf } from "../core/errors.ts";
import { parseExperiment } from "../experiment/experiment-file.ts";
import type { Experiment, RunEngine } from "../experiment/experiment-types.ts";
import type { FromWorker, RunJob } from "../experiment/worker-messages.ts";
import { type PoolWorker, startWorker } from "../experiment/worker-pool.ts";
import { CHUNK_FORMAT, type ChunkData, type ChunkResult, type ChunkRow, decodeValue, QUEUE_NAME } from "./chunks.ts";
import { codeVersion } from "./code-version.ts";
import { checkReachable, type QueueUrl } from "./queue-url.ts";

/** This worker cannot run a job it was given (another code version, other scenario files); the job stays queued. */
export class JobRefusedError extends ArenaError {}

/** Times a job may stall (its worker died or froze) and be run again before it counts as failed. */
const MAX_STALLS = 3;

export interface QueueWorkerOptions {
  url: QueueUrl;
  /** Chunks run at once, each on its own experiment worker. */
  threads: number;
  /** A chunk whose worker stops renewing its lock for this long is run again elsewhere. */
  stallMs: number;
  log: (line: string) => void;
  /** Stops taking chunks; those in progress finish first. */
  signal?: AbortSignal;
}

export interface QueueWorkerOutcome {
  chunks: number;
  runs: number;
}

/** "host pid 1234": which worker ran a chunk. */
export function workerName(): string {
  return `${hostname()} pid ${process.pid}`;
}

/** One experiment worker (thread or process) per engine, kept between the chunks it runs. */
class Slot {
  private readonly workers = new Map<RunEngine, PoolWorker>();
  private readonly waiting = new Map<number, { resolve: (row: ChunkRow) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  private workerFor(engine: RunEngine): PoolWorker {
    const existing = this.workers.get(engine);
    if (existing !== undefined) return existing;
    const worker = startWorker(engine);
    worker.onMessage((message: FromWorker) => {
      if (message.type === "closed") return;
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      waiter?.resolve(
        message.type === "done"
          ? { metrics: message.metrics.map(String), wallMs: message.wallMs }
          : { error: message.message, wallMs: message.wallMs },
      );
    });
    worker.onLost((why) => {
      this.workers.delete(engine);
      const error = new Error(`the experiment worker running the chunk ${why}`);
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    });
    this.workers.set(engine, worker);
    return worker;
  }

  /** Every job's row, in order; the experiment worker runs them one after the other. */
  run(jobs: RunJob[]): Promise<ChunkRow[]> {
    return Promise.all(
      jobs.map((job) => {
        const id = this.nextId++;
        const row = new Promise<ChunkRow>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
        this.workerFor(job.engine).send({ type: "run", job: { ...job, id } });
        return row;
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
  }
}

export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerOutcome> {
  const { url, log } = options;
  await checkReachable(url);
  const version = codeVersion();
  const experiments = new Map<string, Promise<Experiment>>();
  const free: Slot[] = Array.from({ length: options.threads }, () => new Slot());
  const slots = [...free];
  const outcome: QueueWorkerOutcome = { chunks: 0, runs: 0 };
  let refusal: JobRefusedError | undefined;

  /** The chunk's experiment as this checkout reads it, or why this worker cannot run it. */
  const experimentOf = async (data: ChunkData): Promise<Experiment | string> => {
    if (data.format !== CHUNK_FORMAT || data.codeVersion !== version)
      return `it was enqueued by code version ${data.codeVersion} (job format ${data.format}) and this worker runs ${version} (format ${CHUNK_FORMAT}): start the worker from a checkout of the submitter's code (the same commit and edits under agents/ and contracts/, the same package-lock.json)`;
    let parsed = experiments.get(data.experimentKey);
    if (parsed === undefined) {
      parsed = parseExperiment(decodeValue(data.document), data.source);
      experiments.set(data.experimentKey, parsed);
    }
    let experiment: Experiment;
    try {
      experiment = await parsed;
    } catch (error) {
      experiments.delete(data.experimentKey);
      return `this checkout cannot read the experiment (${messageOf(error)}): run the worker from the submitter's checkout, in its root folder`;
    }
    const mine = experiment.fingerprint;
    if (
      mine.scenarioSha256 !== data.fingerprint.scenarioSha256 ||
      mine.genesisSha256 !== data.fingerprint.genesisSha256
    )
      return `this checkout's ${experiment.scenarioPath} or its genesis file differs from the submitter's (sha256 ${mine.scenarioSha256.slice(0, 12)}/${mine.genesisSha256.slice(0, 12)} here, ${data.fingerprint.scenarioSha256.slice(0, 12)}/${data.fingerprint.genesisSha256.slice(0, 12)} there): run the worker from the same checkout`;
    return experiment;
  };

  const processChunk = async (job: Job<ChunkData, ChunkResult>, token?: string): Promise<ChunkResult> => {
    const data = job.data;
    const experiment = await experimentOf(data);
    if (typeof experiment === "string") {
      // Back to the queue as it was, for a worker that can run it; this one stops.
      await job.moveToWait(token);
      refusal ??= new JobRefusedError(
        `refused chunk ${job.id} of experiment ${data.name} (${data.source}): ${experiment}`,
      );
      void worker.close();
      throw new WaitingError();
    }
    const started = performance.now();
    log(`chunk ${job.id} of ${data.name} (${data.engine}, ${data.runs.length} runs) started`);
    const runs: RunJob[] = data.runs.map(([caseAt, seedText], i) => {
      const c = experiment.cases[caseAt]!;
      const seed = BigInt(seedText);
      return {
        id: i,
        engine: data.engine,
        caseKey: c.key,
        deploymentKey: c.deploymentKey,
        seed,
        parameters: c.parameters,
        scenario: { ...c.scenario, seed, blocks: experiment.blocks },
        metrics: experiment.objectives.map((o) => o.metric),
      };
    });
    const slot = free.pop()!;
    try {
      const rows = await slot.run(runs);
      outcome.chunks++;
      outcome.runs += rows.length;
      log(`chunk ${job.id} of ${data.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return { format: CHUNK_FORMAT, rows, worker: workerName() };
    } finally {
      free.push(slot);
    }
  };

  const worker = new Worker<ChunkData, ChunkResult>(QUEUE_NAME, processChunk, {
    connection: { ...url.options, maxRetriesPerRequest: null },
    concurrency: options.threads,
    lockDuration: options.stallMs,
    stalledInterval: options.stallMs,
    maxStalledCount: MAX_STALLS,
    autorun: false,
  });
  let down = false;
  worker.on("error", (error) => {
    if (down) return;
    down = true;
    log(`lost Redis at ${url.shown} (${messageOf(error)}); retrying until it is back`);
  });
  worker.on("ready", () => {
    if (down) log(`Redis at ${url.shown} is back`);
    down = false;
  });
  const onAbort = () => void worker.close();
  options.signal?.addEventListener("abort", onAbort);
  log(
    `taking experiment chunks from ${url.shown} on ${options.threads} thread${options.threads === 1 ? "" : "s"} (code version ${version}; a stalled chunk is run again after ${options.stallMs / 1000} s)`,
  );
  try {
    await worker.run();
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await worker.close();
    await Promise.all(slots.map((s) => s.stop()));
  }
  if (refusal !== undefined) throw refusal;
  return outcome;
}
