import { expect } from "chai";
import { network } from "hardhat";
import type { ContractTransactionResponse, Log } from "ethers";

import type { ConstantProductPool, TestERC20 } from "../types/ethers-contracts/index.js";
import { sqrtDown } from "../agents/core/bigint.ts";

const { ethers, networkHelpers } = await network.create();

const FEE_KEY = ethers.encodeBytes32String("pool.feeBps");
const MAX_FEE_BPS = 1_000n;
const MINIMUM_LIQUIDITY = 1_000n;
const DEAD = "0x000000000000000000000000000000000000dEaD";
const NO_DEADLINE = ethers.MaxUint256;
const FUNDS = 10n ** 32n;
/** Gas of one swap through the Uniswap V2 router (router + pair), per transaction. */
const V2_ROUTER_SWAP_GAS = 101_876n;

/* Uniswap V2, literally: UniswapV2Library's getAmountOut/getAmountIn/quote with 997/1000, the
 * router's _addLiquidity and the pair's mint/burn, in bigint. */
const v2 = {
  getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
    const amountInWithFee = amountIn * 997n;
    return (amountInWithFee * reserveOut) / (reserveIn * 1000n + amountInWithFee);
  },
  getAmountIn(amountOut: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
    return (reserveIn * amountOut * 1000n) / ((reserveOut - amountOut) * 997n) + 1n;
  },
  quote(amountA: bigint, reserveA: bigint, reserveB: bigint): bigint {
    return (amountA * reserveB) / reserveA;
  },
};

/** The same formulas for any fee in bps (the pool's general form). */
function amountOutWithFee(amountIn: bigint, reserveIn: bigint, reserveOut: bigint, feeBps: bigint): bigint {
  const amountInAfterFee = amountIn * (10_000n - feeBps);
  return (amountInAfterFee * reserveOut) / (reserveIn * 10_000n + amountInAfterFee);
}

type MintResult = { amountToken: bigint; amountQuote: bigint; liquidity: bigint };
type Failure = { error: string; args: bigint[] };

/** A V2 pair plus router, tracking reserves and total shares; returns the error V2 would raise. */
class V2Model {
  reserveToken = 0n;
  reserveQuote = 0n;
  totalSupply = 0n;

  mint(tokenDesired: bigint, quoteDesired: bigint): MintResult | Failure {
    let amountToken = tokenDesired;
    let amountQuote = quoteDesired;
    if (this.reserveToken !== 0n || this.reserveQuote !== 0n) {
      const quoteOptimal = v2.quote(tokenDesired, this.reserveToken, this.reserveQuote);
      if (quoteOptimal <= quoteDesired) amountQuote = quoteOptimal;
      else amountToken = v2.quote(quoteDesired, this.reserveQuote, this.reserveToken);
    }
    let liquidity: bigint;
    let minted: bigint;
    if (this.totalSupply === 0n) {
      const root = sqrtDown(amountToken * amountQuote);
      liquidity = root > MINIMUM_LIQUIDITY ? root - MINIMUM_LIQUIDITY : 0n;
      minted = liquidity + MINIMUM_LIQUIDITY;
    } else {
      const byToken = (amountToken * this.totalSupply) / this.reserveToken;
      const byQuote = (amountQuote * this.totalSupply) / this.reserveQuote;
      liquidity = byToken < byQuote ? byToken : byQuote;
      minted = liquidity;
    }
    if (liquidity === 0n) return { error: "InsufficientLiquidityMinted", args: [0n] };
    this.reserveToken += amountToken;
    this.reserveQuote += amountQuote;
    this.totalSupply += minted;
    return { amountToken, amountQuote, liquidity };
  }

  burn(liquidity: bigint): { amountToken: bigint; amountQuote: bigint } | Failure {
    const amountToken = (liquidity * this.reserveToken) / this.totalSupply;
    const amountQuote = (liquidity * this.reserveQuote) / this.totalSupply;
    if (amountToken === 0n || amountQuote === 0n) {
      return { error: "InsufficientLiquidityBurned", args: [amountToken, amountQuote] };
    }
    this.reserveToken -= amountToken;
    this.reserveQuote -= amountQuote;
    this.totalSupply -= liquidity;
    return { amountToken, amountQuote };
  }

