import { expect } from "chai";

import { createArbitrageur } from "../../agents/behaviours/arbitrageur.ts";
import { estimateBuyCost, estimateSellRefund, gasCostQuote, minusBps, plusBps, poolAmountOut } from "../../agents/harness/estimates.ts";
import { Random } from "../../agents/harness/random.ts";
import type { CurveState, DecideContext, Intent, Observation, Quoter } from "../../agents/harness/types.ts";
import type { ArbitrageurConfig } from "../../agents/scenario/behaviour-configs.ts";
import { GAS, QUOTE, TOKEN, context, observation, poolState } from "./observation.ts";

// The default market: curve at 0.0122 (0.01 + 1e-9 × 2.2M), 1% fees each way; pool 0.3%.
// Gas: 1 gwei at 3,000 quote per ETH, so the two legs (350,000 gas) cost 1.05 quote; the pool is
// made ten times deeper than the default so that a gap of a few percent pays for it.

const CONFIG: ArbitrageurConfig = { kind: "arbitrageur", label: "arb", slippageBps: 100, minProfitQuote: 1n * QUOTE, maxTradeQuote: 5_000n * QUOTE };

/** A pool with its price `ratio` times the curve's 0.0122, 1,000,000 tokens deep. */
function poolAt(ratio: number) {
  return poolState(1_000_000n * TOKEN, BigInt(Math.round(12_200 * ratio * 1e6)));
}

/** A quoter that answers with the float estimates times (1 + bias), counting its calls. */
function estimateQuoter(curve: CurveState, bias = 0): Quoter & { calls: number } {
  const skew = (x: bigint) => x + BigInt(Math.round(Number(x) * bias));
  const q = {
    calls: 0,
    async curveBuyExactTokens(amount: bigint) {
      q.calls++;
      return { cost: skew(estimateBuyCost(curve, amount)), fee: 0n };
    },
    async curveBuyExactQuote(): Promise<{ amount: bigint; fee: bigint }> {
      throw new Error("the arbitrageur does not quote by quote amount");
    },
    async curveSell(amount: bigint) {
      q.calls++;
      return { refund: skew(estimateSellRefund(curve, amount)), fee: 0n };
    },
  };
  return q;
}

function ctxWith(quoter: Quoter): DecideContext {
  return { rng: new Random(1n), quoter };
}

async function decide(obs: Observation, config = CONFIG, bias = 0) {
  const quoter = estimateQuoter(obs.curve, bias);
  const intents = await createArbitrageur(config).step(obs, ctxWith(quoter));
  return { intents, calls: quoter.calls };
}

const twoLegGas = (a: keyof typeof GAS.limits, b: keyof typeof GAS.limits, obs: Observation) => gasCostQuote(GAS.limits[a] + GAS.limits[b], obs.gas);

function curveToPoolProfit(obs: Observation, tokens: bigint): bigint {
  return poolAmountOut(obs.pool, "token", tokens) - estimateBuyCost(obs.curve, tokens) - twoLegGas("buyCurve", "swap", obs);
}

function poolToCurveProfit(obs: Observation, quoteIn: bigint): bigint {
  return estimateSellRefund(obs.curve, poolAmountOut(obs.pool, "quote", quoteIn)) - quoteIn - twoLegGas("swap", "sellCurve", obs);
}

type Of<K extends Intent["kind"]> = Extract<Intent, { kind: K }>;

