// An experiment's runs through a BullMQ queue instead of this machine's worker pool: the RunPool that
// runExperiment takes (run-experiment.ts), so the results folder, resume, best.json and the report are
// the local run's own. The runs are cut into chunks (chunks.ts: fixed slices of the grid, with
// idempotent job ids), the chunks Redis does not hold yet are enqueued (none with `collect`, which
// only gathers), and results are delivered in the grid's order as chunks finish on any worker: a
// chunk's rows are appended together once every chunk before it is recorded, so runs.csv has the
// rows of a local run on one worker, in its order. A chunk's job stays in Redis after it finishes
// (for `keepSeconds`), so a second submission, a resume or a collector in another folder reads its
// result instead of running it again. Redis unreachable for `lostAfterMs` stops the collection with
// QueueLostError; what was recorded stays, and --resume continues.

import { Job, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";

import { ArenaError } from "../core/errors.ts";
import type { Experiment, RunEngine } from "../experiment/experiment-types.ts";
import type { RunPool } from "../experiment/run-experiment.ts";
import type { RunJob } from "../experiment/worker-messages.ts";
import type { PoolOutcome } from "../experiment/worker-pool.ts";
import {
  CHUNK_FORMAT,
  type ChunkData,
  type ChunkResult,
  type ChunkRow,
  chunkId,
  encodeValue,
  QUEUE_NAME,
} from "./chunks.ts";
import { codeVersion } from "./code-version.ts";
import { type QueueUrl, startRedisHint } from "./queue-url.ts";

/** Redis stopped answering while results were being collected. */
export class QueueLostError extends ArenaError {}

/** `--collect` found chunks of the experiment that the queue does not hold. */
export class QueueJobsMissingError extends ArenaError {}

export interface QueuedPoolOptions {
  url: QueueUrl;
  experiment: Experiment;
  /** The experiment file's document, as read (workers parse it again). */
  document: unknown;
  experimentKey: string;
  /** Runs per job. */
  chunkRuns: number;
  /** Gather the results of jobs already in the queue and enqueue nothing. */
  collect: boolean;
  /** Milliseconds Redis may stay unreachable before the collection stops (10 s). */
  lostAfterMs?: number;
  /** Seconds a finished job stays in Redis, for resumes and other collectors (7 days). */
  keepSeconds?: number;
  /** One line per event worth telling (enqueued chunks, a lost connection). */
  log?: (line: string) => void;
}

interface Chunk {
  id: string;
  jobs: RunJob[];
  data: ChunkData;
}

/** What a finished chunk left in Redis: its rows, or why its job failed. */
type Finished = { rows: ChunkRow[]; worker: string } | { failed: string };

const SCAN_BATCH = 256;
const HEAD_POLL_MS = 1_000;
export const DEFAULT_KEEP_SECONDS = 7 * 86_400;

export function queuedPool(options: QueuedPoolOptions): RunPool {
  return (jobs, poolOptions) => collectChunks(options, jobs, poolOptions);
}

/** The runs of `jobs` (one engine, the grid's order) cut into chunks at fixed positions of the grid. */
function chunksOf(options: QueuedPoolOptions, jobs: readonly RunJob[], rowsOf: (job: RunJob) => number): Chunk[] {
  const { experiment } = options;
  const version = codeVersion();
  const caseIndex = new Map(experiment.cases.map((c, i) => [c.key, i]));
  const seedIndex = new Map(experiment.seeds.map((s, i) => [s, i]));
  const groups = new Map<number, { job: RunJob; position: number; caseAt: number }[]>();
  for (const job of jobs) {
    const caseAt = caseIndex.get(job.caseKey)!;
    const position = caseAt * experiment.seeds.length + seedIndex.get(job.seed)!;
    const slice = Math.floor(position / options.chunkRuns);
    const group = groups.get(slice);
    const entry = { job, position, caseAt };
    if (group === undefined) groups.set(slice, [entry]);
    else group.push(entry);
  }
  const document = encodeValue(options.document);
  return [...groups.values()].map((group) => {
    const engine: RunEngine = group[0]!.job.engine;
    return {
      id: chunkId(
        options.experimentKey,
        version,
        engine,
        group.map((g) => ({ position: g.position, rows: rowsOf(g.job) })),
      ),
      jobs: group.map((g) => g.job),
      data: {
        format: CHUNK_FORMAT,
        codeVersion: version,
        experimentKey: options.experimentKey,
        name: experiment.name,
        source: experiment.source,
        document,
        fingerprint: experiment.fingerprint,
        engine,
        runs: group.map((g) => [g.caseAt, g.job.seed.toString()]),
      },
    };
  });
}

function finishedOf(job: Job | undefined): Finished | undefined {
  if (job === undefined || !job.finishedOn) return undefined;
  const value = job.returnvalue as ChunkResult | null;
  if (value !== null && typeof value === "object" && Array.isArray(value.rows))
    return { rows: value.rows, worker: value.worker };
  return { failed: job.failedReason || "its job ended without a result" };
}

function resultOf(returnvalue: unknown): Finished {
  const value = (typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as ChunkResult;
  return { rows: value.rows, worker: value.worker };
}

async function collectChunks(
  options: QueuedPoolOptions,
  jobs: readonly RunJob[],
  poolOptions: Parameters<RunPool>[1],
): Promise<PoolOutcome> {
  const { url, experiment, folder, signal, onResult } = { ...options, ...poolOptions };
  const log = options.log ?? (() => undefined);
  if (jobs.length === 0) return { aborted: false, completed: 0 };
  const chunks = chunksOf(options, jobs, (job) => folder.rowsOf(job.engine, job.caseKey, job.seed));
  const wanted = new Set(chunks.map((c) => c.id));
  const lostAfterMs = options.lostAfterMs ?? 10_000;
  const keep = options.keepSeconds ?? DEFAULT_KEEP_SECONDS;

  // The queue's connection is also the one watched: down for lostAfterMs, and the collection stops.
  const client = new Redis({ ...url.options, maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection: client });
  const events = new QueueEvents(QUEUE_NAME, { connection: { ...url.options } });
  const finished = new Map<string, Finished>();
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let lost: QueueLostError | undefined;
  let giveUp: (error: QueueLostError) => void = () => undefined;
  const gaveUp = new Promise<never>((_, reject) => (giveUp = reject));
  gaveUp.catch(() => undefined);
  let downSince: number | undefined;
  let downReason = "connection closed";
  client.on("error", (error: Error) => (downReason = error.message));
  client.on("close", () => (downSince ??= Date.now()));
  client.on("ready", () => (downSince = undefined));
  events.on("error", () => undefined); // its reconnects are the client's too; the watch below decides
  const watch = setInterval(() => {
    if (downSince === undefined || lost !== undefined || Date.now() - downSince < lostAfterMs) return;
    lost = new QueueLostError(
      `lost the queue's Redis at ${url.shown} (${downReason}) for ${(lostAfterMs / 1000).toFixed(0)} s while collecting ${experiment.name}: ${startRedisHint(url)}; then run the experiment again with --queue ${url.shown} --resume (chunks Redis still holds are collected, the rest are enqueued again)`,
    );
    giveUp(lost);
    poke();
  }, 200);
  const onAbort = () => poke();
  signal?.addEventListener("abort", onAbort);
  /** What `work` gives, or QueueLostError once the connection is given up. */
  const guarded = <T>(work: Promise<T>): Promise<T> => Promise.race([work, gaveUp]);

  // Runs finished on any worker (their chunks' rows may still wait for an earlier chunk), for the progress line.
  const runsIn = new Map(chunks.map((c) => [c.id, c.jobs.length]));
  const arrived = new Set<string>();
  let arrivedRuns = 0;
  let workersSeen = 0;
  const arrive = (id: string, done: Finished) => {
    finished.set(id, done);
    if (arrived.has(id)) return;
    arrived.add(id);
    arrivedRuns += runsIn.get(id)!;
    tell();
  };
  function tell() {
    poolOptions.onDetail?.(`${arrivedRuns}/${jobs.length} finished on the queue's workers (${workersSeen} connected)`);
  }
  events.on("completed", ({ jobId, returnvalue }) => {
    if (!wanted.has(jobId)) return;
    arrive(jobId, resultOf(returnvalue));
    poke();
  });
  events.on("failed", ({ jobId, failedReason }) => {
    if (!wanted.has(jobId)) return;
    arrive(jobId, { failed: failedReason });
    poke();
  });

  let completed = 0;
  try {
    await guarded(events.waitUntilReady());
    // What the queue holds already: finished chunks are collected, unfinished ones waited for.
    const missing: Chunk[] = [];
    for (let at = 0; at < chunks.length; at += SCAN_BATCH) {
      const batch = chunks.slice(at, at + SCAN_BATCH);
      const held = await guarded(Promise.all(batch.map((c) => Job.fromId(queue, c.id))));
      batch.forEach((chunk, i) => {
        if (held[i] === undefined) missing.push(chunk);
        const done = finishedOf(held[i]);
        if (done !== undefined) arrive(chunk.id, done);
      });
    }
    if (options.collect && missing.length > 0)
      throw new QueueJobsMissingError(
        `${missing.length} of the ${chunks.length} chunks of ${experiment.name}'s ${missing[0]!.data.engine} runs are not in the queue at ${url.shown} (never enqueued, removed ${keep} s after they finished, or lost with Redis): enqueue them with --queue ${url.shown} --resume instead of --collect`,
      );
    for (let at = 0; at < missing.length; at += SCAN_BATCH) {
      await guarded(
        queue.addBulk(
          missing.slice(at, at + SCAN_BATCH).map((chunk) => ({
            name: experiment.name,
            data: chunk.data,
            opts: { jobId: chunk.id, removeOnComplete: { age: keep }, removeOnFail: { age: keep }, attempts: 1 },
          })),
        ),
      );
    }
    log(
      `${options.collect ? "collecting" : "queued"} ${jobs.length} ${chunks[0]!.data.engine} runs of ${experiment.name} in ${chunks.length} chunks of up to ${options.chunkRuns} on ${url.shown}` +
        `${missing.length < chunks.length ? ` (${chunks.length - missing.length} chunks were in the queue already, ${finished.size} of them finished)` : ""}; start workers with: bin/arena worker --queue ${url.shown}`,
    );

    // Deliver chunk after chunk in the grid's order, as they finish anywhere.
    let lastPoll = Date.now();
    for (const chunk of chunks) {
      for (;;) {
        if (lost !== undefined) throw lost;
        if (signal?.aborted) return { aborted: true, completed };
        if (finished.has(chunk.id)) break;
        if (Date.now() - lastPoll >= HEAD_POLL_MS) {
          // Events can be missed across a reconnect: the chunk waited for is also read now and then.
          lastPoll = Date.now();
          workersSeen = await guarded(queue.getWorkersCount());
          tell();
          const done = finishedOf(await guarded(Job.fromId(queue, chunk.id)));
          if (done !== undefined) {
            arrive(chunk.id, done);
            break;
          }
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(poke, HEAD_POLL_MS);
        });
      }
      const done = finished.get(chunk.id)!;
      finished.delete(chunk.id);
      const rows: ChunkRow[] =
        "rows" in done && done.rows.length === chunk.jobs.length
          ? done.rows
          : chunk.jobs.map(() => ({
              error: `its queued job ${chunk.id} failed: ${"failed" in done ? done.failed : `it returned ${done.rows.length} rows for ${chunk.jobs.length} runs`}`,
              wallMs: 0,
            }));
      for (const [i, job] of chunk.jobs.entries()) {
        const row = rows[i]!;
        if (folder.has(job.engine, job.caseKey, job.seed)) continue; // recorded meanwhile: never twice
        await onResult({ job, metrics: row.metrics?.map(Number), error: row.error, wallMs: row.wallMs });
        completed++;
      }
    }
    return { aborted: false, completed };
  } finally {
    clearInterval(watch);
    signal?.removeEventListener("abort", onAbort);
    poke();
    const closing = Promise.all([events.close(), queue.close()]).catch(() => undefined);
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    client.disconnect();
    void events.disconnect().catch(() => undefined);
  }
}
