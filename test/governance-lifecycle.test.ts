// The proposal lifecycle by hand, through the same actions the tasks call, on one in-process chain
// deployed from genesis/default.json (deployer, accounts 1 and 2 hold delegated votes; voting delay
// 1 block, period 50 blocks, timelock 3600 s; every parameter may change once a day).
import { expect } from "chai";
import hre, { network } from "hardhat";
import { type Address, getAddress } from "viem";

import { deploymentRecord } from "../agents/deploy/deployment-file.ts";
import type { Deployment } from "../agents/deploy/deploy.ts";
import { advance } from "../agents/governance/lifecycle/advance.ts";
import { parseChange, ProposalRefused } from "../agents/governance/protocol/changes.ts";
import { ActionRefused, GovernanceError } from "../agents/governance/lifecycle/errors.ts";
import { execute } from "../agents/governance/lifecycle/execute.ts";
import { type GovernanceChain, openGovernanceChain } from "../agents/governance/lifecycle/governance-chain.ts";
import { propose } from "../agents/governance/lifecycle/propose.ts";
import {
  describeEffect,
  getProposal,
  listProposals,
  resolveProposal,
} from "../agents/governance/lifecycle/proposals.ts";
import { queue } from "../agents/governance/lifecycle/queue.ts";
import { vote } from "../agents/governance/lifecycle/vote.ts";
import { loadSystemAbis } from "../agents/chain/system.ts";
import { isoTime } from "../agents/governance/protocol/display.ts";
import { deployFixture } from "./fixtures.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { errors } = await loadSystemAbis(hre.artifacts);
const DAY = 86_400;
const TOKEN = 10n ** 18n;

function fixture() {
  return deployFixture(connection);
}

interface Setup {
  deployment: Deployment;
  chain: GovernanceChain;
  accounts: Address[];
}

async function setUp(options: { waitADay?: boolean } = {}): Promise<Setup> {
  const deployment = await networkHelpers.loadFixture(fixture);
  const chain = await openGovernanceChain(connection.provider, deploymentRecord(deployment), {
    networkName: connection.networkName,
    errors,
  });
  const accounts = ((await connection.provider.request({ method: "eth_accounts" })) as string[]).map((a) =>
    getAddress(a),
  );
  if (options.waitADay !== false) await networkHelpers.time.increase(DAY);
  return { deployment, chain, accounts };
}

/** The error `action` rejects with, after checking that no block was mined and no account sent anything. */
async function refusedWithoutSending<E extends Error>(
  s: Setup,
  action: () => Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  pattern: RegExp,
): Promise<E> {
  const block = await s.chain.client.getBlockNumber();
  const nonces = await Promise.all(
    s.accounts.slice(0, 6).map((address) => s.chain.client.getTransactionCount({ address })),
  );
  let error: unknown;
  try {
    await action();
  } catch (e) {
    error = e;
  }
  expect(error, "expected a refusal").to.be.instanceOf(type);
  expect((error as Error).message).to.match(pattern);
  expect(await s.chain.client.getBlockNumber(), "no block mined").to.equal(block);
  const after = await Promise.all(
    s.accounts.slice(0, 6).map((address) => s.chain.client.getTransactionCount({ address })),
  );
  expect(after, "no transaction sent").to.deep.equal(nonces);
  return error as E;
}

