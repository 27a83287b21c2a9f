import { expect } from "chai";

import { BehaviourConfigError } from "../../agents/behaviours/config-checks.ts";
import { createThreshold } from "../../agents/behaviours/threshold.ts";
import { plusBps } from "../../agents/core/units.ts";
import { poolAmountIn, poolAmountOut } from "../../agents/mechanisms/pool/quotes.ts";
import type { Holdings, Intent } from "../../agents/mechanisms/vocabulary.ts";
import type { PoolState } from "../../agents/mechanisms/pool/state.ts";
import type { ThresholdConfig } from "../../agents/behaviours/threshold.ts";
import { QUOTE, TOKEN, context, observation, poolState, wad, poolAfterSwap } from "./observation.ts";
import { activeSteps, runSteps } from "./steps.ts";
import { expectClose } from "../helpers/close.ts";

function thresholdConfig(overrides: Partial<ThresholdConfig> = {}): ThresholdConfig {
  return {
    kind: "threshold",
    label: "threshold",
    slippageBps: 100,
    venue: "pool",
    buyBelowWad: wad(0.011),
    sellAboveWad: wad(0.013),
    amount: 1_000n * TOKEN,
    cooldownSteps: 0,
    ...overrides,
  };
}

/** The default pool (100,000 tokens) holding `quote` whole quote: price quote / 100,000. */
function poolAt(quote: bigint, feeBps = 30): PoolState {
  return poolState(100_000n * TOKEN, quote, feeBps);
}

/** The default linear curve (0.01 + 1e-9·S) at the supply where its price is `price`. */
function curveSupplyAt(price: number): bigint {
  return BigInt(Math.round((price - 0.01) * 1e9)) * TOKEN;
}

