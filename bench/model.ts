// `npm run bench:model`: how fast the fast model and the experiment runner are. Prints each figure
// against its target and writes bench/results/model.json.
//
// - quotesPerSecond: the fast model's quotes on one thread (measureQuotesPerSecond: curve buys, curve
//   sells and pool swaps in turn, linear curve). Target ≥ 1,000,000.
// - parallelSpeedup: wall time of the classic grid below (model engine) on 1 worker ÷ on 2 workers,
//   from loading the file to the report, worker start-up included: what a user waits for. Target ≥ 1.7.
// - gridSeconds: experiments/classic-grid.yaml — 91 × 51 = 4,641 cases, a year of daily threshold
//   trading against the constant-product pool each — on the model engine with every available core,
//   from loading the file to best.json and report.html.
// - chainRunsPerMinute: 200-block runs of scenarios/calm.yaml on the chain engine, each from the
//   snapshot taken after set-up and reverted after (the deployment itself excluded).
// Timings are noisy on a shared machine: the figures are wall-clock times of one pass each.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";

import { ChainEngine } from "../agents/experiment/chain-engine.ts";
import { loadExperiment } from "../agents/experiment/experiment-file.ts";
import { runExperiment } from "../agents/experiment/run-experiment.ts";
import { measureQuotesPerSecond } from "../agents/mechanisms/quote-speed.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";

const RESULTS = "bench/results/model.json";
const TARGETS = { quotesPerSecond: 1_000_000, parallelSpeedup: 1.7 };
const CHAIN_RUNS = 4;
const CLASSIC_GRID = "experiments/classic-grid.yaml";

const root = mkdtempSync(join(tmpdir(), "arena-bench-model-"));
const met = (ok: boolean) => (ok ? "met" : "NOT met");
try {
  const quotesPerSecond = measureQuotesPerSecond(3_000);
  console.log(
    `quotesPerSecond     ${quotesPerSecond.toLocaleString("en")}  (target ≥ 1,000,000: ${met(quotesPerSecond >= TARGETS.quotesPerSecond)})`,
  );

  // One experiment, loaded once, run on 1 worker, on 2, and (when the machine has more) on all of them.
  const classic = await loadExperiment(CLASSIC_GRID);
  const timed = async (workers: number) => {
    const started = performance.now();
    const outcome = await runExperiment({
      experiment: CLASSIC_GRID,
      workers,
      out: join(root, `classic-${workers}`),
      quiet: true,
    });
    if (outcome.records.length !== classic.cases.length * classic.seeds.length)
      throw new Error(`the classic grid recorded ${outcome.records.length} runs, expected ${classic.cases.length}`);
    return (performance.now() - started) / 1000;
  };
  const oneWorker = await timed(1);
  const twoWorkers = await timed(2);
  const parallelSpeedup = oneWorker / twoWorkers;
  console.log(
    `parallelSpeedup     ${parallelSpeedup.toFixed(2)}  (target ≥ 1.7: ${met(parallelSpeedup >= TARGETS.parallelSpeedup)})  ${CLASSIC_GRID}, model engine: 1 worker ${oneWorker.toFixed(1)} s, 2 workers ${twoWorkers.toFixed(1)} s (${availableParallelism()} cores)`,
  );

  const allWorkers = availableParallelism();
  const gridSeconds = allWorkers === 2 ? twoWorkers : allWorkers === 1 ? oneWorker : await timed(allWorkers);
  console.log(
    `gridSeconds         ${gridSeconds.toFixed(1)}  ${classic.cases.length} cases × ${classic.blocks} days, model engine, ${allWorkers} workers (${(classic.cases.length / gridSeconds).toFixed(0)} runs/s), file to report`,
  );

  const calm = { ...(await loadScenario("scenarios/calm.yaml")), blocks: 200 };
  const engine = new ChainEngine(hre);
  let chainRunsPerMinute: number;
  let deploySeconds: number;
  try {
    const job = (seed: bigint) => ({ deploymentKey: "calm", parameters: [], scenario: { ...calm, seed } });
    const deployStart = performance.now();
    await engine.run(job(calm.seed)); // deploys, sets up and takes the snapshot
    deploySeconds = (performance.now() - deployStart) / 1000;
    const start = performance.now();
    for (let i = 1; i <= CHAIN_RUNS; i++) await engine.run(job(calm.seed + BigInt(i)));
    chainRunsPerMinute = CHAIN_RUNS / ((performance.now() - start) / 60_000);
  } finally {
    await engine.close();
  }
  console.log(
    `chainRunsPerMinute  ${chainRunsPerMinute.toFixed(1)}  200-block calm battles from the snapshot (${CHAIN_RUNS} runs; the first run with deployment and set-up took ${deploySeconds.toFixed(1)} s)`,
  );

  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  const results = {
    quotesPerSecond,
    parallelSpeedup: round(parallelSpeedup, 2),
    gridSeconds: round(gridSeconds, 1),
    chainRunsPerMinute: round(chainRunsPerMinute, 1),
    targets: { quotesPerSecond: ">= 1000000", parallelSpeedup: ">= 1.7" },
    met: {
      quotesPerSecond: quotesPerSecond >= TARGETS.quotesPerSecond,
      parallelSpeedup: parallelSpeedup >= TARGETS.parallelSpeedup,
    },
    details: {
      cores: availableParallelism(),
      speedup: {
        file: CLASSIC_GRID,
        engine: "model",
        cases: classic.cases.length,
        blocks: classic.blocks,
        oneWorkerSeconds: round(oneWorker, 2),
        twoWorkersSeconds: round(twoWorkers, 2),
      },
      grid: {
        file: CLASSIC_GRID,
        engine: "model",
        cases: classic.cases.length,
        blocks: classic.blocks,
        workers: allWorkers,
      },
      chain: {
        scenario: "scenarios/calm.yaml",
        blocks: 200,
        runs: CHAIN_RUNS,
        deployAndFirstRunSeconds: round(deploySeconds, 1),
      },
    },
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written to ${RESULTS}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
