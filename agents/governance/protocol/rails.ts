// The rails every proposal runs on before it is sent, by hand (lifecycle/propose.ts) or inside a
// battle (battle/script.ts and battle/protocol-agent.ts, through the book): each change against the
// store's bounds, maximum step and minimum interval at the time the proposal would execute
// (changes.ts); no other proposal still pending on the same key (Pending, Active, Succeeded or Queued:
// the store would refuse the second write within the interval, so one of them could never execute);
// an unpause only of a paused market, and not while another unpause is pending; a description; actions
// no proposal has already; and the proposer's votes against the Governor's threshold. `proposalProblems`
// lists every problem at once; `readRailsState` reads what it needs from the chain.

import { type Address, getAddress, type PublicClient, parseAbi } from "viem";

import type { ParameterChange } from "../../core/parameters.ts";
import { checkChanges, readParameters, type StoredParameter } from "./changes.ts";
import { formatTime, formatVotes } from "./display.ts";
import {
  type GovernanceAddresses,
  GOVERNOR_ABI,
  MARKET_GOVERNANCE_ABI,
  type ProposalState,
  VOTES_ABI,
} from "./proposal.ts";

/** What a proposal would do, and its id (hashProposal of its actions). */
export interface ProposalDraft {
  id: bigint;
  changes: readonly ParameterChange[];
  unpause: boolean;
  description: string;
}

/** A proposal that has neither executed nor been defeated, canceled or expired. */
export interface PendingProposal {
  /** "#2" by hand (its place in the listing); its label in a battle. */
  name: string;
  keys: readonly string[];
  unpause: boolean;
  /** Where it stands: "Active, ends at block 57". */
  standing: string;
}

/** The Governor's states in which a proposal may still execute. */
export const PENDING_STATES: readonly ProposalState[] = ["Pending", "Active", "Succeeded", "Queued"];

/** "Active, ends at block 57", "Queued, may execute from 2026-01-02T01:00:00Z (unix 1767315600)". */
export function standing(p: { state: ProposalState; snapshot: bigint; deadline: bigint; eta?: bigint }): string {
  switch (p.state) {
    case "Pending":
      return `Pending, voting from block ${p.snapshot + 1n} to block ${p.deadline}`;
    case "Active":
      return `Active, ends at block ${p.deadline}`;
    case "Succeeded":
      return "Succeeded, not queued yet";
    case "Queued":
      return p.eta === undefined ? "Queued" : `Queued, may execute from ${formatTime(p.eta)}`;
    default:
      return p.state;
  }
}

export interface ProposerVotes {
  address: Address;
  /** Delegated votes now: the Governor counts them at the block before the proposal's. */
  votes: bigint;
  balance: bigint;
  delegate: Address;
}

/** Everything the rails look at, as the chain holds it before the proposal is sent. */
export interface RailsState {
  parameters: ReadonlyMap<string, StoredParameter>;
  /** Unix seconds at which the proposal would execute at the earliest. */
  executeAt: bigint;
  pending: readonly PendingProposal[];
  marketPaused: boolean;
  /** A proposal with the same actions and description exists already. */
  exists: boolean;
  proposer: ProposerVotes;
  threshold: bigint;
}

/** How to fix what the rails refuse, in the words of where the proposal comes from. */
export interface RailsFixes {
  unpause: string;
  description: string;
  exists: string;
  /** The proposer holds enough tokens but has not delegated them to itself. */
  delegate(account: Address): string;
  /** The proposer lacks `shortfall` votes. */
  acquire(account: Address, shortfall: string): string;
}

/** The fixes of `propose` by hand. */
export const BY_HAND: RailsFixes = {
  unpause: "drop --unpause",
  description: "say what the proposal changes and why (--description)",
  exists: "change the description to propose it again",
  delegate: (account) => `call delegate(${account}) on the token, then propose in a later block`,
  acquire: (account, shortfall) =>
    `Acquire ${shortfall} more (buy tokens and delegate them to yourself, or ask holders to delegate to ${account}), or propose from an account that has them (--from)`,
};

