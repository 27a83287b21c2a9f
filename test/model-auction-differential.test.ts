/**
 * The batch auction's twin (agents/mechanisms/auction/model.ts) against a fresh BatchAuction
 * (agents/gas/auction-fixture.ts: a votes token, the 6-decimal test stablecoin, a test store that
 * pushes changes, an issuer inventory): seeded random buys and sells by four traders on a few shared
 * price levels (so levels fill pro rata) with the twin's hints, stale hints, bad hints and no hint,
 * settlements of random batches in random chunks (several calls a batch, open and settled batches
 * too), claims of random order ids (unsettled, claimed, unknown), orders beyond the wallet and out of
 * range, and retunes of the four parameters (some out of range), with the clock moved on between.
 * After every step the returned values and revert names, the counters, the rule, the batch touched,
 * every settled batch's clearing and every wallet must be equal to the wei.
 */

import { expect } from "chai";
import { network } from "hardhat";

import { Random } from "../agents/core/random.ts";
import { QUOTE_DECIMALS } from "../agents/core/units.ts";
import { deployAuctionFixture } from "../agents/gas/auction-fixture.ts";
import { AUCTION_KEYS, AuctionModel, MAX_ORDER_AMOUNT } from "../agents/mechanisms/auction/model.ts";
import { chainOutcome, modelOutcome } from "./helpers/outcome.ts";

const { ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const QUOTE = 10n ** 6n;
const RULE = {
  batchSeconds: 120n,
  feeBps: 30n,
  issuePerBatch: 500n * E18,
  reservePriceWad: E18 / 2n,
  inventory: 1_600n * E18,
};
const FUNDS = 5_000n * QUOTE;
const TOKENS = 5_000n * E18;
const STEPS = 400;
const LEVELS = [4n, 5n, 6n, 8n, 10n, 12n].map((tenths) => (tenths * E18) / 10n);
const key = (k: string) => ethers.encodeBytes32String(k);

async function freshAuction() {
  const deployed = await deployAuctionFixture(ethers, RULE);
  const traders = (await ethers.getSigners()).slice(2, 6);
  for (const t of traders) {
    await (await deployed.quote.mint(t.address, FUNDS)).wait();
    await (await deployed.token.mint(t.address, TOKENS)).wait();
    await (await deployed.quote.connect(t).approve(deployed.auction, ethers.MaxUint256)).wait();
    await (await deployed.token.connect(t).approve(deployed.auction, ethers.MaxUint256)).wait();
  }
  return { ...deployed, traders };
}

describe("fast model batch auction against the contract", function () {
  this.timeout(300_000);

  it(`${STEPS} random orders, settlements in chunks, claims and retunes leave the same book, clearings and wallets, and revert alike`, async () => {
    const { auction, token, quote, store, treasury, traders } = await networkHelpers.loadFixture(freshAuction);
    const interfaces = [auction.interface, token.interface, quote.interface];
    const model = AuctionModel.deployed({ ...RULE, quoteDecimals: QUOTE_DECIMALS, treasury });
    const wallets = new Map<string, { tokens: bigint; quote: bigint }>(
      [...traders.map((t) => t.address), treasury].map((a) => [a.toLowerCase(), { tokens: 0n, quote: 0n }]),
    );
    for (const t of traders) wallets.set(t.address.toLowerCase(), { tokens: TOKENS, quote: FUNDS });
    const rng = new Random(0x61756374n);
    const seen = new Set<string>();
    let settledBatches = 0;
    let claimedFills = 0;
    let now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);

    const eventArgs = async (tx: Promise<{ wait(): Promise<unknown> }>, name: string) => {
      const receipt = (await (await tx).wait()) as { logs: { topics: string[]; data: string }[] };
      return receipt.logs
        .map((log) => {
          try {
            return auction.interface.parseLog(log);
          } catch {
            return null;
          }
        })
        .filter((p) => p?.name === name)
        .map((p) => p!.args);
    };

    for (let i = 0; i < STEPS; i++) {
      now += rng.chance(0.08) ? rng.uniform(120n, 300n) : rng.uniform(1n, 15n);
      await networkHelpers.time.setNextBlockTimestamp(now);
      const trader = rng.pick(traders);
      const wallet = wallets.get(trader.address.toLowerCase())!;
      const roll = rng.index(100);
      let label: string;
      let chain: () => Promise<bigint[]>;
      let inModel: () => bigint[];
      let touched = model.g.lastBatch;
      if (roll < 60) {
        const sell = rng.chance(0.45);
        const have = sell ? wallet.tokens : wallet.quote;
        const amount = rng.chance(0.04)
          ? have + 1n
          : rng.chance(0.02)
            ? MAX_ORDER_AMOUNT + 1n
            : sell
              ? rng.uniform(1n, 400n * E18)
              : rng.uniform(1n, 300n * QUOTE);
        const price = rng.chance(0.05)
          ? 0n
          : rng.chance(0.2)
            ? rng.pick(LEVELS) + rng.uniform(1n, 10n ** 15n)
            : rng.pick(LEVELS);
        const good = BigInt(model.hintFor(price, now));
        const hint = rng.chance(0.7)
          ? good
          : rng.chance(0.4)
            ? 0n
            : rng.chance(0.5)
              ? BigInt(rng.index(model.g.nextOrder + 2))
              : good > 0n
                ? good - 1n
                : 0n;
        const fn = sell ? "placeSell" : "placeBuy";
        label = `${fn}(${amount}, ${price}, ${hint}) by ${trader.address}`;
        chain = async () => {
          const [placed] = (
            await eventArgs(auction.connect(trader)[fn](amount, price, hint), sell ? "SellPlaced" : "BuyPlaced")
          ).slice(-1);
          return [placed!.orderId as bigint];
        };
        inModel = () => {
          const placed = model.place(trader.address, sell, amount, price, hint, now, have);
          if (sell) wallet.tokens -= amount;
          else wallet.quote -= amount;
          touched = model.g.lastBatch;
          return [BigInt(placed.orderId)];
        };
      } else if (roll < 78) {
        const batchId = BigInt(rng.index(model.g.lastBatch + 2));
        const maxOrders = BigInt(rng.index(7));
        touched = Number(batchId);
        label = `settle(${batchId}, ${maxOrders})`;
        chain = async () => {
          const settled = await eventArgs(auction.connect(trader).settle(batchId, maxOrders), "BatchSettled");
          if (settled.length === 0) return [0n];
          const fee = settled[0]!.feeQuote as bigint;
          return [1n, settled[0]!.clearingPriceWad as bigint, fee];
        };
        inModel = () => {
          const step = model.settle(batchId, maxOrders, now);
          if (step.clearing === undefined) return [0n];
          wallets.get(treasury.toLowerCase())!.quote += step.clearing.feeQuote;
          settledBatches++;
          return [1n, model.clearingPriceWad(step.clearing), step.clearing.feeQuote];
        };
      } else if (roll < 92) {
        const claimable = [...model.orders].filter(([, o]) => model.batch(o.batch).status === 2n).map(([id]) => id);
        const orderId =
          claimable.length > 0 && rng.chance(0.7)
            ? BigInt(rng.pick(claimable))
            : BigInt(rng.index(model.g.nextOrder + 1));
        label = `claim(${orderId})`;
        chain = async () => {
          const [claimed] = await eventArgs(auction.connect(trader).claim(orderId), "OrderClaimed");
          return [claimed!.tokens as bigint, claimed!.quote as bigint];
        };
        inModel = () => {
          const paid = model.claim(orderId);
          const w = wallets.get(paid.owner)!;
          w.tokens += paid.tokens;
          w.quote += paid.quote;
          if ((paid.sell && paid.quote > 0n) || (!paid.sell && paid.tokens > 0n)) claimedFills++;
          return [paid.tokens, paid.quote];
        };
      } else {
        const k = rng.pick(Object.values(AUCTION_KEYS));
        const value =
          k === AUCTION_KEYS.batchSeconds
            ? rng.chance(0.3)
              ? rng.pick([0n, 86_401n])
              : rng.uniform(20n, 120n)
            : k === AUCTION_KEYS.feeBps
              ? rng.chance(0.3)
                ? 1_001n
                : rng.uniform(0n, 1_000n)
              : k === AUCTION_KEYS.issuePerBatch
                ? rng.uniform(0n, 800n * E18)
                : rng.chance(0.1)
                  ? 0n
                  : rng.pick(LEVELS);
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

      const g = model.g;
      expect(await auction.counters(), `step ${i + 1}: counters`).to.deep.equal([
        BigInt(g.lastBatch),
        BigInt(g.nextOrder),
        g.inventory,
      ]);
      expect(await auction.parameters(), `step ${i + 1}: rule`).to.deep.equal([
        g.batchSeconds,
        g.feeBps,
        g.issuePerBatch,
        g.reservePriceWad,
      ]);
      const b = model.batch(touched);
      expect(await auction.batchOf(touched), `step ${i + 1}: batch ${touched}`).to.deep.equal([
        BigInt(b.head),
        b.closesAt,
        b.status,
        b.totalBuyQuote,
      ]);
      const c = model.clearing(touched);
      expect(await auction.clearingOf(touched), `step ${i + 1}: clearing of ${touched}`).to.deep.equal([
        c.buyLevel,
        c.sellLevel,
        c.matchedQuote,
        c.matchedTokens,
        c.buyLevelQuote,
        c.buyMatchedQuote,
        c.sellLevelTokens,
        c.sellMatchedTokens,
        c.feeQuote,
      ]);
      for (const [address, w] of wallets) {
        expect(
          [await token.balanceOf(address), await quote.balanceOf(address)],
          `step ${i + 1}: wallet ${address}`,
        ).to.deep.equal([w.tokens, w.quote]);
      }
    }

    // The draws reached every revert a user can cause, settled batches in chunks and paid fills.
    expect([...seen].sort()).to.include.members([
      "AmountTooLarge",
      "BatchAlreadySettled",
      "BatchNotSettled",
      "BatchStillOpen",
      "ERC20InsufficientBalance",
      "InvalidHint",
      "ParameterOutOfRange",
      "PriceOutOfRange",
      "UnknownBatch",
      "UnknownOrder",
      "ZeroOrders",
    ]);
    expect(settledBatches).to.be.greaterThan(3);
    expect(claimedFills).to.be.greaterThan(10);
  });
});
