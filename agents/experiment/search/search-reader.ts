// Reads an experiment file's `search` and `subjectTo` fields with the reader's error style (path,
// expected, got, fix; did-you-mean for names). `search` is a method name (`cmaes`) or an object
// `{method, …options}`; the options of one method are refused on another. `subjectTo` takes the
// level conditions of governance objectives (inputs/governance-reader.ts), "<metric> >= <number>" or
// "<metric> <= <number>", over any experiment metric.

import { SEED } from "../../core/limits.ts";
import { closest, type ScenarioReader } from "../../inputs/scenario-reader.ts";
import type { Objective } from "../experiment-types.ts";
import {
  type CmaesSettings,
  type HalvingSettings,
  type MetricConstraint,
  SEARCH_METHODS,
  type SearchSettings,
} from "./search-types.ts";

const CMAES_OPTIONS = [
  "objective",
  "budget",
  "population",
  "sigma",
  "patience",
  "restarts",
  "tolerance",
  "stall",
  "seed",
];
const HALVING_OPTIONS = ["objective", "seeds", "eta", "cases", "tolerance", "seed"];

/** CMA-ES's defaults (bench:search measured them on the classic grid: experiments/README.md). */
export const CMAES_DEFAULTS = { sigma: 0.5, patience: 5, restarts: 9 };

export interface SearchContext {
  objectives: readonly Objective[];
  /** Cases in the grid. */
  cases: number;
  /** The experiment's seeds (halving's rungs take the first ones). */
  seeds: number;
  /** The scenario's seed: the search's stream when the file names none. */
  scenarioSeed: bigint;
}

/** Samples per generation when the file gives none: Hansen's 4 + ⌊3 ln n⌋, for n grid parameters. */
export function defaultPopulation(dimensions: number): number {
  return 4 + Math.floor(3 * Math.log(Math.max(1, dimensions)));
}

/** The budget when the file gives none: a tenth of the grid, but at least five generations, and never more than the grid. */
export function defaultBudget(cases: number, population: number): number {
  return Math.min(cases, Math.max(Math.ceil(cases / 10), 5 * population));
}