/** Every reason the proposal may not be sent, in order; none when it may. */
export function proposalProblems(draft: ProposalDraft, state: RailsState, fixes: RailsFixes = BY_HAND): string[] {
  const problems: string[] = [];
  if (draft.changes.length > 0 || !draft.unpause)
    problems.push(...checkChanges(state.parameters, draft.changes, state.executeAt));
  problems.push(...pendingProblems(draft, state.pending));
  if (draft.unpause && !state.marketPaused)
    problems.push(`the market is not paused, so unpausing it would revert at execution; ${fixes.unpause}`);
  if (draft.description.trim() === "") problems.push(`no description: ${fixes.description}`);
  if (state.exists)
    problems.push(
      `a proposal with these actions and this description already exists (id ${draft.id}); ${fixes.exists}`,
    );
  const votes = votesProblem(state.proposer, state.threshold, fixes);
  if (votes !== undefined) problems.push(votes);
  return problems;
}

/** A key (or the unpause) another pending proposal already changes: each such conflict. */
export function pendingProblems(
  draft: Pick<ProposalDraft, "changes" | "unpause">,
  pending: readonly PendingProposal[],
): string[] {
  const problems: string[] = [];
  const wait = "pending: wait for it to execute or be defeated";
  for (const key of new Set(draft.changes.map((c) => c.key))) {
    const other = pending.find((p) => p.keys.includes(key));
    if (other !== undefined) problems.push(`${key} already has proposal ${other.name} (${other.standing}) ${wait}`);
  }
  const unpause = draft.unpause ? pending.find((p) => p.unpause) : undefined;
  if (unpause !== undefined)
    problems.push(`the market already has an unpause proposal, ${unpause.name} (${unpause.standing}), ${wait}`);
  return problems;
}

function votesProblem(proposer: ProposerVotes, threshold: bigint, fixes: RailsFixes): string | undefined {
  if (proposer.votes >= threshold) return undefined;
  const account = proposer.address;
  const short = `${account} has ${formatVotes(proposer.votes)} votes; proposing needs ${formatVotes(threshold)}`;
  if (proposer.balance >= threshold && getAddress(proposer.delegate) !== getAddress(account))
    return `${short}. It holds ${formatVotes(proposer.balance)} tokens but has not delegated them to itself: ${fixes.delegate(account)}`;
  return `${short}. ${fixes.acquire(account, formatVotes(threshold - proposer.votes))}`;
}

const TOKEN_BALANCE_ABI = parseAbi(["function balanceOf(address) view returns (uint256)"]);

/** The rails' view of the chain at its latest block, for a proposal `id` from `proposer` executing at `executeAt`. */
export async function readRailsState(
  client: PublicClient,
  addresses: GovernanceAddresses,
  options: { proposer: Address; id: bigint; executeAt: bigint; pending: readonly PendingProposal[] },
): Promise<RailsState> {
  const governor = { address: addresses.governor, abi: GOVERNOR_ABI } as const;
  const token = { address: addresses.token, abi: VOTES_ABI } as const;
  const [parameters, threshold, snapshot, marketPaused, votes, balance, delegate] = await Promise.all([
    readParameters(client, addresses.store),
    client.readContract({ ...governor, functionName: "proposalThreshold" }),
    client.readContract({ ...governor, functionName: "proposalSnapshot", args: [options.id] }),
    client.readContract({ address: addresses.market, abi: MARKET_GOVERNANCE_ABI, functionName: "paused" }),
    client.readContract({ ...token, functionName: "getVotes", args: [options.proposer] }),
    client.readContract({
      address: addresses.token,
      abi: TOKEN_BALANCE_ABI,
      functionName: "balanceOf",
      args: [options.proposer],
    }),
    client.readContract({ ...token, functionName: "delegates", args: [options.proposer] }),
  ]);
  return {
    parameters,
    executeAt: options.executeAt,
    pending: options.pending,
    marketPaused,
    exists: snapshot !== 0n,
    proposer: { address: options.proposer, votes, balance, delegate },
    threshold,
  };
}
