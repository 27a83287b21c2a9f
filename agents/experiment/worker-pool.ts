// Workers that take an experiment's runs one at a time. Runs are handed out as workers become free (not
// split up front), so a slow case does not leave the other workers idle; a worker keeps to the
// deployment it has set up while that deployment has runs left, and a free worker starts on a
// deployment no one else is on. Results stream back through `onResult` as each run finishes; an abort
// stops the workers at once and keeps every result already delivered.
//
// Chain runs go to child processes, model runs to worker threads. Each chain needs an EdrContext, which
// belongs to one thread, and EDR's constructor installs a process-wide tracing subscriber: a second
// context in one process prints "Failed to set global tracing subscriber … Please only initialize
// EdrContext once per process" to stdout, from native code. A process per chain worker has one context,
// so nothing is printed; the model needs no chain, and threads start and message faster.

import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

import { ArenaError } from "../core/errors.ts";
import type { RunEngine } from "./experiment-types.ts";
import type { FromWorker, RunJob, ToWorker } from "./worker-messages.ts";

const BOOTSTRAP = new URL("./worker-bootstrap.mjs", import.meta.url);
/** Jobs sent to a worker ahead of its results, so it never waits for the main thread between runs. */
const IN_FLIGHT_PER_WORKER = 2;
const ENTRY = new URL("./worker.ts", import.meta.url);

export interface RunResult {
  job: RunJob;
  /** The job's metrics, in its order; absent when the run failed. */
  metrics?: number[];
  /** Why the run failed. */
  error?: string;
  wallMs: number;
}

export interface PoolOptions {
  workers: number;
  onResult: (result: RunResult) => void | Promise<void>;
  /** What the pool has to say beside the count, for the progress line (the queue: runs finished, workers). */
  onDetail?: (detail: string) => void;
  signal?: AbortSignal;
}

/** A worker that died before the experiment finished (killed for memory, or a crash outside a run). */
export class WorkerLostError extends ArenaError {}

/** One worker, thread or process, as the pool drives it (the queue's workers keep theirs between chunks). */
export interface PoolWorker {
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  /** Called once when the worker errs or exits on its own, with what happened. */
  onLost(listener: (why: string) => void): void;
  stop(): Promise<void>;
}

function startThread(): PoolWorker {
  const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY.href } });
  return {
    send: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on("message", listener),
    onLost(listener) {
      worker.on("error", (error) => listener(`crashed: ${error.message}`));
      worker.on("exit", (code) => {
        if (code !== 0) listener(`exited with code ${code}`);
      });
    },
    stop: () => worker.terminate().then(() => undefined),
  };
}

function startProcess(): PoolWorker {
  // The structured clone of worker threads (bigints included) over the IPC channel.
  const child: ChildProcess = fork(fileURLToPath(BOOTSTRAP), [ENTRY.href], { serialization: "advanced" });
  let stopping = false;
  return {
    send: (message) => child.send(message),
    onMessage: (listener) => child.on("message", (message) => listener(message as FromWorker)),
    onLost(listener) {
      child.on("error", (error) => listener(`crashed: ${error.message}`));
      child.on("exit", (code, signal) => {
        if (!stopping && (code !== 0 || signal !== null))
          listener(signal === null ? `exited with code ${code}` : `was killed by ${signal}`);
      });
    },
    stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill();
      });
    },
  };
}

/** Chain runs in child processes, model runs in threads (see the header). */
export function startWorker(engine: RunEngine): PoolWorker {
  return engine === "chain" ? startProcess() : startThread();
}

export interface PoolOutcome {
  /** True when the signal stopped the pool before every job ran. */
  aborted: boolean;
  completed: number;
}

/** Groups of jobs by deployment, in the order the caller listed them. */
class JobQueue {
  private readonly groups = new Map<string, RunJob[]>();
  private readonly workersOn = new Map<string, number>();

  constructor(jobs: readonly RunJob[]) {
    for (const job of jobs) {
      const group = this.groups.get(job.deploymentKey);
      if (group === undefined) this.groups.set(job.deploymentKey, [job]);
      else group.push(job);
    }
  }

