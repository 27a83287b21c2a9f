// A search's small batches of model runs, on the main thread. A CMA-ES generation is a handful of
// cases: starting worker threads for each one (each loads the TypeScript loader and the model) costs
// seconds, the runs themselves milliseconds, so a batch of at most INLINE_JOBS model runs runs here,
// one after another, with the same job → metrics as a worker (worker.ts) and the pool's callbacks.
// The model is deterministic, so where a run runs does not change its row.

import { setImmediate } from "node:timers/promises";

import { runModelBattle } from "../../run/model-battle.ts";
import { measure } from "../../metrics/registry.ts";
import type { RunJob } from "../worker-messages.ts";
import type { PoolOptions, PoolOutcome } from "../worker-pool.ts";

/** Model batches up to this size run on the main thread; larger ones (halving's first rung) go to the pool. */
export const INLINE_JOBS = 64;

export function runsInline(jobs: readonly RunJob[]): boolean {
  return jobs.length <= INLINE_JOBS && jobs.every((job) => job.engine === "model");
}

export async function runInline(jobs: readonly RunJob[], options: PoolOptions): Promise<PoolOutcome> {
  let completed = 0;
  for (const job of jobs) {
    if (options.signal?.aborted) return { aborted: true, completed };
    const started = performance.now();
    let result: { metrics?: number[]; error?: string };
    try {
      const { steps, agents } = await runModelBattle(job.scenario, {
        seed: job.seed,
        blocks: job.scenario.blocks,
        parameters: job.parameters,
      });
      const run = { steps, agents, blockSeconds: job.scenario.blockSeconds };
      result = { metrics: job.metrics.map((metric) => measure(run, metric)) };
    } catch (error) {
      result = { error: error instanceof Error ? error.message : String(error) };
    }
    await options.onResult({ job, ...result, wallMs: performance.now() - started });
    completed += 1;
    // Lets Ctrl-C and the progress bar through between runs.
    await setImmediate();
  }
  return { aborted: false, completed };
}
