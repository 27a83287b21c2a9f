// What replaying a language-model battle costs the battle: `replayRatio` = agent tx/s of
// scenarios/llm-traders.yaml over BLOCKS blocks replayed from its cassette (prompts built, hashed and
// looked up, answers checked, llm.jsonl written) ÷ agent tx/s of the same scenario with each llm
// trader replaced by a noise trader on its venues at the rate of trades the llm trader made (the same
// number of trades, near enough: the figure is per transaction). The cassette is recorded first by the
// tests' scripted model (not timed); after a round not counted, the rounds alternate and the ratio is their median. Target ≥ 0.9.
//
// `replayMeasure()` is bench:llm's measure `replay` (`MEASURES=replay bin/arena bench:llm`); `npx hardhat run
// bench/llm/replay.ts` prints measureReplay() alone.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { parseScenario, readScenarioDocument } from "../../agents/inputs/scenario.ts";
import { runBattle } from "../../agents/run/battle.ts";
import { ScriptedLlm } from "../../test/helpers/scripted-llm.ts";
import { type LlmMeasurement, median } from "./measure.ts";

const SCENARIO = "scenarios/llm-traders.yaml";
const BLOCKS = 300;
const ROUNDS = 7;

export interface ReplayMeasure {
  replayRatio: number;
  target: number;
  rounds: { replayTxPerSecond: number; ruleTxPerSecond: number; ratio: number }[];
  blocks: number;
  /** Agent transactions of the replayed and of the rule-based battle. */
  replayTxs: number;
  ruleTxs: number;
  llmCalls: number;
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
    // The rule-based twin: each llm trader becomes a noise trader on its venues trading as often as it did.
    const accepted = recorded.llm!.agents;
    const rules = structuredClone(document);
    for (const agent of rules.agents) {
      agent.behaviours = agent.behaviours.map((b) => {
        if (b.kind !== "llm") return b;
        const id = (agent as unknown as { id: string }).id;
        const trades = Math.max(accepted[id]?.accepted ?? 0, 1);
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
    const ruleScenario = { ...parseScenario(rules, SCENARIO), blocks: BLOCKS };
    const rounds: ReplayMeasure["rounds"] = [];
    let replayTxs = 0;
    let ruleTxs = 0;
    // A round not counted: both battles once, so neither is timed while the code is still being compiled.
    for (let round = -1; round < ROUNDS; round++) {
      const replay = async () =>
        runBattle(hre, {
          scenario,
          out: join(root, `replay-${round}`),
          quiet: true,
          noReport: true,
          llm: { mode: "replay", cassette },
        });
      const rule = async () =>
        runBattle(hre, { scenario: ruleScenario, out: join(root, `rule-${round}`), quiet: true, noReport: true });
      const [a, b] = round % 2 === 0 ? [await replay(), await rule()] : [await rule(), await replay()].reverse();
      replayTxs = a!.summary.totals.txs;
      ruleTxs = b!.summary.totals.txs;
      if (round < 0) continue;
      rounds.push({
        replayTxPerSecond: a!.txPerSecond,
        ruleTxPerSecond: b!.txPerSecond,
        ratio: a!.txPerSecond / b!.txPerSecond,
      });
    }
    return {
      replayRatio: median(rounds.map((r) => r.ratio)),
      target: 0.9,
      rounds,
      blocks: BLOCKS,
      replayTxs,
      ruleTxs,
      llmCalls: recorded.llm!.totals.calls,
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
      `  ${m.blocks} blocks: replayed ${m.replayTxs} agent txs and ${m.llmCalls} model calls, rule-based ${m.ruleTxs} txs`,
    ],
  };
}

if (process.argv.some((arg) => arg.endsWith("bench/llm/replay.ts"))) {
  const { default: hre } = await import("hardhat");
  console.log(JSON.stringify(await measureReplay(hre), null, 2));
}
