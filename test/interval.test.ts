import { expect } from "chai";

import { formatInterval, isSignificant, meanInterval, pairedDifference, t95 } from "../agents/core/interval.ts";
import { expectClose } from "./helpers/close.ts";

describe("confidence intervals", () => {
  it("gives the mean with Student's t half-width", () => {
    // mean 3, sample stdev sqrt(2.5), t(4) = 2.776
    const i = meanInterval([1, 2, 3, 4, 5]);
    expectClose(i.mean, 3, 1e-12);
    expectClose(i.halfWidth, (2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 1e-9);
    expectClose(i.low, 3 - i.halfWidth, 1e-12);
    expect(i.n).to.equal(5);
  });

  it("has no width with a single value", () => {
    const i = meanInterval([7]);
    expect([i.low, i.mean, i.high, i.halfWidth]).to.deep.equal([7, 7, 7, 0]);
    expect(isSignificant(i)).to.equal(false);
  });

  it("pairs differences seed by seed, so a shared seed effect cancels", () => {
    const without = [10, 20, 30, 40];
    const withChange = [11, 21.1, 30.9, 41];
    const d = pairedDifference(withChange, without);
    expectClose(d.mean, 1, 1e-12);
    expect(isSignificant(d)).to.equal(true);
    expect(isSignificant(meanInterval([1, -1, 1, -1]))).to.equal(false);
    expect(() => pairedDifference([1], [1, 2])).to.throw("as many values");
  });

  it("narrows t towards the normal quantile as seeds grow", () => {
    expect(t95(1)).to.equal(12.706);
    expect(t95(30)).to.be.lessThan(t95(10));
    expect(t95(1000)).to.equal(1.96);
    expect(formatInterval(meanInterval([1, 2, 3]))).to.match(/^2\.00 ± /);
  });
});
