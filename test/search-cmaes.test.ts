// The experiment search's CMA-ES on its own, on functions whose minimum is known: a sphere, a shifted
// ill-conditioned ellipsoid, and Rosenbrock's valley in 2-D each end within tolerance of the minimum;
// a box minimum is reached through reflection; the same seed gives the same trail, another seed
// another one.

import { expect } from "chai";

import { Random } from "../agents/core/random.ts";
import { CmaEs, minimise, reflect, symmetricEigen } from "../agents/experiment/search/cmaes.ts";

const sphere = (x: readonly number[]) => x.reduce((s, v) => s + v * v, 0);
const SHIFT = [3, -2, 1.5, 0.5];
/** Axis scales 1 … 10⁴ (condition number 10⁸ on the squares), minimum at SHIFT. */
const ellipsoid = (x: readonly number[]) =>
  x.reduce((s, v, i) => s + 10 ** ((8 * i) / (x.length - 1)) * (v - SHIFT[i]!) ** 2, 0);
const rosenbrock = ([a, b]: readonly number[]) => 100 * (b! - a! * a!) ** 2 + (1 - a!) ** 2;

describe("CMA-ES", () => {
  it("finds the sphere's minimum in 5-D", () => {
    const found = minimise(sphere, {
      mean: [2, -1, 3, 1, -2],
      sigma: 1,
      random: new Random(1n),
      maxEvaluations: 3000,
      minSigma: 1e-9,
    });
    expect(found.value).to.be.below(1e-12);
    for (const v of found.x) expect(Math.abs(v)).to.be.below(1e-6);
  });

  it("learns an ill-conditioned, shifted ellipsoid", () => {
    const found = minimise(ellipsoid, {
      mean: [0, 0, 0, 0],
      sigma: 2,
      random: new Random(7n),
      maxEvaluations: 8000,
      minSigma: 1e-12,
    });
    expect(found.value).to.be.below(1e-8);
    found.x.forEach((v, i) => expect(Math.abs(v - SHIFT[i]!)).to.be.below(1e-3));
  });

  it("follows Rosenbrock's curved valley to (1, 1) in 2-D", () => {
    const found = minimise(rosenbrock, {
      mean: [-1.2, 1],
      sigma: 0.5,
      random: new Random(3n),
      maxEvaluations: 4000,
      minSigma: 1e-12,
    });
    expect(found.value).to.be.below(1e-10);
    expect(Math.abs(found.x[0]! - 1)).to.be.below(1e-4);
    expect(Math.abs(found.x[1]! - 1)).to.be.below(1e-4);
  });

  it("reaches a minimum on the box's edge through reflection, never sampling outside the box", () => {
    const lower = [0, 0];
    const upper = [1, 1];
    let outside = 0;
    const found = minimise(
      (x) => {
        if (x.some((v, i) => v < lower[i]! || v > upper[i]!)) outside++;
        return (x[0]! + 0.5) ** 2 + (x[1]! - 0.3) ** 2; // minimum at (-0.5, 0.3): on the box, (0, 0.3)
      },
      { mean: [0.5, 0.5], sigma: 0.3, random: new Random(5n), lower, upper, maxEvaluations: 1500, minSigma: 1e-10 },
    );
    expect(outside).to.equal(0);
    expect(found.x[0]).to.be.below(1e-4);
    expect(Math.abs(found.x[1]! - 0.3)).to.be.below(1e-4);
  });

  it("gives the same trail for the same seed and another for another seed", () => {
    const trail = (seed: bigint) => {
      const es = new CmaEs({ mean: [-1.2, 1], sigma: 0.5, random: new Random(seed) });
      const points: number[][] = [];
      for (let g = 0; g < 20; g++) {
        const samples = es.ask();
        points.push(...samples);
        es.tell(samples, samples.map(rosenbrock));
      }
      return { points, mean: [...es.mean], sigma: es.sigma };
    };
    expect(trail(11n)).to.deep.equal(trail(11n));
    expect(trail(12n).points[0]).to.not.deep.equal(trail(11n).points[0]);
  });

  it("adapts the step size: it grows on a slope and shrinks near a minimum", () => {
    const slope = new CmaEs({ mean: [0, 0], sigma: 0.01, random: new Random(2n) });
    for (let g = 0; g < 30; g++) {
      const samples = slope.ask();
      slope.tell(
        samples,
        samples.map((x) => x[0]!),
      );
    }
    expect(slope.sigma).to.be.above(0.1);
    const bowl = new CmaEs({ mean: [0.01, 0], sigma: 1, random: new Random(2n) });
    for (let g = 0; g < 60; g++) {
      const samples = bowl.ask();
      bowl.tell(samples, samples.map(sphere));
    }
    expect(bowl.sigma).to.be.below(0.01);
  });

  it("refuses a tell that does not answer the last ask", () => {
    const es = new CmaEs({ mean: [0, 0], sigma: 1, random: new Random(1n) });
    const samples = es.ask();
    expect(() => es.tell(samples.slice(1), samples.slice(1).map(sphere))).to.throw(RangeError);
  });

  it("reflects into the box and decomposes a symmetric matrix exactly enough", () => {
    expect(reflect([-0.25, 1.5, 2.25, 0.5], [0, 0, 0, 0], [1, 1, 1, 1])).to.deep.equal([0.25, 0.5, 0.25, 0.5]);
    const m = [
      [4, 1, 0.5],
      [1, 3, 0.25],
      [0.5, 0.25, 2],
    ];
    const { values, vectors } = symmetricEigen(m);
    // M·v = λ·v for every eigenpair.
    values.forEach((lambda, j) => {
      for (let i = 0; i < 3; i++) {
        const mv = m[i]!.reduce((s, mik, k) => s + mik * vectors[k]![j]!, 0);
        expect(Math.abs(mv - lambda * vectors[i]![j]!)).to.be.below(1e-12);
      }
    });
  });
});
