// `npx hardhat run bench/protocol-agent.ts`: does the protocol-owned agent calm the market? For each
// seed, scenarios/governance.yaml runs twice on the in-process chain: as written (the agent tunes the
// curve and the fees by its objective, minimise curve volatility), and without the agent (the same
// agents, voters and guardian; no one proposes). Each pair shares the seed, so the paired difference
// (with − without) isolates the agent; the mean of each arm and of the difference get 95% intervals
// (Student's t). Reported whichever way it falls. Writes bench/results/protocol-agent.json.
// SEEDS=N sets the number of seeds (default 10).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";

import { windowMetrics } from "../agents/governance/evaluation/window-metrics.ts";
import { formatInterval, type Interval, meanInterval, pairedDifference } from "../agents/core/interval.ts";
import { runBattle } from "../agents/run/battle.ts";
import { readStepsCsv } from "../agents/run/run-csv.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";

const SCENARIO = "scenarios/governance.yaml";
const seeds = Array.from({ length: Number(process.env.SEEDS ?? 10) }, (_, i) => BigInt(i + 1));

const scenario = await loadScenario(SCENARIO);
const withoutAgent: Scenario = { ...scenario, governance: { ...scenario.governance!, protocolAgent: undefined } };
const root = mkdtempSync(join(tmpdir(), "arena-poa-bench-"));

interface Arm {
  curveVolatilityBps: number;
  poolVolatilityBps: number;
  treasuryRevenueQuote: number;
  minSolvencyRatio: number;
  executed: number;
  changes: string[];
  wallSeconds: number;
}

async function run(s: Scenario, seed: bigint, label: string): Promise<Arm> {
  const dir = join(root, `${label}-${seed}`);
  const started = performance.now();
  const result = await runBattle(hre, { scenario: s, seed, out: dir, quiet: true, noReport: true });
  // The whole run's metrics, measured as the agent's monitor measures them.
  const m = windowMetrics(await readStepsCsv(join(dir, "steps.csv")));
  const executed = result.governance?.proposals.filter((p) => p.state === "Executed") ?? [];
  return {
    curveVolatilityBps: m.curveVolatilityBps,
    poolVolatilityBps: m.poolVolatilityBps,
    treasuryRevenueQuote: m.treasuryRevenueQuote,
    minSolvencyRatio: m.minSolvencyRatio,
    executed: executed.length,
    changes: executed.flatMap((p) => p.changes.map((c) => `${c.key}=${c.value}`)),
    wallSeconds: (performance.now() - started) / 1000,
  };
}

const perSeed: { seed: string; with: Arm; without: Arm }[] = [];
for (const seed of seeds) {
  const withArm = await run(scenario, seed, "with");
  const withoutArm = await run(withoutAgent, seed, "without");
  perSeed.push({ seed: seed.toString(), with: withArm, without: withoutArm });
  console.log(
    `seed ${seed}: curve volatility ${withArm.curveVolatilityBps.toFixed(3)} with the agent (${withArm.changes.join(", ") || "no change executed"}), ${withoutArm.curveVolatilityBps.toFixed(3)} without (bps per block; ${withArm.wallSeconds.toFixed(0)} s + ${withoutArm.wallSeconds.toFixed(0)} s)`,
  );
}
rmSync(root, { recursive: true, force: true });

const metric = (name: keyof Omit<Arm, "executed" | "changes" | "wallSeconds">) => {
  const w = perSeed.map((s) => s.with[name]);
  const wo = perSeed.map((s) => s.without[name]);
  return { with: meanInterval(w), without: meanInterval(wo), difference: pairedDifference(w, wo) };
};
const show = (i: Interval) => ({ mean: i.mean, low: i.low, high: i.high, halfWidth: i.halfWidth, n: i.n });
const figures = {
  curveVolatilityBps: metric("curveVolatilityBps"),
  poolVolatilityBps: metric("poolVolatilityBps"),
  treasuryRevenueQuote: metric("treasuryRevenueQuote"),
  minSolvencyRatio: metric("minSolvencyRatio"),
};
const volatility = figures.curveVolatilityBps.difference;
const verdict =
  volatility.low > 0
    ? "the agent raised curve volatility (the interval of the difference lies above zero)"
    : volatility.high < 0
      ? "the agent lowered curve volatility (the interval of the difference lies below zero)"
      : "no difference in curve volatility beyond noise (the interval of the difference contains zero)";

const out = {
  kind: "token-arena/bench/protocol-agent",
  scenario: SCENARIO,
  seeds: seeds.length,
  blocks: scenario.blocks,
  blockSeconds: scenario.blockSeconds,
  definition:
    "Per seed, scenarios/governance.yaml with its protocol-owned agent and without it (same agents, voters and guardian). Metrics over the whole run as the agent's monitor measures them (agents/governance/evaluation/window-metrics.ts, agents/metrics/registry.ts): curveVolatilityBps and poolVolatilityBps are the standard deviation of per-block log returns in bps; treasuryRevenueQuote is quote gained by the treasury; minSolvencyRatio the lowest reserve / refund of the supply. 95% intervals by Student's t; the difference is paired by seed (with − without).",
  verdict,
  figures: Object.fromEntries(
    Object.entries(figures).map(([k, v]) => [
      k,
      { with: show(v.with), without: show(v.without), difference: show(v.difference) },
    ]),
  ),
  executedChanges: perSeed.reduce((n, s) => n + s.with.executed, 0),
  wallSeconds: perSeed.reduce((n, s) => n + s.with.wallSeconds + s.without.wallSeconds, 0),
  perSeed,
};
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/protocol-agent.json", `${JSON.stringify(out, null, 2)}\n`);
console.log(
  `\ncurve volatility (bps per block, ${seeds.length} seeds, 95% CI): with the agent ${formatInterval(figures.curveVolatilityBps.with)}, without ${formatInterval(figures.curveVolatilityBps.without)}, difference ${formatInterval(volatility)} [${volatility.low.toFixed(3)}, ${volatility.high.toFixed(3)}]`,
);
console.log(
  `treasury revenue (quote): difference ${formatInterval(figures.treasuryRevenueQuote.difference)}; lowest solvency with the agent ${formatInterval(figures.minSolvencyRatio.with)}`,
);
console.log(`${verdict}; ${out.executedChanges} changes executed over ${seeds.length} runs`);
console.log("wrote bench/results/protocol-agent.json");
