// The curve ranges CurveMath.validate accepts (contracts/libraries/CurveMath.sol), rule for rule and
// to the wei, on the curve's own domain [0, maxSupply]. They are checked over a box of parameters: a
// genesis value is the box [v, v]; the bounds of the parameter store are the box [min, max], so that
// every value governance may reach still gives a curve the market accepts. maxSupply is immutable, so
// it is the same for every point of the box. Every limit is monotone in each parameter, so the box's
// worst corner decides.

import { expWad } from "../../core/solady-math.ts";
import type { CurveKind } from "./state.ts";
import { MAX_EXPONENT_WAD, MAX_PRICE_WAD, MAX_SIGMOID_EXPONENT_WAD, MAX_SUPPLY } from "../../core/limits.ts";
import { WAD } from "../../core/units.ts";
import { formatDecimal } from "../../core/units.ts";

/** A curve field's lowest and highest value in the box. */
export type CurveBox = Map<string, { lo: bigint; hi: bigint }>;

/** Where to report a problem with a field's low or high end: what was expected, the value, and the fix if there is a choice. */
export type CurveFail = (field: string, end: "lo" | "hi", expected: string, got: string, fix?: string) => void;

/** The curve's domain: the genesis' maxSupply (token wei), and whether the file gave it or it is MAX_SUPPLY by default. */
export interface CurveDomain {
  maxSupply: bigint;
  given: boolean;
}

const MAX_PRICE = formatDecimal(MAX_PRICE_WAD, 18);
const show = (wad: bigint): string => formatDecimal(wad, 18);

/* THE RULES OF CurveMath._isValid, ONE CURVE AT A TIME */

/** Largest linear slope with this base price on [0, D]: p1 ≤ (MAX_PRICE_WAD − p2)·WAD / D. */
export function largestSlope(basePriceWad: bigint, maxSupply: bigint): bigint {
  return ((MAX_PRICE_WAD - basePriceWad) * WAD) / maxSupply;
}

/** Largest exponential growth rate on [0, D] from the exponent alone: p2 ≤ MAX_EXPONENT_WAD·WAD / D (k·D ≤ 100). */
export function largestGrowthExponent(maxSupply: bigint): bigint {
  return (MAX_EXPONENT_WAD * WAD) / maxSupply;
}

/**
 * Whether a positive growth rate fits on [0, D] with this initial price: k·D ≤ 100 and the price at D,
 * p1·expWad(p2·D/1e18)/1e18 computed as the contract does (the fast model's copy of Solady's expWad,
 * step for step), at most MAX_PRICE_WAD.
 */
export function exponentialFits(initialPriceWad: bigint, growthRateWad: bigint, maxSupply: bigint): boolean {
  if (growthRateWad > largestGrowthExponent(maxSupply)) return false;
  return (initialPriceWad * expWad((growthRateWad * maxSupply) / WAD)) / WAD <= MAX_PRICE_WAD;
}

/** Largest exponential growth rate on [0, D] for this initial price. */
export function largestGrowthRate(initialPriceWad: bigint, maxSupply: bigint): bigint {
  return largestWhere(0n, largestGrowthExponent(maxSupply), (rate) =>
    exponentialFits(initialPriceWad, rate, maxSupply),
  );
}

/** Largest sigmoid steepness for a midpoint on [0, D]: p2 ≤ MAX_SIGMOID_EXPONENT_WAD·WAD / max(S0, D − S0). */
export function largestSteepness(farthest: bigint): bigint {
  return (MAX_SIGMOID_EXPONENT_WAD * WAD) / farthest;
}

