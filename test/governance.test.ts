// End to end: a parameter change goes through the real Governor and Timelock, and the very next
// trade pays the new price, to the wei.
import { expect } from "chai";
import { network } from "hardhat";

import type { Deployment } from "../agents/deploy/deploy.ts";
import { ceilDiv } from "../agents/core/bigint.ts";
import { deployFixture } from "./fixtures.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const WAD = 10n ** 18n;
const QUOTE_UNIT_WAD = 10n ** 12n; // 6-decimal quote
const FOR = 1;
const AGAINST = 0;
const ProposalState = { Active: 1n, Defeated: 3n, Succeeded: 4n, Queued: 5n, Executed: 7n } as const;

/** What buyExactTokens charges on a linear curve: ⌈⌈∫⌉·scale⌉ in quote units, plus the fee rounded up. */
function linearBuyCost(
  slope: bigint,
  base: bigint,
  scale: bigint,
  supply: bigint,
  amount: bigint,
  feeBps: bigint,
): bigint {
  const integralWad = ceilDiv(slope * amount * (2n * supply + amount) + 2n * WAD * base * amount, 2n * WAD * WAD);
  const curveCost = ceilDiv(ceilDiv(integralWad * scale, WAD), QUOTE_UNIT_WAD);
  return curveCost + ceilDiv(curveCost * feeBps, 10_000n);
}

async function proposeAndPass(deployment: Deployment, description: string, calls: { target: string; data: string }[]) {
  const { governor, timelock } = deployment.contracts;
  const [proposer, voter] = await ethers.getSigners();
  const targets = calls.map((c) => c.target);
  const values = calls.map(() => 0n);
  const calldatas = calls.map((c) => c.data);
  const descriptionHash = ethers.id(description);
  await governor.connect(proposer).propose(targets, values, calldatas, description);
  const proposalId = await governor.hashProposal(targets, values, calldatas, descriptionHash);
  await networkHelpers.mine(Number(await governor.votingDelay()) + 1);
  await governor.connect(voter).castVote(proposalId, FOR);
  await networkHelpers.mine(Number(await governor.votingPeriod()));
  expect(await governor.state(proposalId)).to.equal(ProposalState.Succeeded);
  await governor.queue(targets, values, calldatas, descriptionHash);
  expect(await governor.state(proposalId)).to.equal(ProposalState.Queued);
  await networkHelpers.time.increase(Number(await timelock.getMinDelay()));
  const execution = await governor.execute(targets, values, calldatas, descriptionHash);
  expect(await governor.state(proposalId)).to.equal(ProposalState.Executed);
  return { proposalId, execution };
}

function fixture() {
  return deployFixture(connection);
}

