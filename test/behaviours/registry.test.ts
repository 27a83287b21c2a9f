import { expect } from "chai";

import type { Bandit } from "../../agents/behaviours/bandit.ts";
import { LlmHostMissing } from "../../agents/behaviours/llm-trader.ts";
import type { Behaviour } from "../../agents/behaviours/behaviour.ts";
import {
  BEHAVIOUR_KINDS,
  BEHAVIOURS,
  type BehaviourConfig,
  behaviourRegistry,
  createBehaviour,
} from "../../agents/behaviours/registry.ts";
import {
  amount,
  type BehaviourSpec,
  type CommonConfig,
  period,
  venue,
  type VenueChoice,
} from "../../agents/behaviours/spec.ts";
import { buyIntent, intentBase } from "../../agents/behaviours/trade.ts";
import { child } from "../../agents/core/document-reader.ts";
import { parseScenario, ScenarioError } from "../../agents/inputs/scenario.ts";
import { UNITS } from "../../agents/inputs/scenario-reader.ts";
import { behaviourReference } from "../helpers/behaviour-reference.ts";
import { context, observation, QUOTE, TOKEN, wad } from "./observation.ts";

const common = { slippageBps: 100 };

/** One valid config of every kind, labelled after its kind. */
const CONFIGS: Exclude<BehaviourConfig, { kind: "bandit" | "llm" }>[] = [
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
  {
    ...common,
    kind: "strategy",
    label: "s",
    file: "s.js",
    code: "function step() { return []; }",
    memoryMiB: 32,
    workPerStep: 200,
  },
  {
    ...common,
    kind: "yieldStaker",
    label: "ys",
    hurdleBps: 500,
    exitBps: 200,
    stakeShareBps: 5_000,
    claimEverySteps: 7,
  },
  { ...common, kind: "mercenaryFarmer", label: "mf", venue: "curve", minAprBps: 0, exit: "sell" },
];

