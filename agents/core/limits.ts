// Two kinds of limits, each defined once:
// - the bounds the contracts enforce, mirrored from contracts/libraries/Constants.sol so that a genesis
//   file is rejected before anything is deployed (test/genesis.test.ts checks they still agree);
// - how large a run the arena accepts: the scenario, experiment and governance readers and every
//   task's command-line options read these ranges (Reader.whole and Reader.option in
//   document-reader.ts), so a value gets the same range and the same message wherever it is written.
//   README.md (*Limits*) lists them.

import { MAX_UINT64, WAD } from "./units.ts";

/* CONTRACT BOUNDS */

export const MAX_SUPPLY = 10n ** 27n;
export const MAX_PRICE_WAD = 10n ** 24n;
export const MAX_EXPONENT_WAD = 100n * WAD;
export const MAX_SIGMOID_EXPONENT_WAD = 100n * WAD;
export const MAX_FEE_BPS = 1_000n;
export const MINIMUM_LIQUIDITY = 1_000n;
export const RATE_FLOOR_BPS = 2_500n;
export const RATE_CAP_BPS = 40_000n;
export const MAX_LOCK_SECONDS = 365n * 86_400n;

/* RUN LIMITS */

/** A whole number an input may hold: its range, what it counts ("a whole number of blocks to run") and why, if it helps. */
export interface WholeRange {
  min: bigint;
  max: bigint;
  what: string;
  note?: string;
}

/** "a whole number of blocks to run from 1 to 10000000": what an input of this range expects. */
export function expectedWhole(range: WholeRange): string {
  return `${range.what} from ${range.min} to ${range.max}${range.note === undefined ? "" : ` (${range.note})`}`;
}

/** Ten million blocks: 3.8 years of 12-second blocks, hours of battle; anything longer is a typo. */
export const MAX_BLOCKS = 10_000_000n;
/** A what-if (a governance evaluation's arm) runs at most this many blocks per seed and arm. */
export const MAX_WHAT_IF_BLOCKS = 10_000n;
/** Seeds of one evaluation: each runs two arms. */
export const MAX_WHAT_IF_SEEDS = 64n;

/** The run's seed (scenario `seed`, `battle --seed`, an experiment's seeds): the generator's 64 bits. */
export const SEED: WholeRange = { min: 0n, max: MAX_UINT64, what: "an integer" };
/** Blocks a battle or an experiment's run steps (scenario and experiment `blocks`, `battle --blocks`). */
export const BLOCKS: WholeRange = { min: 1n, max: MAX_BLOCKS, what: "a whole number of blocks to run" };
/** `evaluate --warmup`: scenario blocks before the evaluation starts. */
export const WARMUP_BLOCKS: WholeRange = { min: 0n, max: MAX_BLOCKS, what: "a whole number of warm-up blocks" };
/** `evaluate --seeds`: one seed gives an effect without an interval. */
export const EVALUATION_SEEDS: WholeRange = {
  min: 1n,
  max: MAX_WHAT_IF_SEEDS,
  what: "a whole number of seeds",
  note: "5 gives useful intervals",
};
/** `evaluate --blocks`: each arm's blocks after the change (two at least, for a return). */
export const EVALUATION_BLOCKS: WholeRange = {
  min: 2n,
  max: MAX_WHAT_IF_BLOCKS,
  what: "a whole number of blocks each arm runs",
};
/** A scenario's governance `evaluation.seeds`: two at least, for an interval. */
export const WHAT_IF_SEEDS: WholeRange = {
  min: 2n,
  max: MAX_WHAT_IF_SEEDS,
  what: "a whole number of what-if runs",
  note: "two at least, for an interval",
};
/** A scenario's governance `evaluation.blocks`. */
export const WHAT_IF_BLOCKS: WholeRange = {
  min: 1n,
  max: MAX_WHAT_IF_BLOCKS,
  what: "a whole number of steps each what-if runs",
};
/** Worker threads of an experiment; the machine's memory and cores may allow fewer (experiment/worker-limit.ts). */
export const WORKERS: WholeRange = { min: 1n, max: 256n, what: "a number of worker threads" };
/** Seeds of one experiment. */
export const MAX_EXPERIMENT_SEEDS = 10_000n;
/** Cases of one experiment's grid. */
export const MAX_CASES = 1_000_000;
/** An agent entry's `count`. */
export const AGENT_COPIES: WholeRange = { min: 1n, max: 1_000n, what: "a number of copies" };
/** `--limit` of the gas tables (0 = every row). */
export const TABLE_ROWS: WholeRange = {
  min: 0n,
  max: 1_000_000n,
  what: "a number of rows per table",
  note: "0 for all",
};
/** Runs per job of an experiment queue (`experiment --queue … --chunk`). */
export const QUEUE_CHUNK_RUNS: WholeRange = { min: 1n, max: 10_000n, what: "a number of runs per queued job" };
/** `worker --stall-seconds`: a job whose worker stops renewing its lock this long is handed to another worker. */
export const QUEUE_STALL_SECONDS: WholeRange = { min: 1n, max: 3_600n, what: "a number of seconds" };
/** The batch auction's longest window (seconds), and the most orders an insertion hint may be off by. */
export const MAX_BATCH_SECONDS = 86_400n;
export const MAX_HINT_STEPS = 64n;
