import { expect } from "chai";

import {
  gapStats,
  gini,
  logReturns,
  maxDrawdown,
  mean,
  percentile,
  ratio,
  sampleStdev,
  SECONDS_PER_YEAR,
  volatility,
} from "../agents/core/stats.ts";
import { expectClose } from "./helpers/close.ts";

const WAD = 10n ** 18n;

describe("run statistics", function () {
  describe("ratio", function () {
    it("divides bigints beyond 2^53 to a double's precision, with the sign", function () {
      expect(ratio(10n ** 40n + 5n * 10n ** 39n, 10n ** 40n)).to.equal(1.5);
      expect(ratio(-7n, 2n)).to.equal(-3.5);
      expectClose(ratio(1n, 3n), 1 / 3, 1e-16);
      expect(() => ratio(1n, 0n)).to.throw(RangeError, /division by zero/);
    });
  });

  describe("logReturns", function () {
    it("is ln(pₜ/pₜ₋₁) for each consecutive pair", function () {
      const returns = logReturns([100n * WAD, 110n * WAD, 99n * WAD]);
      expect(returns).to.have.length(2);
      expectClose(returns[0], Math.log(1.1), 1e-15);
      expectClose(returns[1], Math.log(0.9), 1e-15);
    });

    it("skips pairs with a zero price instead of producing infinities", function () {
      expect(logReturns([0n, 100n, 0n, 200n, 400n])).to.deep.equal([Math.log(2)]);
      expect(logReturns([])).to.deep.equal([]);
      expect(logReturns([5n])).to.deep.equal([]);
    });
  });

  describe("mean, sampleStdev, percentile", function () {
    it("mean and sample standard deviation (n − 1)", function () {
      expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).to.equal(5);
      // Σ(x − 5)² = 32 over n − 1 = 7.
      expectClose(sampleStdev([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7), 1e-15);
      expect(mean([])).to.equal(0);
      expect(sampleStdev([3])).to.equal(0);
    });

    it("percentile is nearest-rank: always one of the values", function () {
      const sorted = [15, 20, 35, 40, 50];
      expect(percentile(sorted, 0)).to.equal(15);
      expect(percentile(sorted, 5)).to.equal(15);
      expect(percentile(sorted, 30)).to.equal(20);
      expect(percentile(sorted, 40)).to.equal(20);
      expect(percentile(sorted, 50)).to.equal(35);
      expect(percentile(sorted, 100)).to.equal(50);
      const tenValues = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      expect(percentile(tenValues, 50)).to.equal(5);
      expect(percentile(tenValues, 95)).to.equal(10);
      expect(() => percentile([], 50)).to.throw(RangeError, /empty/);
      expect(() => percentile(sorted, 101)).to.throw(RangeError, /0\.\.100/);
    });
  });

  describe("volatility", function () {
    it("is the sample stdev of log returns, annualised by √(steps per year)", function () {
      const daily = volatility([100n * WAD, 110n * WAD, 99n * WAD], 86_400);
      // Two returns a, b: the sample stdev is |a − b| / √2.
      const perStep = Math.abs(Math.log(1.1) - Math.log(0.9)) / Math.SQRT2;
      expect(daily.returns).to.equal(2);
      expectClose(daily.perStep, perStep, 1e-15);
      expectClose(daily.annualised, perStep * Math.sqrt(365), 1e-12);
      // 12-second blocks: 2,628,000 steps a year.
      const blocks = volatility([100n * WAD, 110n * WAD, 99n * WAD], 12);
      expect(SECONDS_PER_YEAR / 12).to.equal(2_628_000);
      expectClose(blocks.annualised, perStep * Math.sqrt(2_628_000), 1e-9);
    });

    it("is zero for a flat or too-short series and refuses a non-positive block time", function () {
      expect(volatility([WAD, WAD, WAD], 12).perStep).to.equal(0);
      expect(volatility([WAD], 12)).to.deep.equal({ perStep: 0, annualised: 0, returns: 0 });
      expect(() => volatility([WAD], 0)).to.throw(RangeError, /blockSeconds/);
    });
  });

  describe("maxDrawdown", function () {
    it("is the deepest fall from a running peak, as a fraction of the peak", function () {
      // 120 → 90 is 25%; 130 → 65 is 50%.
      expect(maxDrawdown([100n, 120n, 90n, 130n, 65n, 70n])).to.equal(0.5);
      expect(maxDrawdown([1n, 2n, 3n])).to.equal(0);
      expect(maxDrawdown([0n, 0n, 10n, 0n])).to.equal(1);
      expect(maxDrawdown([])).to.equal(0);
    });
  });

  describe("gini", function () {
    it("matches Σ|xᵢ − xⱼ| / (2n²μ) on hand-worked cases", function () {
      // Ordered pairs of [0,0,0,10]: six differences of 10 → 60 / (2·16·2.5) = 0.75.
      expect(gini([0n, 10n, 0n, 0n])).to.equal(0.75);
      // [1,2,3,4]: ordered differences sum to 20 → 20 / (2·16·2.5) = 0.25.
      expect(gini([4n, 1n, 3n, 2n])).to.equal(0.25);
    });

    it("is 0 for equal holdings, all-zero holdings and nobody", function () {
      expect(gini([7n, 7n, 7n])).to.equal(0);
      expect(gini([0n, 0n])).to.equal(0);
      expect(gini([])).to.equal(0);
    });

    it("stays exact for token-wei sized amounts and refuses negatives", function () {
      const whale = 10n ** 30n;
      // One holder of n has everything: G = (n − 1) / n.
      expect(gini([0n, 0n, 0n, 0n, whale])).to.equal(0.8);
      expectClose(gini([whale, whale + 1n]), 0, 1e-15);
      expect(() => gini([1n, -1n])).to.throw(RangeError, /non-negative/);
    });
  });

  describe("gapStats", function () {
    it("mean |gap|, max |gap| and the final signed gap", function () {
      expect(gapStats([-30n, 10n, 20n, -40n])).to.deep.equal({ meanAbsBps: 25, maxAbsBps: 40, finalBps: -40 });
      expect(gapStats([])).to.deep.equal({ meanAbsBps: 0, maxAbsBps: 0, finalBps: 0 });
    });
  });
});