describe("the behaviour registry", () => {
  it("builds every kind from its config, with its kind and label", () => {
    for (const config of CONFIGS) {
      const behaviour = createBehaviour(config);
      expect([behaviour.kind, behaviour.label]).to.deep.equal([config.kind, config.label]);
    }
    expect(new Set([...CONFIGS.map((c) => c.kind), "bandit", "llm"])).to.deep.equal(new Set(BEHAVIOUR_KINDS));
  });

  it("refuses to build an llm behaviour outside a run that has a model for it, saying where it runs", () => {
    const llm = { ...common, kind: "llm", label: "llm", venues: ["curve"], maxQuote: QUOTE, maxSellTokens: TOKEN };
    expect(() => createBehaviour(llm as unknown as BehaviourConfig)).to.throw(
      LlmHostMissing,
      "--llm live|record|replay",
    );
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

// A behaviour written the way behaviours/<kind>.ts are, here in the test: its config type, its field
// table and its factory. Registering it is all it takes for scenarios to use it, alone or as a
// bandit's arm, with the reader's usual errors, and for the README reference to document it.

/** Buys `tradeQuote` on its venue every `everySteps` steps, from `startStep`. */
interface DcaConfig extends CommonConfig {
  kind: "dca";
  venue: VenueChoice;
  tradeQuote: bigint;
  everySteps: number;
  startStep: number;
}

const dca: BehaviourSpec<DcaConfig> = {
  kind: "dca",
  summary: "buys the same amount at regular intervals",
  fields: [
    venue(),
    amount("tradeQuote", UNITS.quote, "quote per buy"),
    period("everySteps", "steps between buys"),
    period("startStep", "first step it buys", { default: 1 }),
  ],
  check(r, { path, config }) {
    if (config.startStep !== undefined && config.everySteps !== undefined && config.startStep > config.everySteps)
      r.failText(child(path, "startStep"), `at most everySteps (${config.everySteps})`, `${config.startStep}`);
  },
  create(config): Behaviour {
    return {
      kind: config.kind,
      label: config.label,
      step(obs) {
        if (obs.step < config.startStep || (obs.step - config.startStep) % config.everySteps !== 0) return [];
        const intent = buyIntent(
          obs,
          config.venue,
          { quote: config.tradeQuote },
          config.slippageBps,
          intentBase(config, "dca"),
        );
        return intent === undefined ? [] : [intent];
      },
    };
  },
};

describe("a behaviour added to the registry", () => {
  const registry = behaviourRegistry([...BEHAVIOURS, dca]);
  const scenario = (behaviours: unknown[]) => ({
    name: "dca",
    seed: 1,
    blocks: 10,
    agents: [{ id: "saver", funds: { quote: "1000" }, behaviours }],
  });
  const entry = { kind: "dca", venue: "pool", tradeQuote: "2.5", everySteps: 3 };
  const messageOf = (document: unknown, kinds = registry): string => {
    try {
      parseScenario(document, "s.yaml", kinds);
    } catch (error) {
      expect(error).to.be.instanceOf(ScenarioError);
      return (error as Error).message;
    }
    return expect.fail("parsed");
  };

  it("is read from a scenario by its field table, in contract units with its defaults", () => {
    const [config] = parseScenario(scenario([entry]), "s.yaml", registry).agents[0]!.behaviours;
    expect(config).to.deep.equal({
      kind: "dca",
      slippageBps: 100,
      venue: "pool",
      tradeQuote: 2_500_000n,
      everySteps: 3,
      startStep: 1,
      label: "dca",
    });
  });

  it("gets the reader's errors for its fields and its own check's, and is unknown to the registry without it", () => {
    const { everySteps: _everySteps, ...withoutPeriod } = entry;
    expect(messageOf(scenario([{ ...withoutPeriod, venue: "poll", tradeQuote: 2.5, every: 3 }]))).to.equal(
      [
        "s.yaml: 4 problems",
        "s.yaml: agents[0].behaviours[0].every: expected one of the fields kind, venue, tradeQuote, everySteps, label, slippageBps, priorityFeeGwei, activeFrom, activeUntil, startStep, got an unknown field; did you mean everySteps?",
        "s.yaml: agents[0].behaviours[0].everySteps: expected a value for this required field, got nothing",
        's.yaml: agents[0].behaviours[0].venue: expected one of "curve", "pool", got "poll"; did you mean "pool"?',
        's.yaml: agents[0].behaviours[0].tradeQuote: expected a decimal string of whole quote (like "250.5"), got 2.5; write it as a string, "2.5": a number with a fraction is a binary float, a string converts exactly',
      ].join("\n"),
    );
    expect(messageOf(scenario([{ ...entry, startStep: 4 }]))).to.equal(
      "s.yaml: agents[0].behaviours[0].startStep: expected at most everySteps (3), got 4",
    );
    expect(messageOf(scenario([entry]), behaviourRegistry(BEHAVIOURS))).to.contain(
      'agents[0].behaviours[0].kind: expected one of "threshold", ',
    );
    expect(messageOf(scenario([{ venue: "pool" }]))).to.contain(
      "expected the behaviour's kind, one of threshold, noise, momentum, meanReversion, whale, liquidityProvider, arbitrageur, vestingBeneficiary, frontRunner, bandit, llm, strategy, yieldStaker, mercenaryFarmer, dca,",
    );
  });

  it("is built by the registry, alone and as a bandit's arm", async () => {
    const [alone, learner] = parseScenario(
      scenario([
        entry,
        { kind: "bandit", algorithm: "ucb1", periodSteps: 5, arms: [{ ...entry, label: "slow", everySteps: 9 }] },
      ]),
      "s.yaml",
      registry,
    ).agents[0]!.behaviours;
    const behaviour = registry.create(alone!);
    expect(await behaviour.step(observation({ step: 2 }), context())).to.deep.equal([]);
    const [buy] = await behaviour.step(observation({ step: 4 }), context());
    expect(buy).to.include({ kind: "swap", sell: "quote", amountIn: 2_500_000n, note: "dca" });
    const bandit = registry.create(learner!) as Bandit;
    expect(bandit.stats().map((arm) => [arm.kind, arm.label])).to.deep.equal([["dca", "slow"]]);
  });

  it("is documented in the README reference from its table, and may be registered only once", () => {
    expect(behaviourReference(registry)).to.contain(
      [
        "### `dca`: buys the same amount at regular intervals",
        "",
        "| field | default | meaning |",
        "|---|---|---|",
        "| `venue` | | `curve` or `pool` |",
        "| `tradeQuote` | | quote per buy |",
        "| `everySteps` | | steps between buys |",
        "| `startStep` | `1` | first step it buys |",
      ].join("\n"),
    );
    expect(() => behaviourRegistry([...BEHAVIOURS, dca, dca])).to.throw('behaviour kind "dca" is registered twice');
  });
});
