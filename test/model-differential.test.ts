/**
 * The fast model against the deployed contracts, step by step. A seeded random sequence of buys (exact
 * tokens and exact quote), sells, swaps both ways, deposits and withdrawals, fee collection, pauses and
 * parameter changes (through the store as the Timelock, within each parameter's bounds and step, past
 * its interval, curve retunes that renormalise included) runs on the chain and on the model. After
 * every step the two must hold the same state to the wei (supply, reserve, treasury accrual, scale,
 * parameters, fees, pause, pool reserves, fee and liquidity, both prices and fresh quotes) and have
 * returned the same values; a step the chain reverts must throw a ModelRevert of the same name, and
 * the other way round. Limits are set from the model's own quotes, now and then one wei too tight.
 */
import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Interface } from "ethers";
import { network } from "hardhat";

import type { Deployment } from "../agents/deploy/deploy.ts";
import { keyToBytes32 } from "../agents/core/parameters.ts";
import { Random } from "../agents/core/random.ts";
import { CURVE_PARAMETER_KEYS, FEE_PARAMETER_KEYS, MarketModel } from "../agents/mechanisms/market/model.ts";
import { modelQuoter } from "../agents/mechanisms/market/quoter.ts";
import { ModelRevert } from "../agents/core/model-revert.ts";
import { PoolModel } from "../agents/mechanisms/pool/model.ts";
import { deployExponentialFixture, deployFixture, deploySigmoidFixture } from "./fixtures.ts";
import { marketQuoter, readCurveState, readPoolState } from "./helpers/market-state.ts";
import { chainOutcome, modelOutcome } from "./helpers/outcome.ts";
import { revertName } from "./helpers/revert-name.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const STEPS = 240;
const DAY_AND_A_SECOND = 86_401;
const BPS = 10_000n;
const WAD = 10n ** 18n;
const NEVER = ethers.MaxUint256;
const MAX_UINT256 = ethers.MaxUint256;
/** The trader's quote: enough for any buy on these curves (1e9 quote). */
const TRADER_QUOTE = 10n ** 15n;

interface Arena {
  deployment: Deployment;
  trader: HardhatEthersSigner;
  timelock: HardhatEthersSigner;
}

async function arena(deploy: (c: typeof connection) => Promise<Deployment>): Promise<Arena> {
  const deployment = await deploy(connection);
  const { market, pool, quote, token } = deployment.contracts;
  const trader = (await ethers.getSigners())[9]!;
  await quote.connect(trader).mint(trader.address, TRADER_QUOTE);
  await quote.connect(trader).approve(deployment.addresses.market, NEVER);
  await quote.connect(trader).approve(deployment.addresses.pool, NEVER);
  await token.connect(trader).approve(deployment.addresses.pool, NEVER);
  await market.connect(trader).buyExactTokens(10_000n * WAD, NEVER, trader.address, NEVER);
  await networkHelpers.impersonateAccount(deployment.addresses.timelock);
  await networkHelpers.setBalance(deployment.addresses.timelock, 10n ** 20n);
  const timelock = await ethers.getSigner(deployment.addresses.timelock);
  void pool;
  return { deployment, trader, timelock };
}

const linearArena = () => arena(deployFixture);
const exponentialArena = () => arena(deployExponentialFixture);
const sigmoidArena = () => arena(deploySigmoidFixture);

/* RANDOM SIZES */

/** Log-uniform in [1, max] (0 when max < 1): small and large trades alike. */
function logUniform(rng: Random, max: bigint): bigint {
  if (max < 1n) return 0n;
  const bits = max.toString(2).length;
  const top = 1n << BigInt(rng.index(bits) + 1);
  const hi = top - 1n < max ? top - 1n : max;
  return rng.uniform(hi >> 1n > 0n ? hi >> 1n : 1n, hi);
}

/** Usually `value`, now and then one wei past it so the limit trips. */
function limit(rng: Random, value: bigint, tighter: 1n | -1n): bigint {
  if (!rng.chance(0.1)) return value;
  const tight = value + tighter;
  return tight < 0n ? 0n : tight;
}

/* ONE STEP */

interface Step {
  label: string;
  chain: () => Promise<bigint[]>;
  model: () => bigint[];
}

