// What replaying a language-model battle costs the battle: `replayRatio` = agent tx/s of
// scenarios/llm-traders.yaml over BLOCKS blocks replayed from its cassette (prompts built, hashed and
// looked up, answers checked, llm.jsonl written) ÷ agent tx/s of the same scenario with each llm
// trader replaced by a noise trader on its venues, making the same number of agent transactions: the
// noise traders start at the rate of transactions the llm trader made, and their rate is scaled by two
// calibration battles (not timed) until the whole rule-based battle makes as many agent transactions as
// the replay (the arbitrageur trades more against noise traders, and a block's fixed cost is shared by
// its transactions, so unequal counts would not compare like with like). The cassette is recorded
// first by the tests' scripted model (not timed); after a round not counted, the rounds alternate and
// the ratio is their median. Target ≥ 0.9.
//
// `replayMeasure()` is bench:llm's measure `replay` (`MEASURES=replay bin/arena bench:llm`); `npx hardhat run
// bench/llm/replay.ts` prints measureReplay() alone.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { parseScenario, readScenarioDocument } from "../../agents/inputs/scenario.ts";
import { type BattleResult, runBattle } from "../../agents/run/battle.ts";
import { ScriptedLlm } from "../../test/helpers/scripted-llm.ts";
import { type LlmMeasurement, median } from "./measure.ts";

const SCENARIO = "scenarios/llm-traders.yaml";
const BLOCKS = 600;
const ROUNDS = 9;
const CALIBRATION_PASSES = 2;

export interface ReplayMeasure {
  replayRatio: number;
  /**
   * The same ratio in the process's CPU time per agent transaction over the steps (every thread: the
   * chain's too), rule-based ÷ replayed: what the replay costs, less swayed than wall time by other
   * work on a shared machine.
   */
  cpuRatio: number;
  target: number;
  rounds: { replayTxPerSecond: number; ruleTxPerSecond: number; ratio: number; cpuRatio: number }[];
  blocks: number;
  /** Agent transactions of the replayed and of the rule-based battle. */
  replayTxs: number;
  ruleTxs: number;
  llmCalls: number;
  /** The noise traders' rate scale of each calibration battle, and the agent transactions it made. */
  calibration: { scale: number; ruleTxs: number }[];
  scale: number;
}

/** A battle with the process's CPU time per agent transaction from the end of its first step to the end of its last. */
async function timed(
  run: (onStep: (step: number) => void) => Promise<BattleResult>,
): Promise<BattleResult & { cpuMicrosPerTx: number }> {
  let from: NodeJS.CpuUsage | undefined;
  let cpu = 0;
  const result = await run((step) => {
    if (step === 1) from = process.cpuUsage();
    if (step === BLOCKS) {
      const used = process.cpuUsage(from);
      cpu = used.user + used.system;
    }
  });
  return { ...result, cpuMicrosPerTx: cpu / ((result.summary.totals.txs * (BLOCKS - 1)) / BLOCKS) };
}

