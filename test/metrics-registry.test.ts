// The metric registry on a small hand-made run: every metric's value worked out by hand here, in the
// unit its name says, the old spellings answering with the same values, and the summary laying out
// exactly the registry's numbers.

import { expect } from "chai";

import type { AgentFinal, AgentRow } from "../agents/core/records.ts";
import type { StepRow } from "../agents/mechanisms/vocabulary.ts";
import {
  AGENT_FIGURES,
  type MeasuredRun,
  METRICS,
  measure,
  metricNamed,
  metricNames,
  RUNWAY_CAP_DAYS,
} from "../agents/metrics/registry.ts";
import { summarize } from "../agents/run/summary.ts";
import { expectClose } from "./helpers/close.ts";

const WAD = 10n ** 18n;
const QUOTE = 1_000_000n;
const price = (hundredths: bigint) => (WAD * hundredths) / 100n;

function step(n: number, fields: Partial<StepRow>): StepRow {
  return {
    step: BigInt(n),
    block: BigInt(100 + n),
    time: BigInt(12 * n),
    curvePriceWad: WAD,
    poolPriceWad: WAD,
    gapBps: 0n,
    supply: 1_000n * WAD,
    reserve: 500n * QUOTE,
    treasuryQuote: 0n,
    solvencyWad: WAD,
    curveVolumeQuote: 0n,
    poolVolumeQuote: 0n,
    curveFeesQuote: 0n,
    poolFeesQuote: 0n,
    txs: 0n,
    reverts: 0n,
    gasUsed: 0n,
    ...fields,
  };
}

function agent(id: string, startValueQuote: bigint, final: Partial<AgentRow>): AgentFinal {
  const row: AgentRow = {
    step: 3n,
    agent: id,
    tokens: 0n,
    quote: 0n,
    lp: 0n,
    claimable: 0n,
    valueQuote: 0n,
    pnlQuote: 0n,
    txs: 0n,
    reverts: 0n,
    gasUsed: 0n,
    ...final,
  };
  return { agent: id, behaviours: ["noise"], startValueQuote, final: row };
}

// Three blocks: the curve goes 1.00 → 1.10 → 0.99, the pool 2.00 → 2.00 → 1.00; the middle block has
// no supply (solvencyWad 0: nothing to refund, so no solvency).
const steps: StepRow[] = [
  step(1, {
    curvePriceWad: price(100n),
    poolPriceWad: price(200n),
    gapBps: 10n,
    supply: 1_000n * WAD,
    treasuryQuote: 5n * QUOTE,
    solvencyWad: (WAD * 12n) / 10n,
    curveVolumeQuote: 1n * QUOTE,
    curveFeesQuote: 10_000n,
    txs: 2n,
    gasUsed: 100_000n,
  }),
  step(2, {
    curvePriceWad: price(110n),
    poolPriceWad: price(200n),
    gapBps: -30n,
    supply: 0n,
    treasuryQuote: (65n * QUOTE) / 10n,
    solvencyWad: 0n,
    curveVolumeQuote: (25n * QUOTE) / 10n,
    curveFeesQuote: 25_000n,
    txs: 3n,
    reverts: 1n,
    gasUsed: 150_000n,
  }),
  step(3, {
    curvePriceWad: price(99n),
    poolPriceWad: price(100n),
    gapBps: 20n,
    supply: 1_200n * WAD,
    reserve: 900n * QUOTE,
    treasuryQuote: 8n * QUOTE,
    solvencyWad: (WAD * 15n) / 10n,
    poolVolumeQuote: 4n * QUOTE,
    poolFeesQuote: 12_000n,
    txs: 1n,
    gasUsed: 50_000n,
  }),
];
const agents = [
  agent("alice", 250n * QUOTE, { tokens: 100n * WAD, valueQuote: 300n * QUOTE, pnlQuote: 50n * QUOTE }),
  agent("bob", 120n * QUOTE, { tokens: 300n * WAD, valueQuote: 100n * QUOTE, pnlQuote: -20n * QUOTE }),
];
// The venues before the first step and after the last: the curve at 0.95 with 400 quote in its reserve,
// then 900; the pool at 2.10 (1,000 tokens, 2,100 quote), then at 1.00 (1,500 tokens, 1,500 quote).
const venues = {
  first: {
    curvePriceWad: price(95n),
    curveReserve: 400n * QUOTE,
    pool: { priceWad: price(210n), reserveToken: 1_000n * WAD, reserveQuote: 2_100n * QUOTE },
  },
  last: {
    curvePriceWad: price(99n),
    curveReserve: 900n * QUOTE,
    pool: { priceWad: price(100n), reserveToken: 1_500n * WAD, reserveQuote: 1_500n * QUOTE },
  },
} satisfies NonNullable<MeasuredRun["venues"]>;
const run: MeasuredRun = { steps, blockSeconds: 12, agents, venues };