  swap(sellToken: boolean, amountIn: bigint): bigint | Failure {
    const [reserveIn, reserveOut] = sellToken
      ? [this.reserveToken, this.reserveQuote]
      : [this.reserveQuote, this.reserveToken];
    const amountOut = v2.getAmountOut(amountIn, reserveIn, reserveOut);
    if (amountOut === 0n) return { error: "InsufficientOutput", args: [0n, 0n] };
    if (sellToken) {
      this.reserveToken += amountIn;
      this.reserveQuote -= amountOut;
    } else {
      this.reserveQuote += amountIn;
      this.reserveToken -= amountOut;
    }
    return amountOut;
  }
}

function isFailure(result: unknown): result is Failure {
  return typeof result === "object" && result !== null && "error" in result;
}

/** splitmix64: a small seeded generator, so every random sequence here replays exactly. */
function seededRandom(seed: bigint) {
  const MASK = (1n << 64n) - 1n;
  let state = seed & MASK;
  const next = (): bigint => {
    state = (state + 0x9e3779b97f4a7c15n) & MASK;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    return z ^ (z >> 31n);
  };
  const below = (n: bigint): bigint => ((next() << 64n) | next()) % n;
  /** 1 ≤ amount ≤ 10^maxDigits, spread evenly over orders of magnitude. */
  const amount = (maxDigits: number): bigint => below(10n ** (below(BigInt(maxDigits)) + 1n)) + 1n;
  return { next, below, amount };
}

async function deployPool(tokenDecimals: number, quoteDecimals: number, feeBps = 30n) {
  const [deployer, lp, trader, lp2, trader2] = await ethers.getSigners();
  const token = await ethers.deployContract("TestERC20", ["Arena", "ARENA", tokenDecimals]);
  const quote = await ethers.deployContract("TestERC20", ["Quote", "USDQ", quoteDecimals]);
  const store = await ethers.deployContract("MockParameterStore", [FEE_KEY, feeBps]);
  const pool = await ethers.deployContract("ConstantProductPool", [token, quote, store]);
  await store.setConsumer(FEE_KEY, pool);
  for (const user of [lp, trader, lp2, trader2]) {
    await token.mint(user, FUNDS);
    await quote.mint(user, FUNDS);
    await token.connect(user).approve(pool, ethers.MaxUint256);
    await quote.connect(user).approve(pool, ethers.MaxUint256);
  }
  return { deployer, lp, trader, lp2, trader2, token, quote, store, pool };
}

async function deployFixture() {
  return deployPool(18, 6);
}

/** Reserves 5e18 / 10e18, the published V2 example's. */
async function seededFixture() {
  const fixture = await deployPool(18, 18);
  await fixture.pool.connect(fixture.lp).addLiquidity(5n * 10n ** 18n, 10n * 10n ** 18n, 0, 0, fixture.lp, NO_DEADLINE);
  return fixture;
}

async function eventArgs(pool: ConstantProductPool, tx: ContractTransactionResponse, name: string) {
  const receipt = await tx.wait();
  const logs = (receipt?.logs ?? []).filter((log: Log) => log.address === (pool.target as string));
  for (const log of logs) {
    const parsed = pool.interface.parseLog(log);
    if (parsed?.name === name) return parsed.args;
  }
  throw new Error(`no ${name} event`);
}

async function expectReserves(
  pool: ConstantProductPool,
  token: TestERC20,
  quote: TestERC20,
  reserves: [bigint, bigint],
) {
  expect(await pool.getReserves()).to.deep.equal(reserves);
  expect(await token.balanceOf(pool)).to.equal(reserves[0]);
  expect(await quote.balanceOf(pool)).to.equal(reserves[1]);
}

