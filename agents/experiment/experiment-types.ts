// A parsed, validated experiment: the scenario it varies, the grid of parameter values, the seeds,
// the objectives, and every case of the grid already turned into the scenario and genesis parameter
// values a run needs. The reader (experiment-file.ts) builds it and refuses a file with every bad
// field path at once.

import type { ParameterChange } from "../core/parameters.ts";
import type { Scenario } from "../inputs/scenario-types.ts";
import type { MetricConstraint, SearchSettings } from "./search/search-types.ts";

/** chain: the contracts; model: the fast model; screen: the model on the grid, the chain on its top k. */
export type EngineName = "chain" | "model" | "screen";
export const ENGINE_NAMES: readonly EngineName[] = ["chain", "model", "screen"];

/** Which engine produced a row of runs.csv (screen writes both). */
export type RunEngine = "chain" | "model";

export type Goal = "maximise" | "minimise";

export interface Objective {
  /** A metric of agents/metrics/registry.ts by its name or an alias, like "poolFeesQuote", "metrics.volatility.pool.annualised" or "agents.buyer.returnBps". */
  metric: string;
  goal: Goal;
}

/** What a grid parameter changes. */
export type ParameterTarget =
  /** A parameter-store key whose genesis value is replaced (contract units in `ParameterChange`). */
  | { kind: "store"; key: string; decimals: number }
  /** A field of one behaviour of one agent entry of the scenario file (every copy of a counted agent). */
  | { kind: "behaviour"; agentIndex: number; agentId: string; behaviourIndex: number; field: string }
  /** Any field of the genesis file (`genesis.<path>`), its value written into the document as the file writes it. */
  | { kind: "genesis"; path: GenesisPath }
  /** The genesis file itself (the grid key `genesis`): each value a file to launch from instead of the scenario's. */
  | { kind: "genesisFile" };

/** Where a field sits in a genesis document: keys, and indexes into lists ("vesting", 0, "cliff"). */
export type GenesisPath = (string | number)[];

/** One genesis field's value in a case, as it goes into the document. */
export interface GenesisField {
  path: GenesisPath;
  value: string | number | boolean;
}

/** One value of a grid parameter. */
export interface GridValue {
  /** Canonical text in human units ("0.0125", "30"): what runs.csv and the report show. */
  text: string;
  /** What goes into the scenario document: a string or a number, as the experiment file wrote it. */
  document: string | number | boolean;
  /** For store keys, the value in contract units; for behaviour and genesis fields, the exact decimal scaled by 10^scale (0 for a word). */
  exact: bigint;
  /** Decimal places of `exact`. */
  scale: number;
}

export interface GridParameter {
  /** As written in the file: "pool.feeBps", "agents.buyer.buyBelow". */
  name: string;
  target: ParameterTarget;
  values: GridValue[];
}

/** One point of the grid. */
export interface ExperimentCase {
  /** Position in the grid (last parameter fastest). */
  index: number;
  /** One value per grid parameter, in parameter order. */
  values: GridValue[];
  /** "pool.feeBps=30 agents.buyer.buyBelow=0.0125": identifies the case in runs.csv across resumes. */
  key: string;
  /** The store values that replace the genesis's (empty when the grid changes only behaviours). */
  parameters: ParameterChange[];
  /** The genesis fields this case writes into the genesis document (empty without genesis.<path> parameters). */
  genesisFields: GenesisField[];
  /** Cases with the same store and genesis values share one deployment in the chain engine. */
  deploymentKey: string;
  /** The scenario with this case's behaviour values (its seed and blocks are replaced per run). */
  scenario: Scenario;
}

export interface Experiment {
  /** The experiment file (for messages). */
  source: string;
  name: string;
  description: string;
  scenarioPath: string;
  engine: EngineName;
  seeds: bigint[];
  /** Blocks per run (the scenario's when the file leaves it out). */
  blocks: number;
  /** Worker count asked for (--workers, or the file's); undefined: as many as the machine holds (worker-limit.ts). */
  workers: number | undefined;
  /** Screen: cases the chain confirms per objective. */
  topK: number;
  /** Screen: largest relative difference between model and chain metric means that still counts as agreement. */
  tolerance: number;
  parameters: GridParameter[];
  objectives: Objective[];
  /** `subjectTo`: conditions a case must meet to be best (none: every case may be). */
  constraints: MetricConstraint[];
  /** What every run measures, runs.csv's metric columns: the objectives' metrics, then the constraints' others. */
  measured: string[];
  /** How the cases to run are chosen: every one (grid) or by a search. */
  search: SearchSettings;
  cases: ExperimentCase[];
  /** What makes recorded rows comparable (results-folder.ts checks it on resume). */
  fingerprint: ExperimentFingerprint;
}

export interface ExperimentFingerprint {
  /** sha256 of the scenario file's bytes and of the genesis file's bytes. */
  scenarioSha256: string;
  genesisSha256: string;
  blocks: number;
  parameters: string[];
  metrics: string[];
}
