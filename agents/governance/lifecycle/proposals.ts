// Proposals as the chain records them: found from the Governor's ProposalCreated logs, their actions
// decoded back into parameter changes (key, old → new, in human units) or an unpause, with state,
// votes, quorum at the snapshot, voting window and eta. A proposal is named by its id, a prefix of
// it, or its position in the listing (see resolveProposal).

import { type Address, decodeFunctionData, type Hex, toHex } from "viem";

import { STORE_ABI } from "../protocol/changes.ts";
import { formatParameter, keyToBytes32 } from "../../core/parameters.ts";
import { GovernanceError } from "./errors.ts";
import type { GovernanceChain } from "./governance-chain.ts";
import {
  decodeStoreWrites,
  GOVERNOR_ABI,
  MARKET_GOVERNANCE_ABI,
  PROPOSAL_STATES,
  type ProposalActions,
  type ProposalState,
} from "../protocol/proposal.ts";
import { PENDING_STATES, type PendingProposal, standing } from "../protocol/rails.ts";

/** What one action of a proposal does. */
export type ProposalEffect =
  | {
      kind: "set";
      key: string /** The value when the proposal was created (absent if the node cannot read that block). */;
      from?: bigint;
      to: bigint;
    }
  | { kind: "unpause" }
  | { kind: "call"; target: Address; selector: Hex };

/** A proposal as its ProposalCreated log tells it. */
export interface CreatedProposal {
  /** 1-based, in creation order: `#3` names the third proposal. */
  index: number;
  id: bigint;
  proposer: Address;
  actions: ProposalActions;
  /** Votes count at this block; voting opens the block after it. */
  snapshot: bigint;
  /** The last block in which votes are accepted. */
  deadline: bigint;
  createdBlock: bigint;
  createdTx: Hex;
}

export interface ProposalInfo extends CreatedProposal {
  description: string;
  effects: ProposalEffect[];
  state: ProposalState;
  votes: { for: bigint; against: bigint; abstain: bigint };
  /** for + abstain must reach this (token wei). */
  quorum: bigint;
  /** Unix seconds from which it may execute; undefined until queued. */
  eta?: bigint;
}

export async function createdProposals(chain: GovernanceChain): Promise<CreatedProposal[]> {
  const logs = await chain.client.getContractEvents({
    address: chain.addresses.governor,
    abi: GOVERNOR_ABI,
    eventName: "ProposalCreated",
    fromBlock: chain.deployBlock,
    toBlock: "latest",
    strict: true,
  });
  return logs.map((log, i) => ({
    index: i + 1,
    id: log.args.proposalId,
    proposer: log.args.proposer,
    actions: {
      targets: [...log.args.targets],
      values: [...log.args.values],
      calldatas: [...log.args.calldatas],
      description: log.args.description,
    },
    snapshot: log.args.voteStart,
    deadline: log.args.voteEnd,
    createdBlock: log.blockNumber,
    createdTx: log.transactionHash,
  }));
}

/** Every proposal, oldest first, optionally only those in one state. */
export async function listProposals(
  chain: GovernanceChain,
  options: { state?: ProposalState } = {},
): Promise<ProposalInfo[]> {
  const all = await Promise.all((await createdProposals(chain)).map((created) => proposalDetails(chain, created)));
  return options.state === undefined ? all : all.filter((p) => p.state === options.state);
}

/** The proposals that may still execute (Pending, Active, Succeeded, Queued), as the rails see them. */
export async function pendingProposals(chain: GovernanceChain): Promise<PendingProposal[]> {
  return (await listProposals(chain))
    .filter((p) => PENDING_STATES.includes(p.state))
    .map((p) => ({
      name: `#${p.index}`,
      keys: p.effects.flatMap((e) => (e.kind === "set" ? [e.key] : [])),
      unpause: p.effects.some((e) => e.kind === "unpause"),
      standing: standing(p),
    }));
}

/** One proposal by id, id prefix or listing position. */
export async function getProposal(chain: GovernanceChain, ref: string): Promise<ProposalInfo> {
  return proposalDetails(chain, resolveProposal(await createdProposals(chain), ref, chain.networkName));
}

/**
 * A reference to a proposal: `#3` or `3` (up to 4 digits) is the third in the listing; a longer
 * decimal number is the id or the start of it (at least 5 digits); `0x…` is the id in hex or its start.
 */
