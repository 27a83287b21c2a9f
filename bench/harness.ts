// `bin/arena bench:harness`: how much the harness costs on top of the chain, in-process vs over HTTP,
// and how much memory a long battle takes. Prints each figure with the absolute transactions per
// second beside it and writes bench/results/harness.json.
//
// - overheadRatio: agent transactions per second in a battle (observe, decide, send, mine, fetch
//   receipts, account, record to disk) ÷ the same transactions replayed raw on the same in-process
//   chain from the same snapshot: eth_sendTransaction with their fixed gas and fees and the same
//   evm_mine per block, nothing else. Target ≥ 0.9.
// - inProcessVsRpc: the same battle's tx/s in process ÷ over HTTP to `npx hardhat node`, which the
//   benchmark starts on 127.0.0.1:8545 (the `localhost` network). Target ≥ 3.
// - rssMiB: peak resident memory of a 200-agent × 20,000-block sequential battle. Target < 1024.
// Timings are noisy on shared machines; the ratios compare runs made back to back in one process.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";

import { createBehaviour } from "../agents/behaviours/registry.ts";
import { runBattle } from "../agents/run/battle.ts";
import { RunRecorder } from "../agents/run/recorder.ts";
import { parseScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { openChain } from "../agents/chain/chain.ts";
import { setUpBattle } from "../agents/deploy/agents.ts";
import { loadSystemAbis } from "../agents/chain/system.ts";
import type { SentTx } from "../agents/chain/tx-sender.ts";
import { hex } from "../agents/chain/tx-sender.ts";
import { createChainWorld } from "../agents/engine/create.ts";

const RESULTS = "bench/results/harness.json";

/** Noise traders on both venues: the bulk of any battle's transactions. */
function benchScenario(
  name: string,
  agents: number,
  blocks: number,
  ratePerStep: number,
  agentEvery: number,
): Scenario {
  return parseScenario(
    {
      name,
      description: "harness benchmark: noise traders on the curve and the pool",
      genesis: "genesis/default.json",
      seed: 1,
      blocks,
      mode: "sequential",
      output: { agentEvery },
      agents: [
        {
          id: "noise",
          count: agents,
          funds: { quote: "1000000", tokens: "20000" },
          // 10% slippage: the default 1% makes a fifth of the trades on the thin pool revert, and a
          // revert costs a trace to decode; the benchmark measures the harness, not bad limits.
          behaviours: [
            {
              kind: "noise",
              venues: ["curve", "pool"],
              ratePerStep,
              minQuote: "1",
              maxQuote: "100",
              slippageBps: 1000,
            },
          ],
        },
      ],
    },
    `bench/harness.ts (${name})`,
  );
}

/** Battle vs raw replay of its transactions, same chain, same snapshot. */
async function overhead(): Promise<{ battleTxPerSecond: number; rawTxPerSecond: number; txs: number; blocks: number }> {
  const scenario = benchScenario("overhead", 100, 1_000, 0.08, 50);
  const chain = await openChain(hre, { mode: scenario.mode, startTime: scenario.startTime, allowLive: false });
  const dir = mkdtempSync(join(tmpdir(), "arena-bench-"));
  try {
    const abis = await loadSystemAbis(hre.artifacts);
    const setup = await setUpBattle(chain, scenario, abis, false, () => undefined);
    const { world, backend } = await createChainWorld(chain, scenario, abis, setup, (w) =>
      w.config.behaviours.map(createBehaviour),
    );
    const snapshot = await chain.request<string>("evm_snapshot");
    const sent: SentTx[][] = [];
    backend.onSent = (tx) => (sent[world.step] ??= []).push(tx);
    const recorder = new RunRecorder(dir);

    let started = performance.now();
    let txs = 0;
    for (let step = 1; step <= scenario.blocks; step++) {
      const r = await world.runStep();
      recorder.addGas(r.gas);
      recorder.recordStep(r.row, r.events, undefined);
      txs += Number(r.row.txs);
    }
    const battleSeconds = (performance.now() - started) / 1000;
    recorder.close();

    await chain.request("evm_revert", [snapshot]);
    started = performance.now();
    for (let step = 1; step <= scenario.blocks; step++) {
      for (const tx of sent[step] ?? []) {
        await chain.request("eth_sendTransaction", [
          {
            from: tx.from,
            to: tx.to,
            data: tx.data,
            gas: hex(tx.gas),
            maxFeePerGas: hex(10n ** 12n),
            maxPriorityFeePerGas: hex(tx.priorityFeeWei),
          },
        ]);
      }
      await chain.request("evm_mine", [Number(world.timestampOf(step))]);
    }
    const rawSeconds = (performance.now() - started) / 1000;
    return { battleTxPerSecond: txs / battleSeconds, rawTxPerSecond: txs / rawSeconds, txs, blocks: scenario.blocks };
  } finally {
    await chain.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForNode(url: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `npx hardhat node did not answer on ${url} within ${seconds}s; is port 8545 taken by something else?`,
  );
}

async function inProcessVsRpc(): Promise<{ inProcessTxPerSecond: number; rpcTxPerSecond: number; txs: number }> {
  const scenario = benchScenario("rpc", 20, 300, 0.2, 300);
  const dir = mkdtempSync(join(tmpdir(), "arena-bench-"));
  const node = spawn(
    process.execPath,
    ["node_modules/hardhat/dist/src/cli.js", "node", "--hostname", "127.0.0.1", "--port", "8545"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let nodeErrors = "";
  node.stderr.on("data", (chunk: Buffer) => (nodeErrors += chunk.toString()));
  try {
    const inProcess = await runBattle(hre, { scenario, out: join(dir, "in-process"), quiet: true, noReport: true });
    await waitForNode("http://127.0.0.1:8545", 60).catch((error: Error) => {
      throw new Error(`${error.message}\n${nodeErrors}`);
    });
    const rpc = await runBattle(hre, {
      scenario,
      out: join(dir, "rpc"),
      quiet: true,
      noReport: true,
      network: "localhost",
    });
    return {
      inProcessTxPerSecond: inProcess.txPerSecond,
      rpcTxPerSecond: rpc.txPerSecond,
      txs: inProcess.summary.totals.txs,
    };
  } finally {
    node.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

async function memory(): Promise<{
  rssMiB: number;
  agents: number;
  blocks: number;
  txs: number;
  txPerSecond: number;
  seconds: number;
}> {
  const agents = 200;
  const blocks = Number(process.env.ARENA_BENCH_BLOCKS ?? 20_000);
  const scenario = benchScenario("memory", agents, blocks, 0.02, 1_000);
  const dir = mkdtempSync(join(tmpdir(), "arena-bench-"));
  let peak = process.memoryUsage().rss;
  try {
    const result = await runBattle(hre, {
      scenario,
      out: dir,
      quiet: true,
      noReport: true,
      onStep: (step) => {
        if (step % 100 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      rssMiB: peak / 2 ** 20,
      agents,
      blocks,
      txs: result.summary.totals.txs,
      txPerSecond: result.txPerSecond,
      seconds: result.wallSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

// Memory first, while the process holds nothing else.
const m = await memory();
console.log(
  `rssMiB          ${m.rssMiB.toFixed(0)}    (target < 1024)  ${m.agents} agents × ${m.blocks} blocks, ${m.txs} txs in ${m.seconds.toFixed(0)} s, ${m.txPerSecond.toFixed(0)} tx/s`,
);
/** Rounds per ratio, each on its own chain (the first also warms the process up); the median stands. */
const ROUNDS = 5;
async function rounds<T>(round: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ROUNDS; i++) out.push(await round());
  return out;
}
const medianOf = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) / 2]!;

const overheadRounds = await rounds(overhead);
const ratios = overheadRounds.map((r) => r.battleTxPerSecond / r.rawTxPerSecond);
const median = medianOf(ratios);
const o = overheadRounds[ratios.indexOf(median)]!;
const overheadRatio = median;
console.log(`overhead rounds ${ratios.map((r) => r.toFixed(3)).join(", ")} (median stands)`);
console.log(
  `overheadRatio   ${overheadRatio.toFixed(3)}  (target ≥ 0.9)  battle ${o.battleTxPerSecond.toFixed(0)} tx/s, raw replay ${o.rawTxPerSecond.toFixed(0)} tx/s; ${o.txs} txs in ${o.blocks} blocks`,
);
const rpcRounds = await rounds(inProcessVsRpc);
const rpcRatios = rpcRounds.map((x) => x.inProcessTxPerSecond / x.rpcTxPerSecond);
const inProcessVsRpcRatio = medianOf(rpcRatios);
const r = rpcRounds[rpcRatios.indexOf(inProcessVsRpcRatio)]!;
console.log(`rpc rounds ${rpcRatios.map((x) => x.toFixed(2)).join(", ")} (median stands)`);
console.log(
  `inProcessVsRpc  ${inProcessVsRpcRatio.toFixed(2)}   (target ≥ 3)    in-process ${r.inProcessTxPerSecond.toFixed(0)} tx/s, HTTP ${r.rpcTxPerSecond.toFixed(0)} tx/s; ${r.txs} txs`,
);

const results = {
  overheadRatio: round(overheadRatio, 3),
  overhead: {
    battleTxPerSecond: round(o.battleTxPerSecond, 0),
    rawTxPerSecond: round(o.rawTxPerSecond, 0),
    txs: o.txs,
    blocks: o.blocks,
    rounds: ratios.map((r) => round(r, 3)),
    target: ">= 0.9",
  },
  inProcessVsRpc: round(inProcessVsRpcRatio, 2),
  rpc: {
    inProcessTxPerSecond: round(r.inProcessTxPerSecond, 0),
    rpcTxPerSecond: round(r.rpcTxPerSecond, 0),
    txs: r.txs,
    rounds: rpcRatios.map((x) => round(x, 2)),
    target: ">= 3",
  },
  rssMiB: round(m.rssMiB, 0),
  memory: {
    agents: m.agents,
    blocks: m.blocks,
    txs: m.txs,
    txPerSecond: round(m.txPerSecond, 0),
    seconds: round(m.seconds, 1),
    target: "< 1024",
  },
};
mkdirSync("bench/results", { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written to ${RESULTS}`);
