// The curve ranges CurveMath.validate accepts (contracts/libraries/CurveMath.sol), checked over a
// box of parameters: a genesis value is the box [v, v]; the bounds of the parameter store are the
// box [min, max], so that every value governance may reach still gives a curve the market accepts.
// Every limit is monotone in each parameter, so the box's worst corner decides.

import { Decimal } from "decimal.js";

import type { CurveKindName } from "./genesis.ts";
import { MAX_EXPONENT_WAD, MAX_PRICE_WAD, MAX_SIGMOID_EXPONENT_WAD, MAX_SUPPLY, WAD } from "./limits.ts";
import { formatDecimal } from "./units.ts";

/** A curve field's lowest and highest value in the box. */
export type CurveBox = Map<string, { lo: bigint; hi: bigint }>;

/** Where to report a problem with a field's low or high end, and how to show a value. */
export type CurveFail = (field: string, end: "lo" | "hi", expected: string, got: string) => void;

const PRECISE = Decimal.clone({ precision: 50 });
const MAX_PRICE = formatDecimal(MAX_PRICE_WAD, 18);
const show = (wad: bigint): string => formatDecimal(wad, 18);

export function checkCurveBox(kind: CurveKindName, box: CurveBox, fail: CurveFail): void {
  const lo = (field: string): bigint => box.get(field)!.lo;
  const hi = (field: string): bigint => box.get(field)!.hi;

  switch (kind) {
    case "linear": {
      // p1·MAX_SUPPLY ≤ (MAX_PRICE − p2)·WAD: the price at the supply cap stays within MAX_PRICE_WAD.
      if (hi("slope") * MAX_SUPPLY > (MAX_PRICE_WAD - hi("basePrice")) * WAD) {
        const limit = ((MAX_PRICE_WAD - hi("basePrice")) * WAD) / MAX_SUPPLY;
        fail("slope", "hi", `a slope of at most ${show(limit)} with basePrice ${show(hi("basePrice"))} (the price at the 1e9-token supply cap must stay ≤ ${MAX_PRICE})`, show(hi("slope")));
      }
      if (lo("slope") === 0n && lo("basePrice") === 0n) fail("slope", "lo", "a slope or a basePrice above 0 (a curve priced 0 everywhere)", "0");
      return;
    }
    case "exponential": {
      if (lo("initialPrice") === 0n) fail("initialPrice", "lo", "a positive price (an exponential curve from 0 stays at 0)", "0");
      if (lo("growthRate") === 0n) fail("growthRate", "lo", "a positive growth rate (use a linear curve for a flat price)", "0");
      const growthLimit = (MAX_EXPONENT_WAD * WAD) / MAX_SUPPLY;
      if (hi("growthRate") > growthLimit) {
        fail("growthRate", "hi", `a growth rate of at most ${show(growthLimit)} per token (e^(rate·supply) must stay below e^100 up to the 1e9-token supply cap)`, show(hi("growthRate")));
        return;
      }
      // p1·e^(k·MAX_SUPPLY) ≤ MAX_PRICE_WAD, to 50 digits (the contract's exp is exact to ~1e-16).
      const exponent = new PRECISE(hi("growthRate").toString()).mul(MAX_SUPPLY.toString()).div(new PRECISE(10).pow(36));
      const priceAtCap = new PRECISE(hi("initialPrice").toString()).mul(exponent.exp());
      if (priceAtCap.gt(MAX_PRICE_WAD.toString())) {
        const growthCap = new PRECISE(MAX_PRICE_WAD.toString()).div(hi("initialPrice").toString()).ln().div(MAX_SUPPLY.toString()).mul(new PRECISE(10).pow(36)).floor();
        fail(
          "growthRate",
          "hi",
          `a growth rate of at most ${show(BigInt(growthCap.toFixed(0)))} per token with initialPrice ${show(hi("initialPrice"))} (initialPrice·e^(rate·1e9) must stay ≤ ${MAX_PRICE})`,
          show(hi("growthRate")),
        );
      }
      return;
    }
    case "sigmoid": {
      if (lo("maxPrice") === 0n) fail("maxPrice", "lo", "a positive height", "0");
      if (lo("steepness") === 0n) fail("steepness", "lo", "a positive steepness", "0");
      if (hi("maxPrice") + hi("basePrice") > MAX_PRICE_WAD) {
        fail("maxPrice", "hi", `maxPrice + basePrice at most ${MAX_PRICE} quote per token`, show(hi("maxPrice") + hi("basePrice")));
      }
      // k·max(S0, MAX_SUPPLY − S0) ≤ MAX_SIGMOID_EXPONENT_WAD·WAD, for the midpoint anywhere in its range.
      const farthest = hi("midpoint") > MAX_SUPPLY - lo("midpoint") ? hi("midpoint") : MAX_SUPPLY - lo("midpoint");
      if (hi("steepness") * farthest > MAX_SIGMOID_EXPONENT_WAD * WAD) {
        const limit = (MAX_SIGMOID_EXPONENT_WAD * WAD) / farthest;
        fail(
          "steepness",
          "hi",
          `a steepness of at most ${show(limit)} per token for a midpoint of ${show(farthest === hi("midpoint") ? hi("midpoint") : lo("midpoint"))} tokens (|steepness·(supply − midpoint)| must stay ≤ 100 up to the 1e9-token supply cap)`,
          show(hi("steepness")),
        );
      }
      return;
    }
  }
}
