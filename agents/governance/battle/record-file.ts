// governance.json, the run's whole governance record: every proposal with its predicted and actual
// outcome, the protocol agent's decisions, votes, pauses and monitored effects, the parameters before
// and after; and the short governance section of summary.json. Their shapes, and reading the file
// back, import nothing of the battle, so a summary and a report need none of it.

import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { GOVERNANCE_FILES, type GOVERNANCE_KIND, type TrailEntry } from "./trail.ts";

export interface ProposalRecord {
  label: string;
  proposalId: string;
  by: string;
  proposedStep: number;
  changes: { key: string; value: string }[];
  unpause: boolean;
  description: string;
  /** The Governor's final state (Executed, Defeated, …), where it stood when the run ended, or REFUSED_STATE. */
  state: string;
  predicted: string | null;
  predictionRight: boolean | null;
  votes: { for: string; against: string; abstain: string; quorum: string } | null;
  reason: string | null;
  executedStep: number | null;
}

/** The state of a proposal the rails refused before sending (its `reason` lists why): it never went on chain. */
export const REFUSED_STATE = "Refused before sending";

export interface GovernanceRecord {
  kind: typeof GOVERNANCE_KIND;
  version: 1;
  protocolAgent: { id: string; address: string; objective: string; parameters: string[] } | null;
  bootstrap: TrailEntry | null;
  proposals: ProposalRecord[];
  parameters: Record<string, { initial: string; final: string; min: string; max: string }>;
  trail: TrailEntry[];
}

export interface GovernanceSummary {
  proposals: { label: string; by: string; state: string; predicted: string | null; executedStep: number | null }[];
  decisions: number;
  proposed: number;
  executed: number;
  pauses: { step: number; reason: string }[];
  parametersChanged: Record<string, { initial: string; final: string }>;
}

/** governance.json of a run folder, or null when the run had no governance. */
export async function readGovernanceRecord(runDir: string): Promise<GovernanceRecord | null> {
  try {
    return JSON.parse(await readFile(join(runDir, GOVERNANCE_FILES.record), "utf8")) as GovernanceRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
