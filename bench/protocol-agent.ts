// `npx hardhat run bench/protocol-agent.ts`: does the protocol-owned agent earn its keep against the
// best static launch? In scenarios/regime-change.yaml (calm, a demand shock, a bear phase) three arms
// run per seed on the in-process chain:
//   agent        the scenario as written: the agent tunes its keys through the Governor and Timelock;
//   default      the same agents with no protocol agent, on the genesis's launch values;
//   bestStatic   the same, on the best static launch values for the whole run, found with hindsight by
//                an experiment (agents/experiment): a grid over the keys the agent tunes, over the same
//                seeds, on the model engine, its best case then confirmed by these chain battles.
// Each arm's objective (the agent's own metric, measured over the whole run as its monitor measures
// it) gets a 95% interval (Student's t) and every difference is paired by seed. oracleShare is the
// agent's improvement over the default launch ÷ the best static's (target ≥ 0.8); beatsBestStatic is
// true when the agent's objective is better than the best static's with the paired difference's
// interval on the good side of zero. Reported whichever way it falls.
// Writes bench/results/protocol-agent.json. SEEDS=N sets the number of seeds (default 10), FIRST_SEED=K
// the first (default 1; another range writes bench/results/protocol-agent-seeds<K>-<K+N−1>.json).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";

import { formatInterval, type Interval, meanInterval, pairedDifference } from "../agents/core/interval.ts";
import { parseExperiment } from "../agents/experiment/experiment-file.ts";
import { genesisDocumentWith } from "../agents/experiment/genesis-parameters.ts";
import { rankCases } from "../agents/experiment/best.ts";
import { runExperiment } from "../agents/experiment/run-experiment.ts";
import { windowMetrics } from "../agents/governance/evaluation/window-metrics.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { runBattle } from "../agents/run/battle.ts";
import { readStepsCsv } from "../agents/run/run-csv.ts";
import { formatParameter } from "../agents/core/parameters.ts";

const SCENARIO = "scenarios/regime-change.yaml";
/** The static launches the oracle searches: every key the agent tunes, the genesis's launch value included. */
const GRID: Record<string, number[]> = {
  "market.buyFeeBps": [10, 100, 300, 600, 1000],
  "market.sellFeeBps": [10, 100, 300, 600, 1000],
  "pool.feeBps": [5, 30, 100, 180, 300],
};
const firstSeed = Number(process.env.FIRST_SEED ?? 1);
const seeds = Array.from({ length: Number(process.env.SEEDS ?? 10) }, (_, i) => BigInt(firstSeed + i));
/** Another seed range (FIRST_SEED=11) writes protocol-agent-seeds<first>-<last>.json beside the default one. */
const resultsFile =
  firstSeed === 1
    ? "bench/results/protocol-agent.json"
    : `bench/results/protocol-agent-seeds${firstSeed}-${firstSeed + seeds.length - 1}.json`;
const started = performance.now();

const scenario = await loadScenario(SCENARIO);
const agent = scenario.governance?.protocolAgent;
if (agent === undefined) throw new Error(`${SCENARIO} has no protocol agent to measure`);
const keys = agent.parameters;
if (keys.join() !== Object.keys(GRID).join())
  throw new Error(`the grid's keys (${Object.keys(GRID).join(", ")}) must be the agent's (${keys.join(", ")})`);
const { metric, direction } = agent.objective;
/** Signed so that a positive value is better. */
const better = (x: number) => (direction === "minimise" ? -x : x);
const root = mkdtempSync(join(tmpdir(), "arena-poa-bench-"));

