// Proposals for the terminal: one line each in a table, or one proposal in full.

import { alignedTable } from "../../core/table.ts";
import { formatTime, formatVotes, isoTime } from "../protocol/display.ts";
import { describeEffect, type ProposalInfo, shortId } from "./proposals.ts";

const DESCRIPTION_WIDTH = 40;

export function formatProposalTable(proposals: readonly ProposalInfo[]): string {
  const rows = proposals.map((p) => [
    `#${p.index}`,
    shortId(p.id),
    p.state,
    formatVotes(p.votes.for),
    formatVotes(p.votes.against),
    formatVotes(p.votes.abstain),
    formatVotes(p.quorum),
    `${p.snapshot + 1n}–${p.deadline}`,
    p.eta === undefined ? "" : isoTime(p.eta),
    clip(`${p.effects.map(describeEffect).join("; ")} · ${p.description}`, DESCRIPTION_WIDTH * 2),
  ]);
  return alignedTable(
    [
      { title: "#", align: "left" },
      { title: "id", align: "left" },
      { title: "state", align: "left" },
      { title: "for", align: "right" },
      { title: "against", align: "right" },
      { title: "abstain", align: "right" },
      { title: "quorum", align: "right" },
      { title: "voting blocks", align: "left" },
      { title: "eta (UTC)", align: "left" },
      { title: "changes · description", align: "left" },
    ],
    rows,
  );
}

export function formatProposalDetail(p: ProposalInfo): string {
  const turnout = p.votes.for + p.votes.abstain;
  const lines = [
    `Proposal #${p.index}: ${p.state}`,
    `  id           ${p.id}`,
    `  proposer     ${p.proposer} (block ${p.createdBlock}, tx ${p.createdTx})`,
    `  description  ${p.description}`,
    ...p.effects.map((e, i) => `  ${i === 0 ? "changes     " : "            "} ${describeEffect(e)}`),
    `  votes        for ${formatVotes(p.votes.for)} · against ${formatVotes(p.votes.against)} · abstain ${formatVotes(p.votes.abstain)}`,
    `  quorum       ${formatVotes(p.quorum)} at the snapshot (for + abstain: ${formatVotes(turnout)}${turnout >= p.quorum ? ", reached" : ", not reached"})`,
    `  voting       snapshot block ${p.snapshot}, open from block ${p.snapshot + 1n} through block ${p.deadline}`,
    `  eta          ${p.eta === undefined ? "not queued" : formatTime(p.eta)}`,
  ];
  return lines.join("\n");
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
