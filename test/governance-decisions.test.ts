// The pure parts of governance in battles: candidates within the store's rules, the objective's
// judgement, the guardian's anomaly test, the Governor's counting rule for predictions, and the
// window metrics what-ifs and the monitor share.

import { expect } from "chai";

import { predict } from "../agents/governance/battle/book.ts";
import { draftCandidates } from "../agents/governance/battle/candidates.ts";
import type { StoredParameter } from "../agents/governance/protocol/changes.ts";
import type { ProposalEvaluation } from "../agents/governance/evaluation/evaluation.ts";
import { detectAnomaly, type MarketPoint } from "../agents/governance/battle/guardian.ts";
import { judge } from "../agents/governance/battle/objective.ts";
import { windowMetrics } from "../agents/governance/evaluation/window-metrics.ts";
import { meanInterval } from "../agents/core/interval.ts";
import type { StepRow } from "../agents/mechanisms/vocabulary.ts";
import type { Objective } from "../agents/inputs/governance-types.ts";
import { OBJECTIVE_METRICS } from "../agents/inputs/governance-types.ts";
import { expectClose } from "./helpers/close.ts";

const WAD = 10n ** 18n;
const DAY = 86_400n;

function parameter(key: string, value: bigint, extra: Partial<StoredParameter> = {}): StoredParameter {
  return { key, value, min: 0n, max: 300n, maxStepBps: 5000, minIntervalSeconds: 86_400, updatedAt: 1_000n, ...extra };
}

