// What every search shares: the phases it hands to the experiment runner (cases × seeds on an engine,
// run through the worker pool and recorded in runs.csv like any grid run), how it reads a case's
// result back from the recorded rows, how it ranks cases (feasible first, by the objective; cases
// that miss a `subjectTo` condition by how far; unmeasurable ones last) and the trail it keeps.
// A search decides only from recorded rows, so replaying it over a results folder makes the same
// decisions: that is how --resume continues a search (its recorded runs are skipped, not repeated).

import { meanInterval } from "../../core/interval.ts";
import type { Experiment, ExperimentCase, RunEngine } from "../experiment-types.ts";
import type { RunRecord } from "../results-folder.ts";
import { constraintViolation, meetsConstraints } from "./search-reader.ts";

/** A batch of runs a search asks for: every case on every seed, on one engine. */
export interface SearchPhase {
  engine: RunEngine;
  cases: () => ExperimentCase[];
  seeds?: readonly bigint[];
}

/** One evaluated point of a search: a case measured on a set of seeds. */
export interface TrailRow {
  /** Which part of the search evaluated it: CMA-ES's samples, the descent from a run's best, a halving rung. */
  stage: "cmaes" | "descent" | "rung";
  /** cmaes: the restart (0 for the first run); halving: 0. */
  restart: number;
  /** cmaes: the generation within the restart (from 1); halving: the rung (from 1). */
  step: number;
  /** 1, 2, …: evaluations so far, this one included. */
  evaluation: number;
  caseKey: string;
  values: string[];
  seeds: number;
  /** Means across the seeds, one per objective. */
  objectives: number[];
  feasible: boolean;
  /** The best feasible value of the search objective so far (halving: within the rung); NaN before one. */
  bestSoFar: number;
}

export interface SearchOutcome {
  method: "cmaes" | "halving";
  /** Index of the search objective among the experiment's objectives. */
  objective: number;
  /** Distinct evaluations (cmaes: cases, each on every seed; halving: case × rung). */
  evaluations: number;
  /** Runs (case × seed) the evaluations took. */
  runs: number;
  stoppedBecause: string;
  /** The search's answer: its best feasible case, and that case's mean of the search objective. */
  best: string | undefined;
  bestValue: number;
  trail: TrailRow[];
  /** Cases the chain confirms under the screen engine, in order. */
  picks: string[];
}

export interface Search {
  phases(): Generator<SearchPhase, void, void>;
  outcome(): SearchOutcome;
}

/** A case's result on a set of seeds, read from the recorded rows. */
export interface Measured {
  key: string;
  /** One mean per measured metric (NaN where no seed measured it). */
  means: number[];
  /** Seeds recorded (failed ones included): fewer than asked means the runs were interrupted. */
  recorded: number;
  feasible: boolean;
}

/** The result of each of `keys` on `seeds` on `engine`, from the rows recorded so far. */
export function measureCases(
  experiment: Experiment,
  records: readonly RunRecord[],
  engine: RunEngine,
  keys: readonly string[],
  seeds: readonly bigint[],
): Map<string, Measured> {
  const wanted = new Set(keys);
  const onSeeds = new Set(seeds);
  const groups = new Map<string, RunRecord[]>(keys.map((k) => [k, []]));
  for (const record of records)
    if (record.engine === engine && wanted.has(record.caseKey) && onSeeds.has(record.seed))
      groups.get(record.caseKey)!.push(record);
  const out = new Map<string, Measured>();
  for (const [key, group] of groups) {
    // As best.ts does: sums of floats in seed order, whatever order the workers finished in.
    group.sort((a, b) => (a.seed < b.seed ? -1 : a.seed > b.seed ? 1 : 0));
    const ok = group.filter((r) => r.status === "ok");
    const means = experiment.measured.map((_, i) => {
      const interval = meanInterval(ok.map((r) => r.metrics[i]!).filter(Number.isFinite));
      return interval.n > 0 ? interval.mean : Number.NaN;
    });
    out.set(key, { key, means, recorded: group.length, feasible: meetsConstraints(means, experiment.constraints) });
  }
  return out;
}

/**
 * Orders cases for a search, lower first: feasible cases by the objective (negated when maximised),
 * then cases that miss a condition by how far they miss, then cases without a measurable objective.
 */
export function rankKey(experiment: Experiment, objective: number, m: Measured): [number, number] {
  const value = m.means[objective]!;
  if (!Number.isFinite(value)) return [2, 0];
  if (!m.feasible) return [1, constraintViolation(m.means, experiment.constraints)];
  return [0, experiment.objectives[objective]!.goal === "maximise" ? -value : value];
}

export function compareKeys(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** The trail's row for `m`, with the best so far updated. */
export function trailRow(
  experiment: Experiment,
  objective: number,
  c: ExperimentCase,
  m: Measured,
  position: {
    stage: TrailRow["stage"];
    restart: number;
    step: number;
    evaluation: number;
    seeds: number;
    bestSoFar: number;
  },
): TrailRow {
  return {
    stage: position.stage,
    restart: position.restart,
    step: position.step,
    evaluation: position.evaluation,
    caseKey: c.key,
    values: c.values.map((v) => v.text),
    seeds: position.seeds,
    objectives: experiment.objectives.map((_, i) => m.means[i]!),
    feasible: m.feasible,
    bestSoFar: position.bestSoFar,
  };
}

/** `current` or `value`, whichever is better for the objective's goal (NaN: none yet). */
export function bestOf(experiment: Experiment, objective: number, current: number, value: number): number {
  if (Number.isNaN(current)) return value;
  return experiment.objectives[objective]!.goal === "maximise" ? Math.max(current, value) : Math.min(current, value);
}