function valuesOf(result: unknown): bigint[] {
  if (typeof result === "bigint") return [result];
  if (result === undefined || result === null) return [];
  return [...(result as Iterable<unknown>)].map((v) => v as bigint);
}

type ContractMethod = { staticCall: (...args: unknown[]) => Promise<unknown> } & ((
  ...args: unknown[]
) => Promise<{ wait: () => Promise<unknown> }>);

/** Calls a contract method as a static call for its return values, then mines it. */
async function send(method: unknown, ...args: unknown[]): Promise<bigint[]> {
  const call = method as ContractMethod;
  const result = await call.staticCall(...args);
  await (await call(...args)).wait();
  return valuesOf(result);
}

class Differential {
  readonly market: MarketModel;
  readonly pool: PoolModel;
  readonly counts = new Map<string, { ok: number; reverted: number }>();
  readonly errors = new Set<string>();
  renormalisations = 0;
  private readonly interfaces: readonly Interface[];

  constructor(
    readonly a: Arena,
    market: MarketModel,
    pool: PoolModel,
    private readonly rng: Random,
  ) {
    this.market = market;
    this.pool = pool;
    const { market: m, pool: p, store, token, quote } = a.deployment.contracts;
    this.interfaces = [m.interface, p.interface, store.interface, token.interface, quote.interface];
  }

  static async start(a: Arena, seed: bigint): Promise<Differential> {
    const market = MarketModel.fromCurveState(await readCurveState(a.deployment));
    const pool = PoolModel.fromPoolState(await readPoolState(a.deployment));
    return new Differential(a, market, pool, new Random(seed));
  }

  async run(steps: number): Promise<void> {
    await this.expectSameState("start");
    for (let i = 1; i <= steps; i++) {
      const step = await this.draw();
      const scaleBefore = this.market.state.scaleWad;
      const chain = await chainOutcome(step.chain, this.interfaces);
      const model = modelOutcome(step.model);
      const where = `step ${i}: ${step.label}`;
      expect(model, where).to.deep.equal(chain);
      const kind = step.label.split("(")[0]!;
      const count = this.counts.get(kind) ?? { ok: 0, reverted: 0 };
      if ("error" in chain) {
        count.reverted++;
        this.errors.add(chain.error);
      } else count.ok++;
      this.counts.set(kind, count);
      if (this.market.state.scaleWad !== scaleBefore) this.renormalisations++;
      await this.expectSameState(where);
    }
  }

  /** Every piece of state, both prices and three fresh quotes. */
  private async expectSameState(where: string): Promise<void> {
    const { market, pool } = this.a.deployment.contracts;
    const [curve, poolState] = await Promise.all([readCurveState(this.a.deployment), readPoolState(this.a.deployment)]);
    const m = this.market.state;
    expect(
      {
        params: m.params,
        scaleWad: m.scaleWad,
        supply: m.supply,
        reserve: m.reserve,
        treasuryAccrued: m.treasuryAccrued,
        fees: [m.buyFeeBps, m.sellFeeBps, m.treasuryShareBps],
        paused: m.paused,
        priceWad: this.market.priceWad(),
      },
      `${where}: market`,
    ).to.deep.equal({
      params: [...curve.params],
      scaleWad: curve.scaleWad,
      supply: curve.supply,
      reserve: curve.reserve,
      treasuryAccrued: curve.treasuryAccrued,
      fees: [curve.buyFeeBps, curve.sellFeeBps, curve.treasuryShareBps],
      paused: curve.paused,
      priceWad: curve.priceWad,
    });
    const [fullRefund, fullFee] = curve.supply === 0n ? [0n, 0n] : await market.quoteSell(curve.supply);
    const lensSolvency = fullRefund + fullFee === 0n ? 2n ** 256n - 1n : (curve.reserve * WAD) / (fullRefund + fullFee);
    expect(this.market.solvencyWad(), `${where}: solvency as ArenaLens computes it`).to.equal(lensSolvency);
    const p = this.pool.state;
    expect({ ...p, priceWad: this.pool.priceWad() }, `${where}: pool`).to.deep.equal({
      reserveToken: poolState.reserveToken,
      reserveQuote: poolState.reserveQuote,
      feeBps: poolState.feeBps,
      totalLiquidity: poolState.totalLiquidity,
      priceWad: poolState.priceWad,
    });

    const buyAmount = logUniform(this.rng, (m.maxSupply - m.supply) / 10n);
    const sellAmount = logUniform(this.rng, m.supply);
    const quoteIn = logUniform(this.rng, 10n ** 11n);
    const swapIn = logUniform(this.rng, p.reserveQuote);
    const quotes = await Promise.all([
      chainOutcome(async () => valuesOf(await market.quoteBuyExactTokens(buyAmount)), this.interfaces),
      chainOutcome(async () => valuesOf(await market.quoteSell(sellAmount)), this.interfaces),
      chainOutcome(async () => valuesOf(await market.quoteBuyExactQuote(quoteIn)), this.interfaces),
      chainOutcome(async () => [await pool.getAmountOut(swapIn, p.reserveQuote, p.reserveToken)], this.interfaces),
    ]);
    const model = this.market;
    const modelQuotes = [
      modelOutcome(() => Object.values(model.quoteBuyExactTokens(buyAmount))),
      modelOutcome(() => Object.values(model.quoteSell(sellAmount))),
      modelOutcome(() => Object.values(model.quoteBuyExactQuote(quoteIn))),
      modelOutcome(() => [this.pool.getAmountOut(swapIn, false)]),
    ];
    expect(
      modelQuotes,
      `${where}: quotes for buy ${buyAmount}, sell ${sellAmount}, quoteIn ${quoteIn}, swap ${swapIn}`,
    ).to.deep.equal(quotes);
  }

