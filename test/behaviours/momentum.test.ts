import { expect } from "chai";

import { BehaviourConfigError } from "../../agents/behaviours/config-checks.ts";
import { createMomentum } from "../../agents/behaviours/momentum.ts";
import { minusBps } from "../../agents/core/units.ts";
import { poolAmountOut } from "../../agents/mechanisms/pool/quotes.ts";
import type { Observation } from "../../agents/mechanisms/vocabulary.ts";
import type { MomentumConfig } from "../../agents/behaviours/momentum.ts";
import { QUOTE, TOKEN, context, observation, wad } from "./observation.ts";
import { activeSteps, poolAtPrice, runSteps } from "./steps.ts";

function momentumConfig(overrides: Partial<MomentumConfig> = {}): MomentumConfig {
  return {
    kind: "momentum",
    label: "momentum",
    slippageBps: 100,
    venue: "pool",
    lookbackSteps: 3,
    triggerBps: 500,
    tradeQuote: 50n * QUOTE,
    cooldownSteps: 0,
    ...overrides,
  };
}

/** The pool at `now` after earlier pool prices `past` (oldest first). */
function poolPath(past: number[], now: number, overrides: Parameters<typeof observation>[0] = {}): Observation {
  return observation({ pool: poolAtPrice(now), history: { curve: [], pool: past.map(wad) }, ...overrides });
}

describe("momentum behaviour", function () {
  it("buys tradeQuote once the price rose by more than triggerBps since lookbackSteps ago, not at exactly the trigger", async function () {
    const past = [1.0, 1.02, 1.03, 1.04]; // three steps before now: 1.02
    expect(await createMomentum(momentumConfig()).step(poolPath(past, 1.07), context())).to.deep.equal([]);
    expect(await createMomentum(momentumConfig()).step(poolPath(past, 1.071), context())).to.deep.equal([]); // exactly +5%
    const obs = poolPath(past, 1.0711);
    const [buy] = await createMomentum(momentumConfig()).step(obs, context());
    expect(buy).to.deep.include({
      kind: "swap",
      sell: "quote",
      amountIn: 50n * QUOTE,
      minOut: minusBps(poolAmountOut(obs.pool, "quote", 50n * QUOTE), 100),
    });
    expect(buy?.note).to.match(/buy 50 quote/);
  });

  it("sells tokens worth tradeQuote once the price fell by more than triggerBps", async function () {
    const past = [1.0, 1.0, 1.0]; // three steps before now: 1.0
    expect(await createMomentum(momentumConfig()).step(poolPath(past, 0.95), context())).to.deep.equal([]); // exactly −5%
    const obs = poolPath(past, 0.94);
    const [sell] = await createMomentum(momentumConfig()).step(obs, context());
    const tokens = (50n * QUOTE * 10n ** 30n) / wad(0.94); // 53.19 tokens are worth 50 quote at 0.94
    expect(sell).to.deep.include({
      kind: "swap",
      sell: "token",
      amountIn: tokens,
      minOut: minusBps(poolAmountOut(obs.pool, "token", tokens), 100),
    });
  });

  it("sells at most what it holds", async function () {
    const holdings = { tokens: 10n * TOKEN, quote: 0n, lp: 0n };
    const [sell] = await createMomentum(momentumConfig()).step(
      poolPath([1.0, 1.0, 1.0], 0.9, { self: { holdings } }),
      context(),
    );
    expect(sell).to.deep.include({ kind: "swap", sell: "token", amountIn: 10n * TOKEN });
    const none = { tokens: 0n, quote: 0n, lp: 0n };
    expect(
      await createMomentum(momentumConfig()).step(
        poolPath([1.0, 1.0, 1.0], 0.9, { self: { holdings: none } }),
        context(),
      ),
    ).to.deep.equal([]);
  });

  it("compares with the price exactly lookbackSteps ago and waits until the history reaches back that far", async function () {
    expect(await createMomentum(momentumConfig()).step(poolPath([1.0, 1.0], 2.0), context())).to.deep.equal([]);
    // The 0.5 lies four steps back, beyond the three it looks at.
    expect(await createMomentum(momentumConfig()).step(poolPath([0.5, 1.0, 1.0, 1.0], 1.0), context())).to.deep.equal(
      [],
    );
    expect(
      await createMomentum(momentumConfig({ lookbackSteps: 4 })).step(poolPath([0.5, 1.0, 1.0, 1.0], 1.0), context()),
    ).to.have.length(1);
  });

  it("trades on the curve with buyCurveWithQuote and sellCurve, and not while it is paused", async function () {
    const rising = { curve: [wad(0.011), wad(0.0112), wad(0.0115)], pool: [] };
    const [buy] = await createMomentum(momentumConfig({ venue: "curve" })).step(
      observation({ history: rising }),
      context(),
    ); // now 0.0122
    expect(buy).to.deep.include({ kind: "buyCurveWithQuote", quoteIn: 50n * QUOTE });
    const falling = { curve: [wad(0.014), wad(0.0135), wad(0.013)], pool: [] };
    const [sell] = await createMomentum(momentumConfig({ venue: "curve" })).step(
      observation({ history: falling }),
      context(),
    );
    expect(sell).to.deep.include({ kind: "sellCurve", amount: (50n * QUOTE * 10n ** 30n) / wad(0.0122) });
    expect(
      await createMomentum(momentumConfig({ venue: "curve" })).step(
        observation({ history: rising, curve: { paused: true } }),
        context(),
      ),
    ).to.deep.equal([]);
  });

  it("waits cooldownSteps between trades while the trend lasts", async function () {
    const prices = [1, 1, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8];
    const observations = prices.map((_, i) =>
      observation({
        step: i + 1,
        pool: poolAtPrice(prices[i]!),
        history: { curve: [], pool: prices.slice(0, i).map(wad) },
      }),
    );
    const behaviour = createMomentum(momentumConfig({ lookbackSteps: 1, cooldownSteps: 2, priorityFeeWei: 3n }));
    const intents = await runSteps(behaviour, observations);
    expect(activeSteps(intents, observations)).to.deep.equal([4, 7, 10]);
    expect(intents.flat().every((intent) => intent.priorityFeeWei === 3n)).to.equal(true);
  });

  it("is deterministic: two instances give the same intents over the same observations", async function () {
    const prices = Array.from({ length: 40 }, (_, i) => 1 + 0.1 * Math.sin(i / 3));
    const observations = prices.map((_, i) =>
      observation({
        step: i + 1,
        pool: poolAtPrice(prices[i]!),
        history: { curve: [], pool: prices.slice(0, i).map(wad) },
      }),
    );
    const a = await runSteps(createMomentum(momentumConfig({ cooldownSteps: 1 })), observations, 4n);
    const b = await runSteps(createMomentum(momentumConfig({ cooldownSteps: 1 })), observations, 4n);
    expect(a).to.deep.equal(b);
    expect(a.flat().length).to.be.greaterThan(2);
  });

  it("rejects a config it cannot run, naming the field", function () {
    expect(() => createMomentum(momentumConfig({ lookbackSteps: 0 }))).to.throw(BehaviourConfigError, /lookbackSteps/);
    expect(() => createMomentum(momentumConfig({ triggerBps: 1.5 }))).to.throw(BehaviourConfigError, /triggerBps/);
    expect(() => createMomentum(momentumConfig({ tradeQuote: 0n }))).to.throw(BehaviourConfigError, /tradeQuote/);
  });
});
