import { expect } from "chai";
import { network } from "hardhat";

import { signPermit } from "./helpers/permit.ts";

const { ethers, networkHelpers } = await network.create();

describe("ArenaToken", () => {
  async function tokenFixture() {
    const [deployer, market, alice, bob] = await ethers.getSigners();
    const token = await ethers.deployContract("ArenaToken", ["Arena", "ARENA", market.address]);
    return { token, deployer, market, alice, bob };
  }

  it("fixes its minter at construction and refuses none", async () => {
    const [, market] = await ethers.getSigners();
    const token = await ethers.deployContract("ArenaToken", ["Arena", "ARENA", market.address]);
    expect(await token.minter()).to.equal(market.address);
    await expect(token.deploymentTransaction()).to.emit(token, "MinterSet").withArgs(market.address);
    const factory = await ethers.getContractFactory("ArenaToken");
    await expect(factory.deploy("Arena", "ARENA", ethers.ZeroAddress))
      .to.be.revertedWithCustomError(factory, "InvalidMinter")
      .withArgs(ethers.ZeroAddress);
  });

  it("mints and burns only through the minter", async () => {
    const { token, market, alice } = await networkHelpers.loadFixture(tokenFixture);
    await token.connect(market).mint(alice.address, 1000n);
    expect(await token.balanceOf(alice.address)).to.equal(1000n);
    await expect(token.connect(alice).mint(alice.address, 1n))
      .to.be.revertedWithCustomError(token, "NotMinter")
      .withArgs(alice.address, market.address);
    await expect(token.connect(alice).burn(alice.address, 1n))
      .to.be.revertedWithCustomError(token, "NotMinter")
      .withArgs(alice.address, market.address);
    await token.connect(market).burn(alice.address, 400n);
    expect(await token.balanceOf(alice.address)).to.equal(600n);
    expect(await token.totalSupply()).to.equal(600n);
  });

  it("checkpoints delegated votes per block, through mints, transfers and burns", async () => {
    const { token, market, alice, bob } = await networkHelpers.loadFixture(tokenFixture);
    await token.connect(alice).delegate(alice.address);
    await token.connect(market).mint(alice.address, 500n);
    const afterMint = await ethers.provider.getBlockNumber();
    await token.connect(alice).transfer(bob.address, 200n);
    await token.connect(market).burn(alice.address, 100n);
    await networkHelpers.mine(1);
    expect(await token.getPastVotes(alice.address, afterMint)).to.equal(500n);
    expect(await token.getVotes(alice.address)).to.equal(200n);
    expect(await token.getVotes(bob.address)).to.equal(0n); // bob never delegated
  });

  it("does not checkpoint the total supply: the Governor records it per proposal", async () => {
    const { token, market, alice } = await networkHelpers.loadFixture(tokenFixture);
    await token.connect(market).mint(alice.address, 500n);
    await networkHelpers.mine(2);
    const past = (await ethers.provider.getBlockNumber()) - 1;
    await expect(token.getPastTotalSupply(past))
      .to.be.revertedWithCustomError(token, "TotalSupplyNotCheckpointed")
      .withArgs(past);
  });

  it("accepts an EIP-2612 permit", async () => {
    const { token, alice, bob } = await networkHelpers.loadFixture(tokenFixture);
    const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
    const value = 123n;
    const { v, r, s } = await signPermit(token, alice, bob.address, value, deadline);
    await token.permit(alice.address, bob.address, value, deadline, v, r, s);
    expect(await token.allowance(alice.address, bob.address)).to.equal(value);
    expect(await token.nonces(alice.address)).to.equal(1n);
  });
});