/** Sample standard deviation, written out. */
function stdev(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
}
const curveReturns = [Math.log(1.1), Math.log(0.99 / 1.1)];
const poolReturns = [0, Math.log(0.5)];
const stepsPerYear = (365 * 24 * 3600) / 12;
const STAKING_METRICS = [
  "stakingRatioBps",
  "stakingEmissionsTokens",
  "stakingNominalYieldBps",
  "stakingRealYieldBps",
  "emissionsToRevenueRatio",
  "treasuryRunwayDays",
] as const;

describe("metric registry", function () {
  it("measures each metric of a hand-made run in the unit its name says", function () {
    const expected: Record<string, number> = {
      curveVolatilityBps: stdev(curveReturns) * 10_000,
      poolVolatilityBps: stdev(poolReturns) * 10_000,
      curveVolatilityFraction: stdev(curveReturns),
      poolVolatilityFraction: stdev(poolReturns),
      curveAnnualVolatilityFraction: stdev(curveReturns) * Math.sqrt(stepsPerYear),
      poolAnnualVolatilityFraction: stdev(poolReturns) * Math.sqrt(stepsPerYear),
      curveMaxDrawdownFraction: 0.1, // 1.10 → 0.99
      poolMaxDrawdownFraction: 0.5, // 2.00 → 1.00
      meanGapBps: 20, // (10 + 30 + 20) / 3
      maxGapBps: 30,
      finalGapBps: 20,
      minSolvencyRatio: 1.2, // the block with no supply is skipped, not a solvency of 0
      finalSolvencyRatio: 1.5,
      treasuryRevenueQuote: 3, // 8 − 5 whole quote
      curveVolumeQuote: 3.5,
      poolVolumeQuote: 4,
      volumeQuote: 7.5,
      curveFeesQuote: 0.035,
      poolFeesQuote: 0.012,
      txCount: 6,
      revertCount: 1,
      gasUsed: 300_000,
      finalCurvePriceQuote: 0.99,
      finalPoolPriceQuote: 1,
      finalTreasuryQuote: 8,
      finalReserveQuote: 900,
      finalSupplyTokens: 1_200,
      firstCurvePriceQuote: 0.95,
      firstPoolPriceQuote: 2.1,
      firstReserveQuote: 400,
      reserveChangeQuote: 500, // 900 − 400
      firstPoolReserveQuote: 2_100,
      finalPoolReserveQuote: 1_500,
      poolReserveChangeQuote: -600,
      firstPoolReserveTokens: 1_000,
      finalPoolReserveTokens: 1_500,
      poolReserveChangeTokens: 500,
      tokensGini: 0.25, // 100 and 300 tokens: (2·(100 + 2·300) − 3·400) / (2·400)
      valueGini: 0.25,
      nakamotoCoefficientAgents: 1, // bob's 300 of the 400 tokens are more than half
      supplyChangeTokens: 200, // 1,200 − 1,000
    };
    expect([...Object.keys(expected), ...STAKING_METRICS].sort()).to.deep.equal(METRICS.map((m) => m.name).sort());
    for (const [name, value] of Object.entries(expected))
      expectClose(measure(run, name), value, Math.abs(value) * 1e-12 + 1e-15, name);
    // A run without staking has no staking figures.
    for (const name of STAKING_METRICS) expect(measure(run, name), name).to.be.NaN;
  });

  it("measures staking's metrics of a hand-made staking run: ratio, yields, emissions ÷ revenue, runway", function () {
    // Three days: 100, 300, 200 tokens staked; 10, 30, 60 emitted in all (budget 1,000); the treasury 5 → 8.
    const day = (n: number, staked: bigint, emitted: bigint): Partial<StepRow> => ({
      stakedTokens: staked * WAD,
      stakingEmittedTokens: emitted * WAD,
      stakingBudgetLeftTokens: (1_000n - emitted) * WAD,
      stakingRewardRateWei: 0n,
      stakingRewardsPaidTokens: 0n,
      ...steps[n - 1],
      step: BigInt(n),
    });
    const staking: MeasuredRun = {
      steps: [step(1, day(1, 100n, 10n)), step(2, day(2, 300n, 30n)), step(3, day(3, 200n, 60n))],
      blockSeconds: 86_400,
      agents,
    };
    const years = 365 / 3;
    const emittedValue = 10 * 1 + 20 * 1.1 + 30 * 0.99; // each day's emission at that day's curve price
    const expected: Record<string, number> = {
      stakingRatioBps: (200 / 1_200) * 10_000,
      stakingEmissionsTokens: 60,
      stakingNominalYieldBps: (60 / 200) * years * 10_000,
      stakingRealYieldBps: (3 / ((100 * 1 + 300 * 1.1 + 200 * 0.99) / 3)) * years * 10_000,
      emissionsToRevenueRatio: emittedValue / 3,
      treasuryRunwayDays: (8 + 940 * 0.99) / ((emittedValue - 3) / 3),
    };
    expect(Object.keys(expected).sort()).to.deep.equal([...STAKING_METRICS].sort());
    for (const [name, value] of Object.entries(expected))
      expectClose(measure(staking, name), value, Math.abs(value) * 1e-9, name);
    // Revenue that covers the emissions: the runway is the cap, "for as long as it runs".
    const rich = {
      ...staking,
      steps: staking.steps.map((r, i) => ({ ...r, treasuryQuote: BigInt(i) * 1_000n * QUOTE })),
    };
    expect(measure(rich, "treasuryRunwayDays")).to.equal(RUNWAY_CAP_DAYS);
    expect(measure(rich, "emissionsToRevenueRatio")).to.be.below(1);
  });

  it("counts the move from the market before the first step when the run has it", function () {
    const before = { curvePriceWad: price(105n), poolPriceWad: price(200n), treasuryQuote: 4n * QUOTE };
    const withBefore: MeasuredRun = { ...run, before };
    const returns = [Math.log(1 / 1.05), ...curveReturns];
    expectClose(measure(withBefore, "curveVolatilityBps"), stdev(returns) * 10_000, 1e-9);
    expectClose(measure(withBefore, "poolVolatilityBps"), stdev([0, ...poolReturns]) * 10_000, 1e-9);
    expect(measure(withBefore, "treasuryRevenueQuote")).to.equal(4);
    // Levels of the steps themselves do not change.
    expect(measure(withBefore, "minSolvencyRatio")).to.equal(1.2);
    expect(measure(withBefore, "curveMaxDrawdownFraction")).to.equal(measure(run, "curveMaxDrawdownFraction"));
  });

  it("gives one unit per name: bps are 10,000 × the fraction, and each alias answers in its metric's unit", function () {
    expectClose(measure(run, "curveVolatilityBps"), measure(run, "curveVolatilityFraction") * 10_000, 1e-9);
    const aliases: [string, string][] = [
      ["curveVolatility", "curveVolatilityBps"],
      ["poolVolatility", "poolVolatilityBps"],
      ["minSolvency", "minSolvencyRatio"],
      ["treasuryRevenue", "treasuryRevenueQuote"],
      ["curveVolume", "curveVolumeQuote"],
      ["metrics.volatility.curve.perStep", "curveVolatilityFraction"],
      ["metrics.volatility.pool.annualised", "poolAnnualVolatilityFraction"],
      ["metrics.maxDrawdown.pool", "poolMaxDrawdownFraction"],
      ["metrics.gap.meanAbsBps", "meanGapBps"],
      ["metrics.gini.tokens", "tokensGini"],
      ["metrics.solvency.min", "minSolvencyRatio"],
      ["metrics.solvency.final", "finalSolvencyRatio"],
      ["totals.poolFeesQuote", "poolFeesQuote"],
      ["totals.gasUsed", "gasUsed"],
      ["treasury.revenueQuote", "treasuryRevenueQuote"],
      ["market.last.curvePrice", "finalCurvePriceQuote"],
      ["market.last.supply", "finalSupplyTokens"],
    ];
    for (const [alias, name] of aliases) {
      expect(metricNamed(alias)?.name, alias).to.equal(name);
      expect(measure(run, alias), alias).to.equal(measure(run, name));
    }
  });

  it("reads each agent's figures from its leaderboard line", function () {
    expect(measure(run, "agents.alice.returnBps")).to.equal(2_000); // 50 / 250
    expect(measure(run, "agents.bob.returnBps")).to.equal(-1_666); // −20 / 120, rounded toward zero
    expect(measure(run, "agents.alice.pnlQuote")).to.equal(50);
    expect(measure(run, "agents.bob.pnlQuote")).to.equal(-20);
    expect(measure(run, "agents.bob.valueQuote")).to.equal(100);
    expect(measure(run, "agents.alice.rank")).to.equal(1);
    expect(measure(run, "agents.bob.rank")).to.equal(2);
    expect(AGENT_FIGURES.map((f) => f.figure)).to.deep.equal(["returnBps", "pnlQuote", "valueQuote", "rank"]);
  });

  it("says what is missing: an unknown name or agent, the block time, the agents", function () {
    expect(() => measure(run, "curveVolatilityPct")).to.throw(RangeError, /curveVolatilityPct is not a metric/);
    expect(() => measure(run, "agents.carol.rank")).to.throw(RangeError, /agent carol is not among/);
    expect(() => measure({ steps }, "curveAnnualVolatilityFraction")).to.throw(RangeError, /blockSeconds/);
    expect(() => measure({ steps }, "tokensGini")).to.throw(RangeError, /agents' final standings/);
    expect(() => measure({ steps }, "firstPoolPriceQuote")).to.throw(
      RangeError,
      /firstPoolPriceQuote reads the venues at the run's start and end/,
    );
    // A genesis with no pool: the pool's figures are not numbers, the curve's still are.
    const noPool = { steps, venues: { first: { ...venues.first, pool: undefined }, last: venues.last } };
    expect(measure(noPool, "firstPoolReserveTokens")).to.be.NaN;
    expect(measure(noPool, "firstReserveQuote")).to.equal(400);
  });

  it("has nothing to measure a level on in a run with no steps, and no movement", function () {
    const empty: MeasuredRun = { steps: [], blockSeconds: 12, agents: [] };
    for (const name of ["minSolvencyRatio", "finalSolvencyRatio", "treasuryRevenueQuote", "finalCurvePriceQuote"])
      expect(measure(empty, name), name).to.be.NaN;
    for (const name of ["curveVolatilityBps", "curveMaxDrawdownFraction", "meanGapBps", "volumeQuote", "txCount"])
      expect(measure(empty, name), name).to.equal(0);
  });

  it("names every metric with its unit, once, and describes it for reports", function () {
    const names = METRICS.map((m) => m.name);
    const spellings = [...names, ...METRICS.flatMap((m) => m.aliases)];
    expect(new Set(spellings).size).to.equal(spellings.length);
    for (const m of METRICS) {
      expect(m.name, m.name).to.match(/(Bps|Fraction|Ratio|Quote|Tokens|Count|Gini|Days|Agents|^gasUsed)$/);
      expect(m.label, m.name).to.not.equal("");
      expect(m.unit, m.name).to.not.equal("");
      expect(["higher", "lower", "neither"], m.name).to.include(m.betterIs);
    }
    expect(metricNames(["alice"])).to.include.members(["curveVolatilityBps", "agents.alice.rank"]);
    expect(metricNames(["alice"])).to.not.include("curveVolatility");
    expect(metricNames(["alice"], { aliases: true })).to.include("curveVolatility");
  });

  it("is what the summary records", function () {
    const summary = summarize({
      scenario: {
        name: "hand-made",
        source: "test",
        policy: "p",
        seed: 1n,
        blocks: 3,
        mode: "sequential",
        blockSeconds: 12,
        genesis: "g",
      },
      network: { name: "test", chainId: 0 },
      completion: { stepsRecorded: 3, complete: true },
      steps,
      agents,
      gas: { transactions: 0, reverted: 0, gasUsed: 0 },
    });
    const { metrics, totals } = summary;
    expect(metrics.volatility.curve.perStep).to.equal(measure(run, "metrics.volatility.curve.perStep"));
    expect(metrics.volatility.pool.annualised).to.equal(measure(run, "poolAnnualVolatilityFraction"));
    expect(metrics.volatility.curve.returns).to.equal(2);
    expect(metrics.gap).to.deep.equal({ meanAbsBps: 20, maxAbsBps: 30, finalBps: 20 });
    expect(metrics.solvency).to.deep.equal({
      min: 1.2,
      minWad: "1200000000000000000",
      minStep: 1,
      final: 1.5,
      finalWad: "1500000000000000000",
    });
    expect(metrics.gini).to.deep.equal({ tokens: 0.25, value: 0.25 });
    expect([totals.txs, totals.reverts, totals.gasUsed]).to.deep.equal([6, 1, 300_000]);
  });
});