export async function measureReplay(hre: HardhatRuntimeEnvironment): Promise<ReplayMeasure> {
  const root = mkdtempSync(join(tmpdir(), "arena-bench-llm-replay-"));
  try {
    const document = (await readScenarioDocument(SCENARIO)) as { agents: { behaviours: Record<string, unknown>[] }[] };
    // Its budget is for its own 24 blocks: the bench runs longer, with no budget.
    const { budget: _, ...llm } = parseScenario(document, SCENARIO).llm!;
    const scenario = { ...parseScenario(document, SCENARIO), blocks: BLOCKS, llm };
    const cassette = join(root, "cassette");
    const recorded = await runBattle(hre, {
      scenario,
      out: join(root, "record"),
      quiet: true,
      noReport: true,
      llm: { mode: "record", cassette, clientFor: () => new ScriptedLlm() },
    });
    // The rule-based twin: each llm trader becomes a noise trader on its venues, at first trading as
    // often as it did (its transactions in the recorded battle, reverted ones included).
    const txsOf = (result: BattleResult, id: string) =>
      result.summary.leaderboard.find((row) => row.agent === id)?.txs ?? 0;
    const llmIds = document.agents
      .filter((agent) => agent.behaviours.some((b) => b.kind === "llm"))
      .map((agent) => (agent as unknown as { id: string }).id);
    const ruleScenarioAt = (scale: number) => {
      const rules = structuredClone(document);
      for (const agent of rules.agents) {
        const id = (agent as unknown as { id: string }).id;
        agent.behaviours = agent.behaviours.map((b) => {
          if (b.kind !== "llm") return b;
          const trades = Math.max(txsOf(recorded, id), 1) * scale;
          return {
            kind: "noise",
            venues: b.venues,
            slippageBps: b.slippageBps ?? 100,
            ratePerStep: Math.min(trades / BLOCKS, 100),
            minQuote: "5",
            maxQuote: b.maxQuote,
          };
        });
      }
      return { ...parseScenario(rules, SCENARIO), blocks: BLOCKS };
    };
    // The other agents (the arbitrageur most) trade more against noise traders than against the
    // model's traders, and a block's fixed cost is shared by its transactions: so the noise traders'
    // rate is scaled, twice, until the whole battle makes as many agent transactions as the replay.
    let scale = 1;
    let ruleScenario = ruleScenarioAt(scale);
    const calibration: { scale: number; ruleTxs: number }[] = [];
    for (let pass = 0; pass < CALIBRATION_PASSES; pass++) {
      const trial = await runBattle(hre, {
        scenario: ruleScenario,
        out: join(root, `calibrate-${pass}`),
        quiet: true,
        noReport: true,
      });
      const total = trial.summary.totals.txs;
      const replaced = llmIds.reduce((sum, id) => sum + txsOf(trial, id), 0);
      calibration.push({ scale, ruleTxs: total });
      scale *= Math.max(recorded.summary.totals.txs - (total - replaced), 1) / Math.max(replaced, 1);
      ruleScenario = ruleScenarioAt(scale);
    }
    const rounds: ReplayMeasure["rounds"] = [];
    let replayTxs = 0;
    let ruleTxs = 0;
    // A round not counted: both battles once, so neither is timed while the code is still being compiled.
    for (let round = -1; round < ROUNDS; round++) {
      const replay = async () =>
        timed((onStep) =>
          runBattle(hre, {
            scenario,
            out: join(root, `replay-${round}`),
            quiet: true,
            noReport: true,
            onStep,
            llm: { mode: "replay", cassette },
          }),
        );
      const rule = async () =>
        timed((onStep) =>
          runBattle(hre, {
            scenario: ruleScenario,
            out: join(root, `rule-${round}`),
            quiet: true,
            noReport: true,
            onStep,
          }),
        );
      const [a, b] = round % 2 === 0 ? [await replay(), await rule()] : [await rule(), await replay()].reverse();
      replayTxs = a!.summary.totals.txs;
      ruleTxs = b!.summary.totals.txs;
      if (round < 0) continue;
      rounds.push({
        replayTxPerSecond: a!.txPerSecond,
        ruleTxPerSecond: b!.txPerSecond,
        ratio: a!.txPerSecond / b!.txPerSecond,
        cpuRatio: b!.cpuMicrosPerTx / a!.cpuMicrosPerTx,
      });
    }
    return {
      replayRatio: median(rounds.map((r) => r.ratio)),
      cpuRatio: median(rounds.map((r) => r.cpuRatio)),
      target: 0.9,
      rounds,
      blocks: BLOCKS,
      replayTxs,
      ruleTxs,
      llmCalls: recorded.llm!.totals.calls,
      calibration,
      scale,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** bench:llm's measure (bench/llm.ts): replayRatio and its rounds into bench/results/llm.json. */
export async function replayMeasure(): Promise<LlmMeasurement> {
  const { default: hre } = await import("hardhat");
  const m = await measureReplay(hre);
  return {
    results: { replayRatio: m.replayRatio, replay: m },
    lines: [
      `  replayRatio ${m.replayRatio.toFixed(3)} (target ${m.target}; rounds ${m.rounds.map((r) => r.ratio.toFixed(2)).join(", ")})`,
      `  cpuRatio ${m.cpuRatio.toFixed(3)} (CPU per agent tx, rule-based ÷ replayed; rounds ${m.rounds.map((r) => r.cpuRatio.toFixed(2)).join(", ")})`,
      `  ${m.blocks} blocks: replayed ${m.replayTxs} agent txs and ${m.llmCalls} model calls, rule-based ${m.ruleTxs} txs (noise traders' rate scaled ${m.scale.toFixed(3)}; calibration ${m.calibration.map((c) => `${c.scale.toFixed(3)}→${c.ruleTxs}`).join(", ")})`,
    ],
  };
}

if (process.argv.some((arg) => arg.endsWith("bench/llm/replay.ts"))) {
  const { default: hre } = await import("hardhat");
  console.log(JSON.stringify(await measureReplay(hre), null, 2));
}
