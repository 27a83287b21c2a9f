// `bin/arena bench:live`: what `battle --live` costs the battle it watches. The same battle (100 noise
// traders × 1,000 blocks on the in-process chain, as bench:harness's overhead battle) runs without and
// with a live server following its folder and one page (a process of its own, as a browser is)
// connected to its events, back to back, over five rounds (the order alternates). Prints and writes bench/results/live.json:
// - liveOverheadRatio: agent tx/s with the live view ÷ without (median of the rounds). Target ≥ 0.95.
// - liveBusyFraction: the share of the battle's wall time the live server spent on its thread (reading
//   the files, drawing, sending): the part of the ratio that is the view's own work, not the machine's noise.
// - updatesPerSecond, bytesPerUpdate: what the connected page received.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";

import { parseScenario } from "../agents/inputs/scenario.ts";
import { LiveServer } from "../agents/live/server.ts";
import { BattleSource } from "../agents/live/sources.ts";
import { runBattle } from "../agents/run/battle.ts";

const RESULTS = "bench/results/live.json";
const ROUNDS = 5;
const BLOCKS = 1_000;

const scenario = parseScenario(
  {
    name: "live-overhead",
    description: "live view benchmark: noise traders on the curve and the pool",
    genesis: "genesis/default.json",
    seed: 1,
    blocks: BLOCKS,
    mode: "sequential",
    output: { agentEvery: 50 },
    agents: [
      {
        id: "noise",
        count: 100,
        funds: { quote: "1000000", tokens: "20000" },
        behaviours: [
          {
            kind: "noise",
            venues: ["curve", "pool"],
            ratePerStep: 0.08,
            minQuote: "1",
            maxQuote: "100",
            slippageBps: 1000,
          },
        ],
      },
    ],
  },
  "bench/live.ts",
);

interface Arm {
  txPerSecond: number;
  /** Main-thread milliseconds the live server took (reading, drawing, sending). */
  busyMs: number;
  updates: number;
  bytes: number;
  seconds: number;
}

/**
 * A page connected to the events, in a process of its own as a browser would be: it counts the updates
 * and bytes it receives and prints them when told to stop.
 */
const PAGE = `
const http = require("node:http");
const counts = { updates: 0, bytes: 0 };
http.get(new URL("/events", process.argv[1]), (response) => {
  response.setEncoding("utf8");
  response.on("data", (chunk) => {
    counts.bytes += Buffer.byteLength(chunk);
    counts.updates += chunk.split("event: update\\n").length - 1;
  });
}).on("error", () => {});
process.on("message", () => {
  process.send(counts, () => process.exit(0));
});
`;

async function connect(url: string): Promise<{ stop: () => Promise<{ updates: number; bytes: number }> }> {
  const child = spawn(process.execPath, ["-e", PAGE, url], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  await new Promise((resolve) => setTimeout(resolve, 300)); // connected before the battle starts
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once("message", (counts) => resolve(counts as { updates: number; bytes: number }));
        child.send("stop");
      }),
  };
}

async function battle(root: string, live: boolean, round: number): Promise<Arm> {
  const out = join(root, `${live ? "live" : "plain"}-${round}`);
  const source = new BattleSource();
  const server = live ? await LiveServer.start(source) : undefined;
  const page = server === undefined ? undefined : await connect(server.url);
  try {
    const result = await runBattle(hre, {
      scenario,
      out,
      quiet: true,
      noReport: true,
      ...(live ? { onFolder: (folder) => source.follow(folder) } : {}),
    });
    const counts = (await page?.stop()) ?? { updates: 0, bytes: 0 };
    return {
      txPerSecond: result.txPerSecond,
      busyMs: server?.busyMs ?? 0,
      updates: counts.updates,
      bytes: counts.bytes,
      seconds: result.wallSeconds,
    };
  } finally {
    await server?.close();
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const root = mkdtempSync(join(tmpdir(), "arena-bench-live-"));
try {
  await battle(root, false, -1); // warm-up: compile paths, caches
  const rounds: { plain: Arm; live: Arm; ratio: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const first = round % 2 === 0;
    const a = await battle(root, !first, round);
    const b = await battle(root, first, round);
    const [plain, live] = first ? [a, b] : [b, a];
    rounds.push({ plain, live, ratio: live.txPerSecond / plain.txPerSecond });
    console.log(
      `round ${round + 1}: plain ${plain.txPerSecond.toFixed(0)} tx/s, live ${live.txPerSecond.toFixed(0)} tx/s (${live.updates} updates, server ${live.busyMs.toFixed(0)} ms of ${(live.seconds * 1000).toFixed(0)}), ratio ${(live.txPerSecond / plain.txPerSecond).toFixed(3)}`,
    );
  }
  const liveArms = rounds.map((r) => r.live);
  const updates = liveArms.reduce((sum, arm) => sum + arm.updates, 0);
  const result = {
    liveOverheadRatio: median(rounds.map((r) => r.ratio)),
    target: 0.95,
    rounds: rounds.map((r) => ({
      plainTxPerSecond: Math.round(r.plain.txPerSecond),
      liveTxPerSecond: Math.round(r.live.txPerSecond),
      ratio: Number(r.ratio.toFixed(4)),
      updates: r.live.updates,
      liveBusyMs: Math.round(r.live.busyMs),
    })),
    liveBusyFraction: Number(
      (
        liveArms.reduce((sum, arm) => sum + arm.busyMs, 0) /
        1000 /
        liveArms.reduce((sum, arm) => sum + arm.seconds, 0)
      ).toFixed(4),
    ),
    updatesPerSecond: Number((updates / liveArms.reduce((sum, arm) => sum + arm.seconds, 0)).toFixed(2)),
    bytesPerUpdate: Math.round(liveArms.reduce((sum, arm) => sum + arm.bytes, 0) / Math.max(1, updates)),
    battle: `100 noise traders × ${BLOCKS} blocks, in process, sequential`,
  };
  console.log(
    `\nliveOverheadRatio ${result.liveOverheadRatio.toFixed(3)} (target ≥ ${result.target}) · the server took ${(result.liveBusyFraction * 100).toFixed(1)}% of the battle's main thread · ${result.updatesPerSecond} updates/s · ${result.bytesPerUpdate} bytes per update`,
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${RESULTS}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
