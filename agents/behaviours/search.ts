// A one-dimensional search the strategic behaviours size their trades with. Their profit, as a
// function of the trade size, is concave (a convex cost against a concave proceeds), so a
// golden-section search finds the best size in a few dozen exact quotes.

const INV_PHI = (Math.sqrt(5) - 1) / 2;

/**
 * The x in [lo, hi] where the concave `f` is largest, to `relTolerance` of the bracket (default
 * 1e-9; 45 evaluations for a bracket of any width). Returns `lo` or `hi` when the maximum is at an end.
 */
export function maximiseConcave(f: (x: number) => number, lo: number, hi: number, relTolerance = 1e-9): number {
  if (!(hi > lo)) return lo;
  const tolerance = (hi - lo) * relTolerance;
  let a = lo;
  let b = hi;
  let c = b - INV_PHI * (b - a);
  let d = a + INV_PHI * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - INV_PHI * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + INV_PHI * (b - a);
      fd = f(d);
    }
  }
  const inside = (a + b) / 2;
  // The ends are not sampled by the search; a monotone f peaks there.
  const candidates = [lo, inside, hi];
  let best = candidates[0]!;
  let bestValue = f(best);
  for (const x of candidates.slice(1)) {
    const value = f(x);
    if (value > bestValue) [best, bestValue] = [x, value];
  }
  return best;
}

/** `maximiseConcave` over the whole numbers in [lo, hi]: every x given to `f`, and the answer, stay in [lo, hi]. */
export function maximiseConcaveWhole(f: (x: bigint) => number, lo: bigint, hi: bigint, relTolerance = 1e-9): bigint {
  // Number(hi) may round above hi; clamping keeps a size the caller has bounded within its bound.
  const whole = (x: number): bigint => {
    const n = BigInt(Math.floor(x));
    return n < lo ? lo : n > hi ? hi : n;
  };
  return whole(maximiseConcave((x) => f(whole(x)), Number(lo), Number(hi), relTolerance));
}

/** The largest x in [lo, hi] (integers) where the monotone `ok` holds, given ok(lo); bisection. */
export function largestWhere(ok: (x: bigint) => boolean, lo: bigint, hi: bigint): bigint {
  if (ok(hi)) return hi;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
