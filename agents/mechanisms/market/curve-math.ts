// contracts/libraries/CurveMath.sol in bigint: price, cost to buy (rounded up), refund to sell
// (rounded down), the inverse (tokens for a budget) and validation, with the library's every
// truncation, safety margin, Newton step and settling loop, so each answer equals the contract's
// to the wei. Same reverts (CurveDomainExceeded, InvalidCurve), thrown as ModelRevert.
// Units as in the library: supplies and amounts in token wei, prices and quote amounts in WAD.

import type { CurveKind } from "./state.ts";
import {
  PHI_SERIES_CUTOFF_WAD,
  PSI_SERIES_CUTOFF_WAD,
  expm1OverX,
  log1p,
  log1pOverX,
  logisticDenominator,
  mulWadDiv,
  softplus,
  softplusInverse,
} from "./exp-math.ts";
import { WAD } from "../../core/units.ts";
import { ModelRevert } from "../../core/model-revert.ts";
import { bitLength, divUp, expWad, fullMulDiv, lnWad, sqrtDown, zeroFloorSub } from "../../core/solady-math.ts";

/** A curve's kind, parameters (unused ones 0) and domain [0, maxSupply], as CurveTypes.sol's Curve. */
export interface Curve {
  kind: CurveKind;
  p1: bigint;
  p2: bigint;
  p3: bigint;
  p4: bigint;
  maxSupply: bigint;
}

export const MAX_SUPPLY = 10n ** 27n;
export const MAX_PRICE_WAD = 10n ** 24n;
export const MAX_EXPONENT_WAD = 100n * WAD;
export const MAX_SIGMOID_EXPONENT_WAD = 100n * WAD;
/** The Solidity enum's index of each kind (InvalidCurve's first argument). */
export const CURVE_KIND_INDEX: Readonly<Record<CurveKind, bigint>> = { linear: 0n, exponential: 1n, sigmoid: 2n };

const SAFETY_MARGIN_DIVISOR = 10n ** 16n;
const SAFETY_MARGIN_SCALED = 3n;
const QUOTE_CAP_WAD_PER_TOKEN_WEI = 2n * (MAX_PRICE_WAD / WAD);
const NEWTON_MAX_STEPS = 12;
const WAD_SQUARED = 10n ** 36n;
const TWO_WAD_SQUARED = 2n * WAD_SQUARED;
const TWO_WAD_SQUARED_BITS = bitLength(TWO_WAD_SQUARED);
const SIGMOID_DIRECT_DELTA_WAD = 130n * WAD;

/* PRICE */

/** The marginal price at `supply`, WAD quote per whole token, rounded down. */
export function priceWad(c: Curve, supply: bigint): bigint {
  if (supply > c.maxSupply) throw new ModelRevert("CurveDomainExceeded", { supply, amount: 0n });
  if (c.kind === "linear") return c.p2 + (c.p1 * supply) / WAD;
  if (c.kind === "exponential") return (c.p1 * growthWad(c, supply)) / WAD;
  return c.p4 + fullMulDiv(c.p1, WAD, logisticDenominator(sigmoidExponentWad(c, supply)));
}

/* COST AND REFUND */

/** ∫_S^{S+n} p(s) ds / 1e18, rounded up. */
export function costUpWad(c: Curve, supply: bigint, amount: bigint): bigint {
  if (supply > c.maxSupply || amount > c.maxSupply - supply)
    throw new ModelRevert("CurveDomainExceeded", { supply, amount });
  if (c.kind === "linear") return divUp(linearIntegralTimes2e36(c, supply, amount), TWO_WAD_SQUARED);
  return divUp(costScaledUp(c, supply, amount), WAD);
}

/** ∫_{S−n}^{S} p(s) ds / 1e18, rounded down. */
export function refundDownWad(c: Curve, supply: bigint, amount: bigint): bigint {
  if (supply > c.maxSupply || amount > supply) throw new ModelRevert("CurveDomainExceeded", { supply, amount });
  if (c.kind === "linear") return linearIntegralTimes2e36(c, supply - amount, amount) / TWO_WAD_SQUARED;
  if (amount === 0n) return 0n;
  const scaled = integralScaled(c, supply - amount, amount);
  return zeroFloorSub(scaled, safetyMargin(scaled)) / WAD;
}

/* INVERSE */

/** The largest n (to within the library's 1e-12) with costUpWad(c, supply, n) ≤ quoteWad, capped at the room left. */
export function tokensForQuoteDown(c: Curve, supply: bigint, quoteWad: bigint): bigint {
  if (supply > c.maxSupply) throw new ModelRevert("CurveDomainExceeded", { supply, amount: 0n });
  const room = c.maxSupply - supply;
  if (quoteWad === 0n || room === 0n) return 0n;
  if (quoteWad >= QUOTE_CAP_WAD_PER_TOKEN_WEI * c.maxSupply) return room;
  if (c.kind === "linear") return linearTokensForQuote(c, supply, quoteWad, room);
  const estimate =
    c.kind === "exponential"
      ? exponentialTokensEstimate(c, supply, quoteWad)
      : sigmoidTokensEstimate(c, supply, quoteWad, room);
  return settleDown(c, supply, quoteWad, estimate, room);
}