describe("governance decisions", function () {
  describe("draftCandidates", function () {
    it("moves each parameter by fractions of its largest step, both ways, clipped to its bounds", function () {
      const store = new Map([
        ["market.buyFeeBps", parameter("market.buyFeeBps", 100n)],
        ["market.sellFeeBps", parameter("market.sellFeeBps", 280n)],
      ]);
      const { candidates, refused } = draftCandidates(
        store,
        ["market.buyFeeBps", "market.sellFeeBps"],
        [0.5, 1],
        1_000n + DAY,
      );
      expect(candidates.map((c) => c.changes[0])).to.deep.equal([
        { key: "market.buyFeeBps", value: 75n },
        { key: "market.buyFeeBps", value: 125n },
        { key: "market.buyFeeBps", value: 50n },
        { key: "market.buyFeeBps", value: 150n },
        { key: "market.sellFeeBps", value: 210n },
        { key: "market.sellFeeBps", value: 300n }, // 280 + 70 clipped to the bound, and + 140 is the same value
        { key: "market.sellFeeBps", value: 140n },
      ]);
      expect(refused).to.deep.equal([]);
    });

    it("refuses every value the store would refuse at the expected execution time (the interval)", function () {
      const store = new Map([["market.buyFeeBps", parameter("market.buyFeeBps", 100n)]]);
      const { candidates, refused } = draftCandidates(store, ["market.buyFeeBps"], [1], 1_000n + DAY - 1n);
      expect(candidates).to.deep.equal([]);
      expect(refused).to.have.length(2);
      expect(refused[0]!.problem).to.match(/may not change before 1970-01-02T00:16:40Z \(unix 87400\)/);
    });
  });

  describe("judge", function () {
    const evaluation = (
      differences: Partial<Record<(typeof OBJECTIVE_METRICS)[number], number[]>>,
      levels: Partial<Record<(typeof OBJECTIVE_METRICS)[number], number>> = {},
    ): ProposalEvaluation => {
      const metrics = {} as ProposalEvaluation["metrics"];
      for (const m of OBJECTIVE_METRICS) {
        const d = differences[m] ?? [0, 0, 0];
        metrics[m] = {
          with: meanInterval(d.map(() => levels[m] ?? 1)),
          without: meanInterval(d.map(() => levels[m] ?? 1)),
          difference: meanInterval(d),
        };
      }
      return { seeds: 3, blocks: 10, applyAt: 0n, metrics, agents: {}, source: undefined as never };
    };
    const objective: Objective = {
      direction: "minimise",
      metric: "curveVolatilityBps",
      constraints: [
        { kind: "level", metric: "minSolvencyRatio", op: ">=", value: 1, text: "minSolvencyRatio >= 1" },
        { kind: "notFalling", metric: "treasuryRevenueQuote", text: "treasuryRevenueQuote not falling" },
      ],
    };

    it("counts a lower value as an improvement when minimising, significant when its interval clears zero", function () {
      const j = judge(objective, evaluation({ curveVolatilityBps: [-1, -1.2, -0.9] }));
      expectClose(j.improvement.mean, 1.0333, 1e-3);
      expect(j).to.deep.include({ eligible: true, significant: true, harmful: false });
      const noisy = judge(objective, evaluation({ curveVolatilityBps: [-1, 1.2, -0.9] }));
      expect(noisy).to.deep.include({ significant: false, harmful: false });
    });

    it("names each broken condition: a level below its floor, a revenue significantly falling", function () {
      const j = judge(
        objective,
        evaluation(
          { curveVolatilityBps: [-1, -1.2, -0.9], treasuryRevenueQuote: [-2, -2.5, -2.2] },
          { minSolvencyRatio: 0.98 },
        ),
      );
      expect(j.eligible).to.equal(false);
      expect(j.violated).to.have.length(2);
      expect(j.violated[0]).to.match(/^minSolvencyRatio >= 1 \(with the change: 0.98/);
      expect(j.violated[1]).to.match(/^treasuryRevenueQuote not falling/);
    });
  });

  describe("detectAnomaly", function () {
    const config = { windowSteps: 5, priceMoveSigma: 6, minMoveBps: 300, reserveDrainBps: 1000 };
    const point = (price: number, reserve = 1_000_000n): MarketPoint => ({
      curvePriceWad: BigInt(Math.round(price * 1e6)) * 10n ** 12n,
      poolPriceWad: BigInt(Math.round(price * 1e6)) * 10n ** 12n,
      reserve,
    });
    const calm = [1, 1.001, 0.999, 1.002, 1.0, 1.001, 1.0].map((p) => point(p));

    it("sees a reserve drained faster than allowed in one block", function () {
      expect(detectAnomaly([point(1, 1_000_000n), point(1, 890_000n)], config)).to.equal(
        "the reserve fell 1100 bps in one block (limit 1000 bps)",
      );
      expect(detectAnomaly([point(1, 1_000_000n), point(1, 910_000n)], config)).to.equal(undefined);
    });

    it("sees a move far outside the window's behaviour, not before the window is full, not below minMoveBps", function () {
      expect(detectAnomaly([...calm, point(0.9)], config)).to.match(
        /^the curve price moved 1054 bps in one block, \d+\.\d σ of the last 5 blocks/,
      );
      expect(detectAnomaly([...calm.slice(0, 3), point(0.9)], config)).to.equal(undefined);
      expect(detectAnomaly([...calm, point(1.02)], config)).to.equal(undefined);
    });
  });

  describe("predict", function () {
    it("counts as the Governor does: for > against, and for + abstain reach the quorum", function () {
      expect(
        predict(
          [
            { support: "for", weight: 60n },
            { support: "against", weight: 50n },
          ],
          100n,
        ),
      ).to.deep.include({ state: "Defeated", reason: "quorum not reached (60 of 100)" });
      expect(
        predict(
          [
            { support: "for", weight: 60n },
            { support: "abstain", weight: 40n },
            { support: "skip", weight: 500n },
          ],
          100n,
        ),
      ).to.deep.include({ state: "Succeeded" });
      expect(
        predict(
          [
            { support: "for", weight: 100n },
            { support: "against", weight: 100n },
          ],
          100n,
        ),
      ).to.deep.include({ state: "Defeated", reason: "not more for than against" });
    });
  });

  describe("windowMetrics", function () {
    const row = (step: number, price: bigint, treasury: bigint, solvencyWad = 2n * WAD): StepRow =>
      ({
        step: BigInt(step),
        block: 0n,
        time: 0n,
        curvePriceWad: price,
        poolPriceWad: price,
        gapBps: 10n,
        supply: 0n,
        reserve: 0n,
        treasuryQuote: treasury,
        solvencyWad,
        curveVolumeQuote: 1_000_000n,
        poolVolumeQuote: 0n,
        curveFeesQuote: 0n,
        poolFeesQuote: 0n,
        txs: 0n,
        reverts: 0n,
        gasUsed: 0n,
      }) as StepRow;

    it("counts the jump from the market before the window when it is given", function () {
      const rows = [row(1, WAD, 5_000_000n), row(2, WAD, 6_000_000n, WAD), row(3, WAD, 7_000_000n)];
      const flat = windowMetrics(rows);
      expect(flat).to.deep.include({
        curveVolatilityBps: 0,
        minSolvencyRatio: 1,
        treasuryRevenueQuote: 2,
        curveVolumeQuote: 3,
        meanGapBps: 10,
      });
      const jumped = windowMetrics(rows, {
        curvePriceWad: (WAD * 105n) / 100n,
        poolPriceWad: WAD,
        treasuryQuote: 4_000_000n,
      });
      expect(jumped.curveVolatilityBps).to.be.greaterThan(200);
      expect(jumped.treasuryRevenueQuote).to.equal(3);
    });
  });
});
