// The run's seeded generator. Every random draw in a battle comes from a Random forked from the
// scenario's seed: each agent and each behaviour gets its own stream (`fork(label)`), so adding an
// agent does not change the draws of the others, and the same scenario and seed give the same run.
// SplitMix64 on bigint state; nothing reads Math.random.

const MASK64 = (1n << 64n) - 1n;
const TWO_POW_53 = 2 ** 53;

function mix64(x: bigint): bigint {
  let z = x & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** FNV-1a over the label's UTF-16 code units, 64 bits: a stable id for a stream name. */
function hashLabel(label: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < label.length; i++) {
    h ^= BigInt(label.charCodeAt(i));
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h;
}

export class Random {
  private state: bigint;

  constructor(seed: bigint | number) {
    this.state = BigInt(seed) & MASK64;
  }

  /** An independent stream named `label`: the same seed and label always give the same stream. */
  fork(label: string): Random {
    return new Random(mix64(this.state ^ hashLabel(label)));
  }

  /** The next 64 random bits. */
  next64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    return mix64(this.state);
  }

  /** Uniform in [0, 1) with 53 bits. */
  unit(): number {
    return Number(this.next64() >> 11n) / TWO_POW_53;
  }

  chance(probability: number): boolean {
    return this.unit() < probability;
  }

  /** Uniform integer in [lo, hi] (inclusive), exact for any bigint span. */
  uniform(lo: bigint, hi: bigint): bigint {
    if (hi < lo) throw new RangeError(`uniform needs lo <= hi, got [${lo}, ${hi}]`);
    const span = hi - lo + 1n;
    const bits = (this.next64() << 192n) | (this.next64() << 128n) | (this.next64() << 64n) | this.next64();
    return lo + (bits % span);
  }

  /** Uniform integer in [0, n). */
  index(n: number): number {
    if (!(n >= 1)) throw new RangeError(`index needs n >= 1, got ${n}`);
    return Math.floor(this.unit() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.index(items.length)]!;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = this.unit();
    while (u === 0) u = this.unit();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.unit());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.unit()) * mean;
  }

  /** Poisson count with mean `lambda` (Knuth for small means, normal approximation above 30). */
  poisson(lambda: number): number {
    if (!(lambda >= 0)) throw new RangeError(`poisson needs lambda >= 0, got ${lambda}`);
    if (lambda === 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.unit();
    while (p > limit) {
      k++;
      p *= this.unit();
    }
    return k;
  }

  /** A seeded Fisher–Yates shuffle; returns a new array. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.index(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
