// How many of the run's steps a change would be in effect for: from the step whose block it executes
// in (the Timelock's call lands ahead of that block's trades) to the run's last step, both counted.
// The protocol agent's remaining-horizon rule (`minRemainingSteps`) compares it with the fewest steps
// a change needs to pay off: a change executed a few blocks before the end is judged on a forecast too
// short to tell its effect from noise, and moves the parameters for almost nothing.

export interface Horizon {
  /** The step it considers the change at, and that step's block timestamp. */
  step: number;
  timestamp: bigint;
  /** Unix seconds the change would execute at (the book's expected execution). */
  executeAt: bigint;
  blockSeconds: number;
  /** The run's last step (the scenario's `blocks`). */
  blocks: number;
}

/** The step whose block a change executing at `executeAt` lands in. */
export function executionStep(h: Horizon): number {
  const bs = BigInt(h.blockSeconds);
  const ahead = h.executeAt <= h.timestamp ? 0n : (h.executeAt - h.timestamp + bs - 1n) / bs;
  return h.step + Number(ahead);
}

/** Steps the change would be in effect for: its execution step through the run's last, 0 when it executes after the run. */
export function stepsInEffect(h: Horizon): number {
  return Math.max(0, h.blocks - executionStep(h) + 1);
}
