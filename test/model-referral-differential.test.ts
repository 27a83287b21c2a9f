/**
 * The fast model's referral (agents/mechanisms/referral/model.ts) against a fresh Referral contract on
 * a linear bonding-curve market: seeded random buys with a referrer by three buyers, with the clock
 * moved on between them (sometimes past a period), and retunes of referral.rewardBps and
 * referral.capPerPeriod through a test store that pushes them to the contract. The zero referrer,
 * self-referral, buys beyond the wallet, slippage limits too tight, rewardBps above 1e4 (cut to it)
 * and caps beyond uint112 are drawn too; the cap is small enough to bind and the budget to run out.
 * After every step the ledger, the cached rule, the budget, the market's supply and reserve and
 * every buyer's tokens must be equal to the wei, the amounts returned equal, the reverts of the same name.
 */

import { expect } from "chai";
import { network } from "hardhat";

import { Random } from "../agents/core/random.ts";
import { deployReferralFixture, REFERRAL_FIXTURE } from "../agents/gas/referral-fixture.ts";
import { QUOTE_DECIMALS } from "../agents/core/units.ts";
import { MarketModel } from "../agents/mechanisms/market/model.ts";
import { REFERRAL_KEYS, ReferralModel } from "../agents/mechanisms/referral/model.ts";
import { chainOutcome, modelOutcome } from "./helpers/outcome.ts";

const { ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const QUOTE = 10n ** 6n;
const { slopeWad: SLOPE, basePriceWad: BASE, maxSupply: MAX_SUPPLY } = REFERRAL_FIXTURE;
const BUDGET = 2_000n * E18;
const CAP = 400n * E18;
const PERIOD = 86_400n;
const FUNDS = 20_000n * QUOTE;
const STEPS = 150;
const key = (k: string) => ethers.encodeBytes32String(k);

async function freshReferral() {
  const [, , ...signers] = await ethers.getSigners();
  const buyers = signers.slice(0, 3);
  const deployed = await deployReferralFixture(ethers, {
    rewardBps: 500n,
    capPerPeriod: CAP,
    budget: BUDGET,
    periodSeconds: PERIOD,
  });
  for (const b of buyers) {
    await (await deployed.quote.mint(b.address, FUNDS)).wait();
    await (await deployed.quote.connect(b).approve(deployed.referral, ethers.MaxUint256)).wait();
  }
  return { ...deployed, buyers };
}

describe("fast model referral against the contract", function () {
  this.timeout(180_000);

  it(`${STEPS} random buys with referrers and retunes leave the same ledger, rule, budget, market and wallets, and revert alike`, async () => {
    const { token, store, market, referral, buyers, deployedAt } = await networkHelpers.loadFixture(freshReferral);
    const interfaces = [referral.interface, market.interface, token.interface];
    const [supply, reserveNow] = [await market.supply(), await market.reserve()];
    const marketModel = new MarketModel({
      kind: "linear",
      params: [SLOPE, BASE, 0n, 0n],
      maxSupply: MAX_SUPPLY,
      scaleWad: E18,
      supply,
      reserve: reserveNow,
      treasuryAccrued: 0n,
      buyFeeBps: 100,
      sellFeeBps: 100,
      treasuryShareBps: 5_000,
      paused: false,
      quoteDecimals: QUOTE_DECIMALS,
    });
    const model = ReferralModel.deployed(
      { periodSeconds: PERIOD, rewardBps: 500n, capPerPeriod: CAP, budget: BUDGET },
      deployedAt,
    );
    const quoteOf = new Map(buyers.map((b) => [b.address, FUNDS]));
    const tokensOf = new Map(buyers.map((b) => [b.address, 0n]));
    const rng = new Random(0x7265666572n);
    const seen = new Set<string>();
    let now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    let paid = 0n;

    for (let i = 0; i < STEPS; i++) {
      now += rng.chance(0.15) ? rng.uniform(PERIOD / 2n, PERIOD * 2n) : rng.uniform(1n, 3_600n);
      await networkHelpers.time.setNextBlockTimestamp(now);
      const buyer = rng.pick(buyers);
      const roll = rng.index(100);
      let label: string;
      let chain: () => Promise<bigint[]>;
      let inModel: () => bigint[];
      if (roll < 85) {
        const others = buyers.filter((b) => b !== buyer);
        const referrer = roll < 5 ? ethers.ZeroAddress : roll < 10 ? buyer.address : rng.pick(others).address;
        const wallet = quoteOf.get(buyer.address)!;
        const quoteIn = rng.chance(0.05) ? wallet + 1n : rng.uniform(1n, 2_000n * QUOTE);
        const { amount: expectedOut } = marketModel.quoteBuyExactQuote(quoteIn);
        const minOut = rng.chance(0.05) ? expectedOut + 1n : 0n;
        label = `buyWithReferrer(${quoteIn}, ${minOut}, ${referrer}) by ${buyer.address}`;
        chain = async () => {
          const receipt = await (
            await referral.connect(buyer).buyWithReferrer(quoteIn, minOut, referrer, now + 3_600n)
          ).wait();
          const event = receipt!.logs
            .map((log) => {
              try {
                return referral.interface.parseLog(log);
              } catch {
                return null;
              }
            })
            .find((p) => p?.name === "ReferralPaid");
          return [event!.args.supplyIncrease as bigint, event!.args.reward as bigint];
        };
        inModel = () => {
          const result = model.buyWithReferrer(buyer.address, referrer, quoteIn, minOut, now, marketModel, wallet);
          quoteOf.set(buyer.address, wallet - quoteIn);
          tokensOf.set(buyer.address, tokensOf.get(buyer.address)! + result.amount);
          if (tokensOf.has(referrer)) tokensOf.set(referrer, tokensOf.get(referrer)! + result.reward);
          return [result.amount, result.reward];
        };
      } else {
        const bpsKey = roll < 93;
        const k = bpsKey ? REFERRAL_KEYS.rewardBps : REFERRAL_KEYS.capPerPeriod;
        const value = bpsKey
          ? rng.chance(0.2)
            ? rng.uniform(10_001n, 20_000n)
            : rng.uniform(0n, 2_000n)
          : rng.chance(0.15)
            ? 1n << 112n
            : rng.uniform(0n, CAP * 2n);
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
      else if (label.startsWith("buy")) paid += onChain.values[1]!;

      const [period, paidInPeriod, totalPaid] = await referral.state();
      const [rewardBps, capPerPeriod] = await referral.rewardRule();
      const s = model.s;
      expect([period, paidInPeriod, totalPaid, rewardBps, capPerPeriod], `step ${i + 1}: state`).to.deep.equal([
        s.period,
        s.paidInPeriod,
        s.totalPaid,
        s.rewardBps,
        s.capPerPeriod,
      ]);
      expect(await token.balanceOf(referral), `step ${i + 1}: budget`).to.equal(s.budget);
      expect([await market.supply(), await market.reserve()], `step ${i + 1}: market`).to.deep.equal([
        marketModel.state.supply,
        marketModel.state.reserve,
      ]);
      for (const b of buyers)
        expect(await token.balanceOf(b.address), `step ${i + 1}: tokens of ${b.address}`).to.equal(
          tokensOf.get(b.address),
        );
    }

    // The draws reached every revert and ran the budget dry; what was paid is what left the budget.
    expect([...seen].sort()).to.deep.equal(
      ["ERC20InsufficientBalance", "InvalidReferrer", "ParameterOutOfRange", "SelfReferral", "SlippageExceeded"].sort(),
    );
    expect(model.s.budget).to.equal(0n);
    expect(paid).to.equal(BUDGET);
  });
});