describe("arbitrageur", () => {
  describe("pool above the curve: buys on the curve, sells into the pool", () => {
    const obs = observation({ pool: poolAt(1.1) });

    it("emits the curve buy first and swaps exactly the tokens it bought", async () => {
      const { intents, calls } = await decide(obs);
      expect(intents.map((i) => i.kind)).to.deep.equal(["buyCurve", "swap"]);
      const [buy, swap] = intents as [Of<"buyCurve">, Of<"swap">];
      expect(swap.sell).to.equal("token");
      expect(swap.amountIn).to.equal(buy.amount);
      expect(calls).to.be.within(1, 10);
    });

    it("sizes the trade at the most profitable amount, net of fees and gas", async () => {
      const { intents } = await decide(obs);
      const tokens = (intents[0] as Of<"buyCurve">).amount;
      const profit = curveToPoolProfit(obs, tokens);
      expect(profit >= CONFIG.minProfitQuote).to.equal(true);
      for (const other of [(tokens * 9n) / 10n, (tokens * 11n) / 10n, tokens / 2n, tokens * 2n]) {
        expect(curveToPoolProfit(obs, other) <= profit, `${other} tokens would pay more than ${tokens}`).to.equal(true);
      }
    });

    it("sets limits that still guarantee minProfitQuote and that the quoted state meets", async () => {
      const { intents } = await decide(obs);
      const [buy, swap] = intents as [Of<"buyCurve">, Of<"swap">];
      const cost = estimateBuyCost(obs.curve, buy.amount);
      const out = poolAmountOut(obs.pool, "token", buy.amount);
      const gas = twoLegGas("buyCurve", "swap", obs);
      expect(buy.maxCost >= cost && buy.maxCost <= plusBps(cost, CONFIG.slippageBps)).to.equal(true);
      // Whatever the first leg pays within its limit, the second leg returns it plus gas plus the minimum profit.
      expect(swap.minOut >= buy.maxCost + gas + CONFIG.minProfitQuote).to.equal(true);
      expect(swap.minOut >= minusBps(out, CONFIG.slippageBps)).to.equal(true);
      expect(swap.minOut <= out).to.equal(true);
    });
  });

  describe("pool below the curve: buys on the pool, sells to the curve", () => {
    const obs = observation({ pool: poolAt(0.9), self: { holdings: { tokens: 0n, quote: 10_000n * QUOTE, lp: 0n } } });

    it("swaps quote first and sells to the curve exactly the swap's output, covered by the swap's minimum", async () => {
      const { intents, calls } = await decide(obs);
      expect(intents.map((i) => i.kind)).to.deep.equal(["swap", "sellCurve"]);
      const [swap, sell] = intents as [Of<"swap">, Of<"sellCurve">];
      expect(swap.sell).to.equal("quote");
      expect(sell.amount).to.equal(poolAmountOut(obs.pool, "quote", swap.amountIn));
      // It holds no tokens of its own, so the swap must deliver all it sells.
      expect(swap.minOut).to.equal(sell.amount);
      expect(calls).to.be.within(1, 10);
    });

    it("with tokens in hand it lets the swap slip, but never below what its holdings cover", async () => {
      const held = observation({ pool: poolAt(0.9) }); // holds 10,000 tokens
      const { intents } = await decide(held);
      const [swap, sell] = intents as [Of<"swap">, Of<"sellCurve">];
      expect(swap.minOut).to.equal(minusBps(sell.amount, CONFIG.slippageBps));
      expect(swap.minOut + held.self.holdings.tokens >= sell.amount).to.equal(true);
    });

    it("sizes at the best quote amount and guarantees the profit with the sale's minimum refund", async () => {
      const { intents } = await decide(obs);
      const [swap, sell] = intents as [Of<"swap">, Of<"sellCurve">];
      const profit = poolToCurveProfit(obs, swap.amountIn);
      expect(profit >= CONFIG.minProfitQuote).to.equal(true);
      for (const other of [(swap.amountIn * 9n) / 10n, (swap.amountIn * 11n) / 10n]) {
        expect(poolToCurveProfit(obs, other) <= profit).to.equal(true);
      }
      const refund = estimateSellRefund(obs.curve, sell.amount);
      expect(sell.minRefund >= swap.amountIn + twoLegGas("swap", "sellCurve", obs) + CONFIG.minProfitQuote).to.equal(true);
      expect(sell.minRefund <= refund).to.equal(true);
    });
  });

  describe("does nothing when it does not pay", () => {
    it("equal prices", async () => {
      expect(await createArbitrageur(CONFIG).step(observation(), context())).to.deep.equal([]);
    });

    it("a gap inside the fees (1% curve fee + 0.3% pool fee), without asking for a quote", async () => {
      // context() fails the test on any quote.
      for (const ratio of [1.012, 0.988]) {
        expect(await createArbitrageur(CONFIG).step(observation({ pool: poolAt(ratio) }), context())).to.deep.equal([]);
      }
    });

    it("a gap that pays the fees but not the gas", async () => {
      const free = observation({ pool: poolAt(1.05), gas: { ...GAS, ethPriceQuote: 0n } });
      const { intents } = await decide(free, { ...CONFIG, minProfitQuote: 0n });
      expect(intents).to.have.length(2);
      const grossProfit = curveToPoolProfit(free, (intents[0] as Of<"buyCurve">).amount);
      // ETH priced so that the two legs' gas costs just more than the best trade makes.
      const gasUnits = GAS.limits.buyCurve + GAS.limits.swap;
      const ethPriceQuote = (grossProfit * 10n ** 18n) / (gasUnits * GAS.priorityFeeWei) + 1n;
      const dear = observation({ pool: poolAt(1.05), gas: { ...GAS, ethPriceQuote } });
      expect(twoLegGas("buyCurve", "swap", dear) > grossProfit).to.equal(true);
      expect((await decide(dear, { ...CONFIG, minProfitQuote: 0n })).intents).to.deep.equal([]);
    });

    it("a profit below minProfitQuote", async () => {
      const obs = observation({ pool: poolAt(1.1) });
      const { intents } = await decide(obs);
      const best = curveToPoolProfit(obs, (intents[0] as Of<"buyCurve">).amount);
      expect((await decide(obs, { ...CONFIG, minProfitQuote: best + 1n })).intents).to.deep.equal([]);
    });

    it("an exact quote that takes the estimated profit away", async () => {
      const obs = observation({ pool: poolAt(1.05) });
      expect((await decide(obs)).intents).to.have.length(2);
      expect((await decide(obs, CONFIG, 0.05)).intents).to.deep.equal([]);
    });

    it("a paused curve, an empty pool, or no quote to spend", async () => {
      const rich = observation({ pool: poolAt(1.1) });
      expect((await decide({ ...rich, curve: { ...rich.curve, paused: true } })).intents).to.deep.equal([]);
      expect((await decide({ ...rich, pool: poolState(0n, 0n) })).intents).to.deep.equal([]);
      expect((await decide({ ...rich, self: { ...rich.self, holdings: { ...rich.self.holdings, quote: 0n } } })).intents).to.deep.equal([]);
    });
  });

  describe("limits", () => {
    it("commits at most maxTradeQuote", async () => {
      const obs = observation({ pool: poolAt(1.3) });
      const config = { ...CONFIG, maxTradeQuote: 20n * QUOTE };
      const { intents } = await decide(obs, config);
      const [buy] = intents as [Of<"buyCurve">];
      expect(buy.maxCost <= config.maxTradeQuote).to.equal(true);
      // The cap binds: an unbounded arbitrageur trades more.
      const unbounded = (await decide(obs)).intents[0] as Of<"buyCurve">;
      expect(unbounded.amount > buy.amount).to.equal(true);
    });

    it("spends at most the quote it holds, on either side", async () => {
      for (const ratio of [1.3, 0.7]) {
        const obs = observation({ pool: poolAt(ratio), self: { holdings: { tokens: 0n, quote: 15n * QUOTE, lp: 0n } } });
        const { intents } = await decide(obs);
        const first = intents[0]!;
        const spend = first.kind === "buyCurve" ? first.maxCost : first.kind === "swap" ? first.amountIn : -1n;
        expect(spend > 0n && spend <= 15n * QUOTE, `ratio ${ratio}: spends ${spend}`).to.equal(true);
      }
    });

    it("shrinks the size when the exact cost lands over the budget", async () => {
      const obs = observation({ pool: poolAt(1.3) });
      const config = { ...CONFIG, maxTradeQuote: 20n * QUOTE };
      // The contract charging 0.1% above the estimate puts the budget-sized buy over the cap.
      const { intents, calls } = await decide(obs, config, 0.001);
      const [buy, swap] = intents as [Of<"buyCurve">, Of<"swap">];
      expect(calls).to.be.within(2, 4);
      expect(buy.maxCost <= config.maxTradeQuote).to.equal(true);
      expect(buy.maxCost >= (estimateBuyCost(obs.curve, buy.amount) * 1001n) / 1000n).to.equal(true);
      expect(swap.amountIn).to.equal(buy.amount);
    });

    it("bids its configured priority fee on both legs", async () => {
      const { intents } = await decide(observation({ pool: poolAt(1.1) }), { ...CONFIG, priorityFeeWei: 3_000_000_000n });
      expect(intents.map((i) => i.priorityFeeWei)).to.deep.equal([3_000_000_000n, 3_000_000_000n]);
    });
  });

  it("refuses a config it cannot follow, naming the field", () => {
    expect(() => createArbitrageur({ ...CONFIG, maxTradeQuote: 0n })).to.throw(/maxTradeQuote/);
    expect(() => createArbitrageur({ ...CONFIG, minProfitQuote: -1n })).to.throw(/minProfitQuote/);
    expect(() => createArbitrageur({ ...CONFIG, slippageBps: 10_000 })).to.throw(/slippageBps/);
  });
});
