// An experiment worker: runs one job at a time and posts its metrics back. It is a child process for
// the chain engine (its in-process chain and EDR context belong to it; hre imported here) and a worker
// thread for the model engine, which needs no chain (worker-pool.ts says why).

import { parentPort } from "node:worker_threads";

import { readFile } from "node:fs/promises";

import { type MeasuredRun, measure } from "../metrics/registry.ts";
import type { Genesis } from "../mechanisms/vocabulary.ts";
import { genesisWithParameters } from "./genesis-parameters.ts";
import type { ChainEngine } from "./chain-engine.ts";
import type { FromWorker, RunJob, ToWorker } from "./worker-messages.ts";

interface Port {
  postMessage(message: FromWorker): void;
  on(event: "message", listener: (message: ToWorker) => void): void;
}

function portOf(): Port {
  if (parentPort !== null) return parentPort;
  const send = process.send?.bind(process);
  if (send === undefined)
    throw new Error("agents/experiment/worker.ts runs as a worker thread or process (through worker-bootstrap.mjs)");
  return {
    postMessage: (message) => send(message),
    on: (event, listener) => process.on(event, listener),
  };
}
const port = portOf();

let chainEngine: ChainEngine | undefined;

/** The job's run, as its metrics read it: its steps and its agents' final standings. */
async function runOf(job: RunJob): Promise<MeasuredRun> {
  const { blockSeconds } = job.scenario;
  if (job.engine === "model") {
    const { runModelBattle } = await import("../run/model-battle.ts");
    const fields = job.genesisFields ?? [];
    const { steps, agents, venues } = await runModelBattle(job.scenario, {
      seed: job.seed,
      blocks: job.scenario.blocks,
      ...(fields.length === 0 ? { parameters: job.parameters } : { genesis: await caseGenesis(job) }),
    });
    return { steps, agents, blockSeconds, venues };
  }
  if (chainEngine === undefined) {
    const hre = (await import("hardhat")).default;
    const { ChainEngine } = await import("./chain-engine.ts");
    chainEngine = new ChainEngine(hre);
  }
  const { steps, agents, venues } = await chainEngine.run(job);
  return { steps, agents, blockSeconds, venues };
}

/** Each case's edited genesis (store values and genesis fields written in), parsed once per worker. */
const caseGeneses = new Map<string, Genesis>();

async function caseGenesis(job: RunJob): Promise<Genesis> {
  const source = job.scenario.genesis;
  const key = `${source}\n${job.deploymentKey}`;
  let genesis = caseGeneses.get(key);
  if (genesis === undefined) {
    const document = JSON.parse(await readFile(source, "utf8"));
    genesis = genesisWithParameters(document, source, job.parameters, job.genesisFields);
    caseGeneses.set(key, genesis);
  }
  return genesis;
}

const post = (message: FromWorker) => port.postMessage(message);

async function handle(message: ToWorker): Promise<void> {
  if (message.type === "close") {
    await chainEngine?.close().catch(() => undefined);
    post({ type: "closed" });
    return;
  }
  const { job } = message;
  const started = performance.now();
  try {
    const run = await runOf(job);
    post({
      type: "done",
      id: job.id,
      metrics: job.metrics.map((metric) => measure(run, metric)),
      wallMs: performance.now() - started,
    });
  } catch (error) {
    post({
      type: "failed",
      id: job.id,
      message: error instanceof Error ? error.message : String(error),
      wallMs: performance.now() - started,
    });
  }
}

// The pool sends a job ahead; runs still go one at a time (the chain engine's chain is shared).
let queue = Promise.resolve();
port.on("message", (message: ToWorker) => {
  queue = queue.then(() => handle(message));
});