export function resolveProposal<P extends { index: number; id: bigint }>(
  proposals: readonly P[],
  ref: string,
  networkName: string,
): P {
  const text = ref.trim();
  const listing =
    proposals.length === 0
      ? "there are none yet (npx hardhat propose)"
      : `there are ${proposals.length}: ${proposals.map((p) => `#${p.index} ${shortId(p.id)}`).join(", ")}`;
  if (text === "")
    throw new GovernanceError(`give the proposal with --id (#N from the listing, or the id); ${listing}`);
  let matches: P[];
  const index = /^#?(\d{1,4})$/.exec(text);
  if (index !== null) matches = proposals.filter((p) => p.index === Number(index[1]));
  else if (/^\d{5,}$/.test(text)) matches = proposals.filter((p) => p.id.toString().startsWith(text));
  else if (/^0x[0-9a-fA-F]+$/.test(text))
    matches = proposals.filter((p) => toHex(p.id, { size: 32 }).startsWith(text.toLowerCase()));
  else
    throw new GovernanceError(
      `--id ${JSON.stringify(ref)} names no proposal: give #N (the listing's position), the id, or its first digits (5 or more)`,
    );
  if (matches.length === 0) throw new GovernanceError(`no proposal ${text} on "${networkName}"; ${listing}`);
  if (matches.length > 1)
    throw new GovernanceError(
      `${text} matches ${matches.map((p) => `#${p.index}`).join(", ")}; give more digits of the id`,
    );
  return matches[0]!;
}

/** The first ten digits of an id, which is how listings show it. */
export function shortId(id: bigint): string {
  const digits = id.toString();
  return digits.length <= 12 ? digits : `${digits.slice(0, 10)}…`;
}

export async function proposalDetails(chain: GovernanceChain, created: CreatedProposal): Promise<ProposalInfo> {
  const { client, addresses } = chain;
  const governor = { address: addresses.governor, abi: GOVERNOR_ABI } as const;
  const [state, [against, forVotes, abstain], quorum, eta, effects] = await Promise.all([
    client.readContract({ ...governor, functionName: "state", args: [created.id] }),
    client.readContract({ ...governor, functionName: "proposalVotes", args: [created.id] }),
    client.readContract({ ...governor, functionName: "quorum", args: [created.snapshot] }),
    client.readContract({ ...governor, functionName: "proposalEta", args: [created.id] }),
    decodeEffects(chain, created.actions, created.createdBlock),
  ]);
  return {
    ...created,
    description: created.actions.description,
    effects,
    state: PROPOSAL_STATES[state]!,
    votes: { for: forVotes, against, abstain },
    quorum,
    ...(eta === 0n ? {} : { eta }),
  };
}

async function decodeEffects(
  chain: GovernanceChain,
  actions: ProposalActions,
  atBlock: bigint,
): Promise<ProposalEffect[]> {
  const effects: ProposalEffect[] = [];
  for (const [i, target] of actions.targets.entries()) {
    const data = actions.calldatas[i]!;
    const writes = target.toLowerCase() === chain.addresses.store.toLowerCase() ? decodeStoreWrites(data) : undefined;
    if (writes !== undefined) {
      for (const w of writes) effects.push({ kind: "set", key: w.key, to: w.value });
      continue;
    }
    if (
      target.toLowerCase() === chain.addresses.market.toLowerCase() &&
      tryDecode(() => decodeFunctionData({ abi: MARKET_GOVERNANCE_ABI, data }))?.functionName === "unpause"
    ) {
      effects.push({ kind: "unpause" });
      continue;
    }
    effects.push({ kind: "call", target, selector: data.slice(0, 10) as Hex });
  }
  // The values before the proposal, read at its creation block (a node without that state leaves them out).
  for (const effect of effects) {
    if (effect.kind !== "set") continue;
    try {
      const p = await chain.client.readContract({
        address: chain.addresses.store,
        abi: STORE_ABI,
        functionName: "parameter",
        args: [keyToBytes32(effect.key)],
        blockNumber: atBlock,
      });
      if (p.exists) effect.from = p.value;
    } catch {
      // not an archive node: the old value stays unknown
    }
  }
  return effects;
}

function tryDecode<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

/** "market.buyFeeBps 100 → 120", "unpause the market", "call 0xabc… 0x12345678". */
export function describeEffect(effect: ProposalEffect): string {
  if (effect.kind === "unpause") return "unpause the market";
  if (effect.kind === "call") return `call ${effect.target} ${effect.selector}`;
  const to = formatParameter(effect.key, effect.to);
  return effect.from === undefined
    ? `${effect.key} → ${to}`
    : `${effect.key} ${formatParameter(effect.key, effect.from)} → ${to}`;
}

/** How to move a local chain to where a refused step could run; nothing on a live chain. */
export function advanceHint(chain: GovernanceChain, to: "start" | "end" | "eta", proposal: { index: number }): string {
  return chain.local
    ? `; on this local chain: npx hardhat advance --to ${to} --id ${proposal.index} --network ${chain.networkName}`
    : "";
}
