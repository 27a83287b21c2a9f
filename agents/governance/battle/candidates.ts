// The protocol agent's candidate parameter sets: for each parameter it may tune, the current value
// moved up and down by fractions of the parameter's largest step, kept within its bounds, and checked
// with the store's own rules (bounds, step, interval) at the time the proposal would execute, and
// against the proposals still pending on the same key (protocol/rails.ts), so that nothing the store
// would refuse is ever evaluated or proposed.

import { checkChanges, describeChange, maxDelta, type StoredParameter } from "../protocol/changes.ts";
import { type ParameterChange } from "../../core/parameters.ts";
import { type PendingProposal, pendingProblems } from "../protocol/rails.ts";

export interface Candidate {
  changes: ParameterChange[];
  /** "market.buyFeeBps 100 → 150" */
  description: string;
}

export interface Drafted {
  candidates: Candidate[];
  /** Values the store would refuse at the expected execution time, with why. */
  refused: { change: string; problem: string }[];
}

const FRACTION_SCALE = 10_000;

export function draftCandidates(
  parameters: ReadonlyMap<string, StoredParameter>,
  keys: readonly string[],
  fractions: readonly number[],
  executeAt: bigint,
  pending: readonly PendingProposal[] = [],
): Drafted {
  const candidates: Candidate[] = [];
  const refused: Drafted["refused"] = [];
  for (const key of keys) {
    const p = parameters.get(key);
    if (p === undefined) {
      refused.push({ change: key, problem: `${key} is not a parameter of this store` });
      continue;
    }
    const largest = maxDelta(p);
    const values: bigint[] = [];
    for (const fraction of [...fractions].sort((a, b) => a - b)) {
      const step = (largest * BigInt(Math.round(fraction * FRACTION_SCALE))) / BigInt(FRACTION_SCALE);
      for (const value of [p.value - step, p.value + step]) {
        const clipped = value < p.min ? p.min : value > p.max ? p.max : value;
        if (clipped !== p.value && !values.includes(clipped)) values.push(clipped);
      }
    }
    for (const value of values) {
      const change = { key, value };
      const problems = [
        ...checkChanges(parameters, [change], executeAt),
        ...pendingProblems({ changes: [change], unpause: false }, pending),
      ];
      if (problems.length > 0) refused.push({ change: describeChange(change, p.value), problem: problems[0]! });
      else candidates.push({ changes: [change], description: describeChange(change, p.value) });
    }
  }
  return { candidates, refused };
}
