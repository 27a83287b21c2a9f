/**
 * The fast model's resource market (agents/mechanisms/resource/model.ts) against a fresh ResourceMarket
 * contract: seeded random requests (some above the price limit, some beyond the wallet, many beyond the
 * capacity left), uses, provides, withdrawals (some of capacity the block is using), claims, fee
 * collections and retunes of the five resource.* keys (some out of range, some crossing the bounds)
 * by three consumers and two providers, with the clock moved on by a second (the same block) up to
 * several blocks (empty blocks decay the price). After every step the market, the rule, each
 * provider, each consumer's credits and every wallet must be equal to the wei, the values returned
 * equal, and the reverts of the same name.
 */

import { expect } from "chai";
import { network } from "hardhat";

import { Random } from "../agents/core/random.ts";
import { RESOURCE_KEYS, ResourceModel } from "../agents/mechanisms/resource/model.ts";
import { chainOutcome, modelOutcome } from "./helpers/outcome.ts";

const { ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const PERIOD = 12n;
const START_PRICE = 2n * E18; // 2 quote per credit
const RULE = {
  targetUtilisationBps: 5_000n,
  adjustmentSpeed: 8n,
  feeBps: 300n,
  minPriceWad: E18 / 10n,
  maxPriceWad: 50n * E18,
};
const QUOTE_FUNDS = 2_000n * 10n ** 6n;
const TOKEN_FUNDS = 500n * E18;
const STEPS = 220;
const b32 = (key: string) => ethers.encodeBytes32String(key);

async function freshMarket() {
  const [, ...signers] = await ethers.getSigners();
  const consumers = signers.slice(0, 3);
  const providers = signers.slice(3, 5);
  const treasury = signers[6]!;
  const quote = await ethers.deployContract("TestERC20", ["Quote", "Q", 6]);
  const token = await ethers.deployContract("TestERC20", ["Arena", "ARENA", 18]);
  const store = await ethers.deployContract("MockParameterStore", [
    b32(RESOURCE_KEYS.targetUtilisationBps),
    RULE.targetUtilisationBps,
  ]);
  await (await store.set(b32(RESOURCE_KEYS.adjustmentSpeed), RULE.adjustmentSpeed)).wait();
  await (await store.set(b32(RESOURCE_KEYS.feeBps), RULE.feeBps)).wait();
  await (await store.set(b32(RESOURCE_KEYS.minPrice), RULE.minPriceWad)).wait();
  await (await store.set(b32(RESOURCE_KEYS.maxPrice), RULE.maxPriceWad)).wait();
  const market = await ethers.deployContract("ResourceMarket", [quote, token, store, treasury, START_PRICE, PERIOD]);
  for (const key of Object.values(RESOURCE_KEYS)) await (await store.setConsumer(b32(key), market)).wait();
  for (const c of consumers) {
    await (await quote.mint(c, QUOTE_FUNDS)).wait();
    await (await quote.connect(c).approve(market, ethers.MaxUint256)).wait();
  }
  for (const p of providers) {
    await (await token.mint(p, TOKEN_FUNDS)).wait();
    await (await token.connect(p).approve(market, ethers.MaxUint256)).wait();
  }
  return { quote, token, store, market, consumers, providers, treasury };
}

describe("fast model resource market against the contract", function () {
  this.timeout(240_000);

  it(`${STEPS} random requests, uses, provides, withdrawals, claims and retunes leave the same market, positions and wallets, and revert alike`, async () => {
    const { quote, token, store, market, consumers, providers, treasury } =
      await networkHelpers.loadFixture(freshMarket);
    const interfaces = [market.interface, quote.interface];
    const model = ResourceModel.deployed({
      ...RULE,
      startPriceWad: START_PRICE,
      periodSeconds: PERIOD,
      quoteDecimals: 6,
    });
    const quoteOf = new Map(consumers.map((c) => [c.address.toLowerCase(), QUOTE_FUNDS]));
    const tokenOf = new Map(providers.map((p) => [p.address.toLowerCase(), TOKEN_FUNDS]));
    const earningsOf = new Map(providers.map((p) => [p.address.toLowerCase(), 0n]));
    let treasuryQuote = 0n;
    const rng = new Random(0x7265736f75726365n);
    const seen = new Set<string>();
    const moves = new Set<string>();
    let now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    now += PERIOD - (now % PERIOD); // a block's first second

    for (let i = 0; i < STEPS; i++) {
      // Mostly the next block, often the same block, sometimes several blocks on (empty blocks between).
      const draw = rng.index(10);
      if (draw < 3 && (now + 1n) % PERIOD !== 0n) now += 1n;
      else now += PERIOD * (draw < 9 ? 1n : rng.uniform(2n, 6n)) - (now % PERIOD);
      await networkHelpers.time.setNextBlockTimestamp(now);
      const roll = rng.index(100);
      let label: string;
      let chain: () => Promise<bigint[]>;
      let inModel: () => bigint[];
      const priceBefore = model.g.priceWad;
      if (roll < 40) {
        const consumer = rng.pick(consumers);
        const who = consumer.address.toLowerCase();
        const price = model.rolled(now).priceWad;
        const quantity = rng.chance(0.04)
          ? 0n
          : rng.chance(0.05)
            ? 10_000n * E18 // beyond the wallet when it fills
            : rng.uniform(1n, 150n * E18);
        const limit = rng.chance(0.1) ? price - 1n : rng.chance(0.5) ? price : price * 2n;
        label = `request(${quantity}, ${limit}) by ${who}`;
        chain = async () => {
          const receipt = await (await market.connect(consumer).request(quantity, limit)).wait();
          const log = receipt!.logs
            .map((l) => market.interface.parseLog(l))
            .find((parsed) => parsed?.name === "Requested");
          return [log!.args.filled as bigint, log!.args.cost as bigint, log!.args.priceWad as bigint];
        };
        inModel = () => {
          const r = model.request(who, quantity, limit, now, quoteOf.get(who)!);
          quoteOf.set(who, quoteOf.get(who)! - r.cost);
          return [r.filled, r.cost, r.priceWad];
        };
      } else if (roll < 50) {
        const consumer = rng.pick(consumers);
        const who = consumer.address.toLowerCase();
        const credits = model.creditsOf(who);
        const amount = rng.chance(0.1) ? 0n : rng.chance(0.15) ? credits + 1n : rng.uniform(1n, credits + 1n);
        label = `use(${amount}) by ${who}`;
        chain = async () => {
          await (await market.connect(consumer).use(amount)).wait();
          return [];
        };
        inModel = () => (model.use(who, amount), []);
      } else if (roll < 65) {
        const provider = rng.pick(providers);
        const who = provider.address.toLowerCase();
        const wallet = tokenOf.get(who)!;
        const amount = rng.chance(0.05) ? 0n : rng.chance(0.05) ? wallet + 1n : rng.uniform(1n, wallet / 3n + 1n);
        label = `provide(${amount}) by ${who}`;
        chain = async () => {
          await (await market.connect(provider).provide(amount)).wait();
          return [];
        };
        inModel = () => {
          model.provide(who, amount, now, wallet);
          tokenOf.set(who, wallet - amount);
          return [];
        };
      } else if (roll < 77) {
        const provider = rng.pick(providers);
        const who = provider.address.toLowerCase();
        const provided = model.provider(who).capacity;
        const amount = rng.chance(0.05) ? 0n : rng.chance(0.1) ? provided + 1n : rng.uniform(1n, provided + 1n);
        label = `withdraw(${amount}) by ${who}`;
        chain = async () => {
          await (await market.connect(provider).withdraw(amount)).wait();
          return [];
        };
        inModel = () => {
          model.withdraw(who, amount, now);
          tokenOf.set(who, tokenOf.get(who)! + amount);
          return [];
        };
      } else if (roll < 85) {
        const provider = rng.pick(providers);
        const who = provider.address.toLowerCase();
        label = `claimEarnings() by ${who}`;
        chain = async () => {
          const receipt = await (await market.connect(provider).claimEarnings()).wait();
          const log = receipt!.logs
            .map((l) => market.interface.parseLog(l))
            .find((parsed) => parsed?.name === "EarningsPaid");
          return [log!.args.amount as bigint];
        };
        inModel = () => {
          const amount = model.claimEarnings(who);
          earningsOf.set(who, earningsOf.get(who)! + amount);
          return [amount];
        };
      } else if (roll < 90) {
        label = "collectFees()";
        chain = async () => {
          const receipt = await (await market.collectFees()).wait();
          const log = receipt!.logs
            .map((l) => market.interface.parseLog(l))
            .find((parsed) => parsed?.name === "FeesCollected");
          return [log!.args.amount as bigint];
        };
        inModel = () => {
          const amount = model.collectFees();
          treasuryQuote += amount;
          return [amount];
        };
      } else {
        const keys = Object.values(RESOURCE_KEYS);
        const key = rng.pick(keys);
        const base =
          key === RESOURCE_KEYS.targetUtilisationBps
            ? 9_000n
            : key === RESOURCE_KEYS.adjustmentSpeed
              ? 20n
              : key === RESOURCE_KEYS.feeBps
                ? 900n
                : 10n * E18;
        const value = rng.chance(0.1) ? (key === RESOURCE_KEYS.feeBps ? 1_001n : 0n) : rng.uniform(1n, base);
        label = `set(${key}, ${value})`;
        chain = async () => {
          await (await store.set(b32(key), value)).wait();
          return [];
        };
        inModel = () => (model.setParameter(key, value, now), []);
      }

      const onChain = await chainOutcome(chain, interfaces);
      const byModel = modelOutcome(inModel);
      expect(byModel, `step ${i + 1}: ${label}`).to.deep.equal(onChain);
      if ("error" in onChain) seen.add(onChain.error);
      if (model.g.priceWad > priceBefore) moves.add("up");
      if (model.g.priceWad < priceBefore) moves.add("down");
      if (model.g.allocated === model.g.capacity && model.g.demand > model.g.allocated) moves.add("rationed");

      const s = await market.state();
      const g = model.g;
      expect(
        [s.priceWad, s.lastBlock, s.demand, s.allocated, s.capacity, s.feesAccrued, s.earningsPerCapacityWad],
        `step ${i + 1}: ${label}: state()`,
      ).to.deep.equal([
        g.priceWad,
        g.lastBlock,
        g.demand,
        g.allocated,
        g.capacity,
        g.feesAccrued,
        g.earningsPerCapacityWad,
      ]);
      const r = await market.rule();
      expect([...r], `step ${i + 1}: rule()`).to.deep.equal([
        g.targetUtilisationBps,
        g.adjustmentSpeed,
        g.feeBps,
        g.minPriceWad,
        g.maxPriceWad,
      ]);
      for (const p of providers) {
        const mine = model.provider(p.address);
        expect([...(await market.providerOf(p.address))], `step ${i + 1}: providerOf(${p.address})`).to.deep.equal([
          mine.capacity,
          mine.earningsPerCapacityPaidWad,
          mine.earnings,
        ]);
        expect(await market.earned(p.address), `step ${i + 1}: earned`).to.equal(model.earned(p.address));
        expect(await token.balanceOf(p.address), `step ${i + 1}: bond wallet`).to.equal(
          tokenOf.get(p.address.toLowerCase()),
        );
      }
      for (const c of consumers) {
        expect(await market.creditsOf(c.address), `step ${i + 1}: credits`).to.equal(model.creditsOf(c.address));
        expect(await quote.balanceOf(c.address), `step ${i + 1}: quote wallet`).to.equal(
          quoteOf.get(c.address.toLowerCase()),
        );
      }
    }

    // The draws reached every revert, and the price moved both ways and rationed a block.
    expect([...seen].sort()).to.deep.equal(
      [
        "CapacityInUse",
        "ERC20InsufficientBalance",
        "InsufficientCapacity",
        "InsufficientCredits",
        "NothingToClaim",
        "NothingToCollect",
        "ParameterOutOfRange",
        "PriceAboveLimit",
        "PriceOutOfBounds",
        "ZeroAmount",
      ].sort(),
    );
    expect([...moves].sort()).to.deep.equal(["down", "rationed", "up"]);
    // Payments conserved: what consumers paid is held here, or went to providers and the treasury.
    const paid = [...quoteOf.values()].reduce((sum, q) => sum + (QUOTE_FUNDS - q), 0n);
    const out = [...earningsOf.values()].reduce((a, b) => a + b, 0n) + treasuryQuote;
    expect((await quote.balanceOf(market)) + out).to.equal(paid);
    expect(await quote.balanceOf(treasury)).to.equal(treasuryQuote);
  });
});
