import { expect } from "chai";

import type { ArbitrageurConfig } from "../../agents/behaviours/arbitrageur.ts";
import { type ArmConfig, type BanditConfig, createBandit } from "../../agents/behaviours/bandit.ts";
import { Random } from "../../agents/core/random.ts";
import type { Behaviour, PendingTx, StepOutcome } from "../../agents/behaviours/behaviour.ts";
import type { Intent } from "../../agents/mechanisms/vocabulary.ts";
import { QUOTE, context, observation } from "./observation.ts";

// The arms are stand-in behaviours that name themselves in their intents' notes; the test plays the
// market, paying each step a reward that depends on which arm acted (arm "b" is the best).

const QUOTE_NUM = Number(QUOTE);
const arm = (label: string): ArbitrageurConfig => ({
  kind: "arbitrageur",
  label,
  slippageBps: 100,
  minProfitQuote: 0n,
  maxTradeQuote: 0n,
});
const ARMS = [arm("a"), arm("b"), arm("c")];
/** Mean reward per step of each arm, quote units. */
const MEAN_PER_STEP = new Map([
  ["a", 1 * QUOTE_NUM],
  ["b", 3 * QUOTE_NUM],
  ["c", -1 * QUOTE_NUM],
]);

interface StandIn extends Behaviour {
  settled: number[];
  reacted: number;
}

function standIn(config: ArmConfig): StandIn {
  const self: StandIn = {
    kind: config.kind,
    label: config.label,
    settled: [],
    reacted: 0,
    step: () => [{ kind: "releaseVested", note: config.label }],
    react: () => {
      self.reacted++;
      return [{ kind: "releaseVested", note: `${config.label} reacts` }];
    },
    settle: (outcome: StepOutcome) => {
      self.settled.push(outcome.step);
    },
  };
  return self;
}

function banditConfig(overrides: Partial<BanditConfig> = {}): BanditConfig {
  return {
    kind: "bandit",
    label: "learner",
    slippageBps: 100,
    algorithm: "ucb1",
    epsilon: 0.1,
    periodSteps: 2,
    arms: ARMS,
    ...overrides,
  };
}

/** Plays `steps` steps; returns the arm that acted at each step and the bandit. */
async function play(config: BanditConfig, steps: number, seed: bigint) {
  const bandit = createBandit(config, standIn);
  const ctx = context(seed);
  const noise = new Random(seed ^ 0xfeedn);
  let pnlQuote = 0n;
  const actedBy: string[] = [];
  for (let step = 1; step <= steps; step++) {
    const obs = observation({ step, self: { pnlQuote } });
    const [intent] = (await bandit.step(obs, ctx)) as Intent[];
    actedBy.push(intent!.note!);
    pnlQuote += BigInt(Math.round(MEAN_PER_STEP.get(intent!.note!)! + 2 * QUOTE_NUM * noise.normal()));
  }
  return { bandit, actedBy };
}

const periodsOf = (actedBy: string[], periodSteps: number) => actedBy.filter((_, i) => i % periodSteps === 0);

