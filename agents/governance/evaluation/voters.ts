// Voters: token-holding agents judge a proposal by their own objective, their PnL with the change
// minus their PnL without it (evaluate.ts, paired by seed), and vote for when that is significantly
// positive, against when significantly negative, and abstain when it is within noise. Their weight is
// the votes delegated to them; the prediction adds the weights up the way GovernorCountingSimple does.

import { type Address, getAddress, parseAbi } from "viem";

import { formatInterval, type Interval } from "../../core/interval.ts";
import type { Chain } from "../../chain/chain.ts";
import type { AgentWallet } from "../../inputs/scenario-types.ts";
import { TxSender } from "../../chain/tx-sender.ts";
import type { Evaluation, PnlEffect } from "./evaluate.ts";
import {
  encodeDelegate,
  encodeVote,
  GOVERNANCE_GAS,
  GOVERNOR_ABI,
  PROPOSAL_STATES,
  type ProposalState,
  type Support,
  VOTES_ABI,
} from "../protocol/proposal.ts";
import { countVotes } from "../protocol/vote-count.ts";
import { WhatIfError } from "./what-if.ts";

/** One voter's decision on a proposal. */
export interface VoterDecision {
  agent: string;
  address: Address;
  group: string;
  support: Support;
  /** Votes delegated to it (at the proposal's snapshot when submitted, else now), token wei. */
  votes: bigint;
  /** Its PnL with the change minus without, quote, over the seeds. */
  effect: Interval;
  /** Why, with the numbers: posted as the vote's reason. */
  reason: string;
}

/** Where a proposal stands: submitted (its id) or a draft. */
export type ProposalRef = { kind: "submitted"; id: bigint } | { kind: "draft" };

export interface OutcomePrediction {
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
  /** Votes for + abstain must reach this (GovernorCountingSimple's quorum counts both). */
  quorum: bigint;
  quorumReached: boolean;
  /** The state once voting ends. */
  state: "Succeeded" | "Defeated";
  /** Why, in a sentence with the numbers. */
  why: string;
  /** The block voting power is read at (the proposal's snapshot, or the latest block for a draft). */
  timepoint: bigint;
  /** Delegates holding votes at the timepoint that are not agents of the scenario (not evaluated). */
  others: { address: Address; votes: bigint }[];
  othersVotes: bigint;
  /** The state if the other delegates all voted for, or all against, beside the agents. */
  ifOthersFor: "Succeeded" | "Defeated";
  ifOthersAgainst: "Succeeded" | "Defeated";
}

export interface ActualOutcome {
  state: ProposalState;
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
}

const QUORUM_ABI = parseAbi([
  "function quorumNumerator() view returns (uint256)",
  "function quorumDenominator() view returns (uint256)",
]);
const SUPPLY_ABI = parseAbi(["function totalSupply() view returns (uint256)"]);
const [DELEGATE_VOTES_CHANGED] = parseAbi([
  "event DelegateVotesChanged(address indexed delegate, uint256 previousVotes, uint256 newVotes)",
]);

/** for / against when the effect is more than noise, abstain otherwise; the reason gives the numbers. */
export function decideVote(effect: PnlEffect): { support: Support; reason: string } {
  const d = effect.difference;
  if (d.n < 2)
    return {
      support: "abstain",
      reason: `PnL effect ${formatInterval(d)} quote: one seed gives no interval, so the effect cannot be told from noise`,
    };
  const numbers = `PnL effect ${formatInterval(d)} quote (95% CI ${d.low.toFixed(2)} to ${d.high.toFixed(2)}, ${d.n} seeds)`;
  if (effect.significant && d.mean > 0) return { support: "for", reason: `${numbers}: better off with the change` };
  if (effect.significant && d.mean < 0) return { support: "against", reason: `${numbers}: worse off with the change` };
  return { support: "abstain", reason: `${numbers}: within noise` };
}

/**
 * Each wallet's decision and weight. Voting power is the votes delegated to the wallet at the
 * proposal's snapshot (submitted, snapshot already mined) or now (a draft, or a snapshot still ahead).
 */
export async function voterDecisions(
  chain: Chain,
  governor: Address,
  token: Address,
  wallets: readonly AgentWallet[],
  evaluation: Evaluation,
  proposal: ProposalRef,
): Promise<VoterDecision[]> {
  const effects = new Map(evaluation.agents.map((e) => [e.name, e]));
  const timepoint = await votingTimepoint(chain, governor, proposal);
  const out: VoterDecision[] = [];
  for (const wallet of wallets) {
    const effect = effects.get(wallet.config.id);
    if (effect === undefined)
      throw new RangeError(
        `voterDecisions: agent "${wallet.config.id}" is not in the evaluation (its agents are ${[...effects.keys()].join(", ")})`,
      );
    const votes = await votesAt(chain, governor, token, wallet.address, timepoint);
    const { support, reason } = decideVote(effect);
    out.push({
      agent: wallet.config.id,
      address: getAddress(wallet.address),
      group: effect.group,
      support,
      votes,
      effect: effect.difference,
      reason,
    });
  }
  return out;
}