  /** The next action, its size drawn against the trader's balances and the model's quotes. */
  private async draw(): Promise<Step> {
    const { rng } = this;
    const { deployment, trader, timelock } = this.a;
    const { market, pool, token, store } = deployment.contracts;
    const m = this.market.state;
    const p = this.pool.state;
    const [tokens, lp] = await Promise.all([token.balanceOf(trader.address), pool.balanceOf(trader.address)]);
    const roll = rng.unit();

    if (roll < 0.16) {
      const room = m.maxSupply - m.supply;
      const amount = rng.chance(0.03)
        ? 0n
        : rng.chance(0.03)
          ? room + 1n
          : rng.chance(0.02)
            ? MAX_UINT256
            : logUniform(rng, room / 20n);
      const maxCost = limit(
        rng,
        this.quoteOr(() => this.market.quoteBuyExactTokens(amount).cost, NEVER),
        -1n,
      );
      return {
        label: `buyExactTokens(${amount}, ${maxCost})`,
        chain: () => send(market.connect(trader).buyExactTokens, amount, maxCost, trader.address, NEVER),
        model: () => [this.market.buyExactTokens(amount, maxCost).cost],
      };
    }
    if (roll < 0.3) {
      // 0, and now and then a budget whose arithmetic overflows (so it reverts before any transfer)
      const quoteIn = rng.chance(0.03)
        ? 0n
        : rng.chance(0.03)
          ? rng.pick([MAX_UINT256, MAX_UINT256 / BPS, MAX_UINT256 / 10n ** 27n])
          : logUniform(rng, 10n ** 11n);
      const minOut = limit(
        rng,
        this.quoteOr(() => this.market.quoteBuyExactQuote(quoteIn).amount, 0n),
        1n,
      );
      return {
        label: `buyExactQuote(${quoteIn}, ${minOut})`,
        chain: () => send(market.connect(trader).buyExactQuote, quoteIn, minOut, trader.address, NEVER),
        model: () => [this.market.buyExactQuote(quoteIn, minOut).amount],
      };
    }
    if (roll < 0.46) {
      const amount = rng.chance(0.03) ? 0n : logUniform(rng, tokens);
      const minRefund = limit(
        rng,
        this.quoteOr(() => this.market.quoteSell(amount).refund, 0n),
        1n,
      );
      return {
        label: `sell(${amount}, ${minRefund})`,
        chain: () => send(market.connect(trader).sell, amount, minRefund, trader.address, NEVER),
        model: () => [this.market.sell(amount, minRefund).refund],
      };
    }
    if (roll < 0.64) {
      const tokenIn = rng.chance(0.5);
      const amountIn = rng.chance(0.03)
        ? 0n
        : rng.chance(0.02)
          ? MAX_UINT256 / 1_000n
          : tokenIn
            ? logUniform(rng, tokens)
            : logUniform(rng, p.reserveQuote * 2n);
      const minOut = limit(
        rng,
        this.quoteOr(() => this.pool.getAmountOut(amountIn, tokenIn), 0n),
        1n,
      );
      const tokenAddress = tokenIn ? deployment.addresses.token : deployment.addresses.quote;
      return {
        label: `swapExactIn(${tokenIn ? "token" : "quote"}, ${amountIn}, ${minOut})`,
        chain: () => send(pool.connect(trader).swapExactIn, tokenAddress, amountIn, minOut, trader.address, NEVER),
        model: () => [this.pool.swapExactIn(tokenIn, amountIn, minOut)],
      };
    }
    if (roll < 0.72) {
      const tokenDesired = rng.chance(0.03) ? 0n : logUniform(rng, tokens);
      const quoteDesired = logUniform(rng, p.reserveQuote * 2n);
      const quoteOptimal = p.reserveToken === 0n ? quoteDesired : (tokenDesired * p.reserveQuote) / p.reserveToken;
      const tokenOptimal = p.reserveQuote === 0n ? tokenDesired : (quoteDesired * p.reserveToken) / p.reserveQuote;
      const tokenMin = limit(rng, quoteOptimal <= quoteDesired ? 0n : tokenOptimal, 1n);
      const quoteMin = limit(rng, quoteOptimal <= quoteDesired ? quoteOptimal : 0n, 1n);
      return {
        label: `addLiquidity(${tokenDesired}, ${quoteDesired}, ${tokenMin}, ${quoteMin})`,
        chain: () =>
          send(
            pool.connect(trader).addLiquidity,
            tokenDesired,
            quoteDesired,
            tokenMin,
            quoteMin,
            trader.address,
            NEVER,
          ),
        model: () => {
          const r = this.pool.addLiquidity(tokenDesired, quoteDesired, tokenMin, quoteMin);
          return [r.token, r.quote, r.liquidity];
        },
      };
    }
    if (roll < 0.78) {
      const liquidity = rng.chance(0.05) ? 0n : logUniform(rng, lp);
      const share = (x: bigint) => (p.totalLiquidity === 0n ? 0n : (liquidity * x) / p.totalLiquidity);
      const tokenMin = limit(rng, share(p.reserveToken), 1n);
      const quoteMin = limit(rng, share(p.reserveQuote), 1n);
      return {
        label: `removeLiquidity(${liquidity}, ${tokenMin}, ${quoteMin})`,
        chain: () => send(pool.connect(trader).removeLiquidity, liquidity, tokenMin, quoteMin, trader.address, NEVER),
        model: () => {
          const r = this.pool.removeLiquidity(liquidity, tokenMin, quoteMin);
          return [r.token, r.quote];
        },
      };
    }
    if (roll < 0.81) {
      return {
        label: "collectFees()",
        chain: () => send(market.connect(trader).collectFees),
        model: () => [this.market.collectFees()],
      };
    }
    if (roll < 0.84) {
      const pausing = m.paused ? rng.chance(0.1) : rng.chance(0.9);
      return pausing
        ? {
            label: "pause()",
            chain: () => send(market.connect(timelock).pause),
            model: () => (this.market.pause(), []),
          }
        : {
            label: "unpause()",
            chain: () => send(market.connect(timelock).unpause),
            model: () => (this.market.unpause(), []),
          };
    }
    if (m.paused && rng.chance(0.5)) {
      return {
        label: "unpause()",
        chain: () => send(market.connect(timelock).unpause),
        model: () => (this.market.unpause(), []),
      };
    }

    // A parameter change within its bounds and step, past its interval; curve keys most often.
    const keys = [...CURVE_PARAMETER_KEYS[m.kind], ...(rng.chance(0.3) ? [...FEE_PARAMETER_KEYS, "pool.feeBps"] : [])];
    const key = rng.pick(keys);
    const stored = await store.parameter(keyToBytes32(key));
    const delta = ((stored.value === 0n ? stored.max : stored.value) * BigInt(stored.maxStepBps)) / BPS;
    const lo = stored.value - delta < stored.min ? stored.min : stored.value - delta;
    const hi = stored.value + delta > stored.max ? stored.max : stored.value + delta;
    const value = rng.chance(0.4) ? rng.pick([lo, hi]) : rng.uniform(lo, hi);
    await networkHelpers.time.increase(DAY_AND_A_SECOND);
    return {
      label: `set(${key}, ${value})`,
      chain: () => send(store.connect(timelock).set, keyToBytes32(key), value),
      model: () => {
        if (key === "pool.feeBps") this.pool.setParameter(key, value);
        else this.market.setParameter(key, value);
        return [];
      },
    };
  }

