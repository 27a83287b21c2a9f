// Best cases, Pareto fronts, intervals and the screen's comparison, on synthetic rows whose answers
// are known by hand.

import { expect } from "chai";

import { caseStats, paretoFront, rankCases } from "../agents/experiment/best.ts";
import type { Objective } from "../agents/experiment/experiment-types.ts";
import type { RunRecord } from "../agents/experiment/results-folder.ts";
import { compareScreen, screenCandidates } from "../agents/experiment/screen.ts";
import { expectClose } from "./helpers/close.ts";

const objectives: Objective[] = [
  { metric: "return", goal: "maximise" },
  { metric: "volatility", goal: "minimise" },
];

/** Case → [return, volatility] per seed. */
function rows(engine: "chain" | "model", cases: Record<string, [number, number][]>): RunRecord[] {
  return Object.entries(cases).flatMap(([key, seeds]) =>
    seeds.map(([ret, vol], i) => ({
      engine,
      seed: BigInt(i + 1),
      values: [key],
      caseKey: `x=${key}`,
      metrics: [ret, vol],
      status: "ok" as const,
      wallMs: 1,
    })),
  );
}

describe("experiment best cases", () => {
  const records = rows("model", {
    a: [
      [10, 0.5],
      [12, 0.7],
    ], // mean 11, vol 0.6
    b: [
      [20, 0.9],
      [22, 1.1],
    ], // best return
    c: [
      [5, 0.1],
      [7, 0.1],
    ], // best volatility
    d: [
      [4, 0.8],
      [6, 1.0],
    ], // dominated by a
  });

  it("takes means across seeds with Student's t intervals", () => {
    const stats = caseStats(records, objectives, "model");
    const a = stats.find((s) => s.caseKey === "x=a")!;
    expect(a.intervals[0].n).to.equal(2);
    expectClose(a.intervals[0].mean, 11, 1e-12);
    // stdev √2, t(1) = 12.706: half-width 12.706 · √2 / √2
    expectClose(a.intervals[0].halfWidth, 12.706, 1e-9);
    expectClose(a.intervals[0].low, 11 - 12.706, 1e-9);
  });

  it("ranks by the objective's goal and finds the Pareto front", () => {
    const stats = caseStats(records, objectives, "model");
    expect(rankCases(stats, 0, "maximise").map((s) => s.caseKey)).to.deep.equal(["x=b", "x=a", "x=c", "x=d"]);
    expect(rankCases(stats, 1, "minimise")[0].caseKey).to.equal("x=c");
    expect(paretoFront(stats, objectives).map((s) => s.caseKey)).to.deep.equal(["x=a", "x=b", "x=c"]);
  });

  it("leaves failed runs and unmeasurable values out of the means", () => {
    const extra: RunRecord[] = [
      ...records,
      {
        engine: "model",
        seed: 3n,
        values: ["a"],
        caseKey: "x=a",
        metrics: [Number.NaN, Number.NaN],
        status: "failed",
        wallMs: 1,
      },
      { engine: "chain", seed: 1n, values: ["a"], caseKey: "x=a", metrics: [1000, 0], status: "ok", wallMs: 1 },
    ];
    const a = caseStats(extra, objectives, "model").find((s) => s.caseKey === "x=a")!;
    expect([a.runs, a.failed, a.intervals[0].n]).to.deep.equal([3, 1, 2]);
    expectClose(a.intervals[0].mean, 11, 1e-12);
  });

  it("screens the model's top k per objective and flags disagreements beyond the tolerance", () => {
    const model = caseStats(records, objectives, "model");
    expect(screenCandidates(model, objectives, 1)).to.deep.equal(["x=b", "x=c"]);
    expect(screenCandidates(model, objectives, 2)).to.deep.equal(["x=b", "x=a", "x=c"]);
    const chain = caseStats(
      rows("chain", {
        b: [
          [20, 0.9],
          [22, 1.1],
        ],
        c: [
          [5, 0.1],
          [7, 0.2],
        ],
      }),
      objectives,
      "chain",
    );
    const comparisons = compareScreen(model, chain, objectives, 0.01);
    expect(comparisons.map((c) => [c.case, c.metric, c.agrees])).to.deep.equal([
      ["x=b", "return", true],
      ["x=b", "volatility", true],
      ["x=c", "return", true],
      ["x=c", "volatility", false],
    ]);
    expectClose(comparisons[3].relativeDifference, 0.05 / 0.15, 1e-12);
  });
});
