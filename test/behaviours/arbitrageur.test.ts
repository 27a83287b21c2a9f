import { expect } from "chai";

import { createArbitrageur } from "../../agents/behaviours/arbitrageur.ts";
import { buyCost, marketOf, sellRefund, tokensFor } from "../../agents/behaviours/curve-quotes.ts";
import { gasCostQuote } from "../../agents/behaviours/trade.ts";
import { minusBps, plusBps } from "../../agents/core/units.ts";
import { poolAmountOut } from "../../agents/mechanisms/pool/quotes.ts";
import type { Intent, Observation } from "../../agents/mechanisms/vocabulary.ts";
import { PoolModel } from "../../agents/mechanisms/pool/model.ts";
import type { ArbitrageurConfig } from "../../agents/behaviours/arbitrageur.ts";
import { GAS, QUOTE, TOKEN, context, observation, poolState } from "./observation.ts";

// The default market: curve at 0.0122 (0.01 + 1e-9 × 2.2M), 1% fees each way; pool 0.3%.
// Gas: 1 gwei at 3,000 quote per ETH, so the two legs (350,000 gas) cost 1.05 quote; the pool is
// made ten times deeper than the default so that a gap of a few percent pays for it.

const CONFIG: ArbitrageurConfig = {
  kind: "arbitrageur",
  label: "arb",
  slippageBps: 100,
  minProfitQuote: 1n * QUOTE,
  maxTradeQuote: 5_000n * QUOTE,
};

/** A pool with its price `ratio` times the curve's 0.0122, 1,000,000 tokens deep. */
function poolAt(ratio: number) {
  return poolState(1_000_000n * TOKEN, BigInt(Math.round(12_200 * ratio * 1e6)));
}

/** The arbitrageur's intents; the context fails the test if it asks the Quoter (it quotes on its own). */
function decide(obs: Observation, config = CONFIG): Intent[] {
  return createArbitrageur(config).step(obs, context()) as Intent[];
}

const twoLegGas = (a: keyof typeof GAS.limits, b: keyof typeof GAS.limits, obs: Observation) =>
  gasCostQuote(GAS.limits[a] + GAS.limits[b], obs.gas);

function curveToPoolProfit(obs: Observation, tokens: bigint): bigint {
  return (
    poolAmountOut(obs.pool, "token", tokens) -
    buyCost(marketOf(obs.curve), tokens)! -
    twoLegGas("buyCurve", "swap", obs)
  );
}

function poolToCurveProfit(obs: Observation, quoteIn: bigint): bigint {
  return (
    sellRefund(marketOf(obs.curve), poolAmountOut(obs.pool, "quote", quoteIn))! -
    quoteIn -
    twoLegGas("swap", "sellCurve", obs)
  );
}

/**
 * Both legs mined in order on the models, with their limits, from the observed state: the quote the
 * arbitrageur gains (before gas). Throws the contract's revert when a leg would revert.
 */
function mineLegs(obs: Observation, [first, second]: Intent[]): bigint {
  const market = marketOf(obs.curve);
  const pool = PoolModel.fromPoolState(obs.pool);
  if (first?.kind === "buyCurve" && second?.kind === "swap") {
    const { cost } = market.buyExactTokens(first.amount, first.maxCost);
    return pool.swapExactIn(true, second.amountIn, second.minOut) - cost;
  }
  if (first?.kind === "swap" && second?.kind === "sellCurve") {
    const tokens = pool.swapExactIn(false, first.amountIn, first.minOut);
    expect(tokens).to.equal(second.amount);
    return market.sell(second.amount, second.minRefund).refund - first.amountIn;
  }
  throw new Error(`unexpected legs ${first?.kind}, ${second?.kind}`);
}

type Of<K extends Intent["kind"]> = Extract<Intent, { kind: K }>;

