import { expect } from "chai";

import { BehaviourConfigError } from "../../agents/behaviours/config-checks.ts";
import { createNoise } from "../../agents/behaviours/noise.ts";
import { minusBps } from "../../agents/core/units.ts";
import { poolAmountOut } from "../../agents/mechanisms/pool/quotes.ts";
import type { Intent } from "../../agents/mechanisms/vocabulary.ts";
import type { NoiseConfig } from "../../agents/behaviours/noise.ts";
import { QUOTE, TOKEN, context, observation, poolState, poolAfterSwap } from "./observation.ts";
import { runSteps } from "./steps.ts";
import { expectClose } from "../helpers/close.ts";

function noiseConfig(overrides: Partial<NoiseConfig> = {}): NoiseConfig {
  return {
    kind: "noise",
    label: "noise",
    slippageBps: 100,
    venues: ["curve", "pool"],
    ratePerStep: 0.5,
    minQuote: 1n * QUOTE,
    maxQuote: 100n * QUOTE,
    buyProbability: 0.5,
    ...overrides,
  };
}

/** Rich enough that nothing is skipped for want of quote or tokens; a deep pool so sizes barely move it. */
const RICH = { holdings: { tokens: 10_000_000n * TOKEN, quote: 10_000_000n * QUOTE, lp: 0n } };
const DEEP_POOL = poolState(100_000_000n * TOKEN, 1_220_000n * QUOTE);

function steps(count: number, overrides: Parameters<typeof observation>[0] = {}) {
  return Array.from({ length: count }, (_, i) =>
    observation({ step: i + 1, self: RICH, pool: DEEP_POOL, ...overrides }),
  );
}

/** The quote size of a trade: quote in for a buy; the tokens' worth at the default price 0.0122 for a sell. */
function quoteSize(intent: Intent): number {
  switch (intent.kind) {
    case "buyCurveWithQuote":
      return Number(intent.quoteIn) / 1e6;
    case "sellCurve":
      return (Number(intent.amount) / 1e18) * 0.0122;
    case "swap":
      return intent.sell === "quote" ? Number(intent.amountIn) / 1e6 : (Number(intent.amountIn) / 1e18) * 0.0122;
    default:
      throw new Error(`noise sent a ${intent.kind}`);
  }
}

const isBuy = (intent: Intent) =>
  intent.kind === "buyCurveWithQuote" || (intent.kind === "swap" && intent.sell === "quote");
const onCurve = (intent: Intent) => intent.kind === "buyCurveWithQuote" || intent.kind === "sellCurve";

