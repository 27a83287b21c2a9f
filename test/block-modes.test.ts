// How agents decide within a block: `decisions: sequential` shows each agent the block as the agents
// before it left it (the twins applying the pending intents, so the chain and the model decide alike),
// `simultaneous` (the default) shows every agent the start of the step; `order: listed` sends in the
// scenario's order, `shuffled` (the default) in a seeded draw. The classic daily model
// (scenarios/classic-daily.yaml) is the case a user asked for.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { loadScenario, parseScenario, ScenarioError } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { STEP_COLUMNS } from "../agents/mechanisms/registry.ts";
import { runBattle } from "../agents/run/battle.ts";
import { runModelBattle } from "../agents/run/model-battle.ts";

const WAD = 10n ** 18n;
const MARKET_COLUMNS = STEP_COLUMNS.filter((c) => c !== "gasUsed");

/** Four sellers of 1 token at any price: every one trades every step, so a step's transactions show the order. */
function sellersScenario(extra: Record<string, unknown>): Scenario {
  return parseScenario(
    {
      name: "order",
      seed: 3,
      blocks: 12,
      genesis: "genesis/classic.json",
      ...extra,
      agents: ["d", "a", "c", "b"].map((id) => ({
        id,
        funds: { quote: "50", tokens: "100" },
        behaviours: [{ kind: "threshold", venue: "pool", sellAbove: "0.000001", amount: "1" }],
      })),
    },
    "order.yaml",
  );
}

/** Each step's agents, in the order the run's event log holds them (send order). */
function agentsByStep(folder: string): string[][] {
  const [header, ...lines] = readFileSync(join(folder, "txs.csv"), "utf8").trim().split("\n");
  const columns = header!.split(",");
  const step = columns.indexOf("step");
  const agent = columns.indexOf("agent");
  const steps: string[][] = [];
  for (const line of lines) {
    const fields = line.split(",");
    const s = Number(fields[step]);
    (steps[s - 1] ??= []).push(fields[agent]!);
  }
  return steps;
}

