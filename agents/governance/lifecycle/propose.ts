// Propose: parameter changes (and optionally unpausing the market) checked against the store's rules
// at the time the proposal could first execute, and the proposer's votes against the threshold. Every
// problem is listed in one ProposalRefused before anything is sent. The id is known in advance
// (hashProposal) and checked against the one the Governor emits.

import { type Address, type Hex, parseAbi, parseEventLogs } from "viem";

import { checkChanges, describeChange, ProposalRefused, readParameters } from "../protocol/changes.ts";
import { type ParameterChange } from "../../core/parameters.ts";
import { GovernanceError } from "./errors.ts";
import { assertIdle, type GovernanceChain, sendGovernanceTx } from "./governance-chain.ts";
import { type GovernorSettings, readGovernorSettings } from "../protocol/governor-settings.ts";
import {
  encodePropose,
  GOVERNOR_ABI,
  MARKET_GOVERNANCE_ABI,
  parameterProposal,
  type ProposalActions,
  proposalId,
  unpauseProposal,
  VOTES_ABI,
} from "../protocol/proposal.ts";
import { formatVotes } from "../protocol/display.ts";
import { createdProposals } from "./proposals.ts";

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

const TOKEN_BALANCE_ABI = parseAbi(["function balanceOf(address) view returns (uint256)"]);

export async function propose(chain: GovernanceChain, options: ProposeOptions): Promise<ProposeResult> {
  await assertIdle(chain, "propose");
  const { client, addresses } = chain;
  const settings = await readGovernorSettings(client, addresses);
  const estimate = await estimateExecution(chain, settings);
  const parameters = await readParameters(client, addresses.store);
  const problems: string[] = [];

  if (options.changes.length > 0 || options.unpause !== true)
    problems.push(...checkChanges(parameters, options.changes, estimate.timestamp));
  if (
    options.unpause === true &&
    !(await client.readContract({ address: addresses.market, abi: MARKET_GOVERNANCE_ABI, functionName: "paused" }))
  ) {
    problems.push("the market is not paused, so unpausing it would revert at execution; drop --unpause");
  }
  const description = options.description.trim();
  if (description === "") problems.push("no description: say what the proposal changes and why (--description)");

  const actions = proposalActions(addresses, options.changes, description, options.unpause === true);
  const id = proposalId(actions);
  if (
    (await client.readContract({
      address: addresses.governor,
      abi: GOVERNOR_ABI,
      functionName: "proposalSnapshot",
      args: [id],
    })) !== 0n
  ) {
    problems.push(
      `a proposal with these actions and this description already exists (id ${id}); change the description to propose it again`,
    );
  }
  const votesProblem = await thresholdProblem(chain, options.from, settings.proposalThreshold);
  if (votesProblem !== undefined) problems.push(votesProblem);
  if (problems.length > 0) throw new ProposalRefused(problems);

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

/** Why `account` may not propose (its votes now, as the Governor counts them, below the threshold), or undefined. */
async function thresholdProblem(
  chain: GovernanceChain,
  account: Address,
  threshold: bigint,
): Promise<string | undefined> {
  const { client, addresses } = chain;
  const votes = await client.readContract({
    address: addresses.token,
    abi: VOTES_ABI,
    functionName: "getVotes",
    args: [account],
  });
  if (votes >= threshold) return undefined;
  const [balance, delegate] = await Promise.all([
    client.readContract({
      address: addresses.token,
      abi: TOKEN_BALANCE_ABI,
      functionName: "balanceOf",
      args: [account],
    }),
    client.readContract({ address: addresses.token, abi: VOTES_ABI, functionName: "delegates", args: [account] }),
  ]);
  const short = `${account} has ${formatVotes(votes)} votes; proposing needs ${formatVotes(threshold)}`;
  if (balance >= threshold && delegate.toLowerCase() !== account.toLowerCase()) {
    return `${short}. It holds ${formatVotes(balance)} tokens but has not delegated them to itself: call delegate(${account}) on the token, then propose in a later block`;
  }
  return `${short}. Acquire ${formatVotes(threshold - votes)} more (buy tokens and delegate them to yourself, or ask holders to delegate to ${account}), or propose from an account that has them (--from)`;
}
