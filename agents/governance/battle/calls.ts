// The raw calls governance participants send: propose, vote, queue, execute (to the Governor),
// delegate (to the token) and pause (to the market), attributed to the participant or agent that
// sends them, with the lifecycle's fixed gas limits.

import { type Address, encodeFunctionData } from "viem";

import type { RawCall } from "../../engine/participants.ts";
import type { TrackedProposal } from "./book.ts";
import type { GovernanceAddresses } from "../protocol/proposal.ts";
import {
  encodeDelegate,
  encodeExecute,
  encodePropose,
  encodeQueue,
  encodeVote,
  GOVERNANCE_GAS,
  MARKET_GOVERNANCE_ABI,
  type ProposalActions,
  type Support,
} from "../protocol/proposal.ts";

export interface Sender {
  agent: string;
  address: Address;
  role: string;
}

export function proposeCall(at: GovernanceAddresses, by: Sender, actions: ProposalActions, note: string): RawCall {
  return {
    from: by.address,
    to: at.governor,
    data: encodePropose(actions),
    gas: GOVERNANCE_GAS.propose,
    agent: by.agent,
    role: by.role,
    contract: "ArenaGovernor",
    fn: "propose",
    note,
  };
}

export function voteCall(
  at: GovernanceAddresses,
  by: Sender,
  proposal: TrackedProposal,
  support: Support,
  reason: string,
): RawCall {
  return {
    from: by.address,
    to: at.governor,
    data: encodeVote(proposal.id, support, reason),
    gas: GOVERNANCE_GAS.vote,
    agent: by.agent,
    role: by.role,
    contract: "ArenaGovernor",
    fn: "castVoteWithReason",
    note: `${support} ${proposal.label}: ${reason}`,
  };
}

export function lifecycleCall(
  at: GovernanceAddresses,
  by: Sender,
  proposal: TrackedProposal,
  step: "queue" | "execute",
): RawCall {
  const data = step === "queue" ? encodeQueue(proposal.actions) : encodeExecute(proposal.actions);
  return {
    from: by.address,
    to: at.governor,
    data,
    gas: GOVERNANCE_GAS[step],
    agent: by.agent,
    role: by.role,
    contract: "ArenaGovernor",
    fn: step,
    note: `${step} ${proposal.label}`,
  };
}

export function delegateCall(at: GovernanceAddresses, by: Sender, to: Address, note: string): RawCall {
  return {
    from: by.address,
    to: at.token,
    data: encodeDelegate(to),
    gas: GOVERNANCE_GAS.delegate,
    agent: by.agent,
    role: by.role,
    contract: "ArenaToken",
    fn: "delegate",
    note,
  };
}

export function pauseCall(at: GovernanceAddresses, by: Sender, note: string): RawCall {
  return {
    from: by.address,
    to: at.market,
    data: encodeFunctionData({ abi: MARKET_GOVERNANCE_ABI, functionName: "pause" }),
    gas: GOVERNANCE_GAS.pause,
    agent: by.agent,
    role: by.role,
    contract: "BondingCurveMarket",
    fn: "pause",
    note,
  };
}
