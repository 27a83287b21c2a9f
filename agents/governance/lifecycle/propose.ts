// Propose: parameter changes (and optionally unpausing the market) checked on the rails every proposal
// runs on (protocol/rails.ts: the store's rules at the time the proposal could first execute, no other
// proposal pending on the same key, the proposer's votes against the threshold). Every problem is
// listed in one ProposalRefused before anything is sent. The id is known in advance
// (hashProposal) and checked against the one the Governor emits.

import { type Address, type Hex, parseEventLogs } from "viem";

import { describeChange, ProposalRefused } from "../protocol/changes.ts";
import { type ParameterChange } from "../../core/parameters.ts";
import { GovernanceError } from "./errors.ts";
import { assertIdle, type GovernanceChain, sendGovernanceTx } from "./governance-chain.ts";
import { type GovernorSettings, readGovernorSettings } from "../protocol/governor-settings.ts";
import {
  encodePropose,
  GOVERNOR_ABI,
  parameterProposal,
  type ProposalActions,
  proposalId,
  unpauseProposal,
} from "../protocol/proposal.ts";
import { proposalProblems, readRailsState } from "../protocol/rails.ts";
import { createdProposals, pendingProposals } from "./proposals.ts";

export interface ProposeOptions {
  from: Address;
  changes: readonly ParameterChange[];
  description: string;
  /** Also resume trading after a guardian's pause. */
  unpause?: boolean;
}

/** When the proposal could execute at the earliest, and what that rests on. */
export interface ExecutionEstimate {
  timestamp: bigint;
  secondsPerBlock: number;
  assumption: string;
}

export interface ProposeResult {
  id: bigint;
  /** Its position in the listing (`#N`). */
  index: number;
  actions: ProposalActions;
  /** "key old → new" per change, and "unpause the market". */
  lines: string[];
  txHash: Hex;
  blockNumber: bigint;
  snapshot: bigint;
  deadline: bigint;
  estimate: ExecutionEstimate;
}

/** Blocks averaged for a live chain's block time. */
const BLOCK_TIME_SAMPLE = 100n;

export async function propose(chain: GovernanceChain, options: ProposeOptions): Promise<ProposeResult> {
  await assertIdle(chain, "propose");
  const { client, addresses } = chain;
  const settings = await readGovernorSettings(client, addresses);
  const estimate = await estimateExecution(chain, settings);
  const description = options.description.trim();
  const unpause = options.unpause === true;
  const actions = proposalActions(addresses, options.changes, description, unpause);
  const id = proposalId(actions);
  const state = await readRailsState(client, addresses, {
    proposer: options.from,
    id,
    executeAt: estimate.timestamp,
    pending: await pendingProposals(chain),
  });
  const problems = proposalProblems({ id, changes: options.changes, unpause, description }, state);
  if (problems.length > 0) throw new ProposalRefused(problems);
  const parameters = state.parameters;

  const receipt = await sendGovernanceTx(chain, {
    from: options.from,
    to: addresses.governor,
    data: encodePropose(actions),
    what: "propose",
  });
  const [created] = parseEventLogs({ abi: GOVERNOR_ABI, eventName: "ProposalCreated", logs: receipt.logs });
  if (created === undefined)
    throw new GovernanceError(`propose: transaction ${receipt.transactionHash} emitted no ProposalCreated`);
  if (created.args.proposalId !== id) {
    throw new GovernanceError(
      `propose: the Governor created proposal ${created.args.proposalId}, but hashProposal gives ${id}; the Governor does not hash proposals as OpenZeppelin's does`,
    );
  }
  const lines = options.changes.map((c) => describeChange(c, parameters.get(c.key)?.value));
  if (options.unpause === true) lines.push("unpause the market");
  const index = (await createdProposals(chain)).find((p) => p.id === id)?.index ?? 0;
  return {
    id,
    index,
    actions,
    lines,
    txHash: receipt.transactionHash,
    blockNumber: receipt.blockNumber,
    snapshot: created.args.voteStart,
    deadline: created.args.voteEnd,
    estimate,
  };
}

/** Parameter changes in one store call, then the unpause (so trading resumes on the new parameters). */
export function proposalActions(
  addresses: { store: Address; market: Address },
  changes: readonly ParameterChange[],
  description: string,
  unpause: boolean,
): ProposalActions {
  const parts: ProposalActions[] = [];
  if (changes.length > 0) parts.push(parameterProposal(addresses.store, changes, description));
  if (unpause) parts.push(unpauseProposal(addresses.market, description));
  return {
    targets: parts.flatMap((p) => p.targets),
    values: parts.flatMap((p) => p.values),
    calldatas: parts.flatMap((p) => p.calldatas),
    description,
  };
}

/**
 * The earliest the proposal could execute: now + (voting delay + voting period) × block time + the
 * timelock delay. A live chain's block time is its average over the last 100 blocks; a local chain
 * mines on demand, so it is taken as 1 s, the least a block can add (and what `advance` mines).
 */
export async function estimateExecution(
  chain: GovernanceChain,
  settings: GovernorSettings,
): Promise<ExecutionEstimate> {
  const latest = await chain.client.getBlock();
  const blocks = settings.votingDelayBlocks + settings.votingPeriodBlocks;
  let voteSeconds: bigint;
  let secondsPerBlock: number;
  let assumption: string;
  if (chain.local || latest.number < BLOCK_TIME_SAMPLE) {
    voteSeconds = blocks;
    secondsPerBlock = 1;
    assumption = `local chain: blocks are mined on demand, taken as 1 s apart (as advance mines them), so the vote lasts at least ${blocks} s`;
  } else {
    const earlier = await chain.client.getBlock({ blockNumber: latest.number - BLOCK_TIME_SAMPLE });
    const span = latest.timestamp - earlier.timestamp;
    voteSeconds = (blocks * span) / BLOCK_TIME_SAMPLE;
    secondsPerBlock = Number(span) / Number(BLOCK_TIME_SAMPLE);
    assumption = `${secondsPerBlock.toFixed(1)} s per block (the average of the last ${BLOCK_TIME_SAMPLE} blocks), so the vote lasts about ${voteSeconds} s`;
  }
  return {
    timestamp: latest.timestamp + voteSeconds + settings.timelockDelaySeconds,
    secondsPerBlock,
    assumption: `${assumption}, then the timelock holds it ${settings.timelockDelaySeconds} s`,
  };
}
