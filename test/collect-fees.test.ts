// Anyone sends the treasury's accrued trading fees to the treasury.
import { expect } from "chai";
import { network } from "hardhat";

import { deployFixture } from "./fixtures.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

function fixture() {
  return deployFixture(connection);
}

describe("collect fees", () => {
  it("sends the quote above the reserve to the treasury, and refuses when there is none", async () => {
    const deployment = await networkHelpers.loadFixture(fixture);
    const { market, quote } = deployment.contracts;
    const treasury = deployment.accounts.treasury;
    const trader = (await ethers.getSigners())[9];
    await expect(market.collectFees()).to.be.revertedWithCustomError(market, "NothingToCollect");

    await quote.connect(trader).mint(trader.address, 10n ** 12n);
    await quote.connect(trader).approve(await market.getAddress(), ethers.MaxUint256);
    const [, fee] = await market.quoteBuyExactTokens(10_000n * 10n ** 18n);
    await market
      .connect(trader)
      .buyExactTokens(10_000n * 10n ** 18n, ethers.MaxUint256, trader.address, ethers.MaxUint256);
    const [, , treasuryShareBps] = await market.fees();
    const accrued = (fee * treasuryShareBps) / 10_000n;
    expect(await market.treasuryAccrued()).to.equal(accrued);

    const reserve = await market.reserve();
    const before = await quote.balanceOf(treasury);
    await expect(market.connect(trader).collectFees()).to.emit(market, "FeesCollected").withArgs(treasury, accrued);
    expect(await quote.balanceOf(treasury)).to.equal(before + accrued);
    expect(await market.reserve()).to.equal(reserve);
    expect(await market.treasuryAccrued()).to.equal(0n);
  });
});
