/**
 * Seeded random curves, supplies and amounts spread log-uniformly over CurveMath's whole allowed
 * range (parameters from 1 wei to their bounds, supplies and amounts from 1 wei to MAX_SUPPLY).
 */
import { type Curve, CurveKind, Dec, MAX_PRICE_WAD, MAX_SUPPLY, WAD, isInRange } from "./curve-reference.js";
import { SeededRandom } from "./seeded-random.js";

/** A random curve of `kind` inside the allowed range. */
export function randomCurve(random: SeededRandom, kind: CurveKind): Curve {
  for (;;) {
    const c = draw(random, kind);
    if (isInRange(c)) return c;
  }
}

function draw(random: SeededRandom, kind: CurveKind): Curve {
  switch (kind) {
    case CurveKind.Linear: {
      const p2 = random.chance(0.2) ? 0n : random.logUniform(1n, MAX_PRICE_WAD);
      const maxSlope = ((MAX_PRICE_WAD - p2) * WAD) / MAX_SUPPLY;
      const p1 = (p2 > 0n && random.chance(0.2)) || maxSlope === 0n ? 0n : random.logUniform(1n, maxSlope);
      return { kind, p1, p2, p3: 0n, p4: 0n };
    }
    case CurveKind.Exponential: {
      const p2 = random.logUniform(1n, (100n * WAD * WAD) / MAX_SUPPLY);
      // price at MAX_SUPPLY ≤ MAX_PRICE_WAD: p1 ≤ MAX_PRICE_WAD · e^(−k·MAX_SUPPLY)
      const growth = new Dec(p2.toString()).mul(MAX_SUPPLY.toString()).div("1e36").exp();
      const maxP1 = BigInt(new Dec(MAX_PRICE_WAD.toString()).div(growth).mul(0.999999).floor().toFixed(0));
      return { kind, p1: random.logUniform(1n, maxP1 < 1n ? 1n : maxP1), p2, p3: 0n, p4: 0n };
    }
    default: {
      const p3 = random.chance(0.1) ? random.pick([0n, MAX_SUPPLY, MAX_SUPPLY / 2n]) : random.logUniform(1n, MAX_SUPPLY);
      const reach = p3 > MAX_SUPPLY - p3 ? p3 : MAX_SUPPLY - p3;
      const p2 = random.logUniform(1n, (100n * WAD * WAD) / reach);
      const p1 = random.logUniform(1n, MAX_PRICE_WAD);
      const p4 = random.chance(0.3) ? 0n : random.logUniform(1n, MAX_PRICE_WAD - p1 > 0n ? MAX_PRICE_WAD - p1 : 1n);
      return { kind, p1, p2, p3, p4: p1 + p4 > MAX_PRICE_WAD ? 0n : p4 };
    }
  }
}

/** A supply in [0, MAX_SUPPLY], log-uniform, with the end points now and then. */
export function randomSupply(random: SeededRandom): bigint {
  if (random.chance(0.05)) return 0n;
  if (random.chance(0.03)) return MAX_SUPPLY;
  return random.logUniform(1n, MAX_SUPPLY);
}

/** An amount in [1, max] (max ≥ 1), log-uniform, with max now and then. */
export function randomAmount(random: SeededRandom, max: bigint): bigint {
  if (random.chance(0.03)) return max;
  return random.logUniform(1n, max);
}