describe("governance end to end", () => {
  it("propose, vote, queue, wait the delay, execute: the next trade uses the new base price", async () => {
    const deployment = await networkHelpers.loadFixture(fixture);
    const { store, market, quote } = deployment.contracts;
    const trader = (await ethers.getSigners())[9];
    await quote.connect(trader).mint(trader.address, 10n ** 12n);
    await quote.connect(trader).approve(await market.getAddress(), ethers.MaxUint256);

    const key = ethers.encodeBytes32String("curve.basePrice");
    const oldBase = await store.get(key);
    const newBase = (oldBase * 90n) / 100n; // within the 20% step
    await networkHelpers.time.increase(Number((await store.parameter(key)).minIntervalSeconds));

    const { execution } = await proposeAndPass(deployment, "Lower the base price by 10%", [
      { target: await store.getAddress(), data: store.interface.encodeFunctionData("set", [key, newBase]) },
    ]);
    await expect(execution).to.emit(store, "ParameterSet").withArgs(key, oldBase, newBase);
    await expect(execution).to.emit(market, "ParametersSynced");

    const [slope, base] = await market.curveParameters();
    expect(base).to.equal(newBase);
    expect(await market.scaleWad()).to.equal(WAD); // a cheaper curve never needs renormalising

    const amount = 1_000n * WAD;
    const [buyFeeBps] = await market.fees();
    const expected = linearBuyCost(slope, newBase, WAD, await market.supply(), amount, buyFeeBps);
    const before = await quote.balanceOf(trader.address);
    await market.connect(trader).buyExactTokens(amount, expected, trader.address, ethers.MaxUint256);
    expect(before - (await quote.balanceOf(trader.address))).to.equal(expected);
  });

  it("a retune that would leave the reserve short renormalises the curve, and the reserve still covers the supply", async () => {
    const deployment = await networkHelpers.loadFixture(fixture);
    const { store, market } = deployment.contracts;
    const key = ethers.encodeBytes32String("curve.basePrice");
    const newBase = ((await store.get(key)) * 120n) / 100n;
    await networkHelpers.time.increase(Number((await store.parameter(key)).minIntervalSeconds));

    const { execution } = await proposeAndPass(deployment, "Raise the base price by 20%", [
      { target: await store.getAddress(), data: store.interface.encodeFunctionData("set", [key, newBase]) },
    ]);
    await expect(execution).to.emit(market, "Renormalised");
    const scale = await market.scaleWad();
    expect(scale).to.be.lessThan(WAD);
    const supply = await market.supply();
    const [refund, fee] = await market.quoteSell(supply);
    expect(await market.reserve()).to.be.at.least(refund + fee);
    // The renormalised curve uses (almost) all of the reserve: less than one quote unit per WAD of scale is left.
    expect((await market.reserve()) - (refund + fee)).to.be.lessThan(2n + (await market.reserve()) / 10n ** 15n);
  });

  it("only governance unpauses what the guardian paused", async () => {
    const deployment = await networkHelpers.loadFixture(fixture);
    const { contracts, accounts } = deployment;
    const { market } = contracts;
    const guardian = await ethers.getSigner(accounts.guardian);
    await expect(market.connect(guardian).pause()).to.emit(market, "Paused").withArgs(accounts.guardian);
    await expect(market.connect(guardian).unpause())
      .to.be.revertedWithCustomError(market, "Unauthorized")
      .withArgs(accounts.guardian);
    await expect(
      market.buyExactTokens(1n, ethers.MaxUint256, accounts.guardian, ethers.MaxUint256),
    ).to.be.revertedWithCustomError(market, "MarketPaused");

    const { execution } = await proposeAndPass(deployment, "Resume trading", [
      { target: await market.getAddress(), data: market.interface.encodeFunctionData("unpause") },
    ]);
    await expect(execution).to.emit(market, "Unpaused").withArgs(accounts.treasury);
    expect(await market.paused()).to.equal(false);
  });

  it("takes the quorum from the supply recorded when the proposal was created", async () => {
    const { contracts } = await networkHelpers.loadFixture(fixture);
    const { governor, token, store } = contracts;
    const [proposer] = await ethers.getSigners();
    const key = ethers.encodeBytes32String("market.buyFeeBps");
    const calldatas = [store.interface.encodeFunctionData("set", [key, 50n])];
    const targets = [await store.getAddress()];
    const supplyAtProposal = await token.totalSupply();
    await governor.connect(proposer).propose(targets, [0n], calldatas, "Halve the buy fee");
    const proposalId = await governor.hashProposal(targets, [0n], calldatas, ethers.id("Halve the buy fee"));
    const snapshot = await governor.proposalSnapshot(proposalId);
    const expected =
      (supplyAtProposal * (await governor["quorumNumerator()"]())) / (await governor.quorumDenominator());
    expect(await governor.quorum(snapshot)).to.equal(expected);
    await expect(governor.quorum(snapshot + 1n))
      .to.be.revertedWithCustomError(governor, "NoSupplySnapshot")
      .withArgs(snapshot + 1n);
  });

  it("defeats a proposal that misses the quorum", async () => {
    const { contracts } = await networkHelpers.loadFixture(fixture);
    const { governor, store } = contracts;
    const signers = await ethers.getSigners();
    const [proposer] = signers;
    const targets = [await store.getAddress()];
    const calldatas = [
      store.interface.encodeFunctionData("set", [ethers.encodeBytes32String("market.sellFeeBps"), 50n]),
    ];
    await governor.connect(proposer).propose(targets, [0n], calldatas, "Halve the sell fee");
    const proposalId = await governor.hashProposal(targets, [0n], calldatas, ethers.id("Halve the sell fee"));
    await networkHelpers.mine(Number(await governor.votingDelay()) + 1);
    const snapshot = await governor.proposalSnapshot(proposalId);
    const proposerVotes = await governor.getVotes(proposer.address, snapshot);
    expect(proposerVotes).to.be.lessThan(await governor.quorum(snapshot)); // the premise of this test
    await governor.connect(proposer).castVote(proposalId, FOR);
    await governor.connect(signers[2]).castVote(proposalId, AGAINST);
    await networkHelpers.mine(Number(await governor.votingPeriod()));
    expect(await governor.state(proposalId)).to.equal(ProposalState.Defeated);
  });
});
