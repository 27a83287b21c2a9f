// What the experiment's main thread and its workers say to each other. Jobs and results cross the
// thread boundary by structured clone (bigints included), so a worker needs nothing but the job.

import type { ParameterChange } from "../core/parameters.ts";
import type { Scenario } from "../inputs/scenario-types.ts";
import type { GenesisField, RunEngine } from "./experiment-types.ts";

export interface RunJob {
  /** Unique within one pool run. */
  id: number;
  engine: RunEngine;
  caseKey: string;
  deploymentKey: string;
  seed: bigint;
  /** Store values replacing the genesis's. */
  parameters: ParameterChange[];
  /** Genesis fields written into the genesis document (genesis.<path> grid parameters); none when absent. */
  genesisFields?: GenesisField[];
  /** The case's scenario with the run's seed and blocks. */
  scenario: Scenario;
  /** Metric paths to read from the run's summary, in order. */
  metrics: string[];
}

export type ToWorker = { type: "run"; job: RunJob } | { type: "close" };

export type FromWorker =
  | { type: "done"; id: number; metrics: number[]; wallMs: number }
  | { type: "failed"; id: number; message: string; wallMs: number }
  | { type: "closed" };
