// `npm run bench:queue`: experiments through the Redis queue (agents/queue/). Starts its own
// redis-server on a free loopback port (REDIS_SERVER_PATH, or redis-server on PATH: bin/provision redis)
// and `worker` processes with one thread each, prints each figure and writes bench/results/queue.json.
//
// The workload is experiments/classic-grid.yaml (4,641 model runs of ~4 ms: short runs, so the queue's
// own costs show). Workers are started and warmed up (a small experiment) before anything is timed, as
// long-lived workers are; Redis is emptied before each pass so no pass reuses another's results.
// - runsPerMinuteByChunk: 1 worker process, chunks of 4, 16 (the default) and 64 runs.
// - runsPerMinuteOneWorker / TwoWorkers and speedup (their ratio) at chunks of 64 (a few hundred ms
//   of these short runs, what README.md advises for them): three rounds of a 1-worker pass and a
//   2-worker pass back to back, the median round. Target ≥ 1.6.
// - overheadMsPerRun: the queue's own cost per run: (wall − Σ run times) through the queue on one
//   worker, minus the same for the same runs on this machine's one local worker (runExperiment), in
//   three rounds of the two back to back; the median round.
// - redisBytesPerRun: Redis's used_memory after the default-chunk pass over an empty Redis, per run
//   (jobs with their data and results, kept after they finish, and BullMQ's event stream).
// - collectRunsPerSecond: how fast a collector takes rows of chunks that are already finished (a second
//   folder collecting the same experiment): the ceiling on what any number of workers can deliver.
// Timings are wall-clock times on a machine others share: expect ±20% between runs of the benchmark.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import { Redis } from "ioredis";

import { runExperiment } from "../agents/experiment/run-experiment.ts";
import { runQueuedExperiment } from "../agents/queue/queue-experiment.ts";
import { freePort } from "../test/helpers/hardhat-node.ts";

const RESULTS = "bench/results/queue.json";
const GRID = "experiments/classic-grid.yaml";
/** The speedup is measured at this chunk size (one worker's passes there also give its runs per minute). */
const SPEEDUP_CHUNK = 64;
/** Rounds of local vs queued passes for the overhead. */
const ROUNDS = 3;
const DEFAULT_CHUNK = 16;
const TARGET_SPEEDUP = 1.6;
const require = createRequire(import.meta.url);
const HARDHAT_CLI = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");

const root = mkdtempSync(join(tmpdir(), "arena-bench-queue-"));
const children: ChildProcess[] = [];
const port = await freePort();
const url = `redis://127.0.0.1:${port}`;
const redisServer = spawn(
  process.env.REDIS_SERVER_PATH ?? "redis-server",
  ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
  { stdio: "ignore" },
);
redisServer.on("error", (error) => {
  console.error(
    `bench:queue: cannot start redis-server (${error.message}): run bin/provision redis, or set REDIS_SERVER_PATH`,
  );
  process.exit(1);
});
children.push(redisServer);
const redis = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: null });
redis.on("error", () => undefined); // refused until redis-server listens: the first command waits for it

