/**
 * Reference for contracts/libraries/CurveMath.sol: the exact curve integrals in decimal.js at 60
 * significant digits, written from the closed forms of CurveTypes.sol with no fixed-point shortcut.
 * The only care taken is numerical: expm1 and log1p use their series for small arguments, so tiny
 * amounts keep all 60 digits instead of cancelling.
 *
 * Units as in the contracts: supplies and amounts in token wei, prices and costs in WAD quote.
 */
import { Decimal } from "decimal.js";

export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -200, toExpPos: 200 });
export type Dec = InstanceType<typeof Dec>;

export const CurveKind = { Linear: 0, Exponential: 1, Sigmoid: 2 } as const;
export type CurveKind = (typeof CurveKind)[keyof typeof CurveKind];

export interface Curve {
  kind: CurveKind;
  p1: bigint;
  p2: bigint;
  p3: bigint;
  p4: bigint;
  /** The curve's domain [0, maxSupply], token wei: 0 < maxSupply ≤ MAX_SUPPLY. */
  maxSupply: bigint;
}

export const WAD = 10n ** 18n;
export const MAX_SUPPLY = 10n ** 27n;
export const MAX_PRICE_WAD = 10n ** 24n;

const E18 = new Dec(10).pow(18);
const E36 = new Dec(10).pow(36);
const SERIES_BELOW = new Dec("1e-3");
const TINY = new Dec("1e-66");

export const dec = (x: bigint | number | string): Dec => new Dec(x.toString());

/** e^x − 1 without cancellation. */
export function expm1(x: Dec): Dec {
  if (x.abs().gte(SERIES_BELOW)) return x.exp().minus(1);
  let term = x;
  let sum = x;
  for (let j = 2; term.abs().gt(x.abs().mul(TINY)); j++) {
    term = term.mul(x).div(j);
    sum = sum.plus(term);
  }
  return sum;
}

/** ln(1 + z) without cancellation, z > −1. */
export function log1p(z: Dec): Dec {
  if (z.abs().gte(SERIES_BELOW)) return z.plus(1).ln();
  let power = z;
  let sum = z;
  for (let j = 2; power.abs().gt(z.abs().mul(TINY)); j++) {
    power = power.mul(z).neg();
    sum = sum.plus(power.div(j));
  }
  return sum;
}

/** k per token wei: p2 is k per whole token in WAD, so k = p2 / 1e36. */
const kPerWei = (c: Curve): Dec => dec(c.p2).div(E36);

/** The marginal price at supply s, WAD quote per whole token (exact, not rounded). */
export function price(c: Curve, s: bigint): Dec {
  switch (c.kind) {
    case CurveKind.Linear:
      return dec(c.p1).mul(dec(s)).div(E18).plus(dec(c.p2));
    case CurveKind.Exponential:
      return dec(c.p1).mul(kPerWei(c).mul(dec(s)).exp());
    default: {
      const y = kPerWei(c).mul(dec(s - c.p3));
      return dec(c.p1).div(y.neg().exp().plus(1)).plus(dec(c.p4));
    }
  }
}

/** ∫_lo^{lo+n} p(s) ds / 1e18: the exact cost of buying n at lo, equally the refund for selling n at lo + n. */
export function integral(c: Curve, lo: bigint, n: bigint): Dec {
  if (n === 0n) return new Dec(0);
  switch (c.kind) {
    case CurveKind.Linear:
      // n·(p2 + p1·(2·lo + n)/(2·1e18)) / 1e18, exact rational
      return dec(c.p1 * n * (2n * lo + n) + 2n * WAD * c.p2 * n).div(E36.mul(2));
    case CurveKind.Exponential: {
      // (p1/k)·(e^{k(lo+n)} − e^{k·lo}) / 1e18
      const k = kPerWei(c);
      return dec(c.p1)
        .mul(k.mul(dec(lo)).exp())
        .mul(expm1(k.mul(dec(n))))
        .div(k)
        .div(E18);
    }
    default: {
      // p4·n + (K/k)·(softplus(y1) − softplus(y0)), softplus(y1) − softplus(y0) = log1p(σ(y0)·expm1(k·n))
      const k = kPerWei(c);
      const y0 = k.mul(dec(lo - c.p3));
      const sigma0 = new Dec(1).div(y0.neg().exp().plus(1));
      const rise = log1p(sigma0.mul(expm1(k.mul(dec(n)))));
      return dec(c.p4).mul(dec(n)).plus(dec(c.p1).div(k).mul(rise)).div(E18);
    }
  }
}

/** Whether the domain and the parameters are inside CurveMath's allowed range (mirrors `validate`, up to
 * its rounding): every rule is checked on the curve's own domain [0, maxSupply]. */
export function isInRange(c: Curve): boolean {
  const maxPrice = dec(MAX_PRICE_WAD);
  const d = c.maxSupply;
  if (d <= 0n || d > MAX_SUPPLY) return false;
  switch (c.kind) {
    case CurveKind.Linear:
      return c.p3 === 0n && c.p4 === 0n && c.p1 + c.p2 > 0n && price(c, d).lte(maxPrice);
    case CurveKind.Exponential:
      return (
        c.p3 === 0n &&
        c.p4 === 0n &&
        c.p1 > 0n &&
        c.p2 > 0n &&
        c.p2 * d <= 100n * WAD * WAD &&
        price(c, d).lte(maxPrice)
      );
    default: {
      if (c.p3 > d) return false;
      const reach = c.p3 > d - c.p3 ? c.p3 : d - c.p3;
      return c.p1 > 0n && c.p2 > 0n && c.p1 + c.p4 <= MAX_PRICE_WAD && c.p2 * reach <= 100n * WAD * WAD;
    }
  }
}
