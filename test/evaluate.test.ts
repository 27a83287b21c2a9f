// Evaluating a proposal: a fee change shows up in the treasury's revenue, voters vote by the sign of
// their own effect or abstain within noise, the prediction matches what the real Governor decides when
// the voters then vote, and the report holds the tables a forum post needs.

import { expect } from "chai";
import hre from "hardhat";
import { type Address, getAddress, type Hex } from "viem";

import { expectedApplyAt } from "../agents/governance/evaluation/apply-time.ts";
import { decodeParameterChanges } from "../agents/governance/protocol/proposal.ts";
import { type Evaluation, evaluateProposal, type PnlEffect } from "../agents/governance/evaluation/evaluate.ts";
import { type EvaluationChain, prepareEvaluationChain } from "../agents/governance/evaluation/evaluation-chain.ts";
import { evaluationReport } from "../agents/governance/evaluation/evaluation-report.ts";
import {
  encodePropose,
  GOVERNANCE_GAS,
  parameterProposal,
  proposalId,
  type ProposalActions,
} from "../agents/governance/protocol/proposal.ts";
import {
  actualOutcome,
  castDecisions,
  decideVote,
  predictOutcome,
  selfDelegate,
  type VoterDecision,
  voterDecisions,
} from "../agents/governance/evaluation/voters.ts";
import { isSignificant, pairedDifference } from "../agents/core/interval.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { TxSender } from "../agents/chain/tx-sender.ts";
import { expectClose } from "./helpers/close.ts";

function effect(differences: number[]): PnlEffect {
  const difference = pairedDifference(
    differences,
    differences.map(() => 0),
  );
  return {
    name: "x",
    agents: ["x"],
    group: "x",
    behaviours: ["noise"],
    without: difference,
    with: difference,
    difference,
    significant: isSignificant(difference),
  };
}

describe("decideVote", () => {
  it("abstains when the effect is within noise, with the numbers in the reason", () => {
    const vote = decideVote(effect([3, -2, 4, -1, 1]));
    expect(vote.support).to.equal("abstain");
    expect(vote.reason).to.match(/^PnL effect 1\.00 ± .* quote \(95% CI -.* to .*, 5 seeds\): within noise$/);
  });

  it("votes for a significantly positive effect and against a significantly negative one", () => {
    expect(decideVote(effect([2.1, 1.9, 2.2, 2.0])).support).to.equal("for");
    expect(decideVote(effect([-0.5, -0.4, -0.6])).support).to.equal("against");
    expect(decideVote(effect([-0.5, -0.4, -0.6])).reason).to.include("worse off with the change");
  });

  it("abstains on one seed, which gives no interval", () => {
    const vote = decideVote(effect([50]));
    expect(vote.support).to.equal("abstain");
    expect(vote.reason).to.include("one seed gives no interval");
  });
});

