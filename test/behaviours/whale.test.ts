import { expect } from "chai";

import { BehaviourConfigError } from "../../agents/behaviours/config-checks.ts";
import { createWhale } from "../../agents/behaviours/whale.ts";
import { minusBps } from "../../agents/core/units.ts";
import { poolAmountOut } from "../../agents/mechanisms/pool/quotes.ts";
import type { Intent } from "../../agents/mechanisms/vocabulary.ts";
import type { WhaleConfig } from "../../agents/behaviours/whale.ts";
import { QUOTE, TOKEN, context, observation } from "./observation.ts";
import { activeSteps, runSteps } from "./steps.ts";

function whaleConfig(overrides: Partial<WhaleConfig> = {}): WhaleConfig {
  return {
    kind: "whale",
    label: "whale",
    slippageBps: 300,
    venue: "pool",
    side: "buy",
    startStep: 5,
    everySteps: 3,
    buyQuote: 500n * QUOTE,
    sellFractionBps: 2_500,
    ...overrides,
  };
}

const RICH = { holdings: { tokens: 1_000_000n * TOKEN, quote: 1_000_000n * QUOTE, lp: 0n } };
const steps = (count: number, overrides: Parameters<typeof observation>[0] = {}) =>
  Array.from({ length: count }, (_, i) => observation({ step: i + 1, self: RICH, ...overrides }));

const side = (intent: Intent) =>
  intent.kind === "buyCurveWithQuote" || (intent.kind === "swap" && intent.sell === "quote") ? "buy" : "sell";

describe("whale behaviour", function () {
  it("trades every everySteps from startStep, and never before", async function () {
    const observations = steps(14);
    const intents = await runSteps(createWhale(whaleConfig()), observations);
    expect(activeSteps(intents, observations)).to.deep.equal([5, 8, 11, 14]);
  });

  it("buys buyQuote with a slippage limit on the pool or the curve", async function () {
    const obs = observation({ step: 5 });
    const [onPool] = await createWhale(whaleConfig()).step(obs, context());
    expect(onPool).to.deep.include({
      kind: "swap",
      sell: "quote",
      amountIn: 500n * QUOTE,
      minOut: minusBps(poolAmountOut(obs.pool, "quote", 500n * QUOTE), 300),
    });
    expect(onPool?.note).to.match(/^whale: buy 500 quote/);
    const [onCurve] = await createWhale(whaleConfig({ venue: "curve" })).step(obs, context());
    expect(onCurve).to.deep.include({ kind: "buyCurveWithQuote", quoteIn: 500n * QUOTE });
  });

  it("sells sellFractionBps of the tokens it holds at each sale", async function () {
    const behaviour = createWhale(whaleConfig({ side: "sell", venue: "curve", startStep: 1, everySteps: 1 }));
    const ctx = context();
    const [first] = await behaviour.step(
      observation({ step: 1, self: { holdings: { tokens: 10_000n * TOKEN, quote: 0n, lp: 0n } } }),
      ctx,
    );
    expect(first).to.deep.include({ kind: "sellCurve", amount: 2_500n * TOKEN });
    const [second] = await behaviour.step(
      observation({ step: 2, self: { holdings: { tokens: 7_500n * TOKEN, quote: 0n, lp: 0n } } }),
      ctx,
    );
    expect(second).to.deep.include({ kind: "sellCurve", amount: 1_875n * TOKEN });
    expect(
      await behaviour.step(observation({ step: 3, self: { holdings: { tokens: 0n, quote: 0n, lp: 0n } } }), ctx),
    ).to.deep.equal([]);
  });

  it("alternates a buy first, then a sale, and tries a skipped buy again at its next turn", async function () {
    const alternating = await runSteps(createWhale(whaleConfig({ side: "alternate" })), steps(17));
    expect(alternating.flat().map(side)).to.deep.equal(["buy", "sell", "buy", "sell", "buy"]);

    const behaviour = createWhale(whaleConfig({ side: "alternate", venue: "curve" }));
    const ctx = context();
    expect(await behaviour.step(observation({ step: 5, self: RICH, curve: { paused: true } }), ctx)).to.deep.equal([]);
    const [buy] = await behaviour.step(observation({ step: 8, self: RICH }), ctx);
    expect(buy?.kind).to.equal("buyCurveWithQuote");
    const [sell] = await behaviour.step(observation({ step: 11, self: RICH }), ctx);
    expect(sell?.kind).to.equal("sellCurve");
  });

  it("skips a buy it cannot pay for", async function () {
    const poor = { holdings: { tokens: 0n, quote: 499n * QUOTE, lp: 0n } };
    expect((await runSteps(createWhale(whaleConfig()), steps(10, { self: poor }))).flat()).to.deep.equal([]);
  });

  it("bids its configured priority fee", async function () {
    const [buy] = await createWhale(whaleConfig({ priorityFeeWei: 50_000_000_000n })).step(
      observation({ step: 5 }),
      context(),
    );
    expect(buy?.priorityFeeWei).to.equal(50_000_000_000n);
  });

  it("is deterministic: two instances give the same intents over the same observations", async function () {
    const observations = steps(30);
    const a = await runSteps(createWhale(whaleConfig({ side: "alternate" })), observations, 2n);
    const b = await runSteps(createWhale(whaleConfig({ side: "alternate" })), observations, 2n);
    expect(a).to.deep.equal(b);
  });

  it("rejects a config it cannot run, naming the field", function () {
    expect(() => createWhale(whaleConfig({ everySteps: 0 }))).to.throw(BehaviourConfigError, /everySteps/);
    expect(() => createWhale(whaleConfig({ buyQuote: 0n }))).to.throw(BehaviourConfigError, /buyQuote/);
    expect(() => createWhale(whaleConfig({ side: "sell", buyQuote: 0n, sellFractionBps: 10_001 }))).to.throw(
      BehaviourConfigError,
      /sellFractionBps/,
    );
    expect(() => createWhale(whaleConfig({ side: "hold" as WhaleConfig["side"] }))).to.throw(
      BehaviourConfigError,
      /side/,
    );
  });
});
