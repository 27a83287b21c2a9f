// The battle's governance at a glance, for the terminal: each proposal with its changes, the tally,
// the predicted and the actual outcome; then the guardian's pauses. governance.json has the rest.

import { alignedTable } from "../../core/table.ts";
import { formatDecimal } from "../../core/units.ts";
import { describeChange } from "../protocol/changes.ts";
import type { GovernanceRecord } from "./record-file.ts";

/** Whole tokens from token wei, rounded down (votes are shown to the token). */
function tokens(wei: string): string {
  return formatDecimal(BigInt(wei) / 10n ** 18n, 0).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function formatGovernanceTable(record: GovernanceRecord): string {
  const lines: string[] = [];
  if (record.protocolAgent !== null)
    lines.push(`Protocol-owned agent "${record.protocolAgent.id}": ${record.protocolAgent.objective}`);
  if (record.proposals.length === 0) {
    lines.push("No proposals.");
  } else {
    const rows = record.proposals.map((p) => {
      const changes = [
        ...p.changes.map((c) => describeChange({ key: c.key, value: BigInt(c.value) })),
        ...(p.unpause ? ["unpause"] : []),
      ];
      const tally =
        p.votes === null
          ? ""
          : `${tokens(p.votes.for)} / ${tokens(p.votes.against)} / ${tokens(p.votes.abstain)} (quorum ${tokens(p.votes.quorum)})`;
      const predicted = p.predicted === null ? "" : `${p.predicted}${p.predictionRight === false ? " (wrong)" : ""}`;
      const outcome = p.executedStep === null ? p.state : `${p.state} at block ${p.executedStep}`;
      return [p.label, p.by, String(p.proposedStep), changes.join(", "), tally, predicted, outcome];
    });
    const columns = ["proposal", "by", "block", "changes", "for / against / abstain", "predicted", "outcome"].map(
      (title, i) => ({ title, align: i === 2 ? ("right" as const) : ("left" as const) }),
    );
    lines.push(`Proposals (${record.proposals.length})`, alignedTable(columns, rows));
  }
  const pauses = record.trail.filter((e) => e.kind === "pause" && e.status === "success");
  for (const pause of pauses)
    lines.push(`Guardian paused the market at block ${String(pause.step)}: ${String(pause.reason ?? "")}`);
  return lines.join("\n");
}