describe("evaluate", function () {
  this.timeout(180_000);
  let prepared: EvaluationChain;
  let actions: ProposalActions;
  let evaluation: Evaluation;
  let applyAt: bigint;

  before(async () => {
    const scenario = await loadScenario("scenarios/calm.yaml");
    prepared = await prepareEvaluationChain(hre, { scenario, warmup: 10 });
    const { ctx } = prepared;
    await selfDelegate(ctx.chain, ctx.addresses.token, ctx.wallets);
    actions = parameterProposal(
      ctx.addresses.store,
      [
        { key: "market.buyFeeBps", value: 150n },
        { key: "market.sellFeeBps", value: 150n },
      ],
      "Raise curve fees to 1.5%",
    );
    ({ applyAt } = await expectedApplyAt(ctx.chain, ctx.addresses, scenario.blockSeconds, actions, { kind: "draft" }));
    evaluation = await evaluateProposal(ctx, { actions, seeds: [1n, 2n, 3n], blocks: 30, applyAt });
  });
  after(async () => prepared?.close());

  it("shows a fee rise in the treasury's revenue, seed by seed, and solvency holds in both arms", () => {
    const revenue = evaluation.metrics.find((m) => m.metric === "treasuryRevenueQuote")!;
    expect(revenue.withValues.every((value, i) => value > revenue.withoutValues[i]!)).to.equal(true);
    expect(revenue.significant).to.equal(true);
    expect(revenue.difference.mean > 0).to.equal(true);
    const solvency = evaluation.metrics.find((m) => m.metric === "minSolvencyRatio")!;
    expect([...solvency.withValues, ...solvency.withoutValues].every((v) => v >= 1)).to.equal(true);
    // Half of each fee goes to the treasury: revenue ≈ 0.5 × fee rate × curve volume, per arm.
    const curveVolume = (run: (typeof evaluation.runs.with)[number]) =>
      Number(run.steps.reduce((sum, row) => sum + row.curveVolumeQuote, 0n)) / 1e6;
    const expected = evaluation.runs.with.map((run) => 0.5 * 0.015 * curveVolume(run));
    revenue.withValues.forEach((value, i) =>
      expectClose(value / expected[i]!, 1, 0.05, `seed ${i + 1} revenue vs half the fees`),
    );
    expect(evaluation.runs.with.every((run) => run.changed && run.execution !== undefined)).to.equal(true);
    expect(evaluation.runs.without.every((run) => !run.changed)).to.equal(true);
    // Groups cover every agent once; a group's effect is the sum of its members'.
    expect(evaluation.groups.flatMap((g) => g.agents).sort()).to.deep.equal(
      evaluation.agents.map((a) => a.name).sort(),
    );
    const noise = evaluation.groups.find((g) => g.name === "noise")!;
    const members = evaluation.agents.filter((a) => a.group === "noise");
    expect(noise.agents).to.have.length(8);
    expectClose(
      noise.difference.mean,
      members.reduce((sum, a) => sum + a.difference.mean, 0),
      1e-6,
      "noise group = sum of its agents",
    );
  });

  it("times a draft after its vote and the Timelock, and never before a parameter's interval", async () => {
    const { ctx } = prepared;
    const latest = await ctx.chain.client.getBlock();
    // Deployed at the scenario's start: the fee parameters may change one day later.
    expect(applyAt >= 1_767_225_600n + 86_400n).to.equal(true);
    expect(applyAt > latest.timestamp + 52n * 12n + 3_600n).to.equal(true);
    expect(decodeParameterChanges(actions, ctx.addresses.store)).to.deep.equal([
      { key: "market.buyFeeBps", value: 150n },
      { key: "market.sellFeeBps", value: 150n },
    ]);
  });

  it("predicts what the real Governor decides when the voters vote as decided", async () => {
    const { ctx } = prepared;
    const { chain, addresses } = ctx;
    const deployer = (await chain.request<Address[]>("eth_accounts"))[0]!; // holds 50,000 delegated votes: above the threshold
    const decided = await voterDecisions(chain, addresses.governor, addresses.token, ctx.wallets, evaluation, {
      kind: "draft",
    });
    expect(decided.every((d) => d.votes > 0n)).to.equal(true);
    const byId = (id: string) => decided.find((d) => d.agent === id)!;
    const cases: { name: string; decisions: VoterDecision[] }[] = [
      { name: "as evaluated", decisions: decided },
      {
        name: "all for but the arbitrageur",
        decisions: decided.map((d) => ({ ...d, support: d.agent === "arb" ? "against" : "for" })),
      },
      {
        name: "the arbitrageur against the rest",
        decisions: decided.map((d) => ({ ...d, support: d.agent === "arb" ? "for" : "against" })),
      },
      { name: "one small holder for", decisions: [{ ...byId("noise-8"), support: "for" }] },
    ];
    const proposals = cases.map((c, i) => ({
      ...c,
      actions: { ...actions, description: `${actions.description} (case ${i})` },
    }));

    const sender = new TxSender(chain, { maxFeePerGas: 10n ** 12n, priorityFeeWei: 0n });
    let time = BigInt((await chain.client.getBlock()).timestamp);
    const sent = [];
    for (const p of proposals)
      sent.push(
        await sender.send({
          from: deployer,
          to: addresses.governor,
          data: encodePropose(p.actions) as Hex,
          gas: GOVERNANCE_GAS.propose,
          contract: "ArenaGovernor",
          fn: "propose",
        }),
      );
    const receipts = await sender.mine(sent, (time += 12n));
    expect(receipts.map((r) => r.status)).to.deep.equal(proposals.map(() => "success"));
    await sender.mine([], (time += 12n)); // the snapshot block (voting delay 1)
    await sender.mine([], (time += 12n));

    const predicted = [];
    for (const p of proposals) {
      const id = proposalId(p.actions);
      const decisions = await voterDecisions(
        chain,
        addresses.governor,
        addresses.token,
        ctx.wallets.filter((w) => p.decisions.some((d) => d.agent === w.config.id)),
        evaluation,
        { kind: "submitted", id },
      );
      const chosen = decisions.map((d) => ({ ...d, support: p.decisions.find((x) => x.agent === d.agent)!.support }));
      expect(chosen.map((d) => d.votes)).to.deep.equal(p.decisions.map((d) => d.votes)); // nothing moved since the draft was judged
      predicted.push(
        await predictOutcome(chain, addresses.governor, addresses.token, chosen, { kind: "submitted", id }),
      );
      await castDecisions(chain, addresses.governor, id, chosen, { timestamp: (time += 12n) });
    }
    await chain.request("hardhat_mine", ["0x40", "0xc"]); // past the 50-block voting period

    const states = [];
    for (const [i, p] of proposals.entries()) {
      const actual = await actualOutcome(chain, addresses.governor, proposalId(p.actions));
      const prediction = predicted[i]!;
      expect(actual.state, p.name).to.equal(prediction.state);
      expect([actual.forVotes, actual.againstVotes, actual.abstainVotes], p.name).to.deep.equal([
        prediction.forVotes,
        prediction.againstVotes,
        prediction.abstainVotes,
      ]);
      states.push(actual.state);
    }
    expect(states.slice(1)).to.deep.equal(["Succeeded", "Defeated", "Defeated"]);
    expect(predicted[2]!.why).to.match(/^votes:/);
    expect(predicted[3]!.why).to.match(/^quorum:/);
  });

  it("writes a report with the proposal, the method, the effect tables, the voters and the prediction", async () => {
    const { ctx } = prepared;
    const decisions = await voterDecisions(
      ctx.chain,
      ctx.addresses.governor,
      ctx.addresses.token,
      ctx.wallets,
      evaluation,
      { kind: "draft" },
    );
    const prediction = await predictOutcome(ctx.chain, ctx.addresses.governor, ctx.addresses.token, decisions, {
      kind: "draft",
    });
    const report = evaluationReport({
      evaluation,
      proposal: { kind: "draft" },
      changes: [
        { key: "market.buyFeeBps", from: 100n, to: 150n },
        { key: "market.sellFeeBps", from: 100n, to: 150n },
      ],
      warmup: 10,
      network: "default",
      decisions,
      prediction,
    });
    expect(report).to.match(/^# Proposal evaluation: Raise curve fees to 1\.5%\n/);
    for (const heading of [
      "## The proposal",
      "## Method",
      "## Effects on the market",
      "## Agent groups",
      "## Gas",
      "## Voters",
      "## Predicted outcome",
    ])
      expect(report).to.include(`\n${heading}\n`);
    expect(report).to.include("| `market.buyFeeBps` | 100 | 150 |");
    expect(report).to.include("Seeds: 1, 2, 3 (3)");
    expect(report).to.match(
      /\| treasury revenue \(quote\) \| [\d.]+ \| [\d.]+ \| \+[\d.]+ \[[\d.]+, [\d.]+\] \| higher: better \|/,
    );
    for (const g of evaluation.groups)
      expect(report).to.match(new RegExp(`\\n\\| ${g.name} \\| ${g.agents.length} \\|`));
    for (const d of decisions) expect(report).to.include(`| ${d.agent} |`);
    expect(report).to.include(`**${prediction.state}**`);
    // The genesis holders are delegates too, but not agents: listed with their votes, and whether they can swing it.
    const accounts = (await ctx.chain.request<Address[]>("eth_accounts")).map((a) => getAddress(a));
    expect(prediction.others).to.deep.equal([
      { address: accounts[1], votes: 150_000n * 10n ** 18n },
      { address: accounts[2], votes: 100_000n * 10n ** 18n },
      { address: accounts[0], votes: 50_000n * 10n ** 18n },
    ]);
    expect(prediction.othersVotes).to.equal(300_000n * 10n ** 18n);
    expect(report).to.match(
      /3 other delegates with 300000 votes are not agents of the scenario, so the prediction above assumes they stay away\. (The outcome holds whatever they do|They can swing it: all for gives Succeeded, all against gives Defeated)/,
    );
    expect(report).to.include(`| \`${accounts[1]}\` | 150000 |`);
    // Every table row has as many cells as its header.
    for (const block of report.split("\n\n").filter((b) => b.startsWith("|"))) {
      const cells = block
        .split("\n")
        .filter((row) => row !== "")
        .map((row) => row.split("|").length);
      expect(new Set(cells).size, block).to.equal(1);
    }
  });
});
