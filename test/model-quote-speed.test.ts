// measureQuotesPerSecond (agents/model/quote-speed.ts), which bench/model.ts reports: it answers for
// every curve kind, stays far above what a chain call could do, and refuses a duration it cannot use.
import { expect } from "chai";

import { BENCH_MARKETS, measureQuotesPerSecond } from "../agents/mechanisms/quote-speed.ts";
import { MarketModel } from "../agents/mechanisms/market/model.ts";

describe("measureQuotesPerSecond", () => {
  it("measures every curve kind on a valid market, linear well above 100,000 quotes per second", () => {
    for (const kind of ["linear", "exponential", "sigmoid"] as const) {
      const market = new MarketModel(BENCH_MARKETS[kind]);
      expect(market.solvencyWad(), `${kind} bench market is solvent`).to.be.at.least(10n ** 18n);
      expect(measureQuotesPerSecond(50, kind), kind).to.be.greaterThan(kind === "linear" ? 100_000 : 10_000);
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
