// `bin/arena bench:memory`: a battle of at least a million transactions in one run, with the process's
// resident memory sampled along it, so that flat memory is visible. The in-process chain keeps every
// block's state (EDR cannot prune), so the battle moves to a fresh chain with the same state every
// `rotateEvery` transactions (engine/chain-backend.ts) and frees the old one. Writes
// bench/results/memory.json: txs (target ≥ 1,000,000), peakRssMiB (target < 2,048), the samples.
//
// ARENA_BENCH_TXS sets the transactions to reach (default 1,000,000).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";

import { DEFAULT_ROTATE_EVERY } from "../agents/engine/chain-backend.ts";
import { parseScenario } from "../agents/inputs/scenario.ts";
import { runBattle } from "../agents/run/battle.ts";

const RESULTS = "bench/results/memory.json";
const target = Number(process.env.ARENA_BENCH_TXS ?? 1_000_000);
const agents = 400;
const ratePerStep = 0.5;
// Each step sends about agents × ratePerStep transactions; a tenth more blocks covers the noise's variance.
const blocks = Math.ceil((target / (agents * ratePerStep)) * 1.1);

const scenario = parseScenario(
  {
    name: "memory",
    description: "memory benchmark: noise traders on the curve and the pool",
    genesis: "genesis/default.json",
    seed: 1,
    blocks,
    mode: "sequential",
    output: { agentEvery: 1_000 },
    agents: [
      {
        id: "noise",
        count: agents,
        funds: { quote: "1000000", tokens: "20000" },
        behaviours: [
          { kind: "noise", venues: ["curve", "pool"], ratePerStep, minQuote: "1", maxQuote: "100", slippageBps: 1000 },
        ],
      },
    ],
  },
  "bench/memory.ts",
);

const dir = mkdtempSync(join(tmpdir(), "arena-bench-memory-"));
const mib = () => process.memoryUsage().rss / 2 ** 20;
const samples: { step: number; txs: number; rssMiB: number }[] = [];
let peak = mib();
let txs = 0;
const stop = new AbortController();
const started = performance.now();
try {
  await runBattle(hre, {
    scenario,
    out: dir,
    quiet: true,
    noReport: true,
    signal: stop.signal,
    onStep: (step, world) => {
      const rss = mib();
      if (rss > peak) peak = rss;
      txs = world.agents.reduce((sum, a) => sum + a.txs, 0);
      if (step % 200 === 0) {
        samples.push({ step, txs, rssMiB: Math.round(rss) });
        process.stderr.write(`step ${step}: ${txs} txs, ${rss.toFixed(0)} MiB\r`);
        if (txs >= target) stop.abort(new Error("reached the target"));
      }
    },
  }).catch((error: unknown) => {
    // Stopping at the target is how the run ends; anything else is a failure.
    if (!stop.signal.aborted) throw error;
  });
} finally {
  const run = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { rotations: number };
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  const results = {
    txs,
    peakRssMiB: Math.round(peak),
    targets: { txs: ">= 1000000", peakRssMiB: "< 2048" },
    agents,
    rotateEvery: DEFAULT_ROTATE_EVERY,
    rotations: run.rotations,
    seconds: Math.round(seconds),
    txPerSecond: Math.round(txs / seconds),
    samples,
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\ntxs         ${txs}  (target ≥ 1,000,000)\npeakRssMiB  ${Math.round(peak)}  (target < 2,048)\n` +
      `${agents} agents, ${run.rotations} rotations (every ${DEFAULT_ROTATE_EVERY} transactions), ${Math.round(seconds)} s, ${Math.round(txs / seconds)} tx/s\n` +
      `rss along the run (MiB): ${samples.map((s) => s.rssMiB).join(" ")}\nwrote ${RESULTS}`,
  );
}
