// Experiments over a Redis queue (BullMQ): a cut-down classic grid run by `bin/arena worker` processes
// gives the runs.csv (row for row, in order, wall times aside), best.json and report.html of the same
// file run on this machine with one worker — also when one worker is SIGKILLed mid-chunk, when Redis
// is lost mid-run and the experiment resumed, and when the results are gathered by --collect. A worker
// of another code version refuses the job and leaves it for one that matches; a Redis that is not
// there and a --queue that is no Redis URL are refused with what to do, before any file is touched.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { ExperimentInterrupted, ExperimentStopped, runExperiment } from "../agents/experiment/run-experiment.ts";
import { codeVersion } from "../agents/queue/code-version.ts";
import { runQueuedExperiment } from "../agents/queue/queue-experiment.ts";
import { QueueJobsMissingError } from "../agents/queue/queued-pool.ts";
import { QueueUnreachableError, QueueUrlError } from "../agents/queue/queue-url.ts";
import experimentTask from "../scripts/experiment.ts";
import workerTask from "../scripts/worker.ts";
import { captured } from "./helpers/captured.ts";
import { freePort } from "./helpers/hardhat-node.ts";
import { type RedisServer, startRedis, startWorkerProcess, type WorkerProcess } from "./helpers/redis-server.ts";

// 3 × 4 cases × 2 seeds = 24 runs of about 0.1 s each: a chunk of 6 lasts long enough to be killed in.
const EXPERIMENT = `name: queued-classic
scenario: scenarios/classic.yaml
engine: model
seeds: 2
blocks: 3000
grid:
  agents.buyer.buyBelow: { from: "0.0120", to: "0.0130", step: "0.0005" }
  agents.seller.sellAbove: { from: "0.0125", to: "0.0140", step: "0.0005" }
objectives:
  - { metric: agents.buyer.returnBps, goal: maximise }
  - { metric: metrics.volatility.pool.annualised, goal: minimise }
`;
const RUNS = 24;
const CHUNK = 6;
const STARTED = /chunk (chunk-[0-9a-f]+) of queued-classic \(model, \d+ runs\) started/;

