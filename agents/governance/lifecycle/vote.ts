// Vote for, against or abstain, with a reason. Refused before sending when voting is not open in the
// next block (saying when it opens or when it closed) or the account has voted already. The weight
// counted is the account's delegated votes at the snapshot; a weight of 0 comes back with why.

import { type Address, type Hex, parseEventLogs } from "viem";

import { ActionRefused, GovernanceError } from "./errors.ts";
import { assertIdle, type GovernanceChain, sendGovernanceTx } from "./governance-chain.ts";
import { encodeVote, GOVERNOR_ABI, SUPPORT, type Support, VOTES_ABI } from "../protocol/proposal.ts";
import { advanceHint, getProposal, type ProposalInfo } from "./proposals.ts";
import { formatVotes } from "../protocol/display.ts";

export interface VoteOptions {
  from: Address;
  /** A proposal id, id prefix or #N (see resolveProposal). */
  proposal: string;
  support: Support;
  reason?: string;
}

export interface VoteResult {
  proposal: ProposalInfo;
  support: Support;
  weight: bigint;
  txHash: Hex;
  /** Set when the vote counted nothing, with why. */
  warning?: string;
}

export function parseSupport(text: string): Support {
  const support = text.trim().toLowerCase();
  if (support in SUPPORT) return support as Support;
  throw new GovernanceError(`--support ${JSON.stringify(text)}: give for, against or abstain`);
}

export async function vote(chain: GovernanceChain, options: VoteOptions): Promise<VoteResult> {
  await assertIdle(chain, "vote");
  const proposal = await getProposal(chain, options.proposal);
  const name = `proposal #${proposal.index}`;
  // The vote is mined in the next block: voting must be open there (snapshot < block ≤ deadline).
  const next = (await chain.client.getBlockNumber()) + 1n;
  if (proposal.state !== "Pending" && proposal.state !== "Active") {
    throw new ActionRefused("vote", `${name} is ${proposal.state}: voting closed with block ${proposal.deadline}`);
  }
  if (next <= proposal.snapshot) {
    throw new ActionRefused(
      "vote",
      `${name} is Pending: voting opens at block ${proposal.snapshot + 1n}, ${proposal.snapshot + 1n - next} block(s) after the next one${advanceHint(chain, "start", proposal)}`,
    );
  }
  if (next > proposal.deadline) {
    throw new ActionRefused(
      "vote",
      `${name}'s voting closed with block ${proposal.deadline} (the latest block); votes are no longer accepted`,
    );
  }
  if (
    await chain.client.readContract({
      address: chain.addresses.governor,
      abi: GOVERNOR_ABI,
      functionName: "hasVoted",
      args: [proposal.id, options.from],
    })
  ) {
    const earlier = await chain.client.getContractEvents({
      address: chain.addresses.governor,
      abi: GOVERNOR_ABI,
      eventName: "VoteCast",
      args: { voter: options.from },
      fromBlock: proposal.createdBlock,
      strict: true,
    });
    const cast = earlier.find((log) => log.args.proposalId === proposal.id);
    const how =
      cast === undefined
        ? ""
        : ` (${supportName(cast.args.support)}, weight ${formatVotes(cast.args.weight)}, in block ${cast.blockNumber})`;
    throw new ActionRefused("vote", `${options.from} already voted on ${name}${how}; a vote cannot be changed`);
  }

  const receipt = await sendGovernanceTx(chain, {
    from: options.from,
    to: chain.addresses.governor,
    data: encodeVote(proposal.id, options.support, options.reason ?? ""),
    what: `vote on ${name}`,
  });
  const [cast] = parseEventLogs({ abi: GOVERNOR_ABI, eventName: "VoteCast", logs: receipt.logs });
  if (cast === undefined) throw new GovernanceError(`vote: transaction ${receipt.transactionHash} emitted no VoteCast`);
  const weight = cast.args.weight;
  const result: VoteResult = { proposal, support: options.support, weight, txHash: receipt.transactionHash };
  if (weight === 0n) result.warning = await zeroWeightReason(chain, options.from, proposal);
  return result;
}

export function supportName(support: number): Support {
  const entry = Object.entries(SUPPORT).find(([, value]) => value === support);
  return (entry?.[0] ?? "abstain") as Support;
}

async function zeroWeightReason(chain: GovernanceChain, voter: Address, proposal: ProposalInfo): Promise<string> {
  const [delegate, votesNow] = await Promise.all([
    chain.client.readContract({
      address: chain.addresses.token,
      abi: VOTES_ABI,
      functionName: "delegates",
      args: [voter],
    }),
    chain.client.readContract({
      address: chain.addresses.token,
      abi: VOTES_ABI,
      functionName: "getVotes",
      args: [voter],
    }),
  ]);
  const now =
    votesNow > 0n
      ? ` It has ${formatVotes(votesNow)} votes now, delegated after the snapshot: they count from the next proposal on.`
      : ` Its tokens are delegated to ${delegate === "0x0000000000000000000000000000000000000000" ? "no one" : delegate}; delegate to yourself before a proposal's snapshot to vote with them.`;
  return `the vote counted 0: ${voter} had no delegated votes at the snapshot (block ${proposal.snapshot}).${now}`;
}