describe("threshold behaviour", function () {
  it("buys its token amount on the pool once the price is at or below the buy level, and not above it", async function () {
    const behaviour = createThreshold(thresholdConfig());
    const ctx = context();
    expect(await behaviour.step(observation({ pool: poolAt(1_100n * QUOTE + 1n) }), ctx)).to.deep.equal([]);
    expect(await behaviour.step(observation({ step: 2, pool: poolAt(1_200n * QUOTE) }), ctx)).to.deep.equal([]);
    const atLevel = poolAt(1_100n * QUOTE);
    const [buy] = await behaviour.step(observation({ step: 3, pool: atLevel }), ctx);
    // Exact tokens out of a pool: swap the quote the pool asks for them, accept 1% fewer.
    expect(buy).to.deep.include({
      kind: "swap",
      sell: "quote",
      amountIn: poolAmountIn(atLevel, "token", 1_000n * TOKEN),
      minOut: 990n * TOKEN,
    });
    expect(buy?.note).to.match(/buy level/);
  });

  it("with poolBuy: exactOut buys exactly its token amount on the pool with swapExactOut", async function () {
    const behaviour = createThreshold(thresholdConfig({ poolBuy: "exactOut" }));
    const atLevel = poolAt(1_100n * QUOTE);
    const [buy] = await behaviour.step(observation({ pool: atLevel }), context());
    const quoteIn = poolAmountIn(atLevel, "token", 1_000n * TOKEN)!;
    expect(buy).to.deep.include({
      kind: "swapExactOut",
      buy: "token",
      amountOut: 1_000n * TOKEN,
      maxIn: plusBps(quoteIn, 100),
    });
  });

  it("sells its token amount on the pool once the price is at or above the sell level", async function () {
    const behaviour = createThreshold(thresholdConfig());
    const ctx = context();
    expect(await behaviour.step(observation({ pool: poolAt(1_300n * QUOTE - 1n) }), ctx)).to.deep.equal([]);
    const atLevel = poolAt(1_300n * QUOTE);
    const intents = await behaviour.step(observation({ step: 2, pool: atLevel }), ctx);
    const out = poolAmountOut(atLevel, "token", 1_000n * TOKEN);
    expect(intents).to.have.length(1);
    expect(intents[0]).to.deep.include({
      kind: "swap",
      sell: "token",
      amountIn: 1_000n * TOKEN,
      minOut: (out * 99n) / 100n,
    });
  });

  it("on the curve buys exact tokens with a cost limit and sells with a refund limit", async function () {
    const behaviour = createThreshold(thresholdConfig({ venue: "curve", slippageBps: 200 }));
    const ctx = context();
    const [buy] = await behaviour.step(observation({ curve: { supply: curveSupplyAt(0.0109) } }), ctx);
    expect(buy?.kind).to.equal("buyCurve");
    if (buy?.kind !== "buyCurve") return;
    expect(buy.amount).to.equal(1_000n * TOKEN);
    // ∫ over [0.9M, 0.901M] = 10.9005 quote, +1% fee, +2% slippage.
    expectClose(Number(buy.maxCost), 10.9005e6 * 1.01 * 1.02, 3);

    const [sell] = await behaviour.step(observation({ step: 2, curve: { supply: curveSupplyAt(0.0131) } }), ctx);
    expect(sell?.kind).to.equal("sellCurve");
    if (sell?.kind !== "sellCurve") return;
    expect(sell.amount).to.equal(1_000n * TOKEN);
    // ∫ over [3.099M, 3.1M] = 13.0995 quote, −1% fee, −2% slippage.
    expectClose(Number(sell.minRefund), 13.0995e6 * 0.99 * 0.98, 3);
  });

  it("waits cooldownSteps after a trade before the next one", async function () {
    const behaviour = createThreshold(thresholdConfig({ cooldownSteps: 2 }));
    const observations = [1, 2, 3, 4, 5, 6, 7].map((step) => observation({ step, pool: poolAt(1_000n * QUOTE) }));
    expect(activeSteps(await runSteps(behaviour, observations), observations)).to.deep.equal([1, 4, 7]);
  });

  it("never sells more tokens than it holds nor spends more quote than it has, and a skipped trade starts no cooldown", async function () {
    const behaviour = createThreshold(thresholdConfig({ cooldownSteps: 10 }));
    const ctx = context();
    const fewTokens = { holdings: { tokens: 1_000n * TOKEN - 1n, quote: 10_000n * QUOTE, lp: 0n } };
    expect(await behaviour.step(observation({ pool: poolAt(1_400n * QUOTE), self: fewTokens }), ctx)).to.deep.equal([]);
    const littleQuote = { holdings: { tokens: 0n, quote: 10n * QUOTE, lp: 0n } }; // 1,000 tokens cost ~11.1
    expect(
      await behaviour.step(observation({ step: 2, pool: poolAt(1_000n * QUOTE), self: littleQuote }), ctx),
    ).to.deep.equal([]);
    const enough = { holdings: { tokens: 1_000n * TOKEN, quote: 0n, lp: 0n } };
    const [sell] = await behaviour.step(observation({ step: 3, pool: poolAt(1_400n * QUOTE), self: enough }), ctx);
    expect(sell).to.deep.include({ kind: "swap", sell: "token", amountIn: 1_000n * TOKEN });
  });

  it("does not trade on the curve while it is paused", async function () {
    const behaviour = createThreshold(thresholdConfig({ venue: "curve" }));
    expect(
      await behaviour.step(observation({ curve: { supply: curveSupplyAt(0.0105), paused: true } }), context()),
    ).to.deep.equal([]);
  });

  it("does nothing on an empty pool, which has no price", async function () {
    const behaviour = createThreshold(thresholdConfig());
    expect(await behaviour.step(observation({ pool: poolState(0n, 0n) }), context())).to.deep.equal([]);
  });

  it("bids its configured priority fee", async function () {
    const behaviour = createThreshold(thresholdConfig({ priorityFeeWei: 5_000_000_000n }));
    const [buy] = await behaviour.step(observation({ pool: poolAt(1_000n * QUOTE) }), context());
    expect(buy?.priorityFeeWei).to.equal(5_000_000_000n);
  });

  it("runs the classic model: two threshold players trading fixed amounts on a fee-less pool once a day", async function () {
    // Hourly blocks: a day is 24 steps, so "once a day" is a cooldown of 23 steps.
    const day = { blockSeconds: 3_600 };
    const buyer = createThreshold(
      thresholdConfig({
        label: "buyer",
        buyBelowWad: wad(1.01),
        sellAboveWad: undefined,
        amount: 100n * TOKEN,
        cooldownSteps: 23,
        slippageBps: 0,
      }),
    );
    const seller = createThreshold(
      thresholdConfig({
        label: "seller",
        buyBelowWad: undefined,
        sellAboveWad: wad(0.98),
        amount: 100n * TOKEN,
        cooldownSteps: 23,
        slippageBps: 0,
      }),
    );
    const players = [
      {
        behaviour: buyer,
        holdings: { tokens: 0n, quote: 100_000n * QUOTE, lp: 0n } as Holdings,
        trades: [] as number[],
      },
      {
        behaviour: seller,
        holdings: { tokens: 10_000n * TOKEN, quote: 0n, lp: 0n } as Holdings,
        trades: [] as number[],
      },
    ];
    let pool = poolState(10_000n * TOKEN, 10_000n * QUOTE, 0);
    const ctx = context();
    for (let step = 1; step <= 24 * 5; step++) {
      for (const player of players) {
        const intents: Intent[] = await player.behaviour.step(
          observation({ step, ...day, pool, self: { holdings: player.holdings } }),
          ctx,
        );
        for (const intent of intents) {
          if (intent.kind !== "swap") throw new Error(`expected a swap, got ${intent.kind}`);
          const out = poolAmountOut(pool, intent.sell, intent.amountIn);
          expect(out >= intent.minOut).to.equal(true);
          const { tokens, quote, lp } = player.holdings;
          player.holdings =
            intent.sell === "quote"
              ? { tokens: tokens + out, quote: quote - intent.amountIn, lp }
              : { tokens: tokens - intent.amountIn, quote: quote + out, lp };
          pool = poolAfterSwap(pool, intent.sell, intent.amountIn);
          player.trades.push(step);
        }
      }
    }
    // Each trades exactly once a day: the buyer at price <= 1.01 buys first, the seller then finds the
    // price above 0.98 and sells. The buyer's quote rounds up to whole quote units, so it gets its
    // 100 tokens a day plus the dust a millionth of a quote buys; the pool's price comes back to 1.
    expect(players[0]!.trades).to.deep.equal([1, 25, 49, 73, 97]);
    expect(players[1]!.trades).to.deep.equal([1, 25, 49, 73, 97]);
    const bought = players[0]!.holdings.tokens;
    expect(bought >= 500n * TOKEN && bought < 500n * TOKEN + TOKEN / 10_000n).to.equal(true);
    expect(players[1]!.holdings.tokens).to.equal(9_500n * TOKEN);
    expectClose(Number(pool.priceWad) / 1e18, 1, 1e-6);
  });

  it("is deterministic: two instances give the same intents over the same observations", async function () {
    const observations = Array.from({ length: 30 }, (_, i) =>
      observation({ step: i + 1, pool: poolAt(BigInt(1_000 + ((i * 37) % 400)) * QUOTE) }),
    );
    const a = await runSteps(createThreshold(thresholdConfig({ cooldownSteps: 1 })), observations, 7n);
    const b = await runSteps(createThreshold(thresholdConfig({ cooldownSteps: 1 })), observations, 7n);
    expect(a).to.deep.equal(b);
    expect(a.flat().length).to.be.greaterThan(0);
  });

  it("rejects a config that could never trade or would buy above its sell level, naming the field", function () {
    expect(() => createThreshold(thresholdConfig({ buyBelowWad: undefined, sellAboveWad: undefined }))).to.throw(
      BehaviourConfigError,
      /buyBelowWad\/sellAboveWad/,
    );
    expect(() => createThreshold(thresholdConfig({ buyBelowWad: wad(0.013) }))).to.throw(
      BehaviourConfigError,
      /buyBelowWad .* must be below sellAboveWad/,
    );
    expect(() => createThreshold(thresholdConfig({ amount: 0n }))).to.throw(BehaviourConfigError, /amount must be > 0/);
    expect(() => createThreshold(thresholdConfig({ cooldownSteps: -1 }))).to.throw(
      BehaviourConfigError,
      /cooldownSteps/,
    );
    expect(() => createThreshold(thresholdConfig({ slippageBps: 10_000 }))).to.throw(
      BehaviourConfigError,
      /slippageBps/,
    );
  });
});
