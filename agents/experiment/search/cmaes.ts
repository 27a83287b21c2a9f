// A small (mu/mu_w, lambda)-CMA-ES, as in Hansen's "The CMA Evolution Strategy: A Tutorial"
// (arXiv:1604.00772), with its default strategy parameters: weighted recombination of the best mu of
// lambda samples, cumulative step-size adaptation (CSA) and the rank-one plus rank-mu covariance update
// (positive weights only). It minimises; the caller ranks the samples (`tell` takes a fitness per
// sample, lower better, and only their order matters), so constraints and ties are the caller's to
// express. Samples outside the box [lower, upper] are reflected into it, and the update uses the
// reflected points (what was evaluated). Every draw comes from the Random it is given: the same seed
// gives the same trail.

import type { Random } from "../../core/random.ts";

export interface CmaEsOptions {
  /** Start of the mean. */
  mean: readonly number[];
  /** Initial step size (in the coordinates of `mean`). */
  sigma: number;
  random: Random;
  /** Samples per generation (lambda); 4 + ⌊3 ln n⌋ when absent. */
  population?: number;
  /** A box the samples are reflected into (both or neither). */
  lower?: readonly number[];
  upper?: readonly number[];
}

export class CmaEs {
  readonly dimension: number;
  readonly lambda: number;
  readonly mu: number;
  private readonly weights: number[];
  private readonly muEff: number;
  private readonly cSigma: number;
  private readonly dSigma: number;
  private readonly cC: number;
  private readonly c1: number;
  private readonly cMu: number;
  private readonly chiN: number;
  private readonly random: Random;
  private readonly lower?: readonly number[];
  private readonly upper?: readonly number[];

  private m: number[];
  private step: number;
  private pSigma: number[];
  private pC: number[];
  private C: number[][];
  /** C = B diag(D²) Bᵀ: B's columns are C's eigenvectors, D the square roots of its eigenvalues. */
  private B: number[][];
  private D: number[];
  private generations = 0;
  /** Samples handed out by the last `ask`, so `tell` can check it gets as many back. */
  private asked = 0;

