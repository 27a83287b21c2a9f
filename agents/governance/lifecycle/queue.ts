// Queue a proposal that passed into the Timelock. Refused before sending unless it Succeeded, saying
// why not: voting still open, defeated by votes or by a missed quorum, or queued already.

import { type Address, type Hex, parseEventLogs } from "viem";

import { ActionRefused, GovernanceError } from "./errors.ts";
import { assertIdle, type GovernanceChain, sendGovernanceTx } from "./governance-chain.ts";
import { encodeQueue, GOVERNOR_ABI } from "../protocol/proposal.ts";
import { advanceHint, getProposal, type ProposalInfo } from "./proposals.ts";
import { formatTime, formatVotes } from "../protocol/display.ts";

export interface QueueResult {
  proposal: ProposalInfo;
  /** Unix seconds from which it may execute. */
  eta: bigint;
  txHash: Hex;
}

export async function queue(
  chain: GovernanceChain,
  options: { from: Address; proposal: string },
): Promise<QueueResult> {
  await assertIdle(chain, "queue");
  const proposal = await getProposal(chain, options.proposal);
  if (proposal.state !== "Succeeded") {
    const latest = await chain.client.getBlockNumber();
    throw new ActionRefused("queue", notSucceeded(chain, proposal, latest));
  }
  const receipt = await sendGovernanceTx(chain, {
    from: options.from,
    to: chain.addresses.governor,
    data: encodeQueue(proposal.actions),
    what: `queue proposal #${proposal.index}`,
  });
  const [queued] = parseEventLogs({ abi: GOVERNOR_ABI, eventName: "ProposalQueued", logs: receipt.logs });
  if (queued === undefined)
    throw new GovernanceError(`queue: transaction ${receipt.transactionHash} emitted no ProposalQueued`);
  return { proposal, eta: queued.args.etaSeconds, txHash: receipt.transactionHash };
}

/** Why a proposal that has not Succeeded cannot be queued (or executed). */
export function notSucceeded(chain: GovernanceChain, proposal: ProposalInfo, latestBlock: bigint): string {
  const name = `proposal #${proposal.index}`;
  switch (proposal.state) {
    case "Pending":
    case "Active":
      return `${name} is ${proposal.state}: voting ends with block ${proposal.deadline}, ${proposal.deadline + 1n - latestBlock} block(s) from the latest${advanceHint(chain, "end", proposal)}`;
    case "Defeated":
      return `${name} was Defeated ${defeatReason(proposal)}`;
    case "Queued":
      return `${name} is queued already; it may execute from ${proposal.eta === undefined ? "its eta" : formatTime(proposal.eta)} (npx hardhat execute --id ${proposal.index})`;
    case "Executed":
      return `${name} was executed already`;
    default:
      return `${name} is ${proposal.state}; only a Succeeded proposal can be queued`;
  }
}

/** "by votes: for 10 ≤ against 20" or "by quorum: for + abstain 10 of the 24000 needed". */
export function defeatReason(proposal: ProposalInfo): string {
  const { votes, quorum } = proposal;
  const turnout = votes.for + votes.abstain;
  if (turnout < quorum) return `by quorum: for + abstain ${formatVotes(turnout)} of the ${formatVotes(quorum)} needed`;
  return `by votes: for ${formatVotes(votes.for)} ≤ against ${formatVotes(votes.against)}`;
}