/**
 * The outcome if the voters vote as decided and no one else votes: for > against, and for + abstain ≥
 * quorum (governor.quorum(snapshot) for a submitted proposal; quorumNumerator × current supply /
 * quorumDenominator for a draft, which is what the Governor records when it is proposed). Delegates
 * that are not agents (the genesis holders, anyone on a real chain) are listed with their votes, and
 * the outcome is also counted as if they all voted for, and all against: whether they can swing it.
 */
export async function predictOutcome(
  chain: Chain,
  governor: Address,
  token: Address,
  decisions: readonly VoterDecision[],
  proposal: ProposalRef,
): Promise<OutcomePrediction> {
  const timepoint = await votingTimepoint(chain, governor, proposal);
  const quorum =
    proposal.kind === "submitted"
      ? await chain.client.readContract({
          address: governor,
          abi: GOVERNOR_ABI,
          functionName: "quorum",
          args: [await snapshotOf(chain, governor, proposal.id)],
        })
      : await draftQuorum(chain, governor, token);
  const { forVotes, againstVotes, abstainVotes, quorumReached, won, state } = countVotes(
    decisions.map((d) => ({ support: d.support, weight: d.votes })),
    quorum,
  );
  const tally = `for ${fmt(forVotes)}, against ${fmt(againstVotes)}, abstain ${fmt(abstainVotes)}; quorum ${fmt(quorum)} (for + abstain ${fmt(forVotes + abstainVotes)})`;
  const why = !won
    ? `votes: for does not exceed against (${tally})`
    : !quorumReached
      ? `quorum: for + abstain falls short of the quorum (${tally})`
      : `votes and quorum: for exceeds against and quorum is reached (${tally})`;
  const agents = new Set(decisions.map((d) => d.address.toLowerCase()));
  const others = (await delegatesAt(chain, governor, token, timepoint)).filter(
    (d) => !agents.has(d.address.toLowerCase()),
  );
  const othersVotes = others.reduce((sum, d) => sum + d.votes, 0n);
  const agentVotes = decisions.map((d) => ({ support: d.support, weight: d.votes }));
  const ifOthersFor = countVotes([...agentVotes, { support: "for", weight: othersVotes }], quorum).state;
  const ifOthersAgainst = countVotes([...agentVotes, { support: "against", weight: othersVotes }], quorum).state;
  return {
    forVotes,
    againstVotes,
    abstainVotes,
    quorum,
    quorumReached,
    state,
    why,
    timepoint,
    others,
    othersVotes,
    ifOthersFor,
    ifOthersAgainst,
  };
}

/** Every account with delegated votes at `timepoint`, from the token's DelegateVotesChanged events. */
async function delegatesAt(
  chain: Chain,
  governor: Address,
  token: Address,
  timepoint: bigint,
): Promise<{ address: Address; votes: bigint }[]> {
  const logs = await chain.client.getLogs({
    address: token,
    event: DELEGATE_VOTES_CHANGED,
    fromBlock: 0n,
    toBlock: timepoint,
  });
  const seen = new Set<string>();
  const out: { address: Address; votes: bigint }[] = [];
  for (const log of logs) {
    const address = getAddress(log.args.delegate!);
    if (seen.has(address)) continue;
    seen.add(address);
    const votes = await votesAt(chain, governor, token, address, timepoint);
    if (votes > 0n) out.push({ address, votes });
  }
  return out.sort((a, b) => (a.votes === b.votes ? 0 : a.votes > b.votes ? -1 : 1));
}

/** The Governor's state and tally of a submitted proposal (to record beside the prediction). */
export async function actualOutcome(chain: Chain, governor: Address, id: bigint): Promise<ActualOutcome> {
  const state = await chain.client.readContract({
    address: governor,
    abi: GOVERNOR_ABI,
    functionName: "state",
    args: [id],
  });
  const [againstVotes, forVotes, abstainVotes] = await chain.client.readContract({
    address: governor,
    abi: GOVERNOR_ABI,
    functionName: "proposalVotes",
    args: [id],
  });
  return { state: PROPOSAL_STATES[state]!, forVotes, againstVotes, abstainVotes };
}

/**
 * Every wallet delegates its votes to itself: one `delegate` transaction each, mined in one block at
 * `timestamp` (the next second when absent). Wallets must be unlocked or impersonated (agents are).
 */