  constructor(options: CmaEsOptions) {
    const n = options.mean.length;
    if (n === 0) throw new RangeError("CMA-ES needs at least one dimension");
    if (!(options.sigma > 0)) throw new RangeError(`CMA-ES needs sigma > 0, got ${options.sigma}`);
    this.dimension = n;
    this.random = options.random;
    this.lower = options.lower;
    this.upper = options.upper;
    this.lambda = options.population ?? 4 + Math.floor(3 * Math.log(n));
    if (!Number.isInteger(this.lambda) || this.lambda < 2)
      throw new RangeError(`CMA-ES needs a population of at least 2, got ${this.lambda}`);
    this.mu = Math.floor(this.lambda / 2);
    const raw = Array.from({ length: this.mu }, (_, i) => Math.log((this.lambda + 1) / 2) - Math.log(i + 1));
    const sum = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map((w) => w / sum);
    this.muEff = 1 / this.weights.reduce((a, w) => a + w * w, 0);
    this.cSigma = (this.muEff + 2) / (n + this.muEff + 5);
    this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((this.muEff - 1) / (n + 1)) - 1) + this.cSigma;
    this.cC = (4 + this.muEff / n) / (n + 4 + (2 * this.muEff) / n);
    this.c1 = 2 / ((n + 1.3) ** 2 + this.muEff);
    this.cMu = Math.min(1 - this.c1, (2 * (this.muEff - 2 + 1 / this.muEff)) / ((n + 2) ** 2 + this.muEff));
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.m = [...options.mean];
    this.step = options.sigma;
    this.pSigma = new Array(n).fill(0);
    this.pC = new Array(n).fill(0);
    this.C = identity(n);
    this.B = identity(n);
    this.D = new Array(n).fill(1);
  }

  get mean(): readonly number[] {
    return this.m;
  }

  get sigma(): number {
    return this.step;
  }

  get generation(): number {
    return this.generations;
  }

  /** σ·√C_ii per coordinate: how far samples spread along each axis. */
  spread(): number[] {
    return this.C.map((row, i) => this.step * Math.sqrt(row[i]!));
  }

  /** lambda samples m + σ·B·D·z, z ~ N(0, I), reflected into the box. */
  ask(): number[][] {
    const n = this.dimension;
    this.asked = this.lambda;
    return Array.from({ length: this.lambda }, () => {
      const z = Array.from({ length: n }, () => this.random.normal());
      const x = this.m.map((mi, i) => {
        let y = 0;
        for (let j = 0; j < n; j++) y += this.B[i]![j]! * this.D[j]! * z[j]!;
        return mi + this.step * y;
      });
      return this.lower === undefined || this.upper === undefined ? x : reflect(x, this.lower, this.upper);
    });
  }

  /** Updates the distribution from the samples of the last `ask` (as evaluated) and their fitness, lower better. */
  tell(samples: readonly (readonly number[])[], fitness: readonly number[]): void {
    const n = this.dimension;
    if (samples.length !== this.asked || fitness.length !== samples.length)
      throw new RangeError(`tell needs the ${this.asked} samples of the last ask and a fitness for each`);
    this.asked = 0;
    const order = fitness
      .map((f, i) => ({ f, i }))
      .sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : a.i - b.i))
      .map(({ i }) => i);
    const ys = order.slice(0, this.mu).map((i) => samples[i]!.map((x, k) => (x - this.m[k]!) / this.step));
    const yw = new Array(n).fill(0);
    ys.forEach((y, r) => y.forEach((v, k) => (yw[k] += this.weights[r]! * v)));
    this.m = this.m.map((mk, k) => mk + this.step * yw[k]);

    // C^(-1/2)·y_w = B·D⁻¹·Bᵀ·y_w
    const bty = this.B[0]!.map((_, j) => this.B.reduce((s, row, i) => s + row[j]! * yw[i], 0));
    const invSqrt = this.B.map((row) => row.reduce((s, b, j) => s + (b * bty[j]!) / this.D[j]!, 0));
    const cs = Math.sqrt(this.cSigma * (2 - this.cSigma) * this.muEff);
    this.pSigma = this.pSigma.map((p, k) => (1 - this.cSigma) * p + cs * invSqrt[k]!);
    const normPSigma = Math.sqrt(this.pSigma.reduce((s, p) => s + p * p, 0));
    this.generations += 1;
    const hSigma =
      normPSigma / Math.sqrt(1 - (1 - this.cSigma) ** (2 * this.generations)) < (1.4 + 2 / (n + 1)) * this.chiN ? 1 : 0;
    const cc = Math.sqrt(this.cC * (2 - this.cC) * this.muEff);
    this.pC = this.pC.map((p, k) => (1 - this.cC) * p + hSigma * cc * yw[k]);

    const deltaH = (1 - hSigma) * this.cC * (2 - this.cC);
    const keep = 1 - this.c1 - this.cMu + this.c1 * deltaH;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let rankMu = 0;
        ys.forEach((y, r) => (rankMu += this.weights[r]! * y[i]! * y[j]!));
        const value = keep * this.C[i]![j]! + this.c1 * this.pC[i]! * this.pC[j]! + this.cMu * rankMu;
        this.C[i]![j] = value;
        this.C[j]![i] = value;
      }
    }
    this.step *= Math.exp((this.cSigma / this.dSigma) * (normPSigma / this.chiN - 1));
    const { vectors, values } = symmetricEigen(this.C);
    this.B = vectors;
    this.D = values.map((v) => Math.sqrt(Math.max(v, 1e-300)));
  }
}

/** x reflected into [lower, upper] coordinate by coordinate (a coordinate past an end comes back by as much). */
export function reflect(x: readonly number[], lower: readonly number[], upper: readonly number[]): number[] {
  return x.map((v, i) => {
    const lo = lower[i]!;
    const width = upper[i]! - lo;
    if (width <= 0) return lo;
    const period = 2 * width;
    let t = (v - lo) % period;
    if (t < 0) t += period;
    return lo + (t <= width ? t : period - t);
  });
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** Eigenvalues and eigenvectors (as columns) of a symmetric matrix, by cyclic Jacobi rotations. */
export function symmetricEigen(matrix: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v = identity(n);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i]![j]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]!), vectors: v };
}

export interface MinimiseOptions extends CmaEsOptions {
  /** Stop after this many evaluations of f. */
  maxEvaluations: number;
  /** Stop when σ falls below this. */
  minSigma?: number;
}

/** Minimises f with CMA-ES until the budget is spent or σ < minSigma; returns the best point found. */
export function minimise(
  f: (x: readonly number[]) => number,
  options: MinimiseOptions,
): { x: number[]; value: number; evaluations: number; generations: number } {
  const es = new CmaEs(options);
  let best = { x: [...options.mean], value: Infinity };
  let evaluations = 0;
  while (evaluations + es.lambda <= options.maxEvaluations && es.sigma >= (options.minSigma ?? 0)) {
    const samples = es.ask();
    const values = samples.map((x) => f(x));
    evaluations += samples.length;
    values.forEach((value, i) => {
      if (value < best.value) best = { x: samples[i]!, value };
    });
    es.tell(samples, values);
  }
  return { ...best, evaluations, generations: es.generation };
}
