// Worker threads that take an experiment's runs one at a time. Runs are handed out as workers become
// free (not split up front), so a slow case does not leave the other workers idle; a worker keeps to
// the deployment it has set up while that deployment has runs left, and a free worker starts on a
// deployment no one else is on. Results stream back through `onResult` as each run finishes; an abort
// stops the workers at once and keeps every result already delivered.

import { Worker } from "node:worker_threads";

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
  signal?: AbortSignal;
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
  const workers: Worker[] = [];
  let completed = 0;
  let settled = false;
  let closed = 0;
  const inFlight = new Map<number, RunJob>();

  return new Promise<PoolOutcome>((resolve, reject) => {
    const finish = (outcome: PoolOutcome | Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      void Promise.all(workers.map((w) => w.terminate())).then(() =>
        outcome instanceof Error ? reject(outcome) : resolve(outcome),
      );
    };
    const onAbort = () => finish({ aborted: true, completed });
    if (options.signal?.aborted) return finish({ aborted: true, completed });
    options.signal?.addEventListener("abort", onAbort);
    if (jobs.length === 0) return finish({ aborted: false, completed });

    const send = (worker: Worker, message: ToWorker) => worker.postMessage(message);
    /** Per worker: jobs sent and not yet answered, and the deployment it last took. */
    const state = new Map<Worker, { sent: number; affinity: string | undefined }>();
    const next = (worker: Worker, finished: string | undefined) => {
      const own = state.get(worker)!;
      const job = queue.take(finished, own.affinity);
      if (job === undefined) {
        // Closed only once its own jobs are answered: a chain engine closes its chain on "close".
        if (own.sent === 0) send(worker, { type: "close" });
        return;
      }
      own.sent += 1;
      own.affinity = job.deploymentKey;
      inFlight.set(job.id, job);
      send(worker, { type: "run", job });
    };

    for (let i = 0; i < size; i++) {
      const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY.href } });
      workers.push(worker);
      state.set(worker, { sent: 0, affinity: undefined });
      worker.on("message", async (message: FromWorker) => {
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
      worker.on("error", (error) =>
        finish(new Error(`experiment worker ${i + 1} crashed: ${error.message}`, { cause: error })),
      );
      worker.on("exit", (code) => {
        if (!settled && code !== 0)
          finish(new Error(`experiment worker ${i + 1} exited with code ${code} before the experiment finished`));
      });
      for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) next(worker, undefined);
    }
  });
}