export async function selfDelegate(
  chain: Chain,
  token: Address,
  wallets: readonly AgentWallet[],
  options: { timestamp?: bigint; priorityFeeWei?: bigint } = {},
): Promise<void> {
  if (wallets.length === 0) return;
  const sender = new TxSender(chain, { maxFeePerGas: 10n ** 12n, priorityFeeWei: options.priorityFeeWei ?? 0n });
  const sent = [];
  for (const w of wallets)
    sent.push(
      await sender.send({
        from: w.address,
        to: token,
        data: encodeDelegate(w.address),
        gas: GOVERNANCE_GAS.delegate,
        contract: "ArenaToken",
        fn: "delegate",
      }),
    );
  const timestamp = options.timestamp ?? BigInt((await chain.client.getBlock()).timestamp) + 1n;
  const receipts = await sender.mine(sent, timestamp);
  const failed = receipts.findIndex((r) => r.status !== "success");
  if (failed >= 0)
    throw new WhatIfError(
      `self-delegation of agent "${wallets[failed]!.config.id}" reverted (${receipts[failed]!.hash}); is ${token} the arena token?`,
    );
}

/**
 * Each voter with votes casts its decision with its reason (one castVoteWithReason each), mined in one
 * block at `timestamp` (the next second when absent). Voters without votes do not vote.
 */
export async function castDecisions(
  chain: Chain,
  governor: Address,
  id: bigint,
  decisions: readonly VoterDecision[],
  options: { timestamp?: bigint } = {},
): Promise<void> {
  const voting = decisions.filter((d) => d.votes > 0n);
  if (voting.length === 0) return;
  const sender = new TxSender(chain, { maxFeePerGas: 10n ** 12n, priorityFeeWei: 0n });
  const sent = [];
  for (const d of voting)
    sent.push(
      await sender.send({
        from: d.address,
        to: governor,
        data: encodeVote(id, d.support, d.reason),
        gas: GOVERNANCE_GAS.vote,
        contract: "ArenaGovernor",
        fn: "castVoteWithReason",
      }),
    );
  const timestamp = options.timestamp ?? BigInt((await chain.client.getBlock()).timestamp) + 1n;
  const receipts = await sender.mine(sent, timestamp);
  const failed = receipts.findIndex((r) => r.status !== "success");
  if (failed >= 0)
    throw new WhatIfError(
      `the vote of agent "${voting[failed]!.agent}" reverted (${receipts[failed]!.hash}); is proposal ${id} active?`,
    );
}

async function snapshotOf(chain: Chain, governor: Address, id: bigint): Promise<bigint> {
  const snapshot = await chain.client.readContract({
    address: governor,
    abi: GOVERNOR_ABI,
    functionName: "proposalSnapshot",
    args: [id],
  });
  if (snapshot === 0n)
    throw new RangeError(
      `proposal ${id} does not exist on governor ${governor}; check the id (npx hardhat proposals --network <name> lists them)`,
    );
  return snapshot;
}

/** The block voting power is read at: the proposal's snapshot once mined, else the latest block. */
async function votingTimepoint(chain: Chain, governor: Address, proposal: ProposalRef): Promise<bigint> {
  const latest = await chain.client.getBlockNumber();
  if (proposal.kind === "draft") return latest;
  const snapshot = await snapshotOf(chain, governor, proposal.id);
  return snapshot < latest ? snapshot : latest;
}

async function votesAt(
  chain: Chain,
  governor: Address,
  token: Address,
  account: Address,
  timepoint: bigint,
): Promise<bigint> {
  const latest = await chain.client.getBlockNumber();
  // getVotes(account, t) needs t in the past; at the latest block the current votes are the same number.
  if (timepoint >= latest)
    return chain.client.readContract({ address: token, abi: VOTES_ABI, functionName: "getVotes", args: [account] });
  return chain.client.readContract({
    address: governor,
    abi: GOVERNOR_ABI,
    functionName: "getVotes",
    args: [account, timepoint],
  });
}

async function draftQuorum(chain: Chain, governor: Address, token: Address): Promise<bigint> {
  const numerator = await chain.client.readContract({
    address: governor,
    abi: QUORUM_ABI,
    functionName: "quorumNumerator",
  });
  const denominator = await chain.client.readContract({
    address: governor,
    abi: QUORUM_ABI,
    functionName: "quorumDenominator",
  });
  const supply = await chain.client.readContract({ address: token, abi: SUPPLY_ABI, functionName: "totalSupply" });
  return (supply * numerator) / denominator;
}

/** Token wei as tokens with two decimals. */
function fmt(wei: bigint): string {
  const cents = wei / 10n ** 16n;
  return `${(cents / 100n).toLocaleString("en-US")}.${(cents % 100n).toString().padStart(2, "0")}`;
}
