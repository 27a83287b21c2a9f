// The rails every proposal runs on, by hand and in a battle (agents/governance/protocol/rails.ts): a
// second proposal on a key that already has one pending is refused in each state the first can still
// execute from; a store error that reaches a revert names its key and its times as dates; a scripted
// proposal the rails refuse is recorded in the run's governance files with the reasons and never sent,
// and the protocol-owned agent drafts nothing on a key another proposal holds.
import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";
import { type Address, encodeErrorResult, getAddress, type Hex } from "viem";

import { deploymentRecord } from "../agents/deploy/deployment-file.ts";
import type { Deployment } from "../agents/deploy/deploy.ts";
import { advance } from "../agents/governance/lifecycle/advance.ts";
import { parseChange, ProposalRefused } from "../agents/governance/protocol/changes.ts";
import { GovernanceError } from "../agents/governance/lifecycle/errors.ts";
import { execute } from "../agents/governance/lifecycle/execute.ts";
import { type GovernanceChain, openGovernanceChain } from "../agents/governance/lifecycle/governance-chain.ts";
import { propose, proposalActions } from "../agents/governance/lifecycle/propose.ts";
import { getProposal } from "../agents/governance/lifecycle/proposals.ts";
import { queue } from "../agents/governance/lifecycle/queue.ts";
import { vote } from "../agents/governance/lifecycle/vote.ts";
import { encodePropose } from "../agents/governance/protocol/proposal.ts";
import { isoTime } from "../agents/governance/protocol/display.ts";
import { describeRevert } from "../agents/governance/protocol/revert-reasons.ts";
import { keyToBytes32 } from "../agents/core/parameters.ts";
import { loadSystemAbis } from "../agents/chain/system.ts";
import { REFUSED_STATE, type GovernanceRecord } from "../agents/governance/battle/record-file.ts";
import { runBattle } from "../agents/run/battle.ts";
import { renderReport } from "../agents/report/report.ts";
import { parseScenario } from "../agents/inputs/scenario.ts";
import { deployFixture } from "./fixtures.ts";

const connection = await network.create();
const { networkHelpers } = connection;
const { errors } = await loadSystemAbis(hre.artifacts);
const DAY = 86_400;

function fixture() {
  return deployFixture(connection);
}

interface Setup {
  deployment: Deployment;
  chain: GovernanceChain;
  accounts: Address[];
}

async function setUp(): Promise<Setup> {
  const deployment = await networkHelpers.loadFixture(fixture);
  const chain = await openGovernanceChain(connection.provider, deploymentRecord(deployment), {
    networkName: connection.networkName,
    errors,
  });
  const accounts = ((await connection.provider.request({ method: "eth_accounts" })) as string[]).map((a) =>
    getAddress(a),
  );
  await networkHelpers.time.increase(DAY);
  return { deployment, chain, accounts };
}

/** The problems of a proposal `propose` refuses, after checking that nothing was mined or sent. */
async function refusal(s: Setup, from: Address, changes: string[], description: string): Promise<string[]> {
  const block = await s.chain.client.getBlockNumber();
  const nonce = await s.chain.client.getTransactionCount({ address: from });
  let error: unknown;
  try {
    await propose(s.chain, { from, changes: changes.map(parseChange), description });
  } catch (e) {
    error = e;
  }
  expect(error, "expected a refusal").to.be.instanceOf(ProposalRefused);
  expect(await s.chain.client.getBlockNumber(), "no block mined").to.equal(block);
  expect(await s.chain.client.getTransactionCount({ address: from }), "nothing sent").to.equal(nonce);
  return (error as ProposalRefused).problems;
}