function linearTokensForQuote(c: Curve, supply: bigint, quoteWad: bigint, room: bigint): bigint {
  const b = WAD * c.p2 + c.p1 * supply;
  const slopeQuote = c.p1 * quoteWad;
  const shiftB = Math.max(bitLength(b) - 126, 0);
  const shiftSlope = Math.floor(Math.max(TWO_WAD_SQUARED_BITS + bitLength(slopeQuote) - 251, 0) / 2);
  const shift = BigInt(Math.max(shiftB, shiftSlope));
  const bShifted = b >> shift;
  const root = sqrtDown(bShifted * bShifted + fullMulDiv(TWO_WAD_SQUARED, slopeQuote, 1n << (2n * shift))) << shift;
  let n = fullMulDiv(TWO_WAD_SQUARED, quoteWad, b + root);
  if (n > room) n = room;
  while (costUpWad(c, supply, n) > quoteWad) --n;
  if (n < room && costUpWad(c, supply, n + 1n) <= quoteWad) ++n;
  return n;
}

function exponentialTokensEstimate(c: Curve, supply: bigint, quoteWad: bigint): bigint {
  const priceScaled = c.p1 * growthWad(c, supply);
  const w = fullMulDiv(quoteWad * c.p2, WAD, priceScaled);
  if (w < PSI_SERIES_CUTOFF_WAD) return fullMulDiv(quoteWad * log1pOverX(w), WAD, priceScaled);
  return (log1p(w) * WAD) / c.p2;
}

function sigmoidTokensEstimate(c: Curve, supply: bigint, quoteWad: bigint, room: bigint): bigint {
  let n = sigmoidHeightOnlyTokens(c, supply, quoteWad);
  if (n > room) n = room;
  if (c.p4 !== 0n) {
    const baseOnly = (quoteWad * WAD) / c.p4;
    if (baseOnly < n) n = baseOnly;
  }
  const target = quoteWad * WAD;
  for (let i = 0; i < NEWTON_MAX_STEPS; ++i) {
    const costScaled = costScaledUp(c, supply, n);
    let marginalPriceScaled = sigmoidPriceScaled(c, supply + n);
    if (marginalPriceScaled < 1n) marginalPriceScaled = 1n;
    let step: bigint;
    if (costScaled > target) {
      step = fullMulDiv(costScaled - target, WAD, marginalPriceScaled) + 1n;
      n = zeroFloorSub(n, step);
    } else {
      step = fullMulDiv(target - costScaled, WAD, marginalPriceScaled);
      if (step > room - n) step = room - n;
      n += step;
    }
    if (step <= n >> 30n) break;
  }
  return n;
}

function sigmoidHeightOnlyTokens(c: Curve, supply: bigint, quoteWad: bigint): bigint {
  const y0 = sigmoidExponentWad(c, supply);
  const v = (quoteWad * c.p2) / c.p1;
  if (v < PHI_SERIES_CUTOFF_WAD) {
    const phiV = expm1OverX(v);
    const b0 = logisticDenominator(y0);
    const w = fullMulDiv(quoteWad * c.p2 * phiV, b0, c.p1 * WAD_SQUARED);
    if (w < PSI_SERIES_CUTOFF_WAD) {
      return fullMulDiv(fullMulDiv(quoteWad * phiV, log1pOverX(w), c.p1), b0, WAD_SQUARED);
    }
    return (log1p(w) * WAD) / c.p2;
  }
  const y1 = softplusInverse(softplus(y0) + v);
  return y1 > y0 ? ((y1 - y0) * WAD) / c.p2 : 0n;
}

function settleDown(c: Curve, supply: bigint, quoteWad: bigint, n: bigint, room: bigint): bigint {
  if (n >= room) {
    if (costUpWad(c, supply, room) <= quoteWad) return room;
    n = room;
  }
  let step = n >> 50n;
  const small = step === 0n;
  n -= step;
  let firstTry = true;
  for (step = step + 1n; costUpWad(c, supply, n) > quoteWad; step <<= 1n) {
    n = zeroFloorSub(n, step);
    firstTry = false;
  }
  if (small && firstTry && n < room && costUpWad(c, supply, n + 1n) <= quoteWad) ++n;
  return n;
}

/* VALIDATION */

/** Throws InvalidCurve unless the domain and parameters are inside the library's allowed range. */
export function validateCurve(c: Curve): void {
  if (!isValid(c)) {
    throw new ModelRevert("InvalidCurve", {
      kind: CURVE_KIND_INDEX[c.kind],
      p1: c.p1,
      p2: c.p2,
      p3: c.p3,
      p4: c.p4,
      maxSupply: c.maxSupply,
    });
  }
}

