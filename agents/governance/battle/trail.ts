// The governance trail of a run: every decision, proposal (and proposal refused before sending, with
// why), vote, outcome, pause and monitored effect,
// appended to governance.jsonl as it happens (one JSON object per line, written synchronously, so an
// interrupted run keeps what was decided), and gathered into governance.json at the end. Both are
// built from the run's seeded decisions alone: the same scenario and seed give the same bytes.

import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";

import { stableJson } from "../../core/stable-json.ts";

export const GOVERNANCE_FILES = { trail: "governance.jsonl", record: "governance.json" } as const;
export const GOVERNANCE_KIND = "token-arena/governance";

/** One line of the trail. `kind` says what happened; the rest is that event's record. */
export interface TrailEntry {
  step: number;
  kind:
    | "bootstrap"
    | "delegation"
    | "decision"
    | "proposed"
    | "evaluation"
    | "vote"
    | "outcome"
    | "queued"
    | "executed"
    | "effect"
    | "pause"
    | "call-failed"
    | "refused";
  [field: string]: unknown;
}

export class GovernanceTrail {
  readonly entries: TrailEntry[] = [];
  private fd: number | undefined;

  /** Appends to `<dir>/governance.jsonl` when `dir` is given; keeps entries in memory either way. */
  constructor(dir?: string) {
    this.fd = dir === undefined ? undefined : openSync(join(dir, GOVERNANCE_FILES.trail), "w");
  }

  add(entry: TrailEntry): void {
    this.entries.push(entry);
    if (this.fd !== undefined) writeSync(this.fd, `${JSON.stringify(JSON.parse(stableJson(entry)))}\n`);
  }

  of(kind: TrailEntry["kind"]): TrailEntry[] {
    return this.entries.filter((e) => e.kind === kind);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
