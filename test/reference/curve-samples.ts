/**
 * Seeded random curves, domains, supplies and amounts spread log-uniformly over CurveMath's allowed
 * range: a domain (maxSupply) from 1e3 tokens to MAX_SUPPLY (now and then below, down to one wei),
 * then parameters from 1 wei to their bounds on that domain, with steep curves (k·D ≥ 1) often, and
 * supplies and amounts from 1 wei to the domain's end.
 */
import { type Curve, CurveKind, Dec, MAX_PRICE_WAD, MAX_SUPPLY, WAD, isInRange } from "./curve-reference.js";
import { SeededRandom } from "./seeded-random.js";

/** The smallest domain of the ordinary samples: one thousand tokens. */
export const SMALL_DOMAIN = 10n ** 21n;
/** k·reach ≤ this for every valid curve (MAX_EXPONENT_WAD and MAX_SIGMOID_EXPONENT_WAD, as WAD²). */
const MAX_EXPONENT_WAD2 = 100n * WAD * WAD;

/** A domain: the global one sometimes, log-uniform in [1e3 tokens, MAX_SUPPLY] mostly, tiny now and then. */
export function randomDomain(random: SeededRandom): bigint {
  if (random.chance(0.15)) return MAX_SUPPLY;
  if (random.chance(0.06)) return random.logUniform(1n, SMALL_DOMAIN);
  return random.logUniform(SMALL_DOMAIN, MAX_SUPPLY);
}

/** A random curve of `kind` inside the allowed range, on `domain` (a random one by default). */
export function randomCurve(random: SeededRandom, kind: CurveKind, domain: bigint = randomDomain(random)): Curve {
  for (;;) {
    const c = draw(random, kind, domain);
    if (isInRange(c)) return c;
  }
}

/** A steepness p2 with k·reach ≤ maxExponent: log-uniform over all of [1 wei, max], or, 40% of the
 * time, with k·reach log-uniform in [maxExponent/100, maxExponent] (the steep curves). */
function steepness(random: SeededRandom, reach: bigint, maxExponentWad2: bigint): bigint {
  const max = maxExponentWad2 / reach;
  if (max <= 1n) return 1n;
  return random.chance(0.4) ? random.logUniform(max / 100n > 0n ? max / 100n : 1n, max) : random.logUniform(1n, max);
}

function draw(random: SeededRandom, kind: CurveKind, domain: bigint): Curve {
  switch (kind) {
    case CurveKind.Linear: {
      const p2 = random.chance(0.2) ? 0n : random.logUniform(1n, MAX_PRICE_WAD);
      const maxSlope = ((MAX_PRICE_WAD - p2) * WAD) / domain;
      const p1 = (p2 > 0n && random.chance(0.2)) || maxSlope === 0n ? 0n : random.logUniform(1n, maxSlope);
      return { kind, p1, p2, p3: 0n, p4: 0n, maxSupply: domain };
    }
    case CurveKind.Exponential: {
      // price at the domain's end ≤ MAX_PRICE_WAD needs k·D ≤ ln(1e24) ≈ 55.3 for p1 ≥ 1 wei
      const p2 = steepness(random, domain, 55n * WAD * WAD);
      // p1 ≤ MAX_PRICE_WAD · e^(−k·D)
      const growth = new Dec(p2.toString()).mul(domain.toString()).div("1e36").exp();
      const maxP1 = BigInt(new Dec(MAX_PRICE_WAD.toString()).div(growth).mul(0.999999).floor().toFixed(0));
      return { kind, p1: random.logUniform(1n, maxP1 < 1n ? 1n : maxP1), p2, p3: 0n, p4: 0n, maxSupply: domain };
    }
    default: {
      const p3 = random.chance(0.1) ? random.pick([0n, domain, domain / 2n]) : random.logUniform(1n, domain);
      const reach = p3 > domain - p3 ? p3 : domain - p3;
      const p2 = steepness(random, reach, MAX_EXPONENT_WAD2);
      const p1 = random.logUniform(1n, MAX_PRICE_WAD);
      const p4 = random.chance(0.3) ? 0n : random.logUniform(1n, MAX_PRICE_WAD - p1 > 0n ? MAX_PRICE_WAD - p1 : 1n);
      return { kind, p1, p2, p3, p4: p1 + p4 > MAX_PRICE_WAD ? 0n : p4, maxSupply: domain };
    }
  }
}

/** A supply in [0, max], log-uniform, with the end points now and then. */
export function randomSupply(random: SeededRandom, max: bigint): bigint {
  if (random.chance(0.05)) return 0n;
  if (random.chance(0.03)) return max;
  return random.logUniform(1n, max);
}

/** An amount in [1, max] (max ≥ 1), log-uniform, with max now and then. */
export function randomAmount(random: SeededRandom, max: bigint): bigint {
  if (random.chance(0.03)) return max;
  return random.logUniform(1n, max);
}