  /** The model's quote, or `fallback` when the model says the call would revert. */
  private quoteOr(quote: () => bigint, fallback: bigint): bigint {
    try {
      return quote();
    } catch (error) {
      if (error instanceof ModelRevert) return fallback;
      throw error;
    }
  }
}

describe("modelQuoter", () => {
  it("answers as the market's own quote functions at the observed state, and refuses what they refuse", async () => {
    const a = await networkHelpers.loadFixture(sigmoidArena);
    const curve = await readCurveState(a.deployment);
    const model = modelQuoter(curve);
    const chain = marketQuoter(a.deployment);
    for (const amount of [1n, 10n ** 12n, 123_456n * WAD, curve.supply]) {
      expect(await model.curveBuyExactTokens(amount)).to.deep.equal(await chain.curveBuyExactTokens(amount));
      expect(await model.curveSell(amount)).to.deep.equal(await chain.curveSell(amount));
      expect(await model.curveBuyExactQuote(amount / 10n ** 9n)).to.deep.equal(
        await chain.curveBuyExactQuote(amount / 10n ** 9n),
      );
    }
    // budgets whose arithmetic overflows: checked multiplication (Panic) and solady's mulDiv
    const { market } = a.deployment.contracts;
    const budgets = [MAX_UINT256, MAX_UINT256 / BPS, MAX_UINT256 / 10n ** 27n];
    const chainErrors = await Promise.all(
      budgets.map((q) =>
        market.quoteBuyExactQuote(q).then(
          () => "none",
          (error: unknown) => revertName(error),
        ),
      ),
    );
    const modelErrors = await Promise.all(
      budgets.map((q) =>
        model.curveBuyExactQuote(q).then(
          () => "none",
          (error: unknown) => (error as ModelRevert).errorName,
        ),
      ),
    );
    expect(chainErrors).to.deep.equal(["Panic", "Panic", "MulDivFailed"]);
    expect(modelErrors).to.deep.equal(chainErrors);
    await model.curveSell(curve.supply + 1n).then(
      () => expect.fail("selling more than the supply must be refused"),
      (error: unknown) =>
        expect(error)
          .to.be.instanceOf(ModelRevert)
          .with.property("message", `InsufficientSupply(amount=${curve.supply + 1n}, supply=${curve.supply})`),
    );
  });
});

