// Staking's section of a genesis file: read to the contract's units, its budget minted to the
// contract and its parameters defined in the store with the contract as their consumer; every value
// the constructor or _setParameter would refuse (LockTooLong, ParameterOutOfRange) refused first,
// naming the field; a bound governance could move a parameter to that the contract refuses, refused too.

import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import { GenesisError, type DocumentIssue } from "../agents/core/document-reader.ts";
import { MAX_LOCK_SECONDS, MAX_SUPPLY } from "../agents/core/limits.ts";
import { keyToBytes32 } from "../agents/core/parameters.ts";
import { formatDecimal } from "../agents/core/units.ts";
import { deploySystem } from "../agents/deploy/deploy.ts";
import { genesisWithParameters } from "../agents/experiment/genesis-parameters.ts";
import { loadGenesis, parseGenesis } from "../agents/inputs/genesis.ts";

const { ethers, networkHelpers } = await network.create();
const TOKEN = 10n ** 18n;

function withStaking(change: (g: Record<string, any>) => void): Record<string, any> {
  const g = JSON.parse(readFileSync("genesis/staking.json", "utf8"));
  change(g);
  return g;
}

function issuesOf(input: unknown): DocumentIssue[] {
  try {
    parseGenesis(input, "genesis/test.json");
  } catch (error) {
    expect(error).to.be.instanceOf(GenesisError);
    return (error as GenesisError).issues;
  }
  throw new Error("the genesis was accepted");
}

describe("staking genesis", function () {
  this.timeout(60_000);

  it("reads genesis/staking.json to the contract's units, with the rule's two store parameters", async () => {
    const g = await loadGenesis("genesis/staking.json");
    expect(g.staking).to.deep.equal({
      budget: 1_000_000n * TOKEN,
      rewardPerDay: 5_000n * TOKEN,
      targetStaked: 500_000n * TOKEN,
      lockSeconds: 7 * 86_400,
      votes: "lose",
    });
    const staking = g.parameters.filter((p) => p.key.startsWith("staking."));
    expect(staking.map((p) => [p.key, p.value, p.consumer])).to.deep.equal([
      ["staking.rewardPerDay", 5_000n * TOKEN, "staking"],
      ["staking.targetStaked", 500_000n * TOKEN, "staking"],
    ]);
    expect((await loadGenesis("genesis/default.json")).staking).to.equal(undefined);
  });

  it("deploys the contract with the budget minted to it, registered as its parameters' consumer, staked tokens without votes", async () => {
    const fixture = async () => deploySystem(ethers, await loadGenesis("genesis/staking.json"));
    const d = await networkHelpers.loadFixture(fixture);
    const staking = d.contracts.staking!;
    const address = await staking.getAddress();
    expect(d.addresses.staking).to.equal(address);
    expect(await d.contracts.token.balanceOf(address)).to.equal(1_000_000n * TOKEN);
    expect(await staking.budget()).to.equal(1_000_000n * TOKEN);
    expect(await staking.lockSeconds()).to.equal(7n * 86_400n);
    for (const key of ["staking.rewardPerDay", "staking.targetStaked"])
      expect((await d.contracts.store.parameter(keyToBytes32(key))).consumer, key).to.equal(address);
    const state = await staking.state();
    expect([state.rewardPerDay, state.targetStaked]).to.deep.equal([5_000n * TOKEN, 500_000n * TOKEN]);
    expect(await d.contracts.token.delegates(address)).to.equal(ethers.ZeroAddress);
  });

  it("refuses a lock-up the constructor refuses (LockTooLong), naming staking.lock", () => {
    const issues = issuesOf(withStaking((g) => (g.staking.lock = `${Number(MAX_LOCK_SECONDS) + 1}`)));
    expect(issues.map((i) => i.path)).to.deep.equal(["staking.lock"]);
    expect(issues[0]!.expected).to.contain(`at most ${MAX_LOCK_SECONDS} seconds`);
  });

  it("refuses rule values and bounds beyond what _setParameter takes (ParameterOutOfRange), and a zero budget", () => {
    const tooMuch = formatDecimal(MAX_SUPPLY + 1n, 18);
    const issues = issuesOf(
      withStaking((g) => {
        g.staking.rewardPerDay = tooMuch;
        g.staking.budget = "0";
        g.parameters["staking.targetStaked"].max = tooMuch;
      }),
    );
    expect(issues.map((i) => i.path).sort()).to.deep.equal(
      ['parameters["staking.targetStaked"].max', "staking.budget", "staking.rewardPerDay"].sort(),
    );
    expect(issues.find((i) => i.path === "staking.budget")!.expected).to.contain("greater than 0");
  });

  it('refuses votes: "keep" with why, and a rule value outside its bounds; needs bounds for both parameters', () => {
    const keep = issuesOf(withStaking((g) => (g.staking.votes = "keep")));
    expect(keep.map((i) => i.path)).to.deep.equal(["staking.votes"]);
    expect(keep[0]!.fix).to.contain("not built");
    const outside = issuesOf(withStaking((g) => (g.staking.rewardPerDay = "60000")));
    expect(outside.map((i) => i.path)).to.deep.equal(["staking.rewardPerDay"]);
    expect(outside[0]!.expected).to.contain("within the bounds");
    const unbounded = issuesOf(withStaking((g) => delete g.parameters["staking.targetStaked"]));
    expect(unbounded.map((i) => i.path)).to.deep.equal(['parameters["staking.targetStaked"]']);
  });

  it("takes staking's store keys as an experiment's launch values, written into the file in whole tokens", () => {
    const document = JSON.parse(readFileSync("genesis/staking.json", "utf8"));
    const g = genesisWithParameters(document, "genesis/staking.json", [
      { key: "staking.rewardPerDay", value: 2_500n * TOKEN },
      { key: "staking.targetStaked", value: 750_000n * TOKEN },
    ]);
    expect([g.staking!.rewardPerDay, g.staking!.targetStaked]).to.deep.equal([2_500n * TOKEN, 750_000n * TOKEN]);
    expect(g.parameters.find((p) => p.key === "staking.rewardPerDay")!.value).to.equal(2_500n * TOKEN);
    // Outside the bounds: the genesis reader's own error, naming the field.
    expect(() =>
      genesisWithParameters(document, "genesis/staking.json", [
        { key: "staking.rewardPerDay", value: 60_000n * TOKEN },
      ]),
    ).to.throw(GenesisError, /staking\.rewardPerDay/);
  });

  it("counts the budget in the genesis supply: the reserve must cover it", () => {
    const issues = issuesOf(withStaking((g) => (g.reserve = "24500")));
    expect(issues.map((i) => i.path)).to.deep.equal(["reserve"]);
  });
});
