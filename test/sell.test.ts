// A holder sells back to the bonding-curve market with a minimum refund.
import { expect } from "chai";
import { network } from "hardhat";

import { deployFixture } from "./fixtures.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const WAD = 10n ** 18n;

async function holderFixture() {
  const deployment = await deployFixture(connection);
  const { market, quote } = deployment.contracts;
  const trader = (await ethers.getSigners())[9];
  await quote.connect(trader).mint(trader.address, 10n ** 12n);
  await quote.connect(trader).approve(await market.getAddress(), ethers.MaxUint256);
  await market.connect(trader).buyExactTokens(20_000n * WAD, ethers.MaxUint256, trader.address, ethers.MaxUint256);
  return { ...deployment.contracts, trader, deployment };
}

describe("sell", () => {
  it("burns the tokens and pays the quoted refund, fee withheld", async () => {
    const { market, quote, token, trader } = await networkHelpers.loadFixture(holderFixture);
    const amount = 5_000n * WAD;
    const [refund, fee] = await market.quoteSell(amount);
    const [, , treasuryShareBps] = await market.fees();
    const reserveBefore = await market.reserve();
    const quoteBefore = await quote.balanceOf(trader.address);
    const supplyBefore = await token.totalSupply();

    await expect(market.connect(trader).sell(amount, refund, trader.address, ethers.MaxUint256))
      .to.emit(market, "Sold")
      .withArgs(
        trader.address,
        trader.address,
        amount,
        refund,
        fee,
        supplyBefore - amount,
        reserveBefore - (refund + fee) + fee - (fee * treasuryShareBps) / 10_000n,
      );
    expect(await quote.balanceOf(trader.address)).to.equal(quoteBefore + refund);
    expect(await token.totalSupply()).to.equal(supplyBefore - amount);
  });

  it("never returns more than the same amount cost to buy", async () => {
    const { market, quote, trader } = await networkHelpers.loadFixture(holderFixture);
    for (const amount of [1n, 10n ** 12n, WAD, 777n * WAD, 15_000n * WAD]) {
      const before = await quote.balanceOf(trader.address);
      await market.connect(trader).buyExactTokens(amount, ethers.MaxUint256, trader.address, ethers.MaxUint256);
      await market.connect(trader).sell(amount, 0n, trader.address, ethers.MaxUint256);
      expect(await quote.balanceOf(trader.address)).to.be.at.most(before);
    }
  });

  it("refuses a refund below the minimum, naming both", async () => {
    const { market, trader } = await networkHelpers.loadFixture(holderFixture);
    const [refund] = await market.quoteSell(WAD);
    await expect(market.connect(trader).sell(WAD, refund + 1n, trader.address, ethers.MaxUint256))
      .to.be.revertedWithCustomError(market, "SlippageExceeded")
      .withArgs(refund, refund + 1n);
  });

  it("refuses selling more than the supply or more than the seller holds", async () => {
    const { market, token, trader } = await networkHelpers.loadFixture(holderFixture);
    const supply = await market.supply();
    await expect(market.quoteSell(supply + 1n))
      .to.be.revertedWithCustomError(market, "InsufficientSupply")
      .withArgs(supply + 1n, supply);
    const held = await token.balanceOf(trader.address);
    await expect(market.connect(trader).sell(held + 1n, 0n, trader.address, ethers.MaxUint256))
      .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
      .withArgs(trader.address, held, held + 1n);
  });

  it("keeps the reserve able to buy back the whole supply after many trades", async () => {
    const { market, trader } = await networkHelpers.loadFixture(holderFixture);
    for (let i = 1n; i <= 6n; i++) {
      await market
        .connect(trader)
        .buyExactTokens(i * 1_234n * WAD, ethers.MaxUint256, trader.address, ethers.MaxUint256);
      await market.connect(trader).sell(i * 1_000n * WAD, 0n, trader.address, ethers.MaxUint256);
    }
    const [refund, fee] = await market.quoteSell(await market.supply());
    expect(await market.reserve()).to.be.at.least(refund + fee);
  });
});
