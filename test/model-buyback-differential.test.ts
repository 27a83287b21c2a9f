/**
 * The fast model's buyback (agents/mechanisms/buyback/model.ts) against a fresh Buyback contract, on
 * each venue (the curve, the pool): seeded random curve buys and pool swaps by a trader (so the market
 * accrues treasury fees and the venue's price moves), collects, executes of random sizes — zero, beyond
 * the budget, beyond the period's cap, under a slippage bound too tight to pass — and retunes of the
 * three policy keys through a test store that pushes them (values out of range included), with the
 * clock moved on between them, sometimes past a period. After every step the contract's state(), the
 * market's supply, reserve and accrual, the pool's reserves and the token's total supply must be equal
 * to the wei, the amounts returned equal, the reverts of the same name; every revert is reached.
 */

import { expect } from "chai";
import { network } from "hardhat";

import { Random } from "../agents/core/random.ts";
import { QUOTE_DECIMALS } from "../agents/core/units.ts";
import { BUYBACK_FIXTURE, type BuybackVenue, deployBuybackFixture } from "../agents/gas/buyback-fixture.ts";
import { BUYBACK_KEYS, BuybackModel } from "../agents/mechanisms/buyback/model.ts";
import { MarketModel } from "../agents/mechanisms/market/model.ts";
import { PoolModel } from "../agents/mechanisms/pool/model.ts";
import { chainOutcome, modelOutcome } from "./helpers/outcome.ts";

const { ethers, networkHelpers } = await network.create();

const QUOTE = 10n ** 6n;
const PERIOD = 86_400n;
const CAP = 40n * QUOTE;
const STEPS = 160;
const key = (k: string) => ethers.encodeBytes32String(k);

