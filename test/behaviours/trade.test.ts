import { expect } from "chai";

import {
  afterTrade,
  buyIntent,
  intentBase,
  sellIntent,
  sellWorthIntent,
  tokensWorth,
  venuePriceWad,
  venuePrices,
} from "../../agents/behaviours/trade.ts";
import { marketOf } from "../../agents/behaviours/curve-quotes.ts";
import { minusBps } from "../../agents/core/units.ts";
import { poolAmountIn, poolAmountOut } from "../../agents/mechanisms/pool/quotes.ts";
import { QUOTE, TOKEN, observation, poolState, wad } from "./observation.ts";
import { expectClose } from "../helpers/close.ts";

// The default market: curve at 0.0122 (0.01 + 1e-9 × 2.2M), 1% fees; pool 100,000 : 1,220 at 0.0122, 0.3%.

describe("trade helpers", function () {
  describe("venuePriceWad / venuePrices / tokensWorth", function () {
    it("reads each venue's price, its history oldest first with the current price last", function () {
      const obs = observation({
        pool: poolState(100_000n * TOKEN, 1_500n * QUOTE),
        history: { curve: [wad(0.01), wad(0.011)], pool: [wad(0.013)] },
      });
      expect(venuePriceWad(obs, "curve")).to.equal(wad(0.0122));
      expect(venuePriceWad(obs, "pool")).to.equal(wad(0.015));
      expect(venuePrices(obs, "curve")).to.deep.equal([wad(0.01), wad(0.011), wad(0.0122)]);
      expect(venuePrices(obs, "pool")).to.deep.equal([wad(0.013), wad(0.015)]);
    });

    it("values quote in tokens at the venue's price", function () {
      const obs = observation({ pool: poolState(100_000n * TOKEN, 2_000n * QUOTE) });
      expect(tokensWorth(obs, "pool", 10n * QUOTE)).to.equal(500n * TOKEN); // at 0.02
      expect(tokensWorth(obs, "curve", 122n * QUOTE)).to.equal(10_000n * TOKEN); // at 0.0122
    });
  });

  describe("buyIntent on the curve", function () {
    it("spends a quote amount with buyCurveWithQuote, minOut the exact tokens out less the slippage", function () {
      const intent = buyIntent(observation(), "curve", { quote: 100n * QUOTE }, 100);
      expect(intent?.kind).to.equal("buyCurveWithQuote");
      if (intent?.kind !== "buyCurveWithQuote") return;
      expect(intent.quoteIn).to.equal(100n * QUOTE);
      // 100 quote less the 1% fee at ~0.0122 buys ~8,115 tokens; 1% less is ~8,034.
      const expected = (100 / 1.01 / 0.0122) * 0.99;
      expectClose(Number(intent.minOut) / 1e18, expected, expected * 1e-3);
      expect(intent.minOut).to.equal(
        minusBps(marketOf(observation().curve).quoteBuyExactQuote(100n * QUOTE).amount, 100),
      );
    });

    it("buys exact tokens with buyCurve, maxCost the exact cost plus fee plus slippage", function () {
      const intent = buyIntent(observation(), "curve", { tokens: 1_000n * TOKEN }, 100);
      expect(intent?.kind).to.equal("buyCurve");
      if (intent?.kind !== "buyCurve") return;
      expect(intent.amount).to.equal(1_000n * TOKEN);
      // ∫ over [2.2M, 2.201M] = 12.2005 quote; +1% fee = 12.322505; +1% slippage = 12.44573005, rounded up.
      expect(intent.maxCost).to.equal(12_445_731n);
    });

    it("caps maxCost at the quote held, and skips a buy that costs more than it holds", function () {
      const justEnough = observation({ self: { holdings: { tokens: 0n, quote: 12_330_000n, lp: 0n } } });
      const capped = buyIntent(justEnough, "curve", { tokens: 1_000n * TOKEN }, 100);
      expect(capped).to.include({ kind: "buyCurve", maxCost: 12_330_000n });
      const poor = observation({ self: { holdings: { tokens: 0n, quote: 12_000_000n, lp: 0n } } });
      expect(buyIntent(poor, "curve", { tokens: 1_000n * TOKEN }, 100)).to.equal(undefined);
      expect(buyIntent(poor, "curve", { quote: 12_000_001n }, 100)).to.equal(undefined);
    });

    it("skips while the curve is paused and beyond its max supply", function () {
      const paused = observation({ curve: { paused: true } });
      expect(buyIntent(paused, "curve", { quote: QUOTE }, 100)).to.equal(undefined);
      expect(buyIntent(paused, "curve", { tokens: TOKEN }, 100)).to.equal(undefined);
      expect(sellIntent(paused, "curve", TOKEN, 100)).to.equal(undefined);
      const nearlyFull = observation({ curve: { maxSupply: 2_200_500n * TOKEN } });
      expect(buyIntent(nearlyFull, "curve", { tokens: 1_000n * TOKEN }, 100)).to.equal(undefined);
      expect(buyIntent(nearlyFull, "curve", { tokens: 500n * TOKEN }, 100)?.kind).to.equal("buyCurve");
    });
  });

  describe("buyIntent on the pool", function () {
    it("swaps a quote amount, minOut the exact tokens out less the slippage", function () {
      const obs = observation();
      const intent = buyIntent(obs, "pool", { quote: 50n * QUOTE }, 250);
      const out = poolAmountOut(obs.pool, "quote", 50n * QUOTE);
      expect(intent).to.deep.equal({
        kind: "swap",
        sell: "quote",
        amountIn: 50n * QUOTE,
        minOut: (out * 9_750n) / 10_000n,
      });
    });

    it("buys exact tokens by swapping the quote the pool asks for them", function () {
      const obs = observation();
      const intent = buyIntent(obs, "pool", { tokens: 1_000n * TOKEN }, 100);
      expect(intent?.kind).to.equal("swap");
      if (intent?.kind !== "swap") return;
      expect(intent.sell).to.equal("quote");
      expect(intent.amountIn).to.equal(poolAmountIn(obs.pool, "token", 1_000n * TOKEN));
      expect(poolAmountOut(obs.pool, "quote", intent.amountIn) >= 1_000n * TOKEN).to.equal(true);
      expect(intent.minOut).to.equal(990n * TOKEN);
    });

    it("on a fee-less pool pays exactly the constant-product price for the tokens", function () {
      const obs = observation({ pool: poolState(1_000n * TOKEN, 1_000n * QUOTE, 0) });
      const intent = buyIntent(obs, "pool", { tokens: 100n * TOKEN }, 0);
      // x·y = k: 1,000 × 1,000 / 900 − 1,000 = 111.111111 quote, rounded up by the pool's +1.
      expect(intent).to.deep.equal({ kind: "swap", sell: "quote", amountIn: 111_111_112n, minOut: 100n * TOKEN });
    });

    it("with exactOut buys exactly the tokens with swapExactOut, maxIn the pool's quote plus the slippage", function () {
      const obs = observation({ pool: poolState(1_000n * TOKEN, 1_000n * QUOTE, 0) });
      const intent = buyIntent(obs, "pool", { tokens: 100n * TOKEN, exactOut: true }, 100);
      // 111.111112 quote (x·y = k, rounded up by the pool's +1), + 1% rounded up.
      expect(intent).to.deep.equal({
        kind: "swapExactOut",
        buy: "token",
        amountOut: 100n * TOKEN,
        maxIn: 112_222_224n,
      });
      // The next trade sees the pool and the holdings as this one leaves them: exactly 100 tokens more.
      const next = afterTrade(obs, intent!);
      expect(next.self.holdings.tokens - obs.self.holdings.tokens).to.equal(100n * TOKEN);
      expect(obs.self.holdings.quote - next.self.holdings.quote).to.equal(111_111_112n);
      expect(next.pool.reserveToken).to.equal(900n * TOKEN);
      expect(next.pool.reserveQuote).to.equal(1_000n * QUOTE + 111_111_112n);
      // Capped at the quote held, and skipped when the quote held cannot pay the quote.
      const tight = observation({
        pool: poolState(1_000n * TOKEN, 1_000n * QUOTE, 0),
        self: { holdings: { tokens: 0n, quote: 111_500_000n, lp: 0n } },
      });
      expect(buyIntent(tight, "pool", { tokens: 100n * TOKEN, exactOut: true }, 100)).to.deep.include({
        maxIn: 111_500_000n,
      });
      const poor = observation({
        pool: poolState(1_000n * TOKEN, 1_000n * QUOTE, 0),
        self: { holdings: { tokens: 0n, quote: 111_111_111n, lp: 0n } },
      });
      expect(buyIntent(poor, "pool", { tokens: 100n * TOKEN, exactOut: true }, 100)).to.equal(undefined);
    });

    it("skips what the pool cannot pay, an empty pool, and what it cannot afford", function () {
      expect(buyIntent(observation(), "pool", { tokens: 100_000n * TOKEN }, 100)).to.equal(undefined);
      const empty = observation({ pool: poolState(0n, 0n) });
      expect(buyIntent(empty, "pool", { quote: QUOTE }, 100)).to.equal(undefined);
      expect(sellIntent(empty, "pool", TOKEN, 100)).to.equal(undefined);
      const poor = observation({ self: { holdings: { tokens: 0n, quote: QUOTE, lp: 0n } } });
      expect(buyIntent(poor, "pool", { tokens: 1_000n * TOKEN }, 100)).to.equal(undefined);
      expect(buyIntent(poor, "pool", { quote: 2n * QUOTE }, 100)).to.equal(undefined);
    });
  });

  describe("sellIntent", function () {
    it("sells on the curve with minRefund the exact refund less fee and slippage", function () {
      const intent = sellIntent(observation(), "curve", 1_000n * TOKEN, 100);
      // ∫ over [2.199M, 2.2M] = 12.1995 quote; −1% fee = 12.077505; −1% slippage = 11.95672995, rounded down.
      expect(intent?.kind).to.equal("sellCurve");
      if (intent?.kind !== "sellCurve") return;
      expect(intent.amount).to.equal(1_000n * TOKEN);
      expect(intent.minRefund).to.equal(11_956_729n);
    });

    it("sells on the pool with minOut the exact quote out less the slippage", function () {
      const obs = observation();
      const out = poolAmountOut(obs.pool, "token", 1_000n * TOKEN);
      expect(sellIntent(obs, "pool", 1_000n * TOKEN, 100)).to.deep.equal({
        kind: "swap",
        sell: "token",
        amountIn: 1_000n * TOKEN,
        minOut: (out * 9_900n) / 10_000n,
      });
    });

    it("never sells more than it holds", function () {
      const obs = observation({ self: { holdings: { tokens: 500n * TOKEN, quote: 0n, lp: 0n } } });
      expect(sellIntent(obs, "pool", 500n * TOKEN + 1n, 100)).to.equal(undefined);
      expect(sellIntent(obs, "curve", 500n * TOKEN + 1n, 100)).to.equal(undefined);
      expect(sellIntent(obs, "pool", 500n * TOKEN, 100)?.kind).to.equal("swap");
    });
  });

  describe("sellWorthIntent", function () {
    it("sells the tokens worth a quote amount at the venue's price, or all it holds when less", function () {
      const obs = observation({ self: { holdings: { tokens: 1_000n * TOKEN, quote: 0n, lp: 0n } } });
      expect(sellWorthIntent(obs, "curve", 6_100_000n, 100)).to.deep.include({
        kind: "sellCurve",
        amount: 500n * TOKEN,
      }); // 6.1 quote at 0.0122
      expect(sellWorthIntent(obs, "pool", 100n * QUOTE, 100)).to.deep.include({
        kind: "swap",
        sell: "token",
        amountIn: 1_000n * TOKEN,
      });
      expect(sellWorthIntent(observation({ pool: poolState(0n, 0n) }), "pool", QUOTE, 100)).to.equal(undefined);
    });
  });

  describe("afterTrade", function () {
    it("moves the pool and the holdings exactly as the swap would", function () {
      const obs = observation();
      const intent = buyIntent(obs, "pool", { quote: 100n * QUOTE }, 100)!;
      const next = afterTrade(obs, intent);
      const out = poolAmountOut(obs.pool, "quote", 100n * QUOTE);
      expect(next.pool.reserveQuote).to.equal(1_320n * QUOTE);
      expect(next.pool.reserveToken).to.equal(100_000n * TOKEN - out);
      expect(next.self.holdings).to.deep.equal({ tokens: 10_000n * TOKEN + out, quote: 9_900n * QUOTE, lp: 0n });
      // A second identical buy now gets fewer tokens.
      expect(poolAmountOut(next.pool, "quote", 100n * QUOTE) < out).to.equal(true);
    });

    it("moves the curve's supply, price, reserve and the holdings exactly as the contract would", function () {
      const obs = observation();
      const bought = afterTrade(obs, buyIntent(obs, "curve", { tokens: 100_000n * TOKEN }, 100)!);
      expect(bought.curve.supply).to.equal(2_300_000n * TOKEN);
      expect(bought.curve.priceWad).to.equal(wad(0.0123));
      // ∫ = 1,225 quote, +1% fee = 1,237.25; half the 12.25 fee accrues to the treasury, the rest to the reserve.
      expect(bought.self.holdings.quote).to.equal(10_000n * QUOTE - 1_237_250_000n);
      expect(bought.curve.reserve).to.equal(24_500n * QUOTE + 1_237_250_000n - 6_125_000n);
      expect(bought.curve.treasuryAccrued).to.equal(6_125_000n);
      const sold = afterTrade(obs, sellIntent(obs, "curve", 10_000n * TOKEN, 100)!);
      expect(sold.curve.supply).to.equal(2_190_000n * TOKEN);
      expect(sold.self.holdings.tokens).to.equal(0n);
      expect(sold.self.holdings.quote).to.equal(10_000n * QUOTE + 120_730_500n); // ∫ = 121.95 quote, −1% fee
      // A buy spending exact quote gets what the contract's quote says.
      const spent = afterTrade(obs, buyIntent(obs, "curve", { quote: 100n * QUOTE }, 100)!);
      expect(spent.self.holdings.tokens - obs.self.holdings.tokens).to.equal(
        marketOf(obs.curve).quoteBuyExactQuote(100n * QUOTE).amount,
      );
    });

    it("leaves the observation as it was for a trade that would revert", function () {
      const obs = observation();
      expect(afterTrade(obs, { kind: "buyCurve", amount: 1_000n * TOKEN, maxCost: 12_322_504n })).to.equal(obs);
      expect(afterTrade(obs, { kind: "buyCurve", amount: 1_000n * TOKEN, maxCost: 12_322_505n })).to.not.equal(obs);
      expect(afterTrade(obs, { kind: "sellCurve", amount: 1_000n * TOKEN, minRefund: 12_077_506n })).to.equal(obs);
      expect(
        afterTrade(obs, { kind: "swap", sell: "quote", amountIn: 100n * QUOTE, minOut: 100_000n * TOKEN }),
      ).to.equal(obs);
    });
  });

  it("puts the note and the configured priority fee on the intent", function () {
    const tagged = buyIntent(observation(), "pool", { quote: QUOTE }, 100, intentBase({ priorityFeeWei: 7n }, "why"));
    expect(tagged).to.include({ note: "why", priorityFeeWei: 7n });
    const untagged = sellIntent(observation(), "pool", TOKEN, 100, intentBase({}, "why"));
    expect(untagged).to.include({ note: "why" });
    expect(untagged).to.not.have.property("priorityFeeWei");
  });

  it("rejects a slippage outside [0, 10000) bps, naming the field", function () {
    expect(() => buyIntent(observation(), "pool", { quote: QUOTE }, -1)).to.throw(RangeError, /slippageBps/);
    expect(() => sellIntent(observation(), "pool", TOKEN, 10_000)).to.throw(RangeError, /slippageBps/);
  });
});