describe("block modes", function () {
  this.timeout(300_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-block-modes-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("refuses an unknown decisions or order value with the closest one, and sequential decisions in priority mode", () => {
    const base = { name: "x", seed: 1, blocks: 1, agents: [] };
    const problems = (doc: object) => {
      try {
        parseScenario(doc, "x.yaml");
      } catch (error) {
        expect(error).to.be.instanceOf(ScenarioError);
        return (error as Error).message;
      }
      throw new Error("the scenario was accepted");
    };
    expect(problems({ ...base, decisions: "sequentail" })).to.contain(
      'decisions: expected one of "simultaneous", "sequential", got "sequentail"; did you mean "sequential"?',
    );
    expect(problems({ ...base, order: "listd" })).to.contain('did you mean "listed"?');
    expect(problems({ ...base, decisions: "sequential", mode: "priority" })).to.contain(
      'use mode "sequential" (mined in the order sent) for sequential decisions',
    );
    expect(problems({ ...base, decisions: "sequential", governance: {} })).to.contain(
      'decisions: expected "simultaneous" in a scenario with governance',
    );
  });

  it("classic daily, sequential: the seller sees the buyer's trade of the same day; simultaneous: it does not", async () => {
    const scenario = await loadScenario("scenarios/classic-daily.yaml");
    expect(scenario.decisions).to.equal("sequential");
    expect(scenario.order).to.equal("listed");
    const sequential = await runModelBattle(scenario, { blocks: 5 });
    const simultaneous = await runModelBattle({ ...scenario, decisions: "simultaneous" }, { blocks: 5 });
    // Day 1 starts at 0.99: the buyer's 10 lift the pool above 1, so only a seller that sees it sells.
    expect(sequential.steps[0]!.txs).to.equal(2n);
    expect(simultaneous.steps[0]!.txs).to.equal(1n);
    expect(simultaneous.steps[0]!.poolPriceWad > WAD).to.equal(true);
    expect(sequential.steps[0]!.poolPriceWad < WAD).to.equal(true);
    const seller = sequential.summary.leaderboard.find((a) => a.agent === "seller")!;
    expect(seller.txs, "the seller sells every one of the first five days").to.equal(5);
  });

  it("classic daily on the chain: every step's market is the model's, to the wei, with the same decisions", async () => {
    const scenario = await loadScenario("scenarios/classic-daily.yaml");
    const out = join(root, "classic-daily");
    const chain = await runBattle(hre, { scenario, blocks: 40, out, quiet: true, noReport: true });
    const model = await runModelBattle(scenario, { blocks: 40 });
    const [header, ...lines] = readFileSync(join(out, "steps.csv"), "utf8").trim().split("\n");
    const columns = header!.split(",");
    const mismatches: string[] = [];
    lines.forEach((line, i) => {
      const fields = line.split(",");
      for (const column of MARKET_COLUMNS) {
        const onChain = fields[columns.indexOf(column)];
        if (String(model.steps[i]![column]) !== onChain)
          mismatches.push(`step ${i + 1} ${column}: model ${model.steps[i]![column]}, chain ${onChain}`);
      }
    });
    expect(lines.length).to.equal(40);
    expect(mismatches.slice(0, 10)).to.deep.equal([]);
    const board = (entries: readonly { agent: string; tokens: unknown; quote: unknown; txs: number }[]) =>
      entries.map(({ agent, tokens, quote, txs }) => ({ agent, tokens, quote, txs }));
    expect(board(model.summary.leaderboard)).to.deep.equal(board(chain.summary.leaderboard));
    // The buyer buys exactly 10 tokens a time (swapExactOut): it holds 10 × its buys, to the wei.
    const buyer = chain.summary.leaderboard.find((a) => a.agent === "buyer")!;
    expect(buyer.txs).to.be.greaterThan(0);
    expect(BigInt(buyer.tokens)).to.equal(BigInt(buyer.txs) * 10n * 10n ** 18n);
    // the seller acted on the buyer's trades: two transactions on the first day
    expect(agentsByStep(out)[0]).to.deep.equal(["buyer", "seller"]);
  });

  it("calm with sequential decisions: every behaviour on every mechanism decides alike on the chain and the model", async () => {
    const calm = await loadScenario("scenarios/calm.yaml");
    const scenario: Scenario = { ...calm, decisions: "sequential", order: "listed", blocks: 60 };
    const out = join(root, "calm-sequential");
    await runBattle(hre, { scenario, out, quiet: true, noReport: true });
    const model = await runModelBattle(scenario);
    const [header, ...lines] = readFileSync(join(out, "steps.csv"), "utf8").trim().split("\n");
    const columns = header!.split(",");
    const mismatches: string[] = [];
    lines.forEach((line, i) => {
      const fields = line.split(",");
      for (const column of MARKET_COLUMNS) {
        const onChain = fields[columns.indexOf(column)];
        if (String(model.steps[i]![column]) !== onChain)
          mismatches.push(`step ${i + 1} ${column}: model ${model.steps[i]![column]}, chain ${onChain}`);
      }
    });
    expect(lines.length).to.equal(60);
    expect(mismatches.slice(0, 10)).to.deep.equal([]);
    // Seeing the block so far changes decisions: the same listed order, deciding on the start of each step, trades otherwise.
    const simultaneous = await runModelBattle({ ...scenario, decisions: "simultaneous" });
    const rows = (steps: readonly { txs: bigint; poolPriceWad: bigint }[]) =>
      steps.map((row) => `${row.txs} ${row.poolPriceWad}`);
    expect(rows(simultaneous.steps)).to.not.deep.equal(rows(model.steps));
  });

  it("order listed sends in the scenario's order every step; shuffled (the default) draws another order", async () => {
    const listed = join(root, "listed");
    await runBattle(hre, { scenario: sellersScenario({ order: "listed" }), out: listed, quiet: true, noReport: true });
    const listedSteps = agentsByStep(listed);
    expect(listedSteps).to.have.length(12);
    for (const step of listedSteps) expect(step).to.deep.equal(["d", "a", "c", "b"]);

    const shuffled = join(root, "shuffled");
    await runBattle(hre, { scenario: sellersScenario({}), out: shuffled, quiet: true, noReport: true });
    const orders = new Set(agentsByStep(shuffled).map((step) => step.join(",")));
    expect(orders.size).to.be.greaterThan(1);
  });
});