  /** The next job for a worker that just finished a job of `finished` (undefined at start) and last took one of `affinity`. */
  take(finished: string | undefined, affinity: string | undefined): RunJob | undefined {
    if (finished !== undefined) this.workersOn.set(finished, (this.workersOn.get(finished) ?? 1) - 1);
    let key = affinity !== undefined && this.groups.has(affinity) ? affinity : undefined;
    if (key === undefined) {
      for (const candidate of this.groups.keys()) {
        if ((this.workersOn.get(candidate) ?? 0) === 0) {
          key = candidate;
          break;
        }
      }
    }
    key ??= this.groups.keys().next().value;
    if (key === undefined) return undefined;
    const group = this.groups.get(key)!;
    const job = group.shift()!;
    if (group.length === 0) this.groups.delete(key);
    this.workersOn.set(key, (this.workersOn.get(key) ?? 0) + 1);
    return job;
  }
}

export function runPool(jobs: readonly RunJob[], options: PoolOptions): Promise<PoolOutcome> {
  const queue = new JobQueue(jobs);
  const size = Math.max(1, Math.min(options.workers, jobs.length));
  const workers: PoolWorker[] = [];
  const engine: RunEngine = jobs[0]?.engine ?? "model";
  let completed = 0;
  let settled = false;
  let closed = 0;
  const inFlight = new Map<number, RunJob>();

  return new Promise<PoolOutcome>((resolve, reject) => {
    const finish = (outcome: PoolOutcome | Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      void Promise.all(workers.map((w) => w.stop())).then(() =>
        outcome instanceof Error ? reject(outcome) : resolve(outcome),
      );
    };
    const onAbort = () => finish({ aborted: true, completed });
    if (options.signal?.aborted) return finish({ aborted: true, completed });
    options.signal?.addEventListener("abort", onAbort);
    if (jobs.length === 0) return finish({ aborted: false, completed });

    const send = (worker: PoolWorker, message: ToWorker) => worker.send(message);
    /** Per worker: jobs sent and not yet answered, and the deployment it last took. */
    const state = new Map<PoolWorker, { sent: number; affinity: string | undefined; closing: boolean }>();
    const next = (worker: PoolWorker, finished: string | undefined) => {
      const own = state.get(worker)!;
      const job = queue.take(finished, own.affinity);
      if (job === undefined) {
        // Closed only once its own jobs are answered (a chain engine closes its chain on "close"), and
        // once: a worker that got no job is asked twice at start, and two "closed" would end the pool early.
        if (own.sent === 0 && !own.closing) {
          own.closing = true;
          send(worker, { type: "close" });
        }
        return;
      }
      own.sent += 1;
      own.affinity = job.deploymentKey;
      inFlight.set(job.id, job);
      send(worker, { type: "run", job });
    };

    for (let i = 0; i < size; i++) {
      const worker = startWorker(engine);
      workers.push(worker);
      state.set(worker, { sent: 0, affinity: undefined, closing: false });
      worker.onMessage(async (message: FromWorker) => {
        if (settled) return;
        if (message.type === "closed") {
          // A worker is told to close only when no job is left to hand out and its own is done.
          if (++closed === size) finish({ aborted: false, completed });
          return;
        }
        const job = inFlight.get(message.id)!;
        inFlight.delete(message.id);
        state.get(worker)!.sent -= 1;
        try {
          await options.onResult(
            message.type === "done"
              ? { job, metrics: message.metrics, wallMs: message.wallMs }
              : { job, error: message.message, wallMs: message.wallMs },
          );
        } catch (error) {
          return finish(error as Error);
        }
        completed += 1;
        if (!settled) next(worker, job.deploymentKey);
      });
      worker.onLost((why) => {
        if (settled) return;
        finish(
          new WorkerLostError(
            `experiment worker ${i + 1} ${why} before the experiment finished (its runs in flight are not recorded; fewer --workers need less memory)`,
          ),
        );
      });
      for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) next(worker, undefined);
    }
  });
}
