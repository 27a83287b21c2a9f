// What the Governor's events say about a mined governance transaction: the weight a vote counted
// with (0 for votes bought after the snapshot), the proposal a propose created.

import { decodeEventLog, type Hex } from "viem";

import { GOVERNOR_ABI } from "../protocol/proposal.ts";

type Log = { topics: Hex[]; data: Hex };

function governorEvents(logs: readonly Log[]) {
  const out = [];
  for (const log of logs) {
    try {
      out.push(decodeEventLog({ abi: GOVERNOR_ABI, topics: log.topics as [Hex], data: log.data }));
    } catch {
      // another contract's event
    }
  }
  return out;
}

/** The weight of the VoteCast in `logs` (token wei); undefined when there is none. */
export function voteWeight(logs: readonly Log[]): bigint | undefined {
  for (const event of governorEvents(logs))
    if (event.eventName === "VoteCast") return (event.args as { weight: bigint }).weight;
  return undefined;
}

/** The voting window of the ProposalCreated in `logs` (block numbers). */
export function proposalCreated(
  logs: readonly Log[],
): { proposalId: bigint; voteStart: bigint; voteEnd: bigint } | undefined {
  for (const event of governorEvents(logs)) {
    if (event.eventName !== "ProposalCreated") continue;
    const args = event.args as { proposalId: bigint; voteStart: bigint; voteEnd: bigint };
    return { proposalId: args.proposalId, voteStart: args.voteStart, voteEnd: args.voteEnd };
  }
  return undefined;
}
