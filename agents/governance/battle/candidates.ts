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
  /** Why a model drafted it (`draft: llm`); it goes into the proposal's description and the trail. */
  rationale?: string;
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

/** A drafted candidate as judged: its improvement's mean (positive is better) and whether it may be proposed. */
export interface ScoredCandidate {
  candidate: Candidate;
  /** Keeps every condition and improves beyond noise. */
  winner: boolean;
  improvement: number;
}

/**
 * The moves of several parameters at once: for each key, its best winning single-key candidate, all
 * in one change, when at least two keys have one and the store's rules at `executeAt` (and the
 * proposals pending) allow them together. One proposal then moves every parameter that each helped
 * alone, so a tuning that needs several parameters moved takes one trip through the Governor, not
 * one per key. Undefined when there is nothing to combine or the rails refuse the combination.
 */
export function combinedCandidate(
  parameters: ReadonlyMap<string, StoredParameter>,
  scored: readonly ScoredCandidate[],
  executeAt: bigint,
  pending: readonly PendingProposal[] = [],
): Candidate | undefined {
  const bestByKey = new Map<string, ScoredCandidate>();
  for (const s of scored) {
    if (!s.winner || s.candidate.changes.length !== 1) continue;
    const key = s.candidate.changes[0]!.key;
    const held = bestByKey.get(key);
    if (held === undefined || s.improvement > held.improvement) bestByKey.set(key, s);
  }
  if (bestByKey.size < 2) return undefined;
  const moves = [...bestByKey.values()].map((s) => s.candidate);
  const changes = moves.map((c) => c.changes[0]!);
  const problems = [
    ...checkChanges(parameters, changes, executeAt),
    ...pendingProblems({ changes, unpause: false }, pending),
  ];
  if (problems.length > 0) return undefined;
  return { changes, description: moves.map((c) => c.description).join(", ") };
}