export function readSearch(
  r: ScenarioReader,
  value: unknown,
  context: SearchContext,
  dimensions: number,
): SearchSettings | undefined {
  if (typeof value === "string" || value === undefined) {
    const method = value === undefined ? "grid" : r.oneOf(value, "search", SEARCH_METHODS);
    if (method === undefined) return undefined;
    return settingsOf(r, method, {}, context, dimensions);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return r.fail(
      "search",
      `a method (${SEARCH_METHODS.join(", ")}) or an object {method, …options} (like {method: cmaes, budget: 400})`,
      value,
    );
  const method = r.oneOf((value as Record<string, unknown>).method, "search.method", SEARCH_METHODS);
  if (method === undefined) return undefined;
  const optional = method === "cmaes" ? CMAES_OPTIONS : method === "halving" ? HALVING_OPTIONS : [];
  const o = r.fields(value, "search", ["method"], optional);
  if (o === undefined) return undefined;
  return settingsOf(r, method, o, context, dimensions);
}

function settingsOf(
  r: ScenarioReader,
  method: SearchSettings["method"],
  o: Record<string, unknown>,
  context: SearchContext,
  dimensions: number,
): SearchSettings | undefined {
  if (method === "grid") return { method };
  const has = (field: string) => o[field] !== undefined;
  const before = r.issues.length;
  const objective = has("objective") ? readObjectiveIndex(r, o.objective, context.objectives) : 0;
  const tolerance = has("tolerance")
    ? r.number(
        o.tolerance,
        "search.tolerance",
        0,
        Number.MAX_VALUE,
        "a difference of the objective at or above 0, in its unit, within which two values count as equal",
      )
    : 0;
  const seed = has("seed") ? r.whole(o.seed, "search.seed", SEED, { digits: true }) : context.scenarioSeed;
  if (method === "cmaes") {
    const population = has("population")
      ? r.integer(o.population, "search.population", 2n, 1000n, "samples per generation, from 2 to 1000")
      : defaultPopulation(dimensions);
    const budget = has("budget")
      ? r.integer(
          o.budget,
          "search.budget",
          1n,
          BigInt(context.cases),
          `evaluations (distinct cases), from 1 to the grid's ${context.cases} cases`,
        )
      : defaultBudget(context.cases, population ?? 2);
    const sigma = has("sigma")
      ? r.number(o.sigma, "search.sigma", Number.MIN_VALUE, 1, "a step above 0 and at most 1: a fraction of each axis")
      : CMAES_DEFAULTS.sigma;
    const patience = has("patience")
      ? r.integer(o.patience, "search.patience", 1n, 10_000n, "generations without improvement, from 1 to 10000")
      : CMAES_DEFAULTS.patience;
    const restarts = has("restarts")
      ? r.integer(o.restarts, "search.restarts", 0n, 100n, "restarts, from 0 to 100")
      : CMAES_DEFAULTS.restarts;
    const stall = has("stall")
      ? r.integer(
          o.stall,
          "search.stall",
          1n,
          BigInt(context.cases),
          `evaluations without an improvement above tolerance that end the search, from 1 to the grid's ${context.cases} cases`,
        )
      : undefined;
    if (r.issues.length > before) return undefined;
    if (dimensions === 0)
      return r.failText(
        "search",
        "a grid with a parameter of two or more values for cmaes to move along",
        "every parameter has one value",
        "use search: grid",
      );
    return {
      method,
      objective: objective!,
      budget: budget!,
      population: population!,
      sigma: sigma!,
      patience: patience!,
      restarts: restarts!,
      tolerance: tolerance!,
      ...(stall === undefined ? {} : { stall: stall }),
      seed: seed!,
    } satisfies CmaesSettings;
  }
  const seeds = has("seeds")
    ? r.integer(
        o.seeds,
        "search.seeds",
        1n,
        BigInt(Math.max(1, context.seeds)),
        `seeds per case in the first rung, from 1 to the experiment's ${context.seeds}`,
      )
    : 1;
  const eta = has("eta") ? r.integer(o.eta, "search.eta", 2n, 100n, "a reduction factor from 2 to 100") : 2;
  const cases = has("cases")
    ? r.integer(
        o.cases,
        "search.cases",
        2n,
        BigInt(Math.max(2, context.cases)),
        `cases sampled for the first rung, from 2 to the grid's ${context.cases}`,
      )
    : undefined;
  if (r.issues.length > before) return undefined;
  if (context.seeds < 2)
    return r.failText(
      "seeds",
      "at least 2 seeds for halving to add seeds to the cases it keeps",
      `${context.seeds}`,
      "give more seeds, or use search: cmaes (or grid) with one seed",
    );
  if (seeds! >= context.seeds)
    return r.failText(
      "search.seeds",
      `fewer seeds than the experiment's ${context.seeds}, so later rungs have seeds to add`,
      `${seeds}`,
      `use search.seeds: ${Math.max(1, Math.floor(context.seeds / eta!))}`,
    );
  return {
    method,
    objective: objective!,
    seeds: seeds!,
    eta: eta!,
    cases,
    tolerance: tolerance!,
    seed: seed!,
  } satisfies HalvingSettings;
}

function readObjectiveIndex(r: ScenarioReader, value: unknown, objectives: readonly Objective[]): number | undefined {
  const metrics = objectives.map((o) => o.metric);
  const index = typeof value === "string" ? metrics.indexOf(value) : -1;
  if (index >= 0) return index;
  const near = typeof value === "string" ? closest(value, metrics) : undefined;
  return r.failText(
    "search.objective",
    `the metric of one of the objectives (${metrics.join(", ")})`,
    JSON.stringify(value),
    near === undefined ? "add it to objectives first" : `did you mean ${near}?`,
  );
}

/**
 * The `subjectTo` conditions, each on a metric of `names`; `measured` is the list of metrics every run
 * measures (the objectives'), and each new constraint metric is added to its end.
 */
export function readConstraints(
  r: ScenarioReader,
  value: unknown,
  names: readonly string[],
  measured: string[],
): MetricConstraint[] | undefined {
  const expected =
    '"<metric> >= <number>" or "<metric> <= <number>" (like "minSolvencyRatio >= 1"), the metric\'s mean across seeds';
  const list = r.array(value, "subjectTo", `conditions: ${expected}`);
  if (list === undefined) return undefined;
  const constraints: MetricConstraint[] = [];
  list.forEach((entry, i) => {
    const path = `subjectTo[${i}]`;
    if (typeof entry !== "string") return r.fail(path, expected, entry);
    const written = entry.trim().replace(/\s+/g, " ");
    const level = /^(\S+) ?(>=|<=) ?(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/.exec(written);
    if (level === null) return r.fail(path, expected, entry);
    const [, metric, op, number] = level;
    if (!names.includes(metric!)) {
      const near = closest(metric!, names) ?? names.find((n) => n.endsWith(`.${metric}`));
      return r.failText(
        path,
        "a condition on a metric of agents/metrics/registry.ts (experiments/README.md lists them)",
        JSON.stringify(entry),
        near === undefined ? undefined : `did you mean ${near}?`,
      );
    }
    if (!measured.includes(metric!)) measured.push(metric!);
    constraints.push({
      metric: metric!,
      op: op as ">=" | "<=",
      value: Number(number),
      text: `${metric} ${op} ${number}`,
      index: measured.indexOf(metric!),
    });
  });
  return constraints.length === list.length ? constraints : undefined;
}

/** True when the metric means (one per measured metric) meet every constraint; NaN meets none. */
export function meetsConstraints(means: readonly number[], constraints: readonly MetricConstraint[]): boolean {
  return constraints.every((c) => {
    const value = means[c.index]!;
    return c.op === ">=" ? value >= c.value : value <= c.value;
  });
}

/** How far the means miss the constraints, summed relative to each bound (0 when met; Infinity for NaN). */
export function constraintViolation(means: readonly number[], constraints: readonly MetricConstraint[]): number {
  let total = 0;
  for (const c of constraints) {
    const value = means[c.index]!;
    if (Number.isNaN(value)) return Infinity;
    const miss = c.op === ">=" ? c.value - value : value - c.value;
    if (miss > 0) total += miss / Math.max(1, Math.abs(c.value));
  }
  return total;
}
