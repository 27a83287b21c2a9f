// `npm run bench:governance`: what evaluating a proposal costs, written to bench/results/governance.json.
//
// - evaluateSeconds: one proposal (curve fees 1% → 1.5%) evaluated on the calm scenario right after
//   set-up: 5 seeds × 200 blocks, both arms (10 what-ifs, each snapshot → change → 200 World steps →
//   revert), wall time. The protocol-owned agent pays this once per candidate it tests.
// - snapshotRevertPerSecond: evm_snapshot + evm_revert pairs per second on the set-up battle chain
//   (the fixed cost of one what-if, before any block is run).
// Timings are noisy on shared machines.

import { mkdirSync, writeFileSync } from "node:fs";

import hre from "hardhat";

import { expectedApplyAt } from "../agents/governance/evaluation/apply-time.ts";
import { evaluateProposal } from "../agents/governance/evaluation/evaluate.ts";
import { prepareEvaluationChain } from "../agents/governance/evaluation/evaluation-chain.ts";
import { parameterProposal } from "../agents/governance/protocol/proposal.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";

const RESULTS = "bench/results/governance.json";
const SEEDS = [1n, 2n, 3n, 4n, 5n];
const BLOCKS = 200;
const PAIRS = 2_000;

const scenario = await loadScenario("scenarios/calm.yaml");
const prepared = await prepareEvaluationChain(hre, { scenario, warmup: 0 });
try {
  const { ctx } = prepared;
  const { chain } = ctx;

  let started = performance.now();
  for (let i = 0; i < PAIRS; i++) {
    const id = await chain.request<string>("evm_snapshot");
    if ((await chain.request<boolean>("evm_revert", [id])) !== true) throw new Error(`evm_revert(${id}) failed`);
  }
  const snapshotRevertPerSecond = PAIRS / ((performance.now() - started) / 1000);

  const actions = parameterProposal(
    ctx.addresses.store,
    [
      { key: "market.buyFeeBps", value: 150n },
      { key: "market.sellFeeBps", value: 150n },
    ],
    "Raise curve fees to 1.5%",
  );
  const { applyAt } = await expectedApplyAt(chain, ctx.addresses, scenario.blockSeconds, actions, { kind: "draft" });
  started = performance.now();
  const evaluation = await evaluateProposal(ctx, { actions, seeds: SEEDS, blocks: BLOCKS, applyAt });
  const evaluateSeconds = (performance.now() - started) / 1000;
  const arms = [...evaluation.runs.without, ...evaluation.runs.with];
  const txs = arms.reduce((sum, run) => sum + run.steps.reduce((n, row) => n + Number(row.txs), 0), 0);

  const results = {
    evaluateSeconds: Number(evaluateSeconds.toFixed(2)),
    evaluate: {
      scenario: "scenarios/calm.yaml",
      proposal: actions.description,
      seeds: SEEDS.length,
      blocks: BLOCKS,
      arms: arms.length,
      steps: arms.length * BLOCKS,
      stepsPerSecond: Math.round((arms.length * BLOCKS) / evaluateSeconds),
      agentTxs: txs,
      txPerSecond: Math.round(txs / evaluateSeconds),
    },
    snapshotRevertPerSecond: Math.round(snapshotRevertPerSecond),
    snapshotRevert: { pairs: PAIRS },
  };
  console.log(
    `evaluateSeconds          ${results.evaluateSeconds}  (${SEEDS.length} seeds × ${BLOCKS} blocks × 2 arms: ${results.evaluate.stepsPerSecond} steps/s, ${results.evaluate.txPerSecond} agent tx/s)`,
  );
  console.log(
    `snapshotRevertPerSecond  ${results.snapshotRevertPerSecond}  (${PAIRS} evm_snapshot + evm_revert pairs on the set-up calm chain)`,
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written to ${RESULTS}`);
} finally {
  await prepared.close();
}