// 1. The oracle: the best static launch over the same seeds, by an experiment on the model engine.
const experimentStarted = performance.now();
const experiment = await parseExperiment(
  {
    name: "protocol-agent-best-static",
    scenario: SCENARIO,
    engine: "model",
    seeds: seeds.map((s) => s.toString()),
    grid: GRID,
    objectives: [{ metric, goal: direction }],
  },
  "bench/protocol-agent.ts",
);
const outcome = await runExperiment({ experiment, out: join(root, "experiment"), quiet: true });
const experimentSeconds = (performance.now() - experimentStarted) / 1000;
const ranked = rankCases(outcome.results.stats, 0, direction);
const best = ranked[0]!;
const bestCase = experiment.cases.find((c) => c.key === best.caseKey)!;
const genesisDocument = JSON.parse(readFileSync(scenario.genesis, "utf8"));
const defaultCase = experiment.cases.find((c) => c.parameters.every((p) => p.value === BigInt(defaultValue(p.key))));
const defaultKey = defaultCase?.key ?? "the genesis's values";
const defaultModel = outcome.results.stats.find((s) => s.caseKey === defaultCase?.key);
console.log(
  `best static launch (model, ${experiment.cases.length} cases × ${seeds.length} seeds in ${experimentSeconds.toFixed(0)} s): ${best.caseKey} → ${metric} ${formatInterval(best.intervals[0]!)}; the default launch ${defaultKey} → ${defaultModel === undefined ? "not in the grid" : formatInterval(defaultModel.intervals[0]!)}`,
);

function defaultValue(key: string): number {
  const [section, field] =
    key === "market.buyFeeBps"
      ? ["fees", "buyBps"]
      : key === "market.sellFeeBps"
        ? ["fees", "sellBps"]
        : ["pool", "feeBps"];
  return Number(genesisDocument[section!][field!]);
}

// 2. The three arms on the chain, paired by seed.
const staticGenesis = join(root, "best-static-genesis.json");
writeFileSync(staticGenesis, JSON.stringify(genesisDocumentWith(genesisDocument, bestCase.parameters)));
const withoutAgent: Scenario = { ...scenario, governance: { ...scenario.governance!, protocolAgent: undefined } };
const bestStatic: Scenario = { ...withoutAgent, genesis: staticGenesis };

interface Arm {
  objective: number;
  metrics: Record<string, number>;
  executed: { step: number | null; changes: string[] }[];
  wallSeconds: number;
}

async function run(s: Scenario, seed: bigint, label: string): Promise<Arm> {
  const dir = join(root, `${label}-${seed}`);
  const armStarted = performance.now();
  const result = await runBattle(hre, { scenario: s, seed, out: dir, quiet: true, noReport: true });
  // The whole run, measured as the agent's monitor measures a window.
  const metrics = windowMetrics(await readStepsCsv(join(dir, "steps.csv")));
  const executed = (result.governance?.proposals ?? [])
    .filter((p) => p.state === "Executed")
    .map((p) => ({ step: p.executedStep ?? null, changes: p.changes.map((c) => `${c.key}=${c.value}`) }));
  rmSync(dir, { recursive: true, force: true });
  return { objective: metrics[metric], metrics, executed, wallSeconds: (performance.now() - armStarted) / 1000 };
}

const perSeed: { seed: string; agent: Arm; default: Arm; bestStatic: Arm }[] = [];
for (const seed of seeds) {
  const arms = {
    agent: await run(scenario, seed, "agent"),
    default: await run(withoutAgent, seed, "default"),
    bestStatic: await run(bestStatic, seed, "best-static"),
  };
  perSeed.push({ seed: seed.toString(), ...arms });
  console.log(
    `seed ${seed}: ${metric} agent ${arms.agent.objective.toFixed(3)} (${arms.agent.executed.map((e) => `${e.changes.join(" ")} @${e.step}`).join(", ") || "no change"}), default ${arms.default.objective.toFixed(3)}, best static ${arms.bestStatic.objective.toFixed(3)} (${arms.agent.wallSeconds.toFixed(0)} s + ${arms.default.wallSeconds.toFixed(0)} s + ${arms.bestStatic.wallSeconds.toFixed(0)} s)`,
  );
}
rmSync(root, { recursive: true, force: true });

const values = (arm: "agent" | "default" | "bestStatic") => perSeed.map((s) => s[arm].objective);
const show = (i: Interval) => ({ mean: i.mean, low: i.low, high: i.high, halfWidth: i.halfWidth, n: i.n });
const agentVsDefault = pairedDifference(values("agent"), values("default"));
const staticVsDefault = pairedDifference(values("bestStatic"), values("default"));
const agentVsStatic = pairedDifference(values("agent"), values("bestStatic"));
const oracleShare = better(agentVsDefault.mean) / better(staticVsDefault.mean);
const beatsBestStatic = direction === "minimise" ? agentVsStatic.high < 0 : agentVsStatic.low > 0;
const worseThanBestStatic = direction === "minimise" ? agentVsStatic.low > 0 : agentVsStatic.high < 0;
const modelMean = best.intervals[0]!.mean;
const chainMean = meanInterval(values("bestStatic")).mean;
const firstExecutions = perSeed.flatMap((s) => (s.agent.executed[0]?.step == null ? [] : [s.agent.executed[0]!.step]));

