import { expect } from "chai";

import type { Bandit } from "../../agents/behaviours/bandit.ts";
import { BEHAVIOUR_KINDS, type BehaviourConfig, createBehaviour } from "../../agents/behaviours/registry.ts";
import { QUOTE, TOKEN, wad } from "./observation.ts";

const common = { slippageBps: 100 };

/** One valid config of every kind, labelled after its kind. */
const CONFIGS: Exclude<BehaviourConfig, { kind: "bandit" }>[] = [
  {
    ...common,
    kind: "threshold",
    label: "t",
    venue: "curve",
    buyBelowWad: wad(0.01),
    amount: 1_000n * TOKEN,
    cooldownSteps: 0,
  },
  {
    ...common,
    kind: "noise",
    label: "n",
    venues: ["curve", "pool"],
    ratePerStep: 1,
    minQuote: 1n * QUOTE,
    maxQuote: 10n * QUOTE,
    buyProbability: 0.5,
  },
  {
    ...common,
    kind: "momentum",
    label: "m",
    venue: "pool",
    lookbackSteps: 5,
    triggerBps: 200,
    tradeQuote: 10n * QUOTE,
    cooldownSteps: 1,
  },
  {
    ...common,
    kind: "meanReversion",
    label: "mr",
    venue: "curve",
    windowSteps: 10,
    bandBps: 300,
    tradeQuote: 10n * QUOTE,
    cooldownSteps: 1,
  },
  {
    ...common,
    kind: "whale",
    label: "w",
    venue: "curve",
    side: "alternate",
    startStep: 1,
    everySteps: 10,
    buyQuote: 1_000n * QUOTE,
    sellFractionBps: 5_000,
  },
  {
    ...common,
    kind: "liquidityProvider",
    label: "lp",
    depositQuote: 100n * QUOTE,
    startStep: 1,
    exitGapBps: 500,
    enterGapBps: 200,
  },
  { ...common, kind: "arbitrageur", label: "arb", minProfitQuote: 1n * QUOTE, maxTradeQuote: 100n * QUOTE },
  { ...common, kind: "vestingBeneficiary", label: "vb", venue: "pool", claimEverySteps: 1, sell: { mode: "hold" } },
  {
    ...common,
    kind: "frontRunner",
    label: "fr",
    minProfitQuote: 1n * QUOTE,
    maxTradeQuote: 100n * QUOTE,
    bidIncrementWei: 1n,
  },
];

describe("createBehaviour", () => {
  it("builds every kind from its config, with its kind and label", () => {
    for (const config of CONFIGS) {
      const behaviour = createBehaviour(config);
      expect([behaviour.kind, behaviour.label]).to.deep.equal([config.kind, config.label]);
    }
    expect(new Set([...CONFIGS.map((c) => c.kind), "bandit"])).to.deep.equal(new Set(BEHAVIOUR_KINDS));
  });

  it("builds a bandit's arms through the same factory", () => {
    const bandit = createBehaviour({
      ...common,
      kind: "bandit",
      label: "learner",
      algorithm: "ucb1",
      epsilon: 0,
      periodSteps: 5,
      arms: CONFIGS,
    }) as Bandit;
    expect(bandit.kind).to.equal("bandit");
    expect(bandit.stats().map((s) => [s.kind, s.label])).to.deep.equal(CONFIGS.map((c) => [c.kind, c.label]));
  });

  it("passes on a factory's refusal of a bad config", () => {
    expect(() =>
      createBehaviour({ ...common, kind: "arbitrageur", label: "arb", minProfitQuote: 0n, maxTradeQuote: 0n }),
    ).to.throw(/maxTradeQuote/);
  });
});