describe("ConstantProductPool", function () {
  describe("deployment", function () {
    it("is the Arena LP share token, reads the fee from the store and starts empty", async function () {
      const { pool, token, quote, store } = await networkHelpers.loadFixture(deployFixture);
      expect(await pool.name()).to.equal("Arena LP");
      expect(await pool.symbol()).to.equal("ALP");
      expect(await pool.decimals()).to.equal(18n);
      expect(await pool.token()).to.equal(await token.getAddress());
      expect(await pool.quote()).to.equal(await quote.getAddress());
      expect(await pool.parameterStore()).to.equal(await store.getAddress());
      expect(await pool.feeBps()).to.equal(30n);
      expect(await pool.getReserves()).to.deep.equal([0n, 0n]);
      expect(await pool.priceWad()).to.equal(0n);
      await expect(pool.deploymentTransaction()).to.emit(pool, "FeeUpdated").withArgs(0n, 30n);
    });

    it("refuses a fee above MAX_FEE_BPS in the store", async function () {
      const { token, quote } = await networkHelpers.loadFixture(deployFixture);
      const store = await ethers.deployContract("MockParameterStore", [FEE_KEY, MAX_FEE_BPS + 1n]);
      const factory = await ethers.getContractFactory("ConstantProductPool");
      await expect(factory.deploy(token, quote, store))
        .to.be.revertedWithCustomError(factory, "FeeOutOfRange")
        .withArgs(MAX_FEE_BPS + 1n, MAX_FEE_BPS);
    });

    it("refuses identical, zero and over-precise tokens", async function () {
      const { token, quote, store } = await networkHelpers.loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("ConstantProductPool");
      await expect(factory.deploy(token, token, store))
        .to.be.revertedWithCustomError(factory, "IdenticalTokens")
        .withArgs(await token.getAddress());
      await expect(factory.deploy(ethers.ZeroAddress, quote, store))
        .to.be.revertedWithCustomError(factory, "InvalidToken")
        .withArgs(ethers.ZeroAddress);
      await expect(factory.deploy(token, ethers.ZeroAddress, store))
        .to.be.revertedWithCustomError(factory, "InvalidToken")
        .withArgs(ethers.ZeroAddress);
      const weird = await ethers.deployContract("TestERC20", ["Weird", "W", 37]);
      await expect(factory.deploy(token, weird, store))
        .to.be.revertedWithCustomError(factory, "UnsupportedDecimals")
        .withArgs(await weird.getAddress(), 37n, 36n);
    });
  });

  describe("addLiquidity", function () {
    it("first deposit mints sqrt(x·y) − 1000 shares and locks 1000 at DEAD", async function () {
      const { pool, token, quote, lp } = await networkHelpers.loadFixture(deployFixture);
      const amountToken = 1_000n * 10n ** 18n;
      const amountQuote = 2_500n * 10n ** 6n;
      const expected = sqrtDown(amountToken * amountQuote) - MINIMUM_LIQUIDITY;
      const tx = pool.connect(lp).addLiquidity(amountToken, amountQuote, 0, 0, lp, NO_DEADLINE);
      await expect(tx)
        .to.emit(pool, "Mint")
        .withArgs(lp.address, lp.address, amountToken, amountQuote, expected)
        .and.to.emit(pool, "Sync")
        .withArgs(amountToken, amountQuote);
      await expect(tx).to.changeTokenBalances(ethers, token, [lp, pool], [-amountToken, amountToken]);
      expect(await pool.balanceOf(lp)).to.equal(expected);
      expect(await pool.balanceOf(DEAD)).to.equal(MINIMUM_LIQUIDITY);
      expect(await pool.totalSupply()).to.equal(expected + MINIMUM_LIQUIDITY);
      await expectReserves(pool, token, quote, [amountToken, amountQuote]);
    });

    it("later deposits take the optimal pair and mint min(dx·T/x, dy·T/y)", async function () {
      const { pool, token, quote, lp, lp2 } = await networkHelpers.loadFixture(deployFixture);
      await pool.connect(lp).addLiquidity(3n * 10n ** 18n, 7n * 10n ** 6n, 0, 0, lp, NO_DEADLINE);
      const model = new V2Model();
      model.mint(3n * 10n ** 18n, 7n * 10n ** 6n);

      // Quote is the scarce side: all the token desired, the quote the ratio asks for.
      let expected = model.mint(10n ** 18n, 10n ** 7n) as MintResult;
      expect(expected.amountQuote).to.equal(v2.quote(10n ** 18n, 3n * 10n ** 18n, 7n * 10n ** 6n));
      const quoteBefore = await quote.balanceOf(lp2);
      await expect(pool.connect(lp2).addLiquidity(10n ** 18n, 10n ** 7n, 0, expected.amountQuote, lp2, NO_DEADLINE))
        .to.emit(pool, "Mint")
        .withArgs(lp2.address, lp2.address, 10n ** 18n, expected.amountQuote, expected.liquidity);
      expect(quoteBefore - (await quote.balanceOf(lp2))).to.equal(expected.amountQuote);

      // Token is the scarce side: all the quote desired, the token the ratio asks for.
      expected = model.mint(10n ** 19n, 10n ** 6n) as MintResult;
      expect(expected.amountQuote).to.equal(10n ** 6n);
      await expect(pool.connect(lp2).addLiquidity(10n ** 19n, 10n ** 6n, expected.amountToken, 0, lp2, NO_DEADLINE))
        .to.emit(pool, "Mint")
        .withArgs(lp2.address, lp2.address, expected.amountToken, 10n ** 6n, expected.liquidity);

      expect(await pool.totalSupply()).to.equal(model.totalSupply);
      await expectReserves(pool, token, quote, [model.reserveToken, model.reserveQuote]);
    });

    it("mints the shares to `to`", async function () {
      const { pool, lp, lp2 } = await networkHelpers.loadFixture(deployFixture);
      await pool.connect(lp).addLiquidity(10n ** 18n, 10n ** 6n, 0, 0, lp2, NO_DEADLINE);
      expect(await pool.balanceOf(lp)).to.equal(0n);
      expect(await pool.balanceOf(lp2)).to.equal(sqrtDown(10n ** 24n) - MINIMUM_LIQUIDITY);
    });

    it("enforces the minimum amounts with InsufficientAmount(optimal, min)", async function () {
      const { pool, lp, lp2 } = await networkHelpers.loadFixture(deployFixture);
      await pool.connect(lp).addLiquidity(2n * 10n ** 18n, 4n * 10n ** 6n, 0, 0, lp, NO_DEADLINE);
      // 1 token wants 2 quote: quote optimal 2e6 < min 3e6.
      await expect(pool.connect(lp2).addLiquidity(10n ** 18n, 5n * 10n ** 6n, 0, 3n * 10n ** 6n, lp2, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientAmount")
        .withArgs(2n * 10n ** 6n, 3n * 10n ** 6n);
      // 1 quote wants 0.5 token: token optimal 5e17 < min 6e17.
      await expect(pool.connect(lp2).addLiquidity(10n ** 18n, 10n ** 6n, 6n * 10n ** 17n, 0, lp2, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientAmount")
        .withArgs(5n * 10n ** 17n, 6n * 10n ** 17n);
    });

    it("refuses deposits too small for a share with InsufficientLiquidityMinted", async function () {
      const { pool, lp } = await networkHelpers.loadFixture(deployFixture);
      // sqrt(1000·1000) = 1000 shares, all of which would be locked.
      await expect(pool.connect(lp).addLiquidity(1_000n, 1_000n, 0, 0, lp, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientLiquidityMinted")
        .withArgs(0n);
      await pool.connect(lp).addLiquidity(10n ** 18n, 10n ** 6n, 0, 0, lp, NO_DEADLINE);
      // 1 wei of token is worth 0 quote units at this ratio, so it buys no share.
      await expect(pool.connect(lp).addLiquidity(1n, 1n, 0, 0, lp, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientLiquidityMinted")
        .withArgs(0n);
    });

    it("refuses reserves beyond uint112", async function () {
      const { pool, quote, lp } = await networkHelpers.loadFixture(deployFixture);
      const tooMuch = 2n ** 112n;
      await quote.mint(lp, tooMuch);
      await expect(pool.connect(lp).addLiquidity(10n ** 18n, tooMuch, 0, 0, lp, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "SafeCastOverflowedUintDowncast")
        .withArgs(112n, tooMuch);
    });

    it("refuses zero amounts and expired deadlines", async function () {
      const { pool, lp } = await networkHelpers.loadFixture(deployFixture);
      await expect(pool.connect(lp).addLiquidity(0, 10n ** 6n, 0, 0, lp, NO_DEADLINE)).to.be.revertedWithCustomError(
        pool,
        "ZeroAmount",
      );
      await expect(pool.connect(lp).addLiquidity(10n ** 18n, 0, 0, 0, lp, NO_DEADLINE)).to.be.revertedWithCustomError(
        pool,
        "ZeroAmount",
      );
      const deadline = BigInt(await networkHelpers.time.latest());
      await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
      await expect(pool.connect(lp).addLiquidity(10n ** 18n, 10n ** 6n, 0, 0, lp, deadline))
        .to.be.revertedWithCustomError(pool, "DeadlineExpired")
        .withArgs(deadline, deadline + 1n);
    });
  });

  describe("removeLiquidity", function () {
    it("pays shares·balance/T of both tokens and burns the shares", async function () {
      const { pool, token, quote, lp, trader } = await networkHelpers.loadFixture(deployFixture);
      await pool.connect(lp).addLiquidity(1_000n * 10n ** 18n, 2_000n * 10n ** 6n, 0, 0, lp, NO_DEADLINE);
      await pool.connect(trader).swapExactIn(token, 37n * 10n ** 18n, 0, trader, NO_DEADLINE);
      const [reserveToken, reserveQuote] = await pool.getReserves();
      const supply = await pool.totalSupply();
      const shares = (await pool.balanceOf(lp)) / 3n;
      const amountToken = (shares * reserveToken) / supply;
      const amountQuote = (shares * reserveQuote) / supply;

      const tx = pool.connect(lp).removeLiquidity(shares, amountToken, amountQuote, trader, NO_DEADLINE);
      await expect(tx)
        .to.emit(pool, "Burn")
        .withArgs(lp.address, trader.address, amountToken, amountQuote, shares)
        .and.to.emit(pool, "Sync")
        .withArgs(reserveToken - amountToken, reserveQuote - amountQuote);
      await expect(tx).to.changeTokenBalances(ethers, quote, [trader, pool], [amountQuote, -amountQuote]);
      expect(await pool.totalSupply()).to.equal(supply - shares);
      await expectReserves(pool, token, quote, [reserveToken - amountToken, reserveQuote - amountQuote]);
    });

    it("enforces the minimum amounts, the caller's shares and the deadline", async function () {
      const { pool, lp, lp2 } = await networkHelpers.loadFixture(deployFixture);
      await pool.connect(lp).addLiquidity(4n * 10n ** 18n, 4n * 10n ** 6n, 0, 0, lp, NO_DEADLINE);
      const supply = await pool.totalSupply();
      const shares = 10n ** 10n;
      const amountToken = (shares * 4n * 10n ** 18n) / supply;
      const amountQuote = (shares * 4n * 10n ** 6n) / supply;
      await expect(pool.connect(lp).removeLiquidity(shares, amountToken + 1n, 0, lp, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientAmount")
        .withArgs(amountToken, amountToken + 1n);
      await expect(pool.connect(lp).removeLiquidity(shares, 0, amountQuote + 1n, lp, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientAmount")
        .withArgs(amountQuote, amountQuote + 1n);
      await expect(pool.connect(lp2).removeLiquidity(shares, 0, 0, lp2, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "ERC20InsufficientBalance")
        .withArgs(lp2.address, 0n, shares);
      const deadline = BigInt(await networkHelpers.time.latest());
      await networkHelpers.time.setNextBlockTimestamp(deadline + 10n);
      await expect(pool.connect(lp).removeLiquidity(shares, 0, 0, lp, deadline))
        .to.be.revertedWithCustomError(pool, "DeadlineExpired")
        .withArgs(deadline, deadline + 10n);
    });

    it("refuses a burn worth nothing on one side with InsufficientLiquidityBurned", async function () {
      const { pool, lp } = await networkHelpers.loadFixture(deployFixture);
      await pool.connect(lp).addLiquidity(10n ** 18n, 10n ** 6n, 0, 0, lp, NO_DEADLINE);
      const supply = await pool.totalSupply(); // 1e12
      // 1 share of 1e12 is worth 1e6 token wei but 1e-6 quote units, rounded down to 0.
      await expect(pool.connect(lp).removeLiquidity(1n, 0, 0, lp, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientLiquidityBurned")
        .withArgs(10n ** 18n / supply, 0n);
      await expect(pool.connect(lp).removeLiquidity(0n, 0, 0, lp, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientLiquidityBurned")
        .withArgs(0n, 0n);
    });
  });

  describe("swapExactIn", function () {
    it("returns V2's published 1662497915624478906 for 1e18 into reserves 5e18 / 10e18", async function () {
      const { pool, token, quote, trader } = await networkHelpers.loadFixture(seededFixture);
      const published = 1662497915624478906n;
      expect(v2.getAmountOut(10n ** 18n, 5n * 10n ** 18n, 10n * 10n ** 18n)).to.equal(published);
      expect(await pool.getAmountOut(10n ** 18n, 5n * 10n ** 18n, 10n * 10n ** 18n)).to.equal(published);
      const tx = pool.connect(trader).swapExactIn(token, 10n ** 18n, published, trader, NO_DEADLINE);
      await expect(tx)
        .to.emit(pool, "Swap")
        .withArgs(trader.address, trader.address, await token.getAddress(), 10n ** 18n, published)
        .and.to.emit(pool, "Sync")
        .withArgs(6n * 10n ** 18n, 10n * 10n ** 18n - published);
      await expect(tx).to.changeTokenBalances(ethers, quote, [trader, pool], [published, -published]);
      await expectReserves(pool, token, quote, [6n * 10n ** 18n, 10n * 10n ** 18n - published]);
    });

    it("swaps quote for token and sends the output to `to`", async function () {
      const { pool, token, quote, trader, trader2 } = await networkHelpers.loadFixture(seededFixture);
      const amountIn = 3n * 10n ** 17n;
      const expected = v2.getAmountOut(amountIn, 10n * 10n ** 18n, 5n * 10n ** 18n);
      const tx = pool.connect(trader).swapExactIn(quote, amountIn, expected, trader2, NO_DEADLINE);
      await expect(tx)
        .to.emit(pool, "Swap")
        .withArgs(trader.address, trader2.address, await quote.getAddress(), amountIn, expected);
      await expect(tx).to.changeTokenBalances(ethers, token, [trader, trader2, pool], [0n, expected, -expected]);
      await expectReserves(pool, token, quote, [5n * 10n ** 18n - expected, 10n * 10n ** 18n + amountIn]);
    });

    it("raises k on every swap", async function () {
      const { pool, token, quote, trader } = await networkHelpers.loadFixture(seededFixture);
      let [reserveToken, reserveQuote] = await pool.getReserves();
      for (const [tokenIn, amountIn] of [
        [token, 10n ** 18n],
        [quote, 7n * 10n ** 18n],
        [token, 1n],
        [quote, 12_345n],
      ] as const) {
        await pool.connect(trader).swapExactIn(tokenIn, amountIn, 0, trader, NO_DEADLINE);
        const [nextToken, nextQuote] = await pool.getReserves();
        expect(nextToken * nextQuote > reserveToken * reserveQuote).to.equal(true);
        [reserveToken, reserveQuote] = [nextToken, nextQuote];
      }
    });

    it("names every refusal with its values", async function () {
      const { pool, token, quote, trader, lp2 } = await networkHelpers.loadFixture(deployFixture);
      await expect(pool.connect(trader).swapExactIn(token, 10n ** 18n, 0, trader, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientLiquidity")
        .withArgs(0n, 0n);
      await pool.connect(lp2).addLiquidity(5n * 10n ** 18n, 10n * 10n ** 6n, 0, 0, lp2, NO_DEADLINE);

      await expect(pool.connect(trader).swapExactIn(lp2.address, 10n ** 18n, 0, trader, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InvalidToken")
        .withArgs(lp2.address);
      await expect(pool.connect(trader).swapExactIn(token, 0, 0, trader, NO_DEADLINE)).to.be.revertedWithCustomError(
        pool,
        "ZeroAmount",
      );
      const out = v2.getAmountOut(10n ** 18n, 5n * 10n ** 18n, 10n * 10n ** 6n);
      await expect(pool.connect(trader).swapExactIn(token, 10n ** 18n, out + 1n, trader, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientOutput")
        .withArgs(out, out + 1n);
      // 1 wei of token buys less than one quote unit: refused rather than taken for nothing.
      await expect(pool.connect(trader).swapExactIn(token, 1n, 0, trader, NO_DEADLINE))
        .to.be.revertedWithCustomError(pool, "InsufficientOutput")
        .withArgs(0n, 0n);
      const deadline = BigInt(await networkHelpers.time.latest());
      await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
      await expect(pool.connect(trader).swapExactIn(quote, 10n ** 6n, 0, trader, deadline))
        .to.be.revertedWithCustomError(pool, "DeadlineExpired")
        .withArgs(deadline, deadline + 1n);
    });
  });

  describe("quotes", function () {
    it("getAmountIn is V2's ⌊Rin·out·1000 / ((Rout − out)·997)⌋ + 1 and always buys `out`", async function () {
      const { pool } = await networkHelpers.loadFixture(deployFixture);
      const rng = seededRandom(7n);
      for (let i = 0; i < 50; i++) {
        const reserveIn = rng.amount(30);
        const reserveOut = rng.amount(30) + 1n;
        const amountOut = rng.below(reserveOut - 1n) + 1n;
        const amountIn = v2.getAmountIn(amountOut, reserveIn, reserveOut);
        expect(await pool.getAmountIn(amountOut, reserveIn, reserveOut)).to.equal(amountIn);
        expect(v2.getAmountOut(amountIn, reserveIn, reserveOut) >= amountOut).to.equal(true);
      }
    });

    it("refuses quotes on empty reserves, zero amounts and outputs beyond the reserve", async function () {
      const { pool } = await networkHelpers.loadFixture(deployFixture);
      await expect(pool.getAmountOut(1n, 0n, 5n))
        .to.be.revertedWithCustomError(pool, "InsufficientLiquidity")
        .withArgs(0n, 5n);
      await expect(pool.getAmountOut(0n, 5n, 5n)).to.be.revertedWithCustomError(pool, "ZeroAmount");
      await expect(pool.getAmountIn(0n, 5n, 5n)).to.be.revertedWithCustomError(pool, "ZeroAmount");
      await expect(pool.getAmountIn(5n, 7n, 5n))
        .to.be.revertedWithCustomError(pool, "InsufficientLiquidity")
        .withArgs(7n, 5n);
      await expect(pool.getAmountIn(1n, 0n, 5n))
        .to.be.revertedWithCustomError(pool, "InsufficientLiquidity")
        .withArgs(0n, 5n);
    });
  });

  describe("priceWad", function () {
    it("is quote per whole token in WAD, across decimals", async function () {
      // 18-decimal token, 6-decimal quote: 1,000 tokens against 2,500 quote is 2.5 quote per token.
      const a = await networkHelpers.loadFixture(deployFixture);
      await a.pool.connect(a.lp).addLiquidity(1_000n * 10n ** 18n, 2_500n * 10n ** 6n, 0, 0, a.lp, NO_DEADLINE);
      expect(await a.pool.priceWad()).to.equal(25n * 10n ** 17n);

      // 6-decimal token, 18-decimal quote: 4 tokens against 1 quote is 0.25 quote per token.
      const b = await deployPool(6, 18);
      await b.pool.connect(b.lp).addLiquidity(4n * 10n ** 6n, 10n ** 18n, 0, 0, b.lp, NO_DEADLINE);
      expect(await b.pool.priceWad()).to.equal(25n * 10n ** 16n);

      // 0-decimal token, 36-decimal quote: 3 tokens against 0.001 quote, rounded down.
      const c = await deployPool(0, 36);
      await c.quote.mint(c.lp, 10n ** 33n);
      await c.pool.connect(c.lp).addLiquidity(3n, 10n ** 33n, 0, 0, c.lp, NO_DEADLINE);
      expect(await c.pool.priceWad()).to.equal(10n ** 15n / 3n);
    });
  });

  describe("fee", function () {
    it("a change through the store is used by the next swap", async function () {
      const { pool, store, token, trader } = await networkHelpers.loadFixture(seededFixture);
      await expect(store.set(FEE_KEY, 100n)).to.emit(pool, "FeeUpdated").withArgs(30n, 100n);
      expect(await pool.feeBps()).to.equal(100n);

      const [reserveToken, reserveQuote] = await pool.getReserves();
      const amountIn = 10n ** 18n;
      const expected = amountOutWithFee(amountIn, reserveToken, reserveQuote, 100n);
      expect(expected).to.be.lessThan(v2.getAmountOut(amountIn, reserveToken, reserveQuote));
      expect(await pool.getAmountOut(amountIn, reserveToken, reserveQuote)).to.equal(expected);
      await expect(pool.connect(trader).swapExactIn(token, amountIn, expected, trader, NO_DEADLINE))
        .to.emit(pool, "Swap")
        .withArgs(trader.address, trader.address, await token.getAddress(), amountIn, expected);

      // getAmountIn follows the new fee too: ⌊Rin·out·1e4 / ((Rout − out)·(1e4 − fee))⌋ + 1.
      expect(await pool.getAmountIn(10n ** 18n, 5n * 10n ** 18n, 10n * 10n ** 18n)).to.equal(
        (5n * 10n ** 18n * 10n ** 18n * 10_000n) / (9n * 10n ** 18n * 9_900n) + 1n,
      );

      await store.set(FEE_KEY, 0n);
      expect(await pool.getAmountOut(1_000n, 1_000n, 1_000n)).to.equal(500n);
    });

    it("refuses a fee above MAX_FEE_BPS, which reverts the store's update", async function () {
      const { pool, store } = await networkHelpers.loadFixture(deployFixture);
      await expect(store.set(FEE_KEY, MAX_FEE_BPS + 1n))
        .to.be.revertedWithCustomError(pool, "FeeOutOfRange")
        .withArgs(MAX_FEE_BPS + 1n, MAX_FEE_BPS);
      expect(await pool.feeBps()).to.equal(30n);
      await expect(store.set(FEE_KEY, MAX_FEE_BPS)).to.emit(pool, "FeeUpdated").withArgs(30n, MAX_FEE_BPS);
    });

    it("only the store may report a change", async function () {
      const { pool, trader } = await networkHelpers.loadFixture(deployFixture);
      await expect(pool.connect(trader).onParameterSet(FEE_KEY, 30n, 0n))
        .to.be.revertedWithCustomError(pool, "Unauthorized")
        .withArgs(trader.address);
    });

    it("ignores other keys", async function () {
      const { pool, store } = await networkHelpers.loadFixture(deployFixture);
      const otherKey = ethers.encodeBytes32String("market.feeBps");
      await store.setConsumer(otherKey, pool);
      await expect(store.set(otherKey, 5_000n)).not.to.emit(pool, "FeeUpdated");
      expect(await pool.feeBps()).to.equal(30n);
    });
  });

  describe("Uniswap V2 parity on seeded random sequences", function () {
    for (const seed of [1n, 2n, 3n, 42n]) {
      it(`matches the V2 reference to the wei (seed ${seed})`, async function () {
        const { pool, token, quote, lp, lp2, trader, trader2 } = await networkHelpers.loadFixture(deployFixture);
        const rng = seededRandom(seed);
        const model = new V2Model();
        const lps = [lp, lp2];
        const traders = [trader, trader2];

        const first = model.mint(rng.amount(27) + 10n ** 6n, rng.amount(27) + 10n ** 6n) as MintResult;
        await pool.connect(lp).addLiquidity(first.amountToken, first.amountQuote, 0, 0, lp, NO_DEADLINE);

        for (let step = 0; step < 40; step++) {
          const action = rng.below(10n);
          if (action < 6n) {
            const sellToken = rng.below(2n) === 0n;
            const amountIn = rng.amount(27);
            const who = traders[Number(rng.below(2n))];
            const expected = model.swap(sellToken, amountIn);
            const call = pool.connect(who).swapExactIn(sellToken ? token : quote, amountIn, 0, who, NO_DEADLINE);
            if (isFailure(expected)) {
              await expect(call)
                .to.be.revertedWithCustomError(pool, expected.error)
                .withArgs(...expected.args);
            } else {
              const args = await eventArgs(pool, await call, "Swap");
              expect(args.amountOut).to.equal(expected, `swap at step ${step}`);
            }
          } else if (action < 8n) {
            const who = lps[Number(rng.below(2n))];
            const [tokenDesired, quoteDesired] = [rng.amount(27), rng.amount(27)];
            const expected = model.mint(tokenDesired, quoteDesired);
            const call = pool.connect(who).addLiquidity(tokenDesired, quoteDesired, 0, 0, who, NO_DEADLINE);
            if (isFailure(expected)) {
              await expect(call)
                .to.be.revertedWithCustomError(pool, expected.error)
                .withArgs(...expected.args);
            } else {
              const args = await eventArgs(pool, await call, "Mint");
              expect([args.amountToken, args.amountQuote, args.liquidity]).to.deep.equal(
                [expected.amountToken, expected.amountQuote, expected.liquidity],
                `mint at step ${step}`,
              );
            }
          } else {
            const who = lps[Number(rng.below(2n))];
            const held = await pool.balanceOf(who);
            if (held === 0n) continue;
            const shares = rng.below(held) + 1n;
            const expected = model.burn(shares);
            const call = pool.connect(who).removeLiquidity(shares, 0, 0, who, NO_DEADLINE);
            if (isFailure(expected)) {
              await expect(call)
                .to.be.revertedWithCustomError(pool, expected.error)
                .withArgs(...expected.args);
            } else {
              const args = await eventArgs(pool, await call, "Burn");
              expect([args.amountToken, args.amountQuote]).to.deep.equal(
                [expected.amountToken, expected.amountQuote],
                `burn at step ${step}`,
              );
            }
          }
          expect(await pool.totalSupply()).to.equal(model.totalSupply, `supply at step ${step}`);
          await expectReserves(pool, token, quote, [model.reserveToken, model.reserveQuote]);
        }
      });
    }
  });

  describe("gas", function () {
    it("one warm swapExactIn costs less than the V2 router's swap", async function () {
      const { pool, token, quote, trader } = await networkHelpers.loadFixture(seededFixture);
      // Warm: the trader already holds both tokens and has approved the pool; the pool has traded.
      await pool.connect(trader).swapExactIn(token, 10n ** 17n, 0, trader, NO_DEADLINE);

      const sellToken = await (
        await pool.connect(trader).swapExactIn(token, 10n ** 18n, 0, trader, NO_DEADLINE)
      ).wait();
      const sellQuote = await (
        await pool.connect(trader).swapExactIn(quote, 10n ** 18n, 0, trader, NO_DEADLINE)
      ).wait();
      const gasSellToken = sellToken!.gasUsed;
      const gasSellQuote = sellQuote!.gasUsed;
      console.log(
        `      swapExactIn gas: token→quote ${gasSellToken}, quote→token ${gasSellQuote} (V2 router ${V2_ROUTER_SWAP_GAS})`,
      );
      expect(gasSellToken).to.be.lessThan(V2_ROUTER_SWAP_GAS);
      expect(gasSellQuote).to.be.lessThan(V2_ROUTER_SWAP_GAS);
    });
  });
});
