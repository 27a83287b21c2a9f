// What one step of a differential test did, on the chain and on the model, in a form the two compare
// with deep equality: the values it returned, or the name of the error it reverted with.

import type { Interface } from "ethers";

import { ModelRevert } from "../../agents/core/model-revert.ts";
import { revertName } from "./revert-name.ts";

export type Outcome = { values: bigint[] } | { error: string };

/** The chain's outcome; `interfaces` decode errors the node leaves unrecognised. */
export async function chainOutcome(call: () => Promise<bigint[]>, interfaces: readonly Interface[]): Promise<Outcome> {
  try {
    return { values: await call() };
  } catch (error) {
    return { error: revertName(error, interfaces) };
  }
}

/** The model's outcome: a ModelRevert is a revert; anything else the model throws is a bug and rethrown. */
export function modelOutcome(call: () => bigint[]): Outcome {
  try {
    return { values: call() };
  } catch (error) {
    if (error instanceof ModelRevert) return { error: error.errorName };
    throw error;
  }
}
