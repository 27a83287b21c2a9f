// Builds governance.json (record-file.ts has its shape) from a battle's book and trail, and the short
// governance section of summary.json from that record.

import { describeObjective } from "./objective.ts";
import type { InstalledGovernance } from "./install.ts";
import type { StoredParameter } from "../protocol/changes.ts";
import { GOVERNANCE_KIND } from "./trail.ts";
import { type GovernanceRecord, type GovernanceSummary, type ProposalRecord, REFUSED_STATE } from "./record-file.ts";

export function governanceRecord(
  installed: InstalledGovernance,
  initial: ReadonlyMap<string, StoredParameter>,
  final: ReadonlyMap<string, StoredParameter>,
): GovernanceRecord {
  const { book, trail } = installed;
  const outcomes = new Map(trail.of("outcome").map((e) => [e.proposal as string, e]));
  const poa = installed.protocolAgent;
  return {
    kind: GOVERNANCE_KIND,
    version: 1,
    protocolAgent:
      poa === undefined
        ? null
        : {
            id: poa.id,
            address: poa.address,
            objective: describeObjective(poa.config.objective),
            parameters: poa.config.parameters,
          },
    bootstrap: trail.of("bootstrap")[0] ?? null,
    proposals: book.proposals.map((p): ProposalRecord => {
      const outcome = outcomes.get(p.label);
      const failedCall = trail.entries.find((e) => e.kind === "call-failed" && e.proposal === p.label)?.fn ?? "call";
      const state =
        p.status === "executed"
          ? "Executed"
          : p.status === "refused"
            ? REFUSED_STATE
            : p.status === "failed"
              ? `failed (${failedCall} reverted)`
              : p.status === "queued"
                ? "Queued when the run ended"
                : p.status === "decided"
                  ? p.finalState!
                  : "voting when the run ended";
      return {
        label: p.label,
        proposalId: p.id.toString(),
        by: p.proposer,
        proposedStep: p.proposedStep,
        changes: p.changes.map((c) => ({ key: c.key, value: c.value.toString() })),
        unpause: p.unpause,
        description: p.actions.description,
        state,
        predicted: p.prediction?.state ?? null,
        predictionRight:
          p.prediction === undefined || p.finalState === undefined ? null : p.prediction.state === p.finalState,
        votes: (outcome?.votes as ProposalRecord["votes"]) ?? null,
        reason: p.refusal?.join("; ") ?? (outcome?.reason as string) ?? null,
        executedStep: p.executedStep ?? null,
      };
    }),
    parameters: Object.fromEntries(
      [...final.values()].map((p) => [
        p.key,
        {
          initial: (initial.get(p.key)?.value ?? p.value).toString(),
          final: p.value.toString(),
          min: p.min.toString(),
          max: p.max.toString(),
        },
      ]),
    ),
    trail: trail.entries,
  };
}

export function governanceSummary(record: GovernanceRecord): GovernanceSummary {
  const changed: GovernanceSummary["parametersChanged"] = {};
  for (const [key, p] of Object.entries(record.parameters))
    if (p.initial !== p.final) changed[key] = { initial: p.initial, final: p.final };
  return {
    proposals: record.proposals.map((p) => ({
      label: p.label,
      by: p.by,
      state: p.state,
      predicted: p.predicted,
      executedStep: p.executedStep,
    })),
    decisions: record.trail.filter((e) => e.kind === "decision").length,
    proposed: record.proposals.filter((p) => p.state !== REFUSED_STATE).length,
    executed: record.proposals.filter((p) => p.state === "Executed").length,
    pauses: record.trail
      .filter((e) => e.kind === "pause" && e.status === "success")
      .map((e) => ({ step: e.step, reason: e.reason as string })),
    parametersChanged: changed,
  };
}