/** runs.csv's rows in file order, without the wall time (the only column that differs between runs). */
function rowsOf(dir: string): string[] {
  return readFileSync(join(dir, "runs.csv"), "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split(",").slice(0, -1).join(","));
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");

describe("experiments over a Redis queue", function () {
  this.timeout(300_000);
  let root: string;
  let file: string;
  let local: string;
  let redis: RedisServer | undefined;
  const workers: WorkerProcess[] = [];
  const worker = (args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const started = startWorkerProcess(redis!.url, ["--stall-seconds", "2", ...args], env);
    workers.push(started);
    return started;
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "arena-queue-"));
    file = join(root, "queued-classic.yaml");
    writeFileSync(file, EXPERIMENT);
    local = join(root, "local");
    const outcome = await runExperiment({ experiment: file, workers: 1, out: local, quiet: true });
    expect(outcome.ran).to.equal(RUNS);
    expect(rowsOf(local).some((row) => /,-\d+,0\.\d+,ok$/.test(row))).to.equal(true); // the buyer traded
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
    await redis?.kill();
    redis = undefined;
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("runs on two worker processes, one SIGKILLed mid-chunk, into the rows and best.json of one machine", async () => {
    redis = await startRedis();
    const [a, b] = [worker(), worker()];
    const out = join(root, "queued");
    const running = runQueuedExperiment({ experiment: file, queue: redis.url, out, quiet: true, chunkRuns: CHUNK });
    const killed = (await a.waitFor(STARTED))[1]!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await a.kill("SIGKILL");
    const outcome = await running;
    expect(outcome.ran).to.equal(RUNS);
    expect(rowsOf(out)).to.deep.equal(rowsOf(local));
    expect(read(out, "best.json")).to.equal(read(local, "best.json"));
    expect(read(out, "report.html")).to.equal(read(local, "report.html"));
    // The killed worker's chunk ran again on the other one, after the stall timeout.
    expect(a.output()).not.to.include(`chunk ${killed} of queued-classic done`);
    expect(b.output()).to.include(`chunk ${killed} of queued-classic done`);

    // Enqueueing the same experiment again (into another folder) runs nothing: the queue has every chunk.
    const chunksRun = b.output().match(/ done in /g)!.length;
    const again = join(root, "queued-again");
    await runQueuedExperiment({ experiment: file, queue: redis.url, out: again, quiet: true, chunkRuns: CHUNK });
    expect(rowsOf(again)).to.deep.equal(rowsOf(local));
    expect(b.output().match(/ done in /g)!.length).to.equal(chunksRun);
  });

  it("keeps the rows collected when Redis is lost mid-run, and --resume finishes them", async () => {
    redis = await startRedis();
    worker();
    const out = join(root, "lost");
    let error: unknown;
    await runQueuedExperiment({
      experiment: file,
      queue: redis.url,
      out,
      quiet: true,
      chunkRuns: CHUNK,
      lostAfterMs: 1_500,
      onRecorded: (_, n) => n === CHUNK && void redis!.kill(),
    }).catch((caught) => (error = caught));
    expect(error).to.be.instanceOf(ExperimentStopped);
    expect((error as Error).message).to.include(`lost the queue's Redis at ${redis.url}`);
    expect((error as Error).message).to.include("--resume");
    const kept = rowsOf(out);
    expect(kept.length - 1).to.be.within(CHUNK, RUNS - 1);
    expect(kept).to.deep.equal(rowsOf(local).slice(0, kept.length));

    await redis.restart(); // empty: the chunks not collected are enqueued again
    const resumed = await runQueuedExperiment({
      experiment: file,
      queue: redis.url,
      out,
      quiet: true,
      chunkRuns: CHUNK,
      resume: true,
    });
    expect(resumed.skipped).to.equal(kept.length - 1);
    expect(rowsOf(out)).to.deep.equal(rowsOf(local));
    expect(read(out, "best.json")).to.equal(read(local, "best.json"));
  });

  it("gathers a submission stopped midway with --collect, and refuses to collect what is not queued", async () => {
    redis = await startRedis();
    worker();
    const out = join(root, "collected");
    const stop = new AbortController();
    let error: unknown;
    await runQueuedExperiment({
      experiment: file,
      queue: redis.url,
      out,
      quiet: true,
      chunkRuns: CHUNK,
      signal: stop.signal,
      onRecorded: (_, n) => n === 1 && stop.abort("test"),
    }).catch((caught) => (error = caught));
    expect(error).to.be.instanceOf(ExperimentInterrupted);
    const collected = await runQueuedExperiment({
      experiment: file,
      queue: redis.url,
      out,
      quiet: true,
      chunkRuns: CHUNK,
      collect: true,
    });
    expect(collected.skipped).to.equal(CHUNK);
    expect(rowsOf(out)).to.deep.equal(rowsOf(local));

    // Another chunk size is another set of jobs, which nobody enqueued: --collect says so and how.
    let missing: unknown;
    await runQueuedExperiment({
      experiment: file,
      queue: redis.url,
      out: join(root, "not-queued"),
      quiet: true,
      chunkRuns: 5,
      collect: true,
    }).catch((caught) => (missing = caught));
    expect(missing).to.be.instanceOf(ExperimentStopped);
    expect((missing as ExperimentStopped).cause).to.be.instanceOf(QueueJobsMissingError);
    expect((missing as Error).message).to.include(`--queue ${redis.url} --resume instead of --collect`);
  });

  it("has a worker of another code version refuse the job, which a matching worker then runs", async () => {
    redis = await startRedis();
    const stale = worker([], { ARENA_QUEUE_CODE_VERSION: "0123456789abcdef" });
    const out = join(root, "versions");
    const running = runQueuedExperiment({ experiment: file, queue: redis.url, out, quiet: true, chunkRuns: RUNS });
    expect(await stale.exited).to.equal(1);
    expect(stale.output()).to.include("worker: refused chunk chunk-");
    expect(stale.output()).to.include(
      `it was enqueued by code version ${codeVersion()} (job format 1) and this worker runs 0123456789abcdef`,
    );
    expect(stale.output()).not.to.match(STARTED);
    worker();
    await running;
    expect(rowsOf(out)).to.deep.equal(rowsOf(local));
  });

  it("runs a screen experiment's model and chain phases on a worker, as on this machine", async () => {
    const screen = join(root, "screen.yaml");
    writeFileSync(
      screen,
      `name: queued-screen
scenario: scenarios/classic.yaml
engine: screen
seeds: 1
blocks: 15
topK: 1
grid:
  pool.feeBps: [0, 30]
  agents.buyer.buyBelow: ["0.0120", "0.0125"]
objectives:
  - { metric: agents.buyer.returnBps, goal: maximise }
`,
    );
    const here = await runExperiment({ experiment: screen, workers: 1, out: join(root, "screen-local"), quiet: true });
    expect(here.records.some((r) => r.engine === "chain")).to.equal(true);
    redis = await startRedis();
    worker();
    const out = join(root, "screen-queued");
    await runQueuedExperiment({ experiment: screen, queue: redis.url, out, quiet: true, chunkRuns: 2 });
    expect(rowsOf(out)).to.deep.equal(rowsOf(join(root, "screen-local")));
    expect(read(out, "best.json")).to.equal(read(join(root, "screen-local"), "best.json"));
  });

  it("refuses a Redis that does not answer and a --queue that is not a Redis URL, leaving the folder as it was", async () => {
    const port = await freePort();
    const folder = join(root, "unreachable");
    cpSync(local, folder, { recursive: true });
    const before = read(folder, "runs.csv");
    let error: unknown;
    await runQueuedExperiment({
      experiment: file,
      queue: `redis://127.0.0.1:${port}`,
      out: folder,
      quiet: true,
      resume: true,
    }).catch((caught) => (error = caught));
    expect(error).to.be.instanceOf(QueueUnreachableError);
    expect((error as Error).message).to.include(`cannot reach Redis at redis://127.0.0.1:${port}`);
    expect((error as Error).message).to.include(`redis-server --port ${port}`);
    expect(read(folder, "runs.csv")).to.equal(before);

    let bad: unknown;
    await runQueuedExperiment({ experiment: file, queue: "http://127.0.0.1:6379", quiet: true }).catch(
      (caught) => (bad = caught),
    );
    expect(bad).to.be.instanceOf(QueueUrlError);

    const hre = {} as HardhatRuntimeEnvironment;
    const base = { file, engine: "", workers: "", out: join(root, "never"), resume: false, force: false, quiet: true };
    const task = await captured(() => experimentTask({ ...base, queue: "redis://:6379/x" }, hre));
    expect(task.err).to.match(/^experiment: --queue: /);
    expect(task.err).to.include("pass --queue redis://host:port");
    const lonely = await captured(() => experimentTask({ ...base, collect: true }, hre));
    expect(lonely.err).to.include("--collect");
    expect(lonely.err).to.include("pass --queue redis://host:port");

    const noQueue = await captured(() => workerTask({ queue: "", threads: "0", stallSeconds: "" }, hre));
    expect(noQueue.err).to.match(/^worker: /);
    expect(noQueue.err).to.include("--queue");
    expect(noQueue.err).to.include("--threads");
    const badScheme = await captured(() => workerTask({ queue: "ftp://10.0.0.5", threads: "", stallSeconds: "" }, hre));
    expect(badScheme.err).to.include('worker: --queue: expected a redis:// or rediss:// URL, got the scheme "ftp"');
    const nobody = await captured(() =>
      workerTask({ queue: `redis://127.0.0.1:${port}`, threads: "1", stallSeconds: "" }, hre),
    );
    expect(nobody.err).to.include(`worker: cannot reach Redis at redis://127.0.0.1:${port}`);
  });
});