/** The largest x in [lo, hi] with ok(x), for ok monotone (true, then false) and taken as true at lo (never called there). */
function largestWhere(lo: bigint, hi: bigint, ok: (x: bigint) => boolean): bigint {
  while (lo < hi) {
    const mid = hi - (hi - lo) / 2n;
    if (ok(mid)) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

/* THE BOX */

/**
 * Reports every rule of CurveMath.validate the box breaks on `domain`. Each message names the
 * maxSupply it used; the fix offers a lower parameter or, where that helps, the largest maxSupply on
 * which the box is valid. The caps of single values (a price ≤ MAX_PRICE_WAD) are checked here too,
 * although the units of genesis.ts already refuse values above them.
 */
export function checkCurveBox(kind: CurveKind, box: CurveBox, domain: CurveDomain, fail: CurveFail): void {
  const lo = (field: string): bigint => box.get(field)!.lo;
  const hi = (field: string): bigint => box.get(field)!.hi;
  const d = domain.maxSupply;
  if (d === 0n || d > MAX_SUPPLY)
    throw new RangeError(`maxSupply ${d} is outside (0, MAX_SUPPLY]; genesis.ts checks it first`);
  const on = domainText(domain);
  const priceCap = (field: string): boolean => {
    if (hi(field) <= MAX_PRICE_WAD) return true;
    fail(field, "hi", `${field} at most ${MAX_PRICE} quote per token`, show(hi(field)));
    return false;
  };

  switch (kind) {
    case "linear": {
      if (lo("slope") === 0n && lo("basePrice") === 0n)
        fail("slope", "lo", "a slope or a basePrice above 0 (a curve priced 0 everywhere)", "0");
      if (!priceCap("basePrice")) return;
      const base = hi("basePrice");
      const slope = hi("slope");
      if (slope > largestSlope(base, d)) {
        fail(
          "slope",
          "hi",
          `a slope of at most ${show(largestSlope(base, d))} with basePrice ${show(base)} on ${on} (the price at maxSupply must stay ≤ ${MAX_PRICE})`,
          show(slope),
          `lower the slope${orMaxSupply(((MAX_PRICE_WAD - base) * WAD) / slope)}`,
        );
      }
      return;
    }
    case "exponential": {
      if (lo("initialPrice") === 0n)
        fail("initialPrice", "lo", "a positive price (an exponential curve from 0 stays at 0)", "0");
      if (lo("growthRate") === 0n)
        fail("growthRate", "lo", "a positive growth rate (use a linear curve for a flat price)", "0");
      if (!priceCap("initialPrice")) return;
      const price = hi("initialPrice");
      const rate = hi("growthRate");
      if (rate === 0n || exponentialFits(price, rate, d)) return;
      // The largest maxSupply on which both rules hold.
      const fix = (what: string): string =>
        `lower ${what}${orMaxSupply(largestWhere(0n, d, (supply) => exponentialFits(price, rate, supply)))}`;
      if (rate > largestGrowthExponent(d)) {
        fail(
          "growthRate",
          "hi",
          `a growth rate of at most ${show(largestGrowthExponent(d))} per token on ${on} (growthRate·maxSupply must stay ≤ 100)`,
          show(rate),
          fix("the growth rate"),
        );
      } else {
        fail(
          "growthRate",
          "hi",
          `a growth rate of at most ${show(largestGrowthRate(price, d))} per token with initialPrice ${show(price)} on ${on} ` +
            `(initialPrice·e^(growthRate·maxSupply) must stay ≤ ${MAX_PRICE})`,
          show(rate),
          fix("the growth rate or the initialPrice"),
        );
      }
      return;
    }
    case "sigmoid": {
      if (lo("maxPrice") === 0n) fail("maxPrice", "lo", "a positive height", "0");
      if (lo("steepness") === 0n) fail("steepness", "lo", "a positive steepness", "0");
      if (priceCap("maxPrice") && priceCap("basePrice") && hi("maxPrice") + hi("basePrice") > MAX_PRICE_WAD) {
        fail(
          "maxPrice",
          "hi",
          `maxPrice + basePrice at most ${MAX_PRICE} quote per token`,
          show(hi("maxPrice") + hi("basePrice")),
        );
      }
      if (hi("midpoint") > d) {
        fail(
          "midpoint",
          "hi",
          `a midpoint within the curve's domain, ${on}`,
          `${show(hi("midpoint"))} tokens`,
          "lower the midpoint or raise maxSupply",
        );
        return;
      }
      // k·max(S0, D − S0) ≤ MAX_SIGMOID_EXPONENT_WAD·WAD for the midpoint anywhere in its range.
      const steepness = hi("steepness");
      const above = d - lo("midpoint");
      const farthest = hi("midpoint") > above ? hi("midpoint") : above;
      if (steepness > largestSteepness(farthest)) {
        // A smaller maxSupply shortens only the stretch above the midpoint: it helps when the one below fits.
        const reach = (MAX_SIGMOID_EXPONENT_WAD * WAD) / steepness;
        fail(
          "steepness",
          "hi",
          `a steepness of at most ${show(largestSteepness(farthest))} per token for a midpoint of ${show(farthest === above ? lo("midpoint") : hi("midpoint"))} tokens ` +
            `on ${on} (|steepness·(supply − midpoint)| must stay ≤ 100 on [0, maxSupply])`,
          show(steepness),
          hi("midpoint") <= reach
            ? `lower the steepness${orMaxSupply(lo("midpoint") + reach)}`
            : "lower the steepness or the midpoint",
        );
      }
      return;
    }
  }
}

function domainText(domain: CurveDomain): string {
  const tokens = formatDecimal(domain.maxSupply, 18);
  return domain.given
    ? `maxSupply ${tokens} tokens`
    : `the default maxSupply of ${tokens} tokens (MAX_SUPPLY, as the genesis sets no "maxSupply")`;
}

/** ", or set maxSupply to at most N tokens" (whole tokens when there is one), or nothing when no maxSupply fits. */
function orMaxSupply(largest: bigint): string {
  if (largest <= 0n) return "";
  const shown = largest >= WAD ? (largest / WAD).toString() : formatDecimal(largest, 18);
  return `, or set maxSupply to at most ${shown} tokens`;
}