describe("arbitrageur", () => {
  describe("pool above the curve: buys on the curve, sells into the pool", () => {
    const obs = observation({ pool: poolAt(1.1) });

    it("emits the curve buy first and swaps exactly the tokens it bought", () => {
      const intents = decide(obs);
      expect(intents.map((i) => i.kind)).to.deep.equal(["buyCurve", "swap"]);
      const [buy, swap] = intents as [Of<"buyCurve">, Of<"swap">];
      expect(swap.sell).to.equal("token");
      expect(swap.amountIn).to.equal(buy.amount);
    });

    it("sizes the trade at the most profitable amount, net of fees and gas", () => {
      const intents = decide(obs);
      const tokens = (intents[0] as Of<"buyCurve">).amount;
      const profit = curveToPoolProfit(obs, tokens);
      expect(profit >= CONFIG.minProfitQuote).to.equal(true);
      for (const other of [(tokens * 9n) / 10n, (tokens * 11n) / 10n, tokens / 2n, tokens * 2n]) {
        expect(curveToPoolProfit(obs, other) <= profit, `${other} tokens would pay more than ${tokens}`).to.equal(true);
      }
    });

    it("sets limits that still guarantee minProfitQuote and that the quoted state meets", () => {
      const intents = decide(obs);
      const [buy, swap] = intents as [Of<"buyCurve">, Of<"swap">];
      const cost = buyCost(marketOf(obs.curve), buy.amount)!;
      const out = poolAmountOut(obs.pool, "token", buy.amount);
      const gas = twoLegGas("buyCurve", "swap", obs);
      expect(buy.maxCost >= cost && buy.maxCost <= plusBps(cost, CONFIG.slippageBps)).to.equal(true);
      // Whatever the first leg pays within its limit, the second leg returns it plus gas plus the minimum profit.
      expect(swap.minOut >= buy.maxCost + gas + CONFIG.minProfitQuote).to.equal(true);
      expect(swap.minOut >= minusBps(out, CONFIG.slippageBps)).to.equal(true);
      expect(swap.minOut <= out).to.equal(true);
    });

    it("makes exactly the profit it planned when both legs mine at the observed state", () => {
      const intents = decide(obs);
      const tokens = (intents[0] as Of<"buyCurve">).amount;
      expect(mineLegs(obs, intents) - twoLegGas("buyCurve", "swap", obs)).to.equal(curveToPoolProfit(obs, tokens));
    });
  });

  describe("pool below the curve: buys on the pool, sells to the curve", () => {
    const obs = observation({ pool: poolAt(0.9), self: { holdings: { tokens: 0n, quote: 10_000n * QUOTE, lp: 0n } } });

    it("swaps quote first and sells to the curve exactly the swap's output, covered by the swap's minimum", () => {
      const intents = decide(obs);
      expect(intents.map((i) => i.kind)).to.deep.equal(["swap", "sellCurve"]);
      const [swap, sell] = intents as [Of<"swap">, Of<"sellCurve">];
      expect(swap.sell).to.equal("quote");
      expect(sell.amount).to.equal(poolAmountOut(obs.pool, "quote", swap.amountIn));
      // It holds no tokens of its own, so the swap must deliver all it sells.
      expect(swap.minOut).to.equal(sell.amount);
    });

    it("with tokens in hand it lets the swap slip, but never below what its holdings cover", () => {
      const held = observation({ pool: poolAt(0.9) }); // holds 10,000 tokens
      const intents = decide(held);
      const [swap, sell] = intents as [Of<"swap">, Of<"sellCurve">];
      expect(swap.minOut).to.equal(minusBps(sell.amount, CONFIG.slippageBps));
      expect(swap.minOut + held.self.holdings.tokens >= sell.amount).to.equal(true);
    });

    it("sizes at the best quote amount and guarantees the profit with the sale's minimum refund", () => {
      const intents = decide(obs);
      const [swap, sell] = intents as [Of<"swap">, Of<"sellCurve">];
      const profit = poolToCurveProfit(obs, swap.amountIn);
      expect(profit >= CONFIG.minProfitQuote).to.equal(true);
      for (const other of [(swap.amountIn * 9n) / 10n, (swap.amountIn * 11n) / 10n]) {
        expect(poolToCurveProfit(obs, other) <= profit).to.equal(true);
      }
      const refund = sellRefund(marketOf(obs.curve), sell.amount)!;
      expect(sell.minRefund >= swap.amountIn + twoLegGas("swap", "sellCurve", obs) + CONFIG.minProfitQuote).to.equal(
        true,
      );
      expect(sell.minRefund <= refund).to.equal(true);
      expect(mineLegs(obs, intents) - twoLegGas("swap", "sellCurve", obs)).to.equal(profit);
    });
  });

  describe("does nothing when it does not pay", () => {
    it("equal prices", () => {
      expect(decide(observation())).to.deep.equal([]);
    });

    it("a gap inside the fees (1% curve fee + 0.3% pool fee)", () => {
      for (const ratio of [1.012, 0.988]) {
        expect(decide(observation({ pool: poolAt(ratio) }))).to.deep.equal([]);
      }
    });

    it("a gap that pays the fees but not the gas", () => {
      const free = observation({ pool: poolAt(1.05), gas: { ...GAS, ethPriceQuote: 0n } });
      const intents = decide(free, { ...CONFIG, minProfitQuote: 0n });
      expect(intents).to.have.length(2);
      const grossProfit = curveToPoolProfit(free, (intents[0] as Of<"buyCurve">).amount);
      // ETH priced so that the two legs' gas costs just more than the best trade makes.
      const gasUnits = GAS.limits.buyCurve + GAS.limits.swap;
      const ethPriceQuote = (grossProfit * 10n ** 18n) / (gasUnits * GAS.priorityFeeWei) + 1n;
      const dear = observation({ pool: poolAt(1.05), gas: { ...GAS, ethPriceQuote } });
      expect(twoLegGas("buyCurve", "swap", dear) > grossProfit).to.equal(true);
      expect(decide(dear, { ...CONFIG, minProfitQuote: 0n })).to.deep.equal([]);
    });

    it("a profit below minProfitQuote", () => {
      const obs = observation({ pool: poolAt(1.1) });
      const intents = decide(obs);
      const best = curveToPoolProfit(obs, (intents[0] as Of<"buyCurve">).amount);
      expect(decide(obs, { ...CONFIG, minProfitQuote: best })).to.have.length(2);
      expect(decide(obs, { ...CONFIG, minProfitQuote: best + 1n })).to.deep.equal([]);
    });

    it("a paused curve, an empty pool, or no quote to spend", () => {
      const rich = observation({ pool: poolAt(1.1) });
      expect(decide({ ...rich, curve: { ...rich.curve, paused: true } })).to.deep.equal([]);
      expect(decide({ ...rich, pool: poolState(0n, 0n) })).to.deep.equal([]);
      expect(decide({ ...rich, self: { ...rich.self, holdings: { ...rich.self.holdings, quote: 0n } } })).to.deep.equal(
        [],
      );
    });
  });

  describe("limits", () => {
    it("commits at most maxTradeQuote", () => {
      const obs = observation({ pool: poolAt(1.3) });
      const config = { ...CONFIG, maxTradeQuote: 20n * QUOTE };
      const intents = decide(obs, config);
      const [buy] = intents as [Of<"buyCurve">];
      expect(buy.maxCost <= config.maxTradeQuote).to.equal(true);
      // The cap binds: an unbounded arbitrageur trades more.
      const unbounded = decide(obs)[0] as Of<"buyCurve">;
      expect(unbounded.amount > buy.amount).to.equal(true);
    });

    it("spends at most the quote it holds, on either side", () => {
      for (const ratio of [1.3, 0.7]) {
        const obs = observation({
          pool: poolAt(ratio),
          self: { holdings: { tokens: 0n, quote: 15n * QUOTE, lp: 0n } },
        });
        const intents = decide(obs);
        const first = intents[0]!;
        const spend = first.kind === "buyCurve" ? first.maxCost : first.kind === "swap" ? first.amountIn : -1n;
        expect(spend > 0n && spend <= 15n * QUOTE, `ratio ${ratio}: spends ${spend}`).to.equal(true);
      }
    });

    it("with the budget binding, buys the most it buys, and both legs still mine", () => {
      const obs = observation({ pool: poolAt(1.3) });
      const config = { ...CONFIG, maxTradeQuote: 20n * QUOTE };
      const intents = decide(obs, config);
      const [buy, swap] = intents as [Of<"buyCurve">, Of<"swap">];
      // No hedge under the budget: the exact quote says what 20 quote buys, and what that costs.
      expect(buy.amount).to.equal(tokensFor(marketOf(obs.curve), config.maxTradeQuote));
      expect(buyCost(marketOf(obs.curve), buy.amount)! <= config.maxTradeQuote).to.equal(true);
      expect(buy.maxCost).to.equal(config.maxTradeQuote);
      expect(swap.amountIn).to.equal(buy.amount);
      expect(mineLegs(obs, intents) >= twoLegGas("buyCurve", "swap", obs) + config.minProfitQuote).to.equal(true);
    });

    it("bids its configured priority fee on both legs", () => {
      const intents = decide(observation({ pool: poolAt(1.1) }), { ...CONFIG, priorityFeeWei: 3_000_000_000n });
      expect(intents.map((i) => i.priorityFeeWei)).to.deep.equal([3_000_000_000n, 3_000_000_000n]);
    });
  });

  it("refuses a config it cannot follow, naming the field", () => {
    expect(() => createArbitrageur({ ...CONFIG, maxTradeQuote: 0n })).to.throw(/maxTradeQuote/);
    expect(() => createArbitrageur({ ...CONFIG, minProfitQuote: -1n })).to.throw(/minProfitQuote/);
    expect(() => createArbitrageur({ ...CONFIG, slippageBps: 10_000 })).to.throw(/slippageBps/);
  });
});
