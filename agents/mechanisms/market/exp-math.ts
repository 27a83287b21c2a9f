// contracts/libraries/ExpMath.sol in bigint, with the same truncations: φ(x) = expm1(x)/x,
// ψ(z) = log1p(z)/z, log1p, the logistic denominator, softplus and its inverse, mulWadDiv. All WAD.

import { expWad, lnWad } from "../../core/solady-math.ts";
import { WAD } from "../../core/units.ts";

export const PHI_SERIES_CUTOFF_WAD = 125_000_000_000_000_000n;
export const PSI_SERIES_CUTOFF_WAD = 250_000_000_000_000_000n;

const TWO_WAD = 2n * WAD;
const MUL_WAD_DIV_EXACT_BELOW = 1n << 196n;
const MUL_WAD_DIV_LARGE_DIVISOR = 1n << 128n;

/** φ(x) = (e^x − 1)/x in WAD for 0 ≤ x < 135e18. */
export function expm1OverX(x: bigint): bigint {
  if (x >= PHI_SERIES_CUTOFF_WAD) return mulWadDiv(expWad(x) - WAD, x);
  let phi = WAD + x / 11n;
  phi = WAD + (x * phi) / 10_000_000_000_000_000_000n;
  phi = WAD + (x * phi) / 9_000_000_000_000_000_000n;
  phi = WAD + (x * phi) / 8_000_000_000_000_000_000n;
  phi = WAD + (x * phi) / 7_000_000_000_000_000_000n;
  phi = WAD + (x * phi) / 6_000_000_000_000_000_000n;
  phi = WAD + (x * phi) / 5_000_000_000_000_000_000n;
  phi = WAD + (x * phi) / 4_000_000_000_000_000_000n;
  phi = WAD + (x * phi) / 3_000_000_000_000_000_000n;
  return WAD + (x * phi) / TWO_WAD;
}

// WAD / (2j + 1), truncated as the contract's constants are
const INV_17 = WAD / 17n;
const INV_15 = WAD / 15n;
const INV_13 = WAD / 13n;
const INV_11 = WAD / 11n;
const INV_9 = WAD / 9n;
const INV_7 = WAD / 7n;
const INV_5 = WAD / 5n;
const INV_3 = WAD / 3n;

/** ψ(z) = ln(1 + z)/z in WAD for 0 ≤ z < PSI_SERIES_CUTOFF_WAD. */
export function log1pOverX(z: bigint): bigint {
  const twoPlusZ = TWO_WAD + z;
  const u = (z * WAD) / twoPlusZ;
  const q = (u * u) / WAD;
  let s = INV_17;
  s = INV_15 + (q * s) / WAD;
  s = INV_13 + (q * s) / WAD;
  s = INV_11 + (q * s) / WAD;
  s = INV_9 + (q * s) / WAD;
  s = INV_7 + (q * s) / WAD;
  s = INV_5 + (q * s) / WAD;
  s = INV_3 + (q * s) / WAD;
  s = WAD + (q * s) / WAD;
  return (TWO_WAD * s) / twoPlusZ;
}

/** ln(1 + w) in WAD. */
export function log1p(w: bigint): bigint {
  if (w < PSI_SERIES_CUTOFF_WAD) return (w * log1pOverX(w)) / WAD;
  return lnWad(WAD + w);
}

/** b = WAD·(1 + e^(−y)), the denominator of σ(y) = WAD / b. */
export function logisticDenominator(y: bigint): bigint {
  return WAD + expWad(-y);
}

/** softplus(y) = ln(1 + e^y) in WAD. */
export function softplus(y: bigint): bigint {
  const absY = y < 0n ? -y : y;
  const tail = lnWad(WAD + expWad(-absY));
  return y > 0n ? absY + tail : tail;
}

/** softplus⁻¹(u) = u + ln(1 − e^(−u)) in WAD, for u ≥ PHI_SERIES_CUTOFF_WAD. */
export function softplusInverse(u: bigint): bigint {
  return u + lnWad(WAD - expWad(-u));
}

/** x·WAD/d for d ≥ WAD, as the contract computes it (exact below 2^196, then two cheaper forms). */
export function mulWadDiv(x: bigint, d: bigint): bigint {
  if (x < MUL_WAD_DIV_EXACT_BELOW) return (x * WAD) / d;
  if (d >= MUL_WAD_DIV_LARGE_DIVISOR) return x / (d / WAD);
  return (x / d) * WAD;
}
