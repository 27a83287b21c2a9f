// How an experiment looks for its best case (the file's `search` field) and the constraints its best
// must meet (`subjectTo`). `grid` runs every case, as experiments always have; `cmaes` and `halving`
// run the cases a search picks (search-reader.ts reads them; experiments/README.md is the reference).

export type SearchMethod = "grid" | "cmaes" | "halving";
export const SEARCH_METHODS: readonly SearchMethod[] = ["grid", "cmaes", "halving"];

export interface CmaesSettings {
  method: "cmaes";
  /** Index of the objective the search optimises (the others are measured and reported). */
  objective: number;
  /** Most evaluations: distinct cases, each run on every seed of the experiment. */
  budget: number;
  /** Samples per generation of the first run (lambda); each restart doubles it. */
  population: number;
  /** Initial step size as a fraction of each axis's width. */
  sigma: number;
  /** Generations without an improvement above `tolerance` before a run ends. */
  patience: number;
  /** Restarts (from a new mean, with twice the population) after a run ends while budget is left. */
  restarts: number;
  /** An objective difference at or below this is no improvement (and counts as equal to the grid's best). */
  tolerance: number;
  /**
   * The search stops once this many evaluations in a row have not improved its best by more than
   * `tolerance` (undefined: it runs until the budget, the grid or its restarts end).
   */
  stall?: number;
  /** The search's own random stream (the runs keep their seeds). */
  seed: bigint;
}

export interface HalvingSettings {
  method: "halving";
  objective: number;
  /** Seeds each case of the first rung runs on (the experiment's first ones). */
  seeds: number;
  /** Each rung keeps the best 1/eta of its cases and runs them on eta times the seeds. */
  eta: number;
  /** Cases the first rung samples from the grid; undefined: all of them. */
  cases: number | undefined;
  tolerance: number;
  /** The stream that samples the first rung's cases. */
  seed: bigint;
}

export type SearchSettings = { method: "grid" } | CmaesSettings | HalvingSettings;

/** A `subjectTo` condition on a metric's mean across seeds: "minSolvencyRatio >= 1". */
export interface MetricConstraint {
  metric: string;
  op: ">=" | "<=";
  value: number;
  /** As written, with single spaces: how best.json and the report name it. */
  text: string;
  /** Position of the metric among the experiment's measured metrics (a run's metrics, runs.csv's columns). */
  index: number;
}