describe("noise behaviour", function () {
  it("makes ratePerStep trades per step on average", async function () {
    for (const ratePerStep of [0.3, 2.5]) {
      const count = 4_000;
      const intents = (await runSteps(createNoise(noiseConfig({ ratePerStep })), steps(count), 11n)).flat();
      // Poisson: the mean of 4,000 steps has a standard deviation of sqrt(rate / 4,000); allow 4 of them.
      expectClose(intents.length / count, ratePerStep, 4 * Math.sqrt(ratePerStep / count));
    }
  });

  it("draws sizes log-uniform in [minQuote, maxQuote], buys with buyProbability, and uses every venue it lists", async function () {
    const intents = (
      await runSteps(createNoise(noiseConfig({ ratePerStep: 2, buyProbability: 0.8 })), steps(2_000), 3n)
    ).flat();
    const sizes = intents.map(quoteSize);
    expect(Math.min(...sizes)).to.be.at.least(0.999);
    expect(Math.max(...sizes)).to.be.at.most(100.001);
    // Log-uniform on [1, 100]: half the trades below 10 (the geometric mean), a quarter below sqrt(10).
    expectClose(sizes.filter((size) => size < 10).length / sizes.length, 0.5, 0.03);
    expectClose(sizes.filter((size) => size < Math.sqrt(10)).length / sizes.length, 0.25, 0.03);
    expectClose(intents.filter(isBuy).length / intents.length, 0.8, 0.03);
    expectClose(intents.filter(onCurve).length / intents.length, 0.5, 0.03);

    const poolOnly = (
      await runSteps(createNoise(noiseConfig({ venues: ["pool"], ratePerStep: 2 })), steps(200), 3n)
    ).flat();
    expect(poolOnly.length).to.be.greaterThan(0);
    expect(poolOnly.every((intent) => intent.kind === "swap")).to.equal(true);
  });

  it("sets each trade's slippage limit against the pool its earlier trades in the step leave", async function () {
    const behaviour = createNoise(
      noiseConfig({ venues: ["pool"], ratePerStep: 6, buyProbability: 1, slippageBps: 50 }),
    );
    const obs = observation({ self: RICH });
    const intents = await behaviour.step(obs, context(5n));
    expect(intents.length).to.be.greaterThan(1);
    let pool = obs.pool;
    for (const intent of intents) {
      if (intent.kind !== "swap") throw new Error(`expected a swap, got ${intent.kind}`);
      expect(intent.minOut).to.equal(minusBps(poolAmountOut(pool, "quote", intent.amountIn), 50));
      pool = poolAfterSwap(pool, "quote", intent.amountIn);
    }
  });

  it("sells the tokens worth its size, capped by what it holds, and never more than it holds in a step", async function () {
    const behaviour = createNoise(
      noiseConfig({ venues: ["pool"], ratePerStep: 4, buyProbability: 0, minQuote: 10n * QUOTE }),
    );
    const holdings = { tokens: 100n * TOKEN, quote: 0n, lp: 0n }; // worth 1.22 quote, under any size drawn
    const observations = Array.from({ length: 50 }, (_, i) => observation({ step: i + 1, self: { holdings } }));
    const perStep = await runSteps(behaviour, observations, 9n);
    expect(perStep.flat().length).to.be.greaterThan(10);
    for (const intents of perStep) {
      expect(intents.length).to.be.at.most(1);
      for (const intent of intents)
        expect(intent).to.deep.include({ kind: "swap", sell: "token", amountIn: 100n * TOKEN });
    }

    const richSeller = createNoise(noiseConfig({ venues: ["curve"], ratePerStep: 1, buyProbability: 0 }));
    const sells = (await runSteps(richSeller, steps(100), 9n)).flat();
    for (const intent of sells) {
      if (intent.kind !== "sellCurve") throw new Error(`expected a curve sell, got ${intent.kind}`);
      expect(Number(intent.amount) / 1e18).to.be.within(1 / 0.0122 - 1e-6, 100 / 0.0122 + 1e-6);
    }
  });

  it("skips buys it cannot afford and trades nothing on a paused curve", async function () {
    const broke = { holdings: { tokens: 0n, quote: QUOTE / 2n, lp: 0n } };
    const buyer = createNoise(noiseConfig({ ratePerStep: 3, buyProbability: 1 }));
    expect((await runSteps(buyer, steps(50, { self: broke }))).flat()).to.deep.equal([]);
    const curveOnly = createNoise(noiseConfig({ venues: ["curve"], ratePerStep: 3 }));
    expect((await runSteps(curveOnly, steps(50, { curve: { paused: true } }))).flat()).to.deep.equal([]);
  });

  it("notes each trade and bids its configured priority fee", async function () {
    const intents = (
      await runSteps(createNoise(noiseConfig({ ratePerStep: 3, priorityFeeWei: 42n })), steps(10))
    ).flat();
    expect(intents.length).to.be.greaterThan(0);
    for (const intent of intents) {
      expect(intent.priorityFeeWei).to.equal(42n);
      expect(intent.note).to.match(/^noise: (buy|sell) /);
    }
  });

  it("is deterministic: the same seed gives the same intents, another seed others", async function () {
    const observations = steps(200);
    const a = await runSteps(createNoise(noiseConfig()), observations, 21n);
    const b = await runSteps(createNoise(noiseConfig()), observations, 21n);
    const c = await runSteps(createNoise(noiseConfig()), observations, 22n);
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
  });

  it("rejects a config it cannot run, naming the field", function () {
    expect(() => createNoise(noiseConfig({ venues: [] }))).to.throw(BehaviourConfigError, /venues/);
    expect(() => createNoise(noiseConfig({ ratePerStep: -1 }))).to.throw(BehaviourConfigError, /ratePerStep/);
    expect(() => createNoise(noiseConfig({ minQuote: 0n }))).to.throw(BehaviourConfigError, /minQuote/);
    expect(() => createNoise(noiseConfig({ maxQuote: QUOTE / 2n }))).to.throw(BehaviourConfigError, /maxQuote/);
    expect(() => createNoise(noiseConfig({ buyProbability: 1.5 }))).to.throw(BehaviourConfigError, /buyProbability/);
  });
});