describe("bandit", () => {
  it("plays one arm for a whole period and tries every arm once first", async () => {
    const { actedBy } = await play(banditConfig(), 8, 1n);
    expect(actedBy.slice(0, 6)).to.deep.equal(["a", "a", "b", "b", "c", "c"]);
    expect(actedBy[6]).to.equal(actedBy[7]);
  });

  for (const algorithm of ["ucb1", "epsilonGreedy"] as const) {
    it(`${algorithm}: explores, then exploits the arm with the best reward`, async () => {
      const { bandit, actedBy } = await play(banditConfig({ algorithm }), 200, 42n);
      const periods = periodsOf(actedBy, 2);
      const late = periods.slice(50);
      expect(late.filter((label) => label === "b").length * 10).to.be.greaterThan(late.length * 7);
      // ... having gone back to the others after the first round.
      expect(periods.slice(3).filter((label) => label !== "b").length).to.be.greaterThan(0);
      const stats = bandit.stats();
      expect(stats.map((s) => s.label)).to.deep.equal(["a", "b", "c"]);
      expect(stats.reduce((n, s) => n + s.pulls, 0)).to.equal(periods.length - 1); // the last period has not ended
      const best = stats.reduce((x, y) => (y.meanReward > x.meanReward ? y : x));
      expect(best.label).to.equal("b");
      // 3 quote per step, 2 steps. (Numbers compared as booleans: the chai matchers plugin takes closeTo for bigints.)
      expect(Math.abs(best.meanReward - 6 * QUOTE_NUM) <= 2 * QUOTE_NUM, `mean ${best.meanReward}`).to.equal(true);
    });
  }

  it("is deterministic given the seed", async () => {
    for (const algorithm of ["ucb1", "epsilonGreedy"] as const) {
      const first = await play(banditConfig({ algorithm }), 120, 7n);
      const again = await play(banditConfig({ algorithm }), 120, 7n);
      expect(again.actedBy).to.deep.equal(first.actedBy);
      expect(again.bandit.stats()).to.deep.equal(first.bandit.stats());
    }
  });

  it("epsilonGreedy with epsilon 0 never leaves the best arm after the first round", async () => {
    const { actedBy } = await play(banditConfig({ algorithm: "epsilonGreedy", epsilon: 0 }), 60, 3n);
    const periods = periodsOf(actedBy, 2);
    const leader = periods[3]!;
    expect(periods.slice(3).every((label) => label === leader)).to.equal(true);
  });

  it("rewards an arm with the change of pnlQuote over its period", async () => {
    const bandit = createBandit(banditConfig({ periodSteps: 3 }), standIn);
    const ctx = context(1n);
    const pnlAt = [0n, 4n, 9n, 10n, 10n, 5n, 1n]; // at steps 1..7
    for (let step = 1; step <= 7; step++)
      await bandit.step(observation({ step, self: { pnlQuote: pnlAt[step - 1]! * QUOTE } }), ctx);
    const [a, b, c] = bandit.stats();
    expect(a).to.deep.include({ pulls: 1, totalReward: 10n * QUOTE, meanReward: 10 * QUOTE_NUM }); // steps 1-3: 0 → 10
    expect(b).to.deep.include({ pulls: 1, totalReward: -9n * QUOTE }); // steps 4-6: 10 → 1
    expect(c).to.deep.include({ pulls: 0, totalReward: 0n, meanReward: 0 });
    expect(bandit.current()).to.equal(2);
  });

  it("passes react and settle to the arm playing now, and to no other", async () => {
    const built: StandIn[] = [];
    const bandit = createBandit(banditConfig(), (config) => {
      const b = standIn(config);
      built.push(b);
      return b;
    });
    const ctx = context(1n);
    const pending: PendingTx[] = [];
    expect(await bandit.react!(observation({ mode: "priority" }), pending, ctx)).to.deep.equal([]); // before any step
    for (let step = 1; step <= 4; step++) {
      const obs = observation({ step, mode: "priority" });
      await bandit.step(obs, ctx);
      const reaction = (await bandit.react!(obs, pending, ctx)) as Intent[];
      expect(reaction[0]!.note).to.equal(step <= 2 ? "a reacts" : "b reacts");
      bandit.settle!({ step, outcomes: [], self: obs.self, curvePriceWad: 0n, poolPriceWad: 0n });
    }
    expect(built.map((b) => b.settled)).to.deep.equal([[1, 2], [3, 4], []]);
    expect(built.map((b) => b.reacted)).to.deep.equal([2, 2, 0]);
  });

  it("refuses a config it cannot follow, naming the field", () => {
    expect(() => createBandit(banditConfig({ arms: [] }), standIn)).to.throw(/arms/);
    expect(() => createBandit(banditConfig({ periodSteps: 0 }), standIn)).to.throw(/periodSteps/);
    expect(() => createBandit(banditConfig({ algorithm: "epsilonGreedy", epsilon: 1.5 }), standIn)).to.throw(/epsilon/);
  });
});