function isValid(c: Curve): boolean {
  const domain = c.maxSupply;
  if (domain === 0n || domain > MAX_SUPPLY) return false;
  if (c.kind === "linear") {
    return (
      c.p3 === 0n &&
      c.p4 === 0n &&
      (c.p1 | c.p2) !== 0n &&
      c.p2 <= MAX_PRICE_WAD &&
      c.p1 <= ((MAX_PRICE_WAD - c.p2) * WAD) / domain
    );
  }
  if (c.kind === "exponential") {
    if (c.p3 !== 0n || c.p4 !== 0n || c.p1 === 0n || c.p1 > MAX_PRICE_WAD) return false;
    if (c.p2 === 0n || c.p2 > (MAX_EXPONENT_WAD * WAD) / domain) return false;
    return fullMulDiv(c.p1, growthWad(c, domain), WAD) <= MAX_PRICE_WAD;
  }
  if (c.p1 === 0n || c.p1 > MAX_PRICE_WAD || c.p4 > MAX_PRICE_WAD - c.p1) return false;
  if (c.p2 === 0n || c.p3 > domain) return false;
  const reach = c.p3 > domain - c.p3 ? c.p3 : domain - c.p3;
  return c.p2 <= (MAX_SIGMOID_EXPONENT_WAD * WAD) / reach;
}

/* INTERNAL MATH */

function linearIntegralTimes2e36(c: Curve, lo: bigint, n: bigint): bigint {
  return c.p1 * n * (2n * lo + n) + 2n * WAD * c.p2 * n;
}

function costScaledUp(c: Curve, lo: bigint, n: bigint): bigint {
  if (n === 0n) return 0n;
  const scaled = integralScaled(c, lo, n);
  return scaled + safetyMargin(scaled);
}

function safetyMargin(scaled: bigint): bigint {
  return scaled / SAFETY_MARGIN_DIVISOR + SAFETY_MARGIN_SCALED;
}

function integralScaled(c: Curve, lo: bigint, n: bigint): bigint {
  const delta = (c.p2 * n) / WAD;
  if (c.kind === "exponential") {
    return (((c.p1 * n * growthWad(c, lo)) / WAD) * expm1OverX(delta)) / WAD;
  }
  return c.p4 * n + sigmoidHeightIntegralScaled(c, sigmoidExponentWad(c, lo), delta, n);
}

function sigmoidHeightIntegralScaled(c: Curve, y0: bigint, delta: bigint, n: bigint): bigint {
  const b0 = WAD + expWadRemembered(-y0); // logisticDenominator(y0)
  let softplusRise: bigint;
  if (delta < PHI_SERIES_CUTOFF_WAD) {
    const phi = expm1OverX(delta);
    const z = (delta * phi) / b0;
    return (((c.p1 * n * phi) / b0) * log1pOverX(z)) / WAD;
  } else if (delta < SIGMOID_DIRECT_DELTA_WAD) {
    const expm1Delta = expWad(delta) - WAD;
    const z = mulWadDiv(expm1Delta, b0);
    if (z < PSI_SERIES_CUTOFF_WAD) {
      const phi = mulWadDiv(expm1Delta, delta);
      return (((c.p1 * n * phi) / b0) * log1pOverX(z)) / WAD;
    }
    softplusRise = lnWad(WAD + z);
  } else {
    const b1 = logisticDenominator(y0 + delta);
    softplusRise = delta + lnWad(b1) - lnWad(b0);
  }
  return (c.p1 * (softplusRise * WAD)) / c.p2;
}

function sigmoidPriceScaled(c: Curve, s: bigint): bigint {
  return c.p4 * WAD + (c.p1 * WAD_SQUARED) / logisticDenominator(sigmoidExponentWad(c, s));
}

function growthWad(c: Curve, s: bigint): bigint {
  return expWadRemembered((c.p2 * s) / WAD);
}

/* expWad of the lower end of an integral, remembered: quotes at one state keep asking for the
   exponential at the current supply (every buy starts there), and expWad is most of a quote's cost.
   Two entries, least recently used out, so sells in between (other lower ends) do not evict it. */
let rememberedX0 = 0n;
let rememberedY0 = expWad(0n);
let rememberedX1 = 0n;
let rememberedY1 = rememberedY0;

function expWadRemembered(x: bigint): bigint {
  if (x === rememberedX0) return rememberedY0;
  if (x === rememberedX1) {
    const y = rememberedY1;
    rememberedX1 = rememberedX0;
    rememberedY1 = rememberedY0;
    rememberedX0 = x;
    rememberedY0 = y;
    return y;
  }
  const y = expWad(x);
  rememberedX1 = rememberedX0;
  rememberedY1 = rememberedY0;
  rememberedX0 = x;
  rememberedY0 = y;
  return y;
}

function sigmoidExponentWad(c: Curve, s: bigint): bigint {
  return (c.p2 * (s - c.p3)) / WAD;
}
