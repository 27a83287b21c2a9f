import { expect } from "chai";

import { BehaviourConfigError } from "../../agents/behaviours/config-checks.ts";
import { createMeanReversion } from "../../agents/behaviours/mean-reversion.ts";
import { minusBps } from "../../agents/core/units.ts";
import { poolAmountOut } from "../../agents/mechanisms/pool/quotes.ts";
import type { Observation } from "../../agents/mechanisms/vocabulary.ts";
import type { MeanReversionConfig } from "../../agents/behaviours/mean-reversion.ts";
import { QUOTE, TOKEN, context, observation, wad } from "./observation.ts";
import { activeSteps, poolAtPrice, runSteps } from "./steps.ts";

function meanReversionConfig(overrides: Partial<MeanReversionConfig> = {}): MeanReversionConfig {
  return {
    kind: "meanReversion",
    label: "meanReversion",
    slippageBps: 100,
    venue: "pool",
    windowSteps: 4,
    bandBps: 200,
    tradeQuote: 20n * QUOTE,
    cooldownSteps: 0,
    ...overrides,
  };
}

function poolPath(past: number[], now: number, overrides: Parameters<typeof observation>[0] = {}): Observation {
  return observation({ pool: poolAtPrice(now), history: { curve: [], pool: past.map(wad) }, ...overrides });
}

// Window 4 over [1, 1, 1, now]: the average is (3 + now) / 4, so the price is 2% below it from
// now <= 0.97351 and 2% above it from now >= 1.02685.

describe("mean-reversion behaviour", function () {
  it("buys tradeQuote when the price is bandBps below the moving average of the window, the current price included", async function () {
    expect(await createMeanReversion(meanReversionConfig()).step(poolPath([1, 1, 1], 0.9736), context())).to.deep.equal(
      [],
    );
    const obs = poolPath([1, 1, 1], 0.9735);
    const [buy] = await createMeanReversion(meanReversionConfig()).step(obs, context());
    expect(buy).to.deep.include({
      kind: "swap",
      sell: "quote",
      amountIn: 20n * QUOTE,
      minOut: minusBps(poolAmountOut(obs.pool, "quote", 20n * QUOTE), 100),
    });
    expect(buy?.note).to.match(/4-step average/);
  });

  it("sells tokens worth tradeQuote when the price is bandBps above the average, at most what it holds", async function () {
    expect(await createMeanReversion(meanReversionConfig()).step(poolPath([1, 1, 1], 1.0268), context())).to.deep.equal(
      [],
    );
    const [sell] = await createMeanReversion(meanReversionConfig()).step(poolPath([1, 1, 1], 1.0269), context());
    expect(sell).to.deep.include({ kind: "swap", sell: "token", amountIn: (20n * QUOTE * 10n ** 30n) / wad(1.0269) });
    const holdings = { tokens: 5n * TOKEN, quote: 0n, lp: 0n };
    const [capped] = await createMeanReversion(meanReversionConfig()).step(
      poolPath([1, 1, 1], 1.1, { self: { holdings } }),
      context(),
    );
    expect(capped).to.deep.include({ kind: "swap", sell: "token", amountIn: 5n * TOKEN });
  });

  it("waits for a full window and averages only the last windowSteps prices", async function () {
    expect(await createMeanReversion(meanReversionConfig()).step(poolPath([1, 1], 0.5), context())).to.deep.equal([]);
    // The 2.0 is five prices back: outside a window of four, whose average is 1.
    expect(await createMeanReversion(meanReversionConfig()).step(poolPath([2, 1, 1, 1], 1), context())).to.deep.equal(
      [],
    );
    // A window of five takes it in: the average is 1.2, and 1 is far below it.
    const intents = await createMeanReversion(meanReversionConfig({ windowSteps: 5 })).step(
      poolPath([2, 1, 1, 1], 1),
      context(),
    );
    expect(intents).to.have.length(1);
    expect(intents[0]).to.deep.include({ kind: "swap", sell: "quote" });
  });

  it("trades on the curve from the curve's history, and not while it is paused", async function () {
    const history = { curve: [wad(0.013), wad(0.013), wad(0.013)], pool: [] }; // now 0.0122, average 0.0128
    const [buy] = await createMeanReversion(meanReversionConfig({ venue: "curve" })).step(
      observation({ history }),
      context(),
    );
    expect(buy).to.deep.include({ kind: "buyCurveWithQuote", quoteIn: 20n * QUOTE });
    expect(
      await createMeanReversion(meanReversionConfig({ venue: "curve" })).step(
        observation({ history, curve: { paused: true } }),
        context(),
      ),
    ).to.deep.equal([]);
  });

  it("waits cooldownSteps between trades", async function () {
    const prices = [1, 1, 1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
    const observations = prices.map((_, i) =>
      observation({
        step: i + 1,
        pool: poolAtPrice(prices[i]!),
        history: { curve: [], pool: prices.slice(0, i).map(wad) },
      }),
    );
    const intents = await runSteps(
      createMeanReversion(meanReversionConfig({ cooldownSteps: 1, priorityFeeWei: 9n })),
      observations,
    );
    // Steps 4–6 sit 2% or more under the average; by step 7 the average has caught up with 0.9.
    expect(activeSteps(intents, observations)).to.deep.equal([4, 6]);
    expect(intents.flat().every((intent) => intent.priorityFeeWei === 9n)).to.equal(true);
  });

  it("is deterministic: two instances give the same intents over the same observations", async function () {
    const prices = Array.from({ length: 40 }, (_, i) => 1 + 0.1 * Math.sin(i / 2));
    const observations = prices.map((_, i) =>
      observation({
        step: i + 1,
        pool: poolAtPrice(prices[i]!),
        history: { curve: [], pool: prices.slice(0, i).map(wad) },
      }),
    );
    const a = await runSteps(createMeanReversion(meanReversionConfig()), observations, 4n);
    const b = await runSteps(createMeanReversion(meanReversionConfig()), observations, 4n);
    expect(a).to.deep.equal(b);
    expect(a.flat().length).to.be.greaterThan(2);
  });

  it("rejects a config it cannot run, naming the field", function () {
    expect(() => createMeanReversion(meanReversionConfig({ windowSteps: 1 }))).to.throw(
      BehaviourConfigError,
      /windowSteps/,
    );
    expect(() => createMeanReversion(meanReversionConfig({ bandBps: 0 }))).to.throw(BehaviourConfigError, /bandBps/);
    expect(() => createMeanReversion(meanReversionConfig({ tradeQuote: -1n }))).to.throw(
      BehaviourConfigError,
      /tradeQuote/,
    );
  });
});
