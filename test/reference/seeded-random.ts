/**
 * A small seeded generator (SplitMix64 on bigint) for reproducible random test inputs: the same
 * seed always gives the same cases, and nothing reads Math.random.
 */
import { Dec } from "./curve-reference.js";

const MASK64 = (1n << 64n) - 1n;

export class SeededRandom {
  private state: bigint;

  constructor(seed: bigint) {
    this.state = seed & MASK64;
  }

  /** The next 64 random bits. */
  next64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }

  /** Uniform in [0, 1) with 53 bits. */
  unit(): number {
    return Number(this.next64() >> 11n) / 2 ** 53;
  }

  chance(probability: number): boolean {
    return this.unit() < probability;
  }

  /** Uniform integer in [lo, hi]. */
  uniform(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    const bits = (this.next64() << 192n) | (this.next64() << 128n) | (this.next64() << 64n) | this.next64();
    return lo + (bits % span);
  }

  /** Log-uniform integer in [lo, hi], lo ≥ 1: every order of magnitude equally likely. */
  logUniform(lo: bigint, hi: bigint): bigint {
    if (lo < 1n) throw new Error(`logUniform needs lo >= 1, got ${lo}`);
    if (hi <= lo) return lo;
    const ratio = new Dec(hi.toString()).div(lo.toString());
    const x = BigInt(new Dec(lo.toString()).mul(ratio.pow(this.unit())).floor().toFixed(0));
    return x < lo ? lo : x > hi ? hi : x;
  }

  pick<T>(items: readonly T[]): T {
    return items[Number(this.next64() % BigInt(items.length))];
  }
}