describe("fast model against the contracts, step by step", function () {
  this.timeout(120_000);

  const cases = [
    ["linear", linearArena, 0x1111n],
    ["exponential", exponentialArena, 0x2222n],
    ["sigmoid", sigmoidArena, 0x3333n],
  ] as const;

  for (const [name, fixture, seed] of cases) {
    it(`${name}: ${STEPS} random steps leave the same state, return the same values and revert alike`, async () => {
      const a = await networkHelpers.loadFixture(fixture);
      const run = await Differential.start(a, seed);
      await run.run(STEPS);
      // The sequence covered what it claims to: every action, both ways, and renormalising retunes.
      for (const kind of [
        "buyExactTokens",
        "buyExactQuote",
        "sell",
        "swapExactIn",
        "addLiquidity",
        "removeLiquidity",
        "set",
        "pause",
        "unpause",
        "collectFees",
      ]) {
        expect(run.counts.get(kind)?.ok ?? 0, `${kind} succeeded at least once`).to.be.greaterThan(0);
      }
      expect(run.renormalisations, "curve retunes renormalised").to.be.greaterThan(0);
      expect([...run.errors], "reverts seen").to.include.members([
        "SlippageExceeded",
        "InsufficientOutput",
        "MarketPaused",
        "Panic",
      ]);
    });
  }
});
