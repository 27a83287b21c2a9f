// `npx hardhat worker --queue redis://host:port [--threads N] [--stall-seconds S]`: takes chunks of
// queued experiments (`experiment --queue`) and runs them on this machine's experiment workers until
// Ctrl-C. The work is in agents/queue/queue-worker.ts; README.md (*Experiments on many machines*) says
// how to run it on many machines.

import { availableParallelism } from "node:os";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { ArenaError } from "../agents/core/errors.ts";
import { QUEUE_STALL_SECONDS, WORKERS } from "../agents/core/limits.ts";
import { ScenarioReader } from "../agents/inputs/scenario-reader.ts";
import { runQueueWorker } from "../agents/queue/queue-worker.ts";
import { parseQueueUrl } from "../agents/queue/queue-url.ts";
import { handleInterrupts } from "../agents/run/interrupts.ts";

interface WorkerTaskArguments {
  queue: string;
  threads: string;
  stallSeconds: string;
}

export default async function workerTask(args: WorkerTaskArguments, _hre: HardhatRuntimeEnvironment) {
  try {
    const options = new ScenarioReader();
    if (args.queue === "")
      options.failText("--queue", "the URL of the experiments' Redis", "nothing", "pass --queue redis://host:port");
    const threads = args.threads === "" ? undefined : options.option(args.threads, "--threads", WORKERS);
    const stall =
      args.stallSeconds === "" ? 30n : options.option(args.stallSeconds, "--stall-seconds", QUEUE_STALL_SECONDS);
    options.throwOptionIssues();
    const url = parseQueueUrl(args.queue);
    const stop = new AbortController();
    const stopHandlingInterrupts = handleInterrupts({
      stop: () => stop.abort("SIGINT"),
      waiting: () =>
        "worker: finishing the chunks in progress; Ctrl-C again quits at once (they run again elsewhere after the stall timeout)",
      quitting: () => "worker: quit; its chunks in progress run again on another worker after the stall timeout",
    });
    process.once("SIGTERM", () => stop.abort("SIGTERM"));
    try {
      const outcome = await runQueueWorker({
        url,
        threads: threads === undefined ? availableParallelism() : Number(threads),
        stallMs: Number(stall!) * 1000,
        log: (line) => console.log(`worker: ${line}`),
        signal: stop.signal,
      });
      console.log(`worker: stopped after ${outcome.chunks} chunks (${outcome.runs} runs)`);
      return successfulResult(outcome);
    } finally {
      stopHandlingInterrupts();
    }
  } catch (error) {
    if (error instanceof ArenaError) {
      console.error(`worker: ${error.message}`);
      return errorResult(error.message);
    }
    throw error;
  }
}