/** A worker process with one thread; resolves once it takes chunks. */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HARDHAT_CLI, "worker", "--queue", url, "--threads", "1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (data: Buffer) => {
      text += data.toString();
      if (text.includes("taking experiment chunks")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${text}`)));
  });
}

/** Σ of the runs' own wall times in a results folder's runs.csv (ms). */
function runMs(dir: string): number {
  return readFileSync(join(dir, "runs.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(",") + 1)), 0);
}

const usedMemory = (info: string) => Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);

let pass = 0;
async function queued(chunkRuns: number, flush = true): Promise<{ seconds: number; runs: number; dir: string }> {
  if (flush) await redis.flushall();
  const dir = join(root, `pass-${++pass}`);
  const started = performance.now();
  const outcome = await runQueuedExperiment({ experiment: GRID, queue: url, out: dir, quiet: true, chunkRuns });
  return { seconds: (performance.now() - started) / 1000, runs: outcome.ran, dir };
}

try {
  await redis.ping();
  const perMinute = (p: { seconds: number; runs: number }) => (p.runs / p.seconds) * 60;
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

  await startWorker();
  // Warm-up: the worker's experiment thread loads the model once, as a long-lived worker has.
  writeFileSync(join(root, "warm.yaml"), readFileSync(GRID, "utf8").replace('to: "0.0133"', 'to: "0.01154"'));
  await runQueuedExperiment({
    experiment: join(root, "warm.yaml"),
    queue: url,
    out: join(root, "warm"),
    quiet: true,
    chunkRuns: 51,
  });
  await redis.flushall();
  const emptyBytes = usedMemory(await redis.info("memory"));

  // The queue's own cost: rounds of the same runs locally (one worker) and through the queue (one
  // worker process, default chunk), back to back, so both meet the same load; the median round counts.
  const overheads: number[] = [];
  const defaultPasses: { seconds: number; runs: number; dir: string }[] = [];
  let localSeconds = 0;
  let localRuns = 0;
  let redisBytesPerRun = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const localStarted = performance.now();
    const localDir = join(root, `local-${round}`);
    const local = await runExperiment({ experiment: GRID, workers: 1, out: localDir, quiet: true });
    const seconds = (performance.now() - localStarted) / 1000;
    localSeconds += seconds;
    localRuns += local.ran;
    const measured = await queued(DEFAULT_CHUNK);
    defaultPasses.push(measured);
    redisBytesPerRun = (usedMemory(await redis.info("memory")) - emptyBytes) / measured.runs;
    const queueIdleMs = measured.seconds * 1000 - runMs(measured.dir);
    const localIdleMs = seconds * 1000 - runMs(localDir);
    overheads.push((queueIdleMs - localIdleMs) / measured.runs);
    console.log(
      `round ${round}: local ${seconds.toFixed(1)} s (${(localIdleMs / local.ran).toFixed(2)} ms per run outside the runs), queue ${measured.seconds.toFixed(1)} s (${(queueIdleMs / measured.runs).toFixed(2)} ms): ${overheads.at(-1)!.toFixed(2)} ms per run`,
    );
  }
  const overheadMsPerRun = median(overheads);
  console.log(`overheadMsPerRun           ${overheadMsPerRun.toFixed(2)}  (median of ${ROUNDS} rounds)`);

  // What a collector takes from chunks that are finished already: the last pass again, into another folder.
  const collectStarted = performance.now();
  const collected = await queued(DEFAULT_CHUNK, false);
  const collectRunsPerSecond = collected.runs / ((performance.now() - collectStarted) / 1000);
  console.log(`redis memory               ${Math.round(redisBytesPerRun)} bytes per run kept (chunk ${DEFAULT_CHUNK})`);
  console.log(`collect finished chunks    ${Math.round(collectRunsPerSecond).toLocaleString("en")} runs/s`);

  const byChunk: Record<string, number> = {
    [String(DEFAULT_CHUNK)]: Math.round(median(defaultPasses.map(perMinute))),
  };
  const four = await queued(4);
  byChunk["4"] = Math.round(perMinute(four));
  console.log(
    `queue, 1 worker, chunk   4  ${four.runs} runs in ${four.seconds.toFixed(1)} s: ${byChunk["4"].toLocaleString("en")} runs/min`,
  );

  // 1 worker, then 2, back to back in each round (the second started and warmed for the round, then
  // stopped while idle), so both passes of a round meet the same load; the median round's ratio counts.
  const rounds: { one: number; two: number }[] = [];
  const perMinuteOf = (seconds: number) => (four.runs / seconds) * 60;
  for (let round = 1; round <= ROUNDS; round++) {
    const one = await queued(SPEEDUP_CHUNK);
    const second = await startWorker();
    await redis.flushall();
    await runQueuedExperiment({
      experiment: join(root, "warm.yaml"),
      queue: url,
      out: join(root, `warm-round-${round}`),
      quiet: true,
      chunkRuns: 1,
    });
    const two = await queued(SPEEDUP_CHUNK);
    const stopped = new Promise((resolve) => second.once("exit", resolve));
    second.kill("SIGTERM");
    await stopped;
    rounds.push({ one: one.seconds, two: two.seconds });
    console.log(
      `round ${round}, chunk ${SPEEDUP_CHUNK}: 1 worker ${one.seconds.toFixed(1)} s (${Math.round(perMinuteOf(one.seconds)).toLocaleString("en")} runs/min), 2 workers ${two.seconds.toFixed(1)} s (${Math.round(perMinuteOf(two.seconds)).toLocaleString("en")} runs/min): ${(one.seconds / two.seconds).toFixed(2)}`,
    );
  }
  const middle = [...rounds].sort((a, b) => a.one / a.two - b.one / b.two)[Math.floor(ROUNDS / 2)]!;
  const speedup = middle.one / middle.two;
  byChunk[String(SPEEDUP_CHUNK)] = Math.round(perMinuteOf(middle.one));
  console.log(
    `speedup                    ${speedup.toFixed(2)}  (target ≥ ${TARGET_SPEEDUP}: ${speedup >= TARGET_SPEEDUP ? "met" : "NOT met"}; median of ${ROUNDS} rounds; ${availableParallelism()} cores, shared)`,
  );

  const results = {
    workload: `${GRID}: ${collected.runs} model runs`,
    cores: availableParallelism(),
    runsPerMinuteByChunk: byChunk,
    defaultChunk: DEFAULT_CHUNK,
    speedupChunk: SPEEDUP_CHUNK,
    runsPerMinuteOneWorker: Math.round(perMinuteOf(middle.one)),
    runsPerMinuteTwoWorkers: Math.round(perMinuteOf(middle.two)),
    speedup: Number(speedup.toFixed(3)),
    speedupRounds: rounds.map((r) => Number((r.one / r.two).toFixed(3))),
    speedupTarget: TARGET_SPEEDUP,
    overheadMsPerRun: Number(overheadMsPerRun.toFixed(3)),
    overheadRoundsMsPerRun: overheads.map((o) => Number(o.toFixed(3))),
    localRunsPerMinute: Math.round((localRuns / localSeconds) * 60),
    collectRunsPerSecond: Math.round(collectRunsPerSecond),
    redisBytesPerRun: Math.round(redisBytesPerRun),
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    note: "a 2-core machine shared with other work: ratios are medians of back-to-back rounds, rates single passes; expect ±20% and more between runs of the benchmark",
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${RESULTS}`);
} finally {
  redis.disconnect();
  for (const child of children.reverse()) child.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
}