for (const venue of ["curve", "pool"] as const satisfies readonly BuybackVenue[]) {
  describe(`fast model buyback against the contract (${venue} venue)`, function () {
    this.timeout(240_000);

    it(`${STEPS} random trades, collects, executes and retunes leave the same ledger, market, pool and supply, and revert alike`, async () => {
      const f = BUYBACK_FIXTURE;
      const deployed = await deployBuybackFixture(ethers, {
        shareBps: 5_000n,
        capPerPeriod: CAP,
        maxSlippageBps: 500n,
        periodSeconds: PERIOD,
        venue,
      });
      const { token, quote, store, market, pool, buyback, deployedAt } = deployed;
      const [, , trader, keeper] = await ethers.getSigners();
      await (await quote.mint(trader!.address, 10n ** 15n)).wait();
      await (await quote.connect(trader).approve(market, ethers.MaxUint256)).wait();
      await (await quote.connect(trader).approve(pool, ethers.MaxUint256)).wait();
      const interfaces = [buyback.interface, market.interface, pool.interface, token.interface];

      const marketModel = new MarketModel({
        kind: "linear",
        params: [f.slopeWad, f.basePriceWad, 0n, 0n],
        maxSupply: f.maxSupply,
        scaleWad: 10n ** 18n,
        supply: await market.supply(),
        reserve: await market.reserve(),
        treasuryAccrued: 0n,
        buyFeeBps: Number(f.buyFeeBps),
        sellFeeBps: Number(f.sellFeeBps),
        treasuryShareBps: Number(f.treasuryShareBps),
        paused: false,
        quoteDecimals: QUOTE_DECIMALS,
      });
      const [reserveToken, reserveQuote] = await pool.getReserves();
      const poolModel = new PoolModel({
        reserveToken,
        reserveQuote,
        feeBps: Number(f.poolFeeBps),
        totalLiquidity: await pool.totalSupply(),
      });
      const model = BuybackModel.deployed(
        { venue, periodSeconds: PERIOD, shareBps: 5_000n, capPerPeriod: CAP, maxSlippageBps: 500n },
        deployedAt,
      );
      let supply = await token.totalSupply();
      const rng = new Random(venue === "curve" ? 0x6275796261636bn : 0x706f6f6cn);
      const seen = new Set<string>();
      let now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      let burned = 0n;

      for (let i = 0; i < STEPS; i++) {
        now += rng.chance(0.12) ? rng.uniform(PERIOD / 2n, PERIOD * 2n) : rng.uniform(1n, 3_600n);
        await networkHelpers.time.setNextBlockTimestamp(now);
        const roll = rng.index(100);
        let label: string;
        let chain: () => Promise<bigint[]>;
        let inModel: () => bigint[];
        if (roll < 30) {
          const quoteIn = rng.uniform(1n, 3_000n * QUOTE);
          label = `trader buys ${quoteIn} on the curve`;
          chain = async () => {
            await (await market.connect(trader).buyExactQuote(quoteIn, 0n, trader!.address, now + 60n)).wait();
            return [];
          };
          inModel = () => {
            supply += marketModel.buyExactQuote(quoteIn, 0n).amount;
            return [];
          };
        } else if (roll < 40) {
          const quoteIn = rng.uniform(1n, 1_000n * QUOTE);
          label = `trader swaps ${quoteIn} on the pool`;
          chain = async () => {
            await (await pool.connect(trader).swapExactIn(quote, quoteIn, 0n, trader!.address, now + 60n)).wait();
            return [];
          };
          inModel = () => (poolModel.swapExactIn(false, quoteIn, 0n), []);
        } else if (roll < 55) {
          label = "collect()";
          chain = async () => {
            const revenue = await buyback.connect(keeper).collect.staticCall();
            await (await buyback.connect(keeper).collect()).wait();
            return [revenue];
          };
          inModel = () => [model.collect(marketModel).revenue];
        } else if (roll < 88) {
          const budget = model.s.budget;
          const r = rng.index(100);
          const quoteIn =
            r < 4
              ? 0n
              : r < 10
                ? budget + 1n
                : r < 20
                  ? model.capLeft(now) + 1n
                  : rng.uniform(1n, (budget < 30n * QUOTE ? budget : 30n * QUOTE) + 1n);
          label = `execute(${quoteIn})`;
          chain = async () => {
            const out = await buyback.connect(keeper).execute.staticCall(quoteIn);
            await (await buyback.connect(keeper).execute(quoteIn)).wait();
            return [out];
          };
          inModel = () => {
            const out = model.execute(quoteIn, now, { market: marketModel, pool: poolModel });
            burned += out.tokensBurned;
            // Tokens bought on the curve are minted, then burned; bought on the pool, only burned.
            if (venue === "pool") supply -= out.tokensBurned;
            return [out.tokensBurned];
          };
        } else {
          const k = rng.pick([BUYBACK_KEYS.shareBps, BUYBACK_KEYS.capPerPeriod, BUYBACK_KEYS.maxSlippageBps]);
          const value =
            k === BUYBACK_KEYS.capPerPeriod
              ? rng.chance(0.1)
                ? 1n << 96n
                : rng.uniform(0n, CAP * 2n)
              : k === BUYBACK_KEYS.maxSlippageBps
                ? rng.chance(0.1)
                  ? 10_001n
                  : rng.chance(0.3)
                    ? rng.uniform(0n, 10n)
                    : rng.uniform(0n, 1_000n)
                : rng.chance(0.1)
                  ? 10_001n
                  : rng.uniform(0n, 10_000n);
          label = `set(${k}, ${value})`;
          chain = async () => {
            await (await store.set(key(k), value)).wait();
            return [];
          };
          inModel = () => (model.setParameter(k, value), []);
        }

        const onChain = await chainOutcome(chain, interfaces);
        const byModel = modelOutcome(inModel);
        expect(byModel, `step ${i + 1}: ${label}`).to.deep.equal(onChain);
        if ("error" in onChain) seen.add(onChain.error);
        if ("error" in onChain) await networkHelpers.mine(); // the timestamp was set for a block

        const state = await buyback.state();
        const s = model.s;
        expect([...state], `step ${i + 1}: state`).to.deep.equal([
          s.budget,
          s.spentInPeriod,
          s.period,
          s.revenueTotal,
          s.spentTotal,
          s.burnedTotal,
          s.shareBps,
          s.capPerPeriod,
          s.maxSlippageBps,
        ]);
        const m = marketModel.state;
        expect(
          [await market.supply(), await market.reserve(), await market.treasuryAccrued()],
          `step ${i + 1}: market`,
        ).to.deep.equal([m.supply, m.reserve, m.treasuryAccrued]);
        const [rt, rq] = await pool.getReserves();
        expect([rt, rq], `step ${i + 1}: pool`).to.deep.equal([
          poolModel.state.reserveToken,
          poolModel.state.reserveQuote,
        ]);
        expect(await token.totalSupply(), `step ${i + 1}: supply`).to.equal(supply);
        expect(await token.balanceOf(buyback), `step ${i + 1}: the buyback keeps no tokens`).to.equal(0n);
        // The treasury got the rest of every collect: revenue − (budget + spent).
        expect(await quote.balanceOf(deployed.timelock), `step ${i + 1}: treasury`).to.equal(model.toTreasuryTotal);
      }

      expect(burned > 0n).to.equal(true);
      expect([...seen].sort()).to.deep.equal(
        [
          "BudgetExceeded",
          "CapExceeded",
          "NothingToCollect",
          "ParameterOutOfRange",
          "SlippageExceeded",
          "ZeroAmount",
        ].sort(),
      );
    });
  });
}