describe("governance rails", function () {
  this.timeout(300_000);

  describe("by hand", () => {
    it("refuses a second proposal on a key while the first is Pending, Active, Succeeded or Queued; accepts it once the first is defeated", async () => {
      const s = await setUp();
      const [deployer, holder1] = s.accounts as [Address, Address];
      const first = await propose(s.chain, {
        from: deployer,
        changes: [parseChange("market.buyFeeBps=120")],
        description: "Raise the buy fee",
      });
      await propose(s.chain, { from: deployer, changes: [parseChange("pool.feeBps=40")], description: "Pool fee" });
      const again = ["market.buyFeeBps=130", "market.sellFeeBps=80"];
      const wait = "pending: wait for it to execute or be defeated";

      expect(await refusal(s, deployer, again, "Raise it more")).to.deep.equal([
        `market.buyFeeBps already has proposal #1 (Pending, voting from block ${first.snapshot + 1n} to block ${first.deadline}) ${wait}`,
      ]);
      await advance(s.chain, { to: "start", proposal: "#1" });
      expect(await refusal(s, deployer, again, "Raise it more")).to.deep.equal([
        `market.buyFeeBps already has proposal #1 (Active, ends at block ${first.deadline}) ${wait}`,
      ]);
      await vote(s.chain, { from: holder1, proposal: "#1", support: "for" });
      await advance(s.chain, { to: "end", proposal: "#1" });
      expect(await refusal(s, deployer, again, "Raise it more")).to.deep.equal([
        `market.buyFeeBps already has proposal #1 (Succeeded, not queued yet) ${wait}`,
      ]);
      const { eta } = await queue(s.chain, { from: deployer, proposal: "#1" });
      expect(await refusal(s, deployer, again, "Raise it more")).to.deep.equal([
        `market.buyFeeBps already has proposal #1 (Queued, may execute from ${isoTime(eta)} (unix ${eta})) ${wait}`,
      ]);

      // #2 had no votes: Defeated, so its key is free again.
      expect((await getProposal(s.chain, "#2")).state).to.equal("Defeated");
      const third = await propose(s.chain, {
        from: deployer,
        changes: [parseChange("pool.feeBps=20")],
        description: "Pool fee, again",
      });
      expect(third.index).to.equal(3);
    });

    it("a store error that reaches execute names the key and shows its times as dates", async () => {
      const s = await setUp();
      const [deployer, holder1] = s.accounts as [Address, Address];
      // Two proposals on one key, sent straight to the Governor (around propose's rails), both passed and queued.
      const signer = await connection.ethers.getSigner(deployer);
      for (const [change, description] of [
        ["market.buyFeeBps=120", "First"],
        ["market.buyFeeBps=140", "Second"],
      ] as const) {
        const actions = proposalActions(s.chain.addresses, [parseChange(change)], description, false);
        await (await signer.sendTransaction({ to: s.chain.addresses.governor, data: encodePropose(actions) })).wait();
      }
      await advance(s.chain, { to: "start", proposal: "#2" });
      for (const id of ["#1", "#2"]) await vote(s.chain, { from: holder1, proposal: id, support: "for" });
      await advance(s.chain, { to: "end", proposal: "#2" });
      for (const id of ["#1", "#2"]) await queue(s.chain, { from: deployer, proposal: id });
      await advance(s.chain, { to: "eta", proposal: "#2" });
      await execute(s.chain, { from: deployer, proposal: "#1" });

      const block = await s.chain.client.getBlockNumber();
      let error: unknown;
      try {
        await execute(s.chain, { from: deployer, proposal: "#2" });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(GovernanceError);
      const message = (error as Error).message;
      // The simulated block is a second or two after #1's execution, by the wall clock: 23 h 59 min and some seconds early.
      expect(message).to.match(
        /^execute proposal #2 would revert, so it was not sent: ParameterUpdateTooEarly: market\.buyFeeBps may not change before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(unix \d+\), and this block is at .*Z \(unix \d+\): 23 h 59 min \d\d? s too early$/,
      );
      expect(message).to.not.match(/0x[0-9a-f]{16}/);
      expect(await s.chain.client.getBlockNumber(), "nothing sent").to.equal(block);
    });

    it("decodes the store's and the Governor's errors with keys as names and values in human units", () => {
      const revert = (errorName: string, args: readonly unknown[]) =>
        describeRevert(encodeErrorResult({ abi: errors, errorName, args } as never) as Hex, errors);
      const fee = keyToBytes32("market.buyFeeBps");
      const base = keyToBytes32("curve.basePrice");
      expect(revert("ParameterOutOfBounds", [fee, 9999n, 0n, 300n])).to.equal(
        "ParameterOutOfBounds: market.buyFeeBps=9999 is outside its bounds [0, 300]",
      );
      expect(revert("ParameterStepTooLarge", [base, 10n ** 16n, 15n * 10n ** 15n, 2n * 10n ** 15n])).to.equal(
        "ParameterStepTooLarge: curve.basePrice=0.015 moves 0.005 from 0.01, more than its maximum step of 0.002",
      );
      expect(revert("ParameterUpdateTooEarly", [fee, 1_767_312_000n, 1_767_308_400n])).to.equal(
        "ParameterUpdateTooEarly: market.buyFeeBps may not change before 2026-01-02T00:00:00Z (unix 1767312000), and this block is at 2026-01-01T23:00:00Z (unix 1767308400): 1 h too early",
      );
      expect(revert("UnknownParameter", [keyToBytes32("market.spreadBps")])).to.equal(
        "UnknownParameter: market.spreadBps is not a parameter of the store",
      );
      // Queued (5) found where Succeeded (bit 4) was expected.
      expect(
        revert("GovernorUnexpectedProposalState", [42n, 5, `0x${(1n << 4n).toString(16).padStart(64, "0")}`]),
      ).to.equal("GovernorUnexpectedProposalState: proposal 42 is Queued; this step needs it Succeeded");
    });
  });

  describe("in a battle", () => {
    let root: string;
    before(() => {
      root = mkdtempSync(join(tmpdir(), "arena-rails-"));
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it("records each scripted proposal the rails refuse, with why, sends none of them, and the protocol agent drafts nothing on a pending key", async () => {
      const inert = { kind: "whale", venue: "pool", side: "buy", startStep: 1000, everySteps: 1000, buyQuote: "1" };
      const scenario = parseScenario(
        {
          name: "rails",
          genesis: "genesis/default.json",
          seed: 4,
          blocks: 8,
          blockSeconds: 1800,
          agents: [
            { id: "whale", funds: { quote: "3000", tokens: "150000" }, behaviours: [inert] },
            { id: "poor", funds: { quote: "1000" }, behaviours: [inert] },
          ],
          governance: {
            protocolAgent: {
              id: "poa",
              objective: { minimise: "curveVolatilityBps", subjectTo: ["minSolvencyRatio >= 1"] },
              parameters: ["market.treasuryShareBps"],
              startStep: 5,
              everySteps: 1000,
              evaluation: { seeds: 2, blocks: 2 },
            },
            script: [
              { step: 1, agent: "whale", delegate: "self" },
              { step: 3, agent: "whale", propose: { label: "share", changes: ["market.treasuryShareBps=5500"] } },
              {
                step: 4,
                agent: "whale",
                propose: { label: "share-again", changes: ["market.treasuryShareBps=6000", "market.sellFeeBps=120"] },
              },
              { step: 4, agent: "whale", propose: { label: "too-far", changes: ["market.buyFeeBps=300"] } },
              { step: 5, agent: "poor", propose: { label: "no-votes", changes: ["market.sellFeeBps=80"] } },
              { step: 6, agent: "poor", vote: { proposal: "no-votes", support: "for" } },
            ],
          },
        },
        "rails.yaml",
      );
      const dir = join(root, "rails");
      const result = await runBattle(hre, { scenario, out: dir, quiet: true, noReport: true });
      const gov = JSON.parse(readFileSync(join(dir, "governance.json"), "utf8")) as GovernanceRecord;
      const byLabel = new Map(gov.proposals.map((p) => [p.label, p]));
      const share = gov.trail.find((e) => e.kind === "proposed" && e.proposal === "share")!;
      const [snapshot, deadline] = [BigInt(share.snapshot as string), BigInt(share.deadline as string)];

      expect(byLabel.get("share")!.state).to.equal("voting when the run ended");
      expect(byLabel.get("share-again")).to.deep.include({
        state: REFUSED_STATE,
        reason: `market.treasuryShareBps already has proposal share (Pending, voting from block ${snapshot + 1n} to block ${deadline}) pending: wait for it to execute or be defeated`,
        votes: null,
      });
      expect(byLabel.get("too-far")!.state).to.equal(REFUSED_STATE);
      expect(byLabel.get("too-far")!.reason).to.equal(
        "market.buyFeeBps=300 moves 200 from 100, more than its maximum step of 50 (5000 bps); propose a value in [50, 150]",
      );
      expect(byLabel.get("no-votes")!.state).to.equal(REFUSED_STATE);
      expect(byLabel.get("no-votes")!.reason).to.match(
        /^0x[0-9a-fA-F]{40} has 0 votes; proposing needs 10000\. give the agent 10000 more tokens delegated to itself/,
      );

      const refused = gov.trail.filter((e) => e.kind === "refused");
      expect(refused.map((e) => [e.step, e.proposal, e.by])).to.deep.equal([
        [4, "share-again", "whale"],
        [4, "too-far", "whale"],
        [5, "no-votes", "poor"],
      ]);
      expect(refused[0]!.problems).to.have.length(1);
      expect(refused[0]!.changes).to.deep.equal([
        { key: "market.treasuryShareBps", value: "6000" },
        { key: "market.sellFeeBps", value: "120" },
      ]);

      // The protocol agent at step 5: both its candidates are on the key `share` holds, now Active.
      const decision = gov.trail.find((e) => e.kind === "decision")!;
      expect(decision.step).to.equal(5);
      expect(decision.candidates).to.deep.equal([]);
      expect(decision.choice).to.equal(null);
      const drafted = decision.refused as { change: string; problem: string }[];
      expect(drafted.map((r) => r.change)).to.deep.equal([
        "market.treasuryShareBps 5000 → 4000",
        "market.treasuryShareBps 5000 → 6000",
      ]);
      for (const r of drafted)
        expect(r.problem).to.equal(
          `market.treasuryShareBps already has proposal share (Active, ends at block ${deadline}) pending: wait for it to execute or be defeated`,
        );

      // On chain: the one proposal the rails let through, and no transaction at all from `poor`.
      const txs = readFileSync(join(dir, "txs.csv"), "utf8").trim().split("\n").slice(1);
      const proposes = txs.filter((line) => line.split(",")[4] === "propose");
      expect(proposes.map((line) => line.split(",").slice(0, 2))).to.deep.equal([["3", "whale"]]);
      expect(txs.filter((line) => line.split(",")[1] === "poor")).to.deep.equal([]);
      expect(result.summary.governance!.proposed).to.equal(1);

      const html = await renderReport(dir);
      expect(html).to.contain(`<td>too-far</td><td>whale</td><td class="num">4</td><td>market.buyFeeBps=300</td>`);
      expect(html).to.contain(REFUSED_STATE);
    });
  });
});
