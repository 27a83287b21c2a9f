import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { AgentRow } from "../agents/core/records.ts";
import type { StepRow } from "../agents/mechanisms/vocabulary.ts";
import { readSummary, SummaryFileError } from "../agents/run/summary-file.ts";
import { summarize, type SummaryInput, summaryJson } from "../agents/run/summary.ts";
import type { AgentFinal } from "../agents/core/records.ts";
import { expectClose } from "./helpers/close.ts";

const WAD = 10n ** 18n;
const QUOTE = 1_000_000n;

function step(n: number, fields: Partial<StepRow>): StepRow {
  return {
    step: BigInt(n),
    block: BigInt(10 + n),
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

const pct = (percent: number) => (WAD * BigInt(percent)) / 100n;

function agent(id: string, startValueQuote: bigint, final: Partial<AgentRow>): AgentFinal {
  return {
    agent: id,
    behaviours: ["noise"],
    startValueQuote,
    final: {
      step: 4n,
      agent: id,
      tokens: 0n,
      quote: 0n,
      lp: 0n,
      claimable: 0n,
      valueQuote: 0n,
      pnlQuote: 0n,
      txs: 3n,
      reverts: 1n,
      gasUsed: 250_000n,
      ...final,
    },
  };
}

/** Four steps with hand-checkable figures. */
function input(): SummaryInput {
  return {
    scenario: {
      name: "hand",
      source: "scenarios/hand.yaml",
      policy: "baseline",
      seed: 12345678901234567890n,
      blocks: 10,
      mode: "priority",
      blockSeconds: 86_400,
      genesis: "genesis/default.json",
    },
    network: { name: "default", chainId: 31337 },
    completion: { stepsRecorded: 4, complete: false, stoppedBy: "SIGINT" },
    steps: [
      step(1, {
        curvePriceWad: pct(100),
        poolPriceWad: pct(100),
        gapBps: 0n,
        solvencyWad: pct(150),
        curveVolumeQuote: 10n,
        txs: 2n,
        gasUsed: 200_000n,
        treasuryQuote: 5n,
      }),
      step(2, {
        curvePriceWad: pct(110),
        poolPriceWad: pct(120),
        gapBps: 909n,
        solvencyWad: pct(120),
        curveVolumeQuote: 20n,
        poolVolumeQuote: 7n,
        txs: 3n,
        reverts: 1n,
        gasUsed: 300_000n,
      }),
      step(3, {
        curvePriceWad: pct(99),
        poolPriceWad: pct(90),
        gapBps: -909n,
        solvencyWad: pct(110),
        poolFeesQuote: 3n,
        curveFeesQuote: 4n,
      }),
      step(4, {
        curvePriceWad: pct(105),
        poolPriceWad: pct(100),
        gapBps: -476n,
        solvencyWad: pct(130),
        supply: 1_234n * WAD,
        reserve: 777n * QUOTE,
        treasuryQuote: 42n,
      }),
    ],
    agents: [
      agent("carol", 500n, { pnlQuote: -50n, tokens: 10n, valueQuote: 450n }),
      agent("bob", 0n, { pnlQuote: 100n, tokens: 30n, valueQuote: 100n }),
      agent("alice", 1_000n, { pnlQuote: 100n, tokens: 0n, valueQuote: 1_100n }),
    ],
    gas: { transactions: 6, reverted: 1, gasUsed: 650_000 },
  };
}

describe("run summary", function () {
  it("measures volatility, drawdown and the curve↔pool gap from the recorded prices", function () {
    const { metrics } = summarize(input());
    // Curve log returns ln 1.1, ln 0.9, ln(105/99).
    const returns = [Math.log(1.1), Math.log(0.9), Math.log(105 / 99)];
    const average = (returns[0] + returns[1] + returns[2]) / 3;
    const stdev = Math.sqrt(returns.reduce((sum, r) => sum + (r - average) ** 2, 0) / 2);
    expectClose(metrics.volatility.curve.perStep, stdev, 1e-14);
    expectClose(metrics.volatility.curve.annualised, stdev * Math.sqrt(365), 1e-12);
    // 110 → 99 on the curve; 120 → 90 on the pool.
    expectClose(metrics.maxDrawdown.curve, 0.1, 1e-15);
    expectClose(metrics.maxDrawdown.pool, 0.25, 1e-15);
    expect(metrics.gap).to.deep.equal({ meanAbsBps: (909 + 909 + 476) / 4, maxAbsBps: 909, finalBps: -476 });
  });

  it("reports solvency, totals and the first and last market state", function () {
    const summary = summarize(input());
    expect(summary.metrics.solvency).to.deep.equal({
      min: 1.1,
      minWad: pct(110).toString(),
      minStep: 3,
      final: 1.3,
      finalWad: pct(130).toString(),
    });
    expect(summary.totals).to.deep.equal({
      curveVolumeQuote: "30",
      poolVolumeQuote: "7",
      curveFeesQuote: "4",
      poolFeesQuote: "3",
      txs: 5,
      reverts: 1,
      gasUsed: 500_000,
    });
    expect(summary.market.first).to.include({ step: 1, block: 11, treasuryQuote: "5", curvePriceWad: WAD.toString() });
    expect(summary.market.last).to.include({
      step: 4,
      supply: (1_234n * WAD).toString(),
      reserve: "777000000",
      treasuryQuote: "42",
      poolPriceWad: WAD.toString(),
    });
    expect(summary.completion).to.deep.equal({
      stepsPlanned: 10,
      stepsRecorded: 4,
      complete: false,
      stoppedBy: "SIGINT",
    });
    expect(summary.gas).to.deep.equal({ transactions: 6, reverted: 1, gasUsed: 650_000 });
  });

  it("ranks agents by PnL, ties by id, with return in bps of the starting value", function () {
    const { leaderboard, metrics } = summarize(input());
    expect(leaderboard.map((entry) => [entry.rank, entry.agent, entry.pnlQuote, entry.returnBps])).to.deep.equal([
      [1, "alice", "100", 1_000],
      [2, "bob", "100", 0], // started with nothing: no return
      [3, "carol", "-50", -1_000],
    ]);
    expect(leaderboard[0]).to.include({
      valueQuote: "1100",
      tokens: "0",
      quote: "0",
      txs: 3,
      reverts: 1,
      gasUsed: 250_000,
    });
    // Tokens 0, 10, 30: (2·(0 + 20 + 90) − 4·40) / (3·40) = 0.5.
    expect(metrics.gini.tokens).to.equal(0.5);
    // Values 100, 450, 1100: (2·(100 + 900 + 3300) − 4·1650) / (3·1650) = 2000 / 4950.
    expectClose(metrics.gini.value, 2_000 / 4_950, 1e-15);
  });

  it("serialises to the same bytes every time: sorted keys, bigints as strings, rounded floats, no clock", function () {
    const json = summaryJson(summarize(input()));
    expect(summaryJson(summarize(input()))).to.equal(json);
    expect(json.endsWith("}\n")).to.equal(true);
    const parsed = JSON.parse(json);
    expect(Object.keys(parsed)).to.deep.equal([...Object.keys(parsed)].sort());
    expect(parsed.scenario.seed).to.equal("12345678901234567890");
    expect(parsed.metrics.gini.value).to.equal(0.404040404); // 2000 / 4950 to 10 significant digits
    expect(json).to.not.match(/wall|date|clock|elapsed/i);
    // Rows in a different object-key order give the same file.
    const reordered = input();
    reordered.steps = reordered.steps.map((row) => Object.fromEntries(Object.entries(row).reverse()) as StepRow);
    expect(summaryJson(summarize(reordered))).to.equal(json);
  });

  it("summarises a run interrupted before its first step", function () {
    const empty = {
      ...input(),
      steps: [],
      agents: [],
      completion: { stepsRecorded: 0, complete: false, stoppedBy: "error: RPC unreachable" },
    };
    const summary = summarize(empty);
    expect(summary.market).to.deep.equal({ first: null, last: null });
    expect(summary.metrics.solvency).to.equal(null);
    expect(summary.metrics.volatility.curve).to.deep.equal({ perStep: 0, annualised: 0, returns: 0 });
    expect(summary.leaderboard).to.deep.equal([]);
    expect(JSON.parse(summaryJson(summary)).completion.stoppedBy).to.equal("error: RPC unreachable");
  });

  it("refuses steps out of order and an agent's row filed under another agent", function () {
    const shuffled = input();
    shuffled.steps = [shuffled.steps[1], shuffled.steps[0]];
    expect(() => summarize(shuffled)).to.throw(RangeError, /increasing step order; step 1 follows step 2/);
    const mixed = input();
    mixed.agents = [{ ...mixed.agents[0], agent: "dave" }];
    expect(() => summarize(mixed)).to.throw(RangeError, /final row of dave belongs to carol/);
  });

  describe("summary.json", function () {
    let dir: string;
    before(async function () {
      dir = await mkdtemp(join(tmpdir(), "arena-summary-"));
    });
    after(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    it("reads back what was written and refuses anything else", async function () {
      const summary = summarize(input());
      await writeFile(join(dir, "summary.json"), summaryJson(summary));
      expect(await readSummary(join(dir, "summary.json"))).to.deep.equal(JSON.parse(summaryJson(summary)));
      await writeFile(join(dir, "gas.json"), JSON.stringify({ kind: "token-arena/gas-profile" }));
      await expectRejection(
        readSummary(join(dir, "gas.json")),
        /gas\.json is not a run summary: expected "kind": "token-arena\/summary"/,
      );
      await expectRejection(readSummary(join(dir, "missing.json")), /no summary at .*missing\.json/);
    });
  });
});

async function expectRejection(promise: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(SummaryFileError);
    expect((error as Error).message).to.match(message);
    return;
  }
  expect.fail(`expected a SummaryFileError matching ${message}`);
}
