// A trader buys from the bonding-curve market: exact tokens with a cost limit, or an exact quote
// amount with a minimum out.
import { expect } from "chai";
import { network } from "hardhat";

import { deployFixture } from "./fixtures.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const WAD = 10n ** 18n;

async function traderFixture() {
  const deployment = await deployFixture(connection);
  const { market, quote, token } = deployment.contracts;
  const trader = (await ethers.getSigners())[9];
  await quote.connect(trader).mint(trader.address, 10n ** 12n);
  await quote.connect(trader).approve(await market.getAddress(), ethers.MaxUint256);
  return { ...deployment.contracts, market, quote, token, trader, deployment };
}

const deadline = async () => BigInt(await networkHelpers.time.latest()) + 600n;

describe("buy", () => {
  it("buys exact tokens at the quoted cost, splitting the fee between treasury and reserve", async () => {
    const { market, quote, token, trader } = await networkHelpers.loadFixture(traderFixture);
    const amount = 5_000n * WAD;
    const [cost, fee] = await market.quoteBuyExactTokens(amount);
    const [, , treasuryShareBps] = await market.fees();
    const reserveBefore = await market.reserve();
    const supplyBefore = await market.supply();
    const accruedBefore = await market.treasuryAccrued();

    await expect(market.connect(trader).buyExactTokens(amount, cost, trader.address, await deadline()))
      .to.emit(market, "Bought")
      .withArgs(
        trader.address,
        trader.address,
        amount,
        cost,
        fee,
        supplyBefore + amount,
        reserveBefore + cost - (fee * treasuryShareBps) / 10_000n,
      );
    expect(await token.balanceOf(trader.address)).to.equal(amount);
    expect(await token.totalSupply()).to.equal(supplyBefore + amount);
    expect(await market.treasuryAccrued()).to.equal(accruedBefore + (fee * treasuryShareBps) / 10_000n);
    expect(await quote.balanceOf(await market.getAddress())).to.equal(
      (await market.reserve()) + (await market.treasuryAccrued()),
    );
  });

  it("raises the price as supply grows", async () => {
    const { market, trader } = await networkHelpers.loadFixture(traderFixture);
    const before = await market.priceWad();
    await market.connect(trader).buyExactTokens(10_000n * WAD, ethers.MaxUint256, trader.address, await deadline());
    expect(await market.priceWad()).to.be.greaterThan(before);
  });

  it("refuses a cost above the limit, naming both", async () => {
    const { market, trader } = await networkHelpers.loadFixture(traderFixture);
    const [cost] = await market.quoteBuyExactTokens(WAD);
    await expect(market.connect(trader).buyExactTokens(WAD, cost - 1n, trader.address, await deadline()))
      .to.be.revertedWithCustomError(market, "SlippageExceeded")
      .withArgs(cost, cost - 1n);
  });

  it("refuses an expired deadline, a zero amount, and a supply past the cap", async () => {
    const { market, trader } = await networkHelpers.loadFixture(traderFixture);
    const now = BigInt(await networkHelpers.time.latest());
    await expect(market.connect(trader).buyExactTokens(WAD, ethers.MaxUint256, trader.address, now - 1n))
      .to.be.revertedWithCustomError(market, "DeadlineExpired")
      .withArgs(now - 1n, now + 1n);
    await expect(
      market.connect(trader).buyExactTokens(0n, ethers.MaxUint256, trader.address, await deadline()),
    ).to.be.revertedWithCustomError(market, "ZeroAmount");
    const cap = await market.maxSupply();
    const room = cap - (await market.supply());
    await expect(market.connect(trader).buyExactTokens(room + 1n, ethers.MaxUint256, trader.address, await deadline()))
      .to.be.revertedWithCustomError(market, "SupplyCapExceeded")
      .withArgs(cap + 1n, cap);
  });

  it("spends exactly the quote given on as many tokens as it buys", async () => {
    const { market, quote, token, trader } = await networkHelpers.loadFixture(traderFixture);
    const quoteIn = 250n * 10n ** 6n;
    const [amount, fee] = await market.quoteBuyExactQuote(quoteIn);
    const before = await quote.balanceOf(trader.address);
    await expect(market.connect(trader).buyExactQuote(quoteIn, amount, trader.address, await deadline()))
      .to.emit(market, "Bought")
      .withArgs(
        trader.address,
        trader.address,
        amount,
        quoteIn,
        fee,
        (await market.supply()) + amount,
        (v: bigint) => v > 0n,
      );
    expect(before - (await quote.balanceOf(trader.address))).to.equal(quoteIn);
    expect(await token.balanceOf(trader.address)).to.equal(amount);
    // The amount is the most the budget buys: one more token's worth would cost more than quoteIn.
    const [costOfMore] = await market.quoteBuyExactTokens(amount + amount / 1_000_000n + 1n);
    expect(costOfMore).to.be.greaterThan(quoteIn);
  });

  it("refuses an exact-quote buy below the minimum out", async () => {
    const { market, trader } = await networkHelpers.loadFixture(traderFixture);
    const quoteIn = 10n ** 6n;
    const [amount] = await market.quoteBuyExactQuote(quoteIn);
    await expect(market.connect(trader).buyExactQuote(quoteIn, amount + 1n, trader.address, await deadline()))
      .to.be.revertedWithCustomError(market, "SlippageExceeded")
      .withArgs(amount, amount + 1n);
  });

  it("refuses trading while paused", async () => {
    const { market, trader, deployment } = await networkHelpers.loadFixture(traderFixture);
    await market.connect(await ethers.getSigner(deployment.accounts.guardian)).pause();
    await expect(
      market.connect(trader).buyExactTokens(WAD, ethers.MaxUint256, trader.address, await deadline()),
    ).to.be.revertedWithCustomError(market, "MarketPaused");
    await expect(
      market.connect(trader).buyExactQuote(10n ** 6n, 0n, trader.address, await deadline()),
    ).to.be.revertedWithCustomError(market, "MarketPaused");
  });
});
