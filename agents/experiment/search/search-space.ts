// The grid as a search space. Each parameter with two or more values is an axis of the unit box: its
// values, in the order the file lists them (a range ascending), sit at 0, 1/(k−1), …, 1. A point of the
// box is snapped to the nearest value on every axis, so every point a search proposes is a case of
// the grid and can be compared with a grid run. A list is searched as ordinal positions: neighbours
// in the list are neighbours in the box, so a list is best written in an order where they are alike.

import type { Experiment, ExperimentCase } from "../experiment-types.ts";

export class SearchSpace {
  /** Per axis: the grid parameter it moves and how many values it has. */
  readonly axes: { parameter: number; size: number }[];
  private readonly strides: number[];
  private readonly byIndex: Map<number, ExperimentCase>;

  constructor(experiment: Experiment) {
    const sizes = experiment.parameters.map((p) => p.values.length);
    this.strides = sizes.map((_, j) => sizes.slice(j + 1).reduce((a, b) => a * b, 1));
    this.axes = sizes.flatMap((size, parameter) => (size > 1 ? [{ parameter, size }] : []));
    this.byIndex = new Map(experiment.cases.map((c) => [c.index, c]));
  }

  get dimensions(): number {
    return this.axes.length;
  }

  get cases(): number {
    return this.byIndex.size;
  }

  /** Grid step of each axis in box units: 1/(k−1). */
  steps(): number[] {
    return this.axes.map((a) => 1 / (a.size - 1));
  }

  /** The case at the grid point nearest to `point` (box coordinates, clamped to [0, 1]). */
  caseAt(point: readonly number[]): ExperimentCase {
    let index = 0;
    this.axes.forEach((axis, i) => {
      const x = Math.min(1, Math.max(0, point[i]!));
      index += Math.round(x * (axis.size - 1)) * this.strides[axis.parameter]!;
    });
    const found = this.byIndex.get(index);
    if (found === undefined) throw new RangeError(`grid case ${index} is not among the experiment's cases`);
    return found;
  }

  /** The cases `distance` grid steps away from `c` along each axis (fewer at an edge), axis by axis, down before up. */
  neighbours(c: ExperimentCase, distance = 1): ExperimentCase[] {
    const out: ExperimentCase[] = [];
    for (const axis of this.axes) {
      const stride = this.strides[axis.parameter]!;
      const position = Math.floor(c.index / stride) % axis.size;
      if (position - distance >= 0) out.push(this.byIndex.get(c.index - distance * stride)!);
      if (position + distance < axis.size) out.push(this.byIndex.get(c.index + distance * stride)!);
    }
    return out;
  }

  /** Every case, in grid order. */
  allCases(): ExperimentCase[] {
    return [...this.byIndex.values()].sort((a, b) => a.index - b.index);
  }
}
