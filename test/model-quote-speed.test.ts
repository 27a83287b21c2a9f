// measureQuotesPerSecond (agents/mechanisms/quote-speed.ts), which bench/model.ts reports: it answers for
// every curve kind and refuses a duration it cannot use. Its speed is a benchmark's figure, not a test's.
import { expect } from "chai";

import { BENCH_MARKETS, measureQuotesPerSecond } from "../agents/mechanisms/quote-speed.ts";
import { MarketModel } from "../agents/mechanisms/market/model.ts";

describe("measureQuotesPerSecond", () => {
  // How fast is bench:model's figure (bin/arena bench:model): here only that it measures something.
  it("measures every curve kind on a valid market: a positive, finite rate of quotes", () => {
    for (const kind of ["linear", "exponential", "sigmoid"] as const) {
      const market = new MarketModel(BENCH_MARKETS[kind]);
      expect(market.solvencyWad(), `${kind} bench market is solvent`).to.be.at.least(10n ** 18n);
      const rate = measureQuotesPerSecond(20, kind);
      expect(Number.isFinite(rate) && rate > 0, `${kind}: ${rate}`).to.equal(true);
    }
  });

  it("refuses a duration that is not a positive number", () => {
    expect(() => measureQuotesPerSecond(0)).to.throw(
      RangeError,
      "durationMs must be a positive number of milliseconds, got 0",
    );
    expect(() => measureQuotesPerSecond(Number.NaN)).to.throw(RangeError, "durationMs");
  });
});