const out = {
  kind: "token-arena/bench/protocol-agent",
  scenario: SCENARIO,
  seeds: seeds.length,
  blocks: scenario.blocks,
  blockSeconds: scenario.blockSeconds,
  objective: `${direction} ${metric}`,
  keys,
  definition:
    "Per seed, three chain battles of the scenario: agent (its protocol-owned agent tuning `keys` through the Governor and Timelock), default (no protocol agent, the genesis's launch values) and bestStatic (no protocol agent, the best static launch values). bestStatic is the best case of an experiment (agents/experiment, model engine) over `grid` × the same seeds, by the agent's objective over the whole run; the chain battles confirm it (modelVsChain). The objective is measured over the whole run as the agent's monitor measures a window (agents/governance/evaluation/window-metrics.ts). 95% intervals by Student's t; differences paired by seed. oracleShare = (agent's improvement over default) ÷ (bestStatic's improvement over default), improvements signed so that positive is better; beatsBestStatic: the agent − bestStatic interval lies on the good side of zero.",
  grid: GRID,
  bestStatic: {
    parameters: Object.fromEntries(bestCase.parameters.map((p) => [p.key, formatParameter(p.key, p.value)])),
    modelInterval: show(best.intervals[0]!),
    chainInterval: show(meanInterval(values("bestStatic"))),
    modelVsChain: (modelMean - chainMean) / chainMean,
    rankOfDefault: defaultModel === undefined ? null : ranked.indexOf(defaultModel) + 1,
    cases: experiment.cases.length,
  },
  default: {
    parameters: Object.fromEntries(keys.map((k) => [k, String(defaultValue(k))])),
    ...show(meanInterval(values("default"))),
  },
  agent: show(meanInterval(values("agent"))),
  differences: {
    agentMinusDefault: show(agentVsDefault),
    bestStaticMinusDefault: show(staticVsDefault),
    agentMinusBestStatic: show(agentVsStatic),
  },
  oracleShare,
  oracleShareTarget: 0.8,
  beatsBestStatic,
  worseThanBestStatic,
  executedChanges: perSeed.reduce((n, s) => n + s.agent.executed.length, 0),
  firstExecutionStep: firstExecutions.length === 0 ? null : meanInterval(firstExecutions).mean,
  wallSeconds: {
    total: (performance.now() - started) / 1000,
    experiment: experimentSeconds,
    agent: perSeed.reduce((n, s) => n + s.agent.wallSeconds, 0),
    default: perSeed.reduce((n, s) => n + s.default.wallSeconds, 0),
    bestStatic: perSeed.reduce((n, s) => n + s.bestStatic.wallSeconds, 0),
  },
  perSeed,
};
mkdirSync("bench/results", { recursive: true });
writeFileSync(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
console.log(
  `\n${metric} (${seeds.length} seeds, 95% CI): agent ${formatInterval(meanInterval(values("agent")))}, default ${formatInterval(meanInterval(values("default")))}, best static ${formatInterval(meanInterval(values("bestStatic")))} (${best.caseKey}; model ${modelMean.toFixed(3)}, chain ${chainMean.toFixed(3)})`,
);
console.log(
  `agent − default ${formatInterval(agentVsDefault)}; best static − default ${formatInterval(staticVsDefault)}; agent − best static ${formatInterval(agentVsStatic)}`,
);
console.log(
  `oracleShare ${oracleShare.toFixed(3)} (target ≥ 0.8); beatsBestStatic ${beatsBestStatic}${worseThanBestStatic ? " (the agent is worse than the best static beyond noise)" : ""}; ${out.executedChanges} changes executed over ${seeds.length} runs, the first at block ~${out.firstExecutionStep?.toFixed(0) ?? "none"} of ${scenario.blocks}; ${out.wallSeconds.total.toFixed(0)} s`,
);
console.log(`wrote ${resultsFile}`);
