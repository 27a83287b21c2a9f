// The governance trail of a run: every decision, proposal (and proposal refused before sending, with
// why), vote, outcome, pause and monitored effect,
// appended to governance.jsonl as it happens (one JSON object per line, written synchronously, so an
// interrupted run keeps what was decided), and gathered into governance.json at the end. Both are
// built from the run's seeded decisions alone: the same scenario and seed give the same bytes.

import { join } from "node:path";

import { AppendFile } from "../../core/append-file.ts";
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
    | "run-effect"
    | "pause"
    | "call-failed"
    | "refused";
  [field: string]: unknown;
}

export class GovernanceTrail {
  readonly entries: TrailEntry[] = [];
  private file: AppendFile | undefined;

  /** Appends to `<dir>/governance.jsonl` (whole lines only) when `dir` is given; keeps entries in memory either way. */
  constructor(dir?: string) {
    this.file = dir === undefined ? undefined : new AppendFile(join(dir, GOVERNANCE_FILES.trail), "");
  }

  add(entry: TrailEntry): void {
    this.entries.push(entry);
    this.file?.append(`${JSON.stringify(JSON.parse(stableJson(entry)))}\n`);
  }

  of(kind: TrailEntry["kind"]): TrailEntry[] {
    return this.entries.filter((e) => e.kind === kind);
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }
}