describe("governance lifecycle by hand", () => {
  it("propose → vote with reasons → queue → execute changes fees and curve in the store and the market", async () => {
    const s = await setUp();
    const [deployer, holder1, holder2] = s.accounts as [Address, Address, Address];
    const { store, market, governor } = s.deployment.contracts;
    const changes = ["market.buyFeeBps=120", "curve.basePrice=0.011", "market.sellFeeBps=80"].map(parseChange);

    const proposed = await propose(s.chain, {
      from: deployer,
      changes,
      description: "Raise the buy fee, lower the sell fee, lift the base price",
    });
    expect(proposed.index).to.equal(1);
    expect(proposed.lines).to.deep.equal([
      "market.buyFeeBps 100 → 120",
      "curve.basePrice 0.01 → 0.011",
      "market.sellFeeBps 100 → 80",
    ]);
    const { targets, values, calldatas, description } = proposed.actions;
    expect(await governor.hashProposal(targets, values, calldatas, ethers.id(description))).to.equal(proposed.id);
    expect(proposed.estimate.assumption).to.match(/local chain.*1 s apart.*timelock holds it 3600 s/);

    const reached = await advance(s.chain, { to: "start", proposal: "#1" });
    expect(reached.block).to.equal(proposed.snapshot + 1n);
    expect((await getProposal(s.chain, "1")).state).to.equal("Active");

    const yes = await vote(s.chain, {
      from: holder1,
      proposal: proposed.id.toString(),
      support: "for",
      reason: "fees fund the treasury",
    });
    const no = await vote(s.chain, {
      from: holder2,
      proposal: "#1",
      support: "against",
      reason: "sellers pay too much",
    });
    const abstain = await vote(s.chain, {
      from: deployer,
      proposal: proposed.id.toString().slice(0, 8),
      support: "abstain",
    });
    expect([yes.weight, no.weight, abstain.weight]).to.deep.equal([
      150_000n * TOKEN,
      100_000n * TOKEN,
      50_000n * TOKEN,
    ]);
    expect(yes.warning).to.equal(undefined);
    const casts = await governor.queryFilter(governor.filters.VoteCast(holder1));
    expect(casts.map((c) => c.args.reason)).to.deep.equal(["fees fund the treasury"]);

    await advance(s.chain, { to: "end", proposal: "#1" });
    const [listed] = await listProposals(s.chain);
    expect(listed!.state).to.equal("Succeeded");
    expect(listed!.votes).to.deep.equal({ for: 150_000n * TOKEN, against: 100_000n * TOKEN, abstain: 50_000n * TOKEN });
    expect(listed!.quorum).to.equal(await governor.quorum(proposed.snapshot));
    expect(listed!.effects.map(describeEffect)).to.deep.equal(proposed.lines);
    expect(listed!.proposer).to.equal(deployer);

    const queued = await queue(s.chain, { from: holder2, proposal: "#1" });
    expect(queued.eta).to.equal(BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 3600n);
    expect((await getProposal(s.chain, "#1")).eta).to.equal(queued.eta);

    await advance(s.chain, { to: "eta", proposal: "#1" });
    const executed = await execute(s.chain, { from: holder1, proposal: "#1" });
    expect(executed.applied).to.deep.equal(proposed.lines);
    expect(await store.get(ethers.encodeBytes32String("market.buyFeeBps"))).to.equal(120n);
    expect(await store.get(ethers.encodeBytes32String("curve.basePrice"))).to.equal(11n * 10n ** 15n);
    const [buyFeeBps, sellFeeBps] = await market.fees();
    expect([buyFeeBps, sellFeeBps]).to.deep.equal([120n, 80n]);
    expect((await market.curveParameters())[1]).to.equal(11n * 10n ** 15n);
    expect((await getProposal(s.chain, "#1")).state).to.equal("Executed");
  });

  it("unpauses the market after a guardian's pause", async () => {
    const s = await setUp({ waitADay: false });
    const { market } = s.deployment.contracts;
    await market.connect(await ethers.getSigner(s.deployment.accounts.guardian)).pause();
    const [deployer, holder1] = s.accounts as [Address, Address];
    const proposed = await propose(s.chain, {
      from: deployer,
      changes: [],
      unpause: true,
      description: "Resume trading",
    });
    expect(proposed.lines).to.deep.equal(["unpause the market"]);
    await advance(s.chain, { to: "start", proposal: "#1" });
    await vote(s.chain, { from: holder1, proposal: "#1", support: "for" });
    await advance(s.chain, { to: "end", proposal: "#1" });
    await queue(s.chain, { from: deployer, proposal: "#1" });
    await advance(s.chain, { to: "eta", proposal: "#1" });
    const executed = await execute(s.chain, { from: deployer, proposal: "#1" });
    expect(executed.applied).to.deep.equal(["market unpaused"]);
    expect(await market.paused()).to.equal(false);
  });

  describe("refused before sending", () => {
    it("a value outside its bounds, a step too large, an unknown key: every problem at once", async () => {
      const s = await setUp();
      const changes = ["market.buyFeeBps=400", "curve.basePrice=0.015", "market.spreadBps=5"].map(parseChange);
      const error = await refusedWithoutSending(
        s,
        () => propose(s.chain, { from: s.accounts[0]!, changes, description: "Too much" }),
        ProposalRefused,
        /outside its bounds/,
      );
      expect(error.problems).to.have.length(3);
      expect(error.problems[0]).to.equal(
        "market.buyFeeBps=400 is outside its bounds [0, 300]; propose a value within them",
      );
      expect(error.problems[1]).to.match(
        /curve\.basePrice=0\.015 moves 0\.005 from 0\.01, more than its maximum step of 0\.002 \(2000 bps\); propose a value in \[0\.008, 0\.012\]/,
      );
      expect(error.problems[2]).to.match(
        /market\.spreadBps is not a parameter of this store; it has curve\.slope, .*pool\.feeBps/,
      );
    });

    it("a change that would execute before the parameter's minimum interval has passed", async () => {
      const s = await setUp({ waitADay: false });
      const error = await refusedWithoutSending(
        s,
        () =>
          propose(s.chain, {
            from: s.accounts[0]!,
            changes: [parseChange("market.buyFeeBps=120")],
            description: "Too soon",
          }),
        ProposalRefused,
        /market\.buyFeeBps may not change before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(unix \d+\) \(last set at .*Z, then at least 1 d between updates\), but this proposal would execute at .*Z \(unix \d+\)/,
      );
      const wait = BigInt(/wait [^(]+ \((\d+) s\) more/.exec(error.message)![1]!);
      // A day from the deployment, less the vote (51 blocks at 1 s) and the timelock's hour.
      expect(wait > BigInt(DAY) - 3600n - 51n - 120n && wait <= BigInt(DAY) - 3600n - 51n).to.equal(
        true,
        `wait ${wait}`,
      );
    });

    it("a proposer without enough votes, with the fix", async () => {
      const s = await setUp();
      const error = await refusedWithoutSending(
        s,
        () =>
          propose(s.chain, {
            from: s.accounts[7]!,
            changes: [parseChange("market.buyFeeBps=120")],
            description: "No votes",
          }),
        ProposalRefused,
        /has 0 votes; proposing needs 10000/,
      );
      expect(error.message).to.include("Acquire 10000 more").and.include("--from");
    });

    it("a vote before voting opens, a second vote, a vote after it closed", async () => {
      const s = await setUp();
      const [deployer, holder1] = s.accounts as [Address, Address];
      const { snapshot, deadline } = await propose(s.chain, {
        from: deployer,
        changes: [parseChange("pool.feeBps=40")],
        description: "Pool fee",
      });
      // The next block is the snapshot itself: still too early.
      await refusedWithoutSending(
        s,
        () => vote(s.chain, { from: holder1, proposal: "#1", support: "for" }),
        ActionRefused,
        new RegExp(`Pending: voting opens at block ${snapshot + 1n}`),
      );
      await advance(s.chain, { to: "start", proposal: "#1" });
      await vote(s.chain, { from: holder1, proposal: "#1", support: "for", reason: "cheaper swaps" });
      await refusedWithoutSending(
        s,
        () => vote(s.chain, { from: holder1, proposal: "#1", support: "against" }),
        ActionRefused,
        /already voted on proposal #1 \(for, weight 150000, in block \d+\)/,
      );
      await advance(s.chain, { to: "end", proposal: "#1" });
      await refusedWithoutSending(
        s,
        () => vote(s.chain, { from: deployer, proposal: "#1", support: "for" }),
        ActionRefused,
        new RegExp(`Succeeded: voting closed with block ${deadline}`),
      );
    });

    it("queueing a proposal defeated by a missed quorum, or by votes, says which", async () => {
      const s = await setUp();
      const [deployer, holder1, holder2] = s.accounts as [Address, Address, Address];
      await propose(s.chain, {
        from: deployer,
        changes: [parseChange("pool.feeBps=40")],
        description: "Quorum missed",
      });
      // Another key: a second proposal on pool.feeBps would be refused while the first is pending.
      await propose(s.chain, {
        from: deployer,
        changes: [parseChange("market.sellFeeBps=80")],
        description: "Voted down",
      });
      await refusedWithoutSending(
        s,
        () => queue(s.chain, { from: deployer, proposal: "#1" }),
        ActionRefused,
        /#1 is Pending: voting ends with block \d+/,
      );
      await advance(s.chain, { to: "start", proposal: "#2" });
      await vote(s.chain, { from: deployer, proposal: "#1", support: "for" });
      await vote(s.chain, { from: holder2, proposal: "#2", support: "for" });
      await vote(s.chain, { from: holder1, proposal: "#2", support: "against" });
      await advance(s.chain, { to: "end", proposal: "#2" });
      const quorum = (await getProposal(s.chain, "#1")).quorum / TOKEN;
      await refusedWithoutSending(
        s,
        () => queue(s.chain, { from: deployer, proposal: "#1" }),
        ActionRefused,
        new RegExp(`Defeated by quorum: for \\+ abstain 50000 of the ${quorum} needed`),
      );
      await refusedWithoutSending(
        s,
        () => queue(s.chain, { from: deployer, proposal: "#2" }),
        ActionRefused,
        /Defeated by votes: for 100000 ≤ against 150000/,
      );
    });

    it("executing before the eta says how long is left", async () => {
      const s = await setUp();
      const [deployer, holder1] = s.accounts as [Address, Address];
      await propose(s.chain, {
        from: deployer,
        changes: [parseChange("market.treasuryShareBps=5500")],
        description: "More to the treasury",
      });
      await refusedWithoutSending(
        s,
        () => execute(s.chain, { from: deployer, proposal: "#1" }),
        ActionRefused,
        /#1 is Pending/,
      );
      await advance(s.chain, { to: "start", proposal: "#1" });
      await vote(s.chain, { from: holder1, proposal: "#1", support: "for" });
      await advance(s.chain, { to: "end", proposal: "#1" });
      await refusedWithoutSending(
        s,
        () => execute(s.chain, { from: deployer, proposal: "#1" }),
        ActionRefused,
        /Succeeded but is not queued yet: queue it first/,
      );
      const { eta } = await queue(s.chain, { from: deployer, proposal: "#1" });
      await refusedWithoutSending(
        s,
        () => execute(s.chain, { from: deployer, proposal: "#1" }),
        ActionRefused,
        new RegExp(
          `may execute from ${isoTime(eta)} \\(unix ${eta}\\), 1 h after the latest block \\(.*Z \\(unix \\d+\\)\\); wait; on this local chain: npx hardhat advance --to eta --id 1`,
        ),
      );
      await advance(s.chain, { seconds: 3000n });
      await refusedWithoutSending(
        s,
        () => execute(s.chain, { from: deployer, proposal: "#1" }),
        ActionRefused,
        /10 min after the latest block/,
      );
    });
  });

  it("a vote with no delegated votes at the snapshot counts 0 and says why", async () => {
    const s = await setUp();
    const [deployer] = s.accounts as [Address];
    const newcomer = s.accounts[8]!;
    await propose(s.chain, { from: deployer, changes: [parseChange("pool.feeBps=40")], description: "Pool fee" });
    await advance(s.chain, { to: "start", proposal: "#1" });
    const result = await vote(s.chain, { from: newcomer, proposal: "#1", support: "for" });
    expect(result.weight).to.equal(0n);
    expect(result.warning).to.match(
      /counted 0: 0x[0-9a-fA-F]{40} had no delegated votes at the snapshot \(block \d+\)/,
    );
  });

  it("names proposals by #N, id or id prefix, and lists them by state", async () => {
    const s = await setUp();
    const a = await propose(s.chain, {
      from: s.accounts[0]!,
      changes: [parseChange("pool.feeBps=40")],
      description: "A",
    });
    const b = await propose(s.chain, {
      from: s.accounts[0]!,
      changes: [parseChange("market.sellFeeBps=80")],
      description: "B",
    });
    const all = await listProposals(s.chain);
    expect(all.map((p) => p.id)).to.deep.equal([a.id, b.id]);
    expect(resolveProposal(all, "#2", "x").id).to.equal(b.id);
    expect(resolveProposal(all, b.id.toString(), "x").index).to.equal(2);
    expect(resolveProposal(all, `0x${a.id.toString(16).padStart(64, "0").slice(0, 8)}`, "x").index).to.equal(1);
    expect(() => resolveProposal(all, "#3", "localhost")).to.throw(
      GovernanceError,
      /no proposal #3 on "localhost"; there are 2: #1 \d{10}…, #2/,
    );
    expect(() => resolveProposal(all, "", "localhost")).to.throw(GovernanceError, /give the proposal with --id/);
    await advance(s.chain, { to: "end", proposal: "#2" });
    expect((await listProposals(s.chain, { state: "Defeated" })).map((p) => p.index)).to.deep.equal([1, 2]);
    expect(await listProposals(s.chain, { state: "Active" })).to.deep.equal([]);
  });

  it("advance works only on a local chain, and only when told how far", async () => {
    const s = await setUp({ waitADay: false });
    const live = { ...s.chain, local: false };
    await refusedWithoutSending(
      s,
      () => advance(live, { blocks: 5n }),
      ActionRefused,
      /not a local chain: its blocks and time move on their own/,
    );
    await refusedWithoutSending(s, () => advance(s.chain, {}), ActionRefused, /say how far/);
    await refusedWithoutSending(s, () => advance(s.chain, { to: "start" }), ActionRefused, /needs the proposal/);
    const before = await s.chain.client.getBlock();
    const moved = await advance(s.chain, { blocks: 5n, seconds: 100n });
    expect(moved.minedBlocks).to.equal(6n);
    expect(moved.timestamp).to.equal(before.timestamp + 105n);
  });
});
