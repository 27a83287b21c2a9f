// The one loop behind battles, what-ifs, experiment runs and model battles: step a World some blocks,
// keeping every row, and stop cleanly at the first failure (an abort, a lost node), keeping what was
// recorded. What a caller does with each step (a run folder, a gas profile, a progress bar) is its own.

import type { GasRecord } from "../core/records.ts";
import type { StepRow } from "../mechanisms/vocabulary.ts";
import type { StepResult, World } from "./world.ts";

export interface RunStepsOptions {
  /** Called after each step with what it recorded (a battle writes it to its folder). */
  onStep?: (result: StepResult, step: number) => void | Promise<void>;
  /** Stops before the next step when aborted; `signal.reason` is the failure. */
  signal?: AbortSignal;
  /** Keep every step's gas records in the result (what-ifs and experiment runs profile them). */
  keepGas?: boolean;
}

export interface RunStepsResult {
  /** One row per step that was mined and recorded, in order. */
  rows: StepRow[];
  /** Every step's gas records, with `keepGas`. */
  gas: GasRecord[];
  /** Agent and participant transactions of the recorded steps. */
  txs: number;
  /** Wall seconds of the steps. */
  seconds: number;
  /** What stopped the run before its last block; undefined when every block was run. */
  failure?: unknown;
}

export async function runSteps(world: World, blocks: number, options: RunStepsOptions = {}): Promise<RunStepsResult> {
  const started = performance.now();
  const result: RunStepsResult = { rows: [], gas: [], txs: 0, seconds: 0 };
  try {
    for (let step = 1; step <= blocks; step++) {
      if (options.signal?.aborted) throw options.signal.reason;
      const stepped = await world.runStep();
      result.rows.push(stepped.row);
      result.txs += Number(stepped.row.txs);
      if (options.keepGas) for (const record of stepped.gas) result.gas.push(record);
      await options.onStep?.(stepped, step);
    }
  } catch (error) {
    result.failure = error;
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
