// The proposals of a battle and where each stands. Participants check a proposal on the rails every
// proposal runs on (protocol/rails.ts, the same as `propose` by hand), register it, and then either
// send it and confirm it from its receipt, or — when the rails refuse it — record the refusal with its
// reasons instead of a transaction; each step the book reads what the Governor decided once voting
// closed, and records the outcome beside the prediction made when voting opened. When a proposal goes
// Active it is evaluated once (its what-if), every decider (the protocol agent, the voters, the
// script) plans its vote from that one evaluation, and the outcome is predicted from the planned votes
// weighted as the Governor will weigh them: delegated votes at the snapshot.

import { type Address, getAddress, type PublicClient } from "viem";

import type { ParameterChange } from "../../core/parameters.ts";
import {
  type GovernanceAddresses,
  GOVERNOR_ABI,
  PROPOSAL_STATES,
  type ProposalActions,
  type ProposalState,
  type Support,
  VOTES_ABI,
} from "../protocol/proposal.ts";
import type { ProposalEvaluation } from "../evaluation/evaluation.ts";
import {
  type PendingProposal,
  type ProposalDraft,
  proposalProblems,
  type RailsFixes,
  readRailsState,
  standing,
} from "../protocol/rails.ts";
import type { EvaluationConfig } from "../../inputs/governance-types.ts";
import type { GovernanceTrail } from "./trail.ts";
import type { ParticipantTurn, RawCallResult } from "../../engine/participants.ts";
import { proposalCreated, voteWeight } from "./receipts.ts";
import { countVotes } from "../protocol/vote-count.ts";

export interface GovernanceTiming {
  votingDelayBlocks: bigint;
  votingPeriodBlocks: bigint;
  timelockDelaySeconds: bigint;
  blockSeconds: number;
}

/** A vote someone means to cast, with the weight the Governor will count (votes at the snapshot). */
export interface PlannedVote {
  voter: string;
  address: Address;
  /** "skip": it will not vote (indifferent and told to skip, or the evaluation failed). */
  support: Support | "skip";
  reason: string;
  weight: bigint;
  /** Votes it holds when voting opens (more than `weight` when bought after the snapshot). */
  currentVotes: bigint;
}

export interface Prediction {
  state: "Succeeded" | "Defeated";
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
  quorum: bigint;
  reason: string;
}

export interface CastVote {
  step: number;
  voter: string;
  support: Support;
  /** The weight the Governor counted (VoteCast); 0 for votes bought after the snapshot. */
  weight: bigint;
  /** The voter's votes when it voted. */
  currentVotes: bigint;
  status: "success" | "reverted" | "rejected";
  error?: string;
}

export type Decider = (
  proposal: TrackedProposal,
  evaluation: ProposalEvaluation | undefined,
  turn: ParticipantTurn,
) => Promise<Omit<PlannedVote, "weight" | "currentVotes">[]>;

export interface TrackedProposal {
  label: string;
  id: bigint;
  actions: ProposalActions;
  changes: ParameterChange[];
  unpause: boolean;
  /** The participant or agent that proposed it; it also queues and executes it. */
  proposer: string;
  proposerAddress: Address;
  proposedStep: number;
  /** refused: the rails refused it before sending (`refusal` says why); nothing went on chain. */
  status: "sent" | "open" | "decided" | "queued" | "executed" | "failed" | "refused";
  refusal?: string[];
  snapshot?: bigint;
  deadline?: bigint;
  evaluation?: ProposalEvaluation;
  evaluationError?: string;
  plan?: PlannedVote[];
  prediction?: Prediction;
  votes: CastVote[];
  finalState?: ProposalState;
  eta?: bigint;
  executedStep?: number;
  /** Sent this step already (queue, execute): not again until its receipt is in. */
  inFlight?: "queue" | "execute";
}

export type Evaluator = (
  actions: ProposalActions,
  applyAt: bigint,
  config: EvaluationConfig,
) => Promise<ProposalEvaluation>;

export class GovernanceBook {
  readonly proposals: TrackedProposal[] = [];
  readonly trail: GovernanceTrail;
  readonly addresses: GovernanceAddresses;
  readonly timing: GovernanceTiming;
  private readonly evaluator: Evaluator;
  private readonly deciders: Decider[] = [];
  private refreshedStep = 0;
  private readonly client: PublicClient;
  /** The what-if every proposal gets when its voting opens. */
  private readonly proposalEvaluation: EvaluationConfig;

  constructor(
    client: PublicClient,
    trail: GovernanceTrail,
    addresses: GovernanceAddresses,
    timing: GovernanceTiming,
    evaluator: Evaluator,
    proposalEvaluation: EvaluationConfig,
  ) {
    this.client = client;
    this.proposalEvaluation = proposalEvaluation;
    this.trail = trail;
    this.addresses = addresses;
    this.timing = timing;
    this.evaluator = evaluator;
  }

  addDecider(decider: Decider): void {
    this.deciders.push(decider);
  }

  evaluate(actions: ProposalActions, applyAt: bigint, config: EvaluationConfig): Promise<ProposalEvaluation> {
    return this.evaluator(actions, applyAt, config);
  }

  byLabel(label: string): TrackedProposal | undefined {
    return this.proposals.find((p) => p.label === label);
  }

  /** Proposals still to be decided, queued or executed. */
  open(): TrackedProposal[] {
    return this.proposals.filter(
      (p) =>
        p.status === "sent" ||
        p.status === "open" ||
        (p.status === "decided" && p.finalState === "Succeeded") ||
        p.status === "queued",
    );
  }

  /** The time a proposal sent in this step's block would execute: voting, one block to queue, the Timelock's delay. */
  expectedExecution(turn: ParticipantTurn): bigint {
    const t = this.timing;
    const queueBlocks = t.votingDelayBlocks + t.votingPeriodBlocks + 2n;
    const bs = BigInt(t.blockSeconds);
    const delaySteps = (t.timelockDelaySeconds + bs - 1n) / bs;
    return turn.timestamp + (queueBlocks + delaySteps) * bs;
  }

  /** When an open proposal would execute, from its deadline. */
  executionOf(proposal: TrackedProposal, turn: ParticipantTurn): bigint {
    const bs = BigInt(this.timing.blockSeconds);
    const blocksToQueue = proposal.deadline! + 2n - turn.block;
    const delaySteps = (this.timing.timelockDelaySeconds + bs - 1n) / bs;
    return turn.timestamp + ((blocksToQueue > 0n ? blocksToQueue : 0n) + delaySteps) * bs;
  }

  /** The open proposals as the rails see them, from this step's block. */
  pending(turn: ParticipantTurn): PendingProposal[] {
    return this.open().map((p) => ({
      name: p.label,
      keys: p.changes.map((c) => c.key),
      unpause: p.unpause,
      standing:
        p.status === "sent"
          ? `proposed in this block (step ${turn.step})`
          : p.status === "open"
            ? standing({
                state: turn.block <= p.snapshot! ? "Pending" : "Active",
                snapshot: p.snapshot!,
                deadline: p.deadline!,
              })
            : standing({
                state: p.status === "queued" ? "Queued" : "Succeeded",
                snapshot: p.snapshot!,
                deadline: p.deadline!,
                ...(p.eta === undefined ? {} : { eta: p.eta }),
              }),
    }));
  }

  /** Why a proposal sent in this step's block would be refused by hand (the rails), or none. */
  async check(draft: ProposalDraft, proposer: Address, turn: ParticipantTurn, fixes: RailsFixes): Promise<string[]> {
    const state = await readRailsState(this.client, this.addresses, {
      proposer,
      id: draft.id,
      executeAt: this.expectedExecution(turn),
      pending: this.pending(turn),
    });
    return proposalProblems(draft, state, fixes);
  }

  /** A registered proposal the rails refused: recorded with the reasons, and never sent. */
  refuse(proposal: TrackedProposal, problems: string[], turn: ParticipantTurn): void {
    proposal.status = "refused";
    proposal.refusal = problems;
    this.trail.add({
      step: turn.step,
      kind: "refused",
      ...proposalLine(proposal),
      expectedExecution: this.expectedExecution(turn).toString(),
      problems,
    });
  }

  register(proposal: Omit<TrackedProposal, "status" | "votes">): TrackedProposal {
    const tracked: TrackedProposal = { ...proposal, status: "sent", votes: [] };
    this.proposals.push(tracked);
    return tracked;
  }

  /** The propose transaction's receipt: the voting window, or why it failed. */
  confirm(proposal: TrackedProposal, result: RawCallResult, turn: ParticipantTurn): void {
    if (result.status !== "success") {
      proposal.status = "failed";
      this.trail.add({
        step: turn.step,
        kind: "call-failed",
        proposal: proposal.label,
        fn: "propose",
        by: proposal.proposer,
        error: result.error ?? result.status,
      });
      return;
    }
    // OpenZeppelin: voting opens after the snapshot block (voteStart) and closes at the deadline block (voteEnd).
    const created = proposalCreated(result.logs);
    proposal.snapshot = created?.voteStart ?? result.blockNumber + this.timing.votingDelayBlocks;
    proposal.deadline = created?.voteEnd ?? proposal.snapshot + this.timing.votingPeriodBlocks;
    proposal.status = "open";
    this.trail.add({
      step: turn.step,
      kind: "proposed",
      ...proposalLine(proposal),
      snapshot: proposal.snapshot.toString(),
      deadline: proposal.deadline.toString(),
      gasUsed: result.gasUsed.toString(),
    });
  }

  /** Once per step: evaluates proposals whose voting opened, and records those whose voting closed. */
  async refresh(turn: ParticipantTurn): Promise<void> {
    if (this.refreshedStep === turn.step) return;
    this.refreshedStep = turn.step;
    for (const p of this.proposals) {
      if (p.status !== "open") continue;
      // The latest block is past the snapshot, so votes at the snapshot can be read.
      if (p.plan === undefined && turn.block >= p.snapshot! + 2n && turn.block <= p.deadline!) await this.plan(p, turn);
      if (turn.block >= p.deadline! + 2n) await this.decide(p, turn);
    }
  }

  /** True while votes may be cast in this step's block. */
  votingOpen(p: TrackedProposal, turn: ParticipantTurn): boolean {
    return p.status === "open" && p.plan !== undefined && turn.block > p.snapshot! && turn.block <= p.deadline!;
  }

  private async plan(p: TrackedProposal, turn: ParticipantTurn): Promise<void> {
    const applyAt = this.executionOf(p, turn);
    try {
      p.evaluation = await this.evaluate(p.actions, applyAt, this.proposalEvaluation);
    } catch (error) {
      p.evaluationError = error instanceof Error ? error.message.split("\n")[0] : String(error);
    }
    const planned: PlannedVote[] = [];
    for (const decider of this.deciders) {
      for (const v of await decider(p, p.evaluation, turn)) {
        const [weight, currentVotes] = await Promise.all([
          this.pastVotes(v.address, p.snapshot!),
          this.currentVotes(v.address),
        ]);
        planned.push({ ...v, weight, currentVotes });
      }
    }
    p.plan = planned;
    const quorum = (await this.client.readContract({
      address: this.addresses.governor,
      abi: GOVERNOR_ABI,
      functionName: "quorum",
      args: [p.snapshot!],
    })) as bigint;
    p.prediction = predict(planned, quorum);
    this.trail.add({
      step: turn.step,
      kind: "evaluation",
      proposal: p.label,
      applyAt: applyAt.toString(),
      ...(p.evaluation === undefined
        ? { error: p.evaluationError }
        : { metrics: p.evaluation.metrics, seeds: p.evaluation.seeds, blocks: p.evaluation.blocks }),
      plan: planned.map((v) => ({ voter: v.voter, support: v.support, weight: v.weight.toString(), reason: v.reason })),
      prediction: showPrediction(p.prediction),
    });
  }

  private async decide(p: TrackedProposal, turn: ParticipantTurn): Promise<void> {
    const client = this.client;
    const state =
      PROPOSAL_STATES[
        Number(
          await client.readContract({
            address: this.addresses.governor,
            abi: GOVERNOR_ABI,
            functionName: "state",
            args: [p.id],
          }),
        )
      ]!;
    const [againstVotes, forVotes, abstainVotes] = (await client.readContract({
      address: this.addresses.governor,
      abi: GOVERNOR_ABI,
      functionName: "proposalVotes",
      args: [p.id],
    })) as readonly [bigint, bigint, bigint];
    const quorum = (await client.readContract({
      address: this.addresses.governor,
      abi: GOVERNOR_ABI,
      functionName: "quorum",
      args: [p.snapshot!],
    })) as bigint;
    p.finalState = state;
    p.status = "decided";
    const reason =
      state === "Succeeded"
        ? "more for than against, quorum reached"
        : forVotes + abstainVotes < quorum
          ? `quorum not reached (${forVotes + abstainVotes} of ${quorum})`
          : "not more for than against";
    // What the votes cast after the snapshot would have changed, had they counted with the votes their voters hold now.
    const late = p.votes.filter((v) => v.status === "success" && v.currentVotes > v.weight);
    const counterfactual =
      late.length === 0
        ? undefined
        : predict(
            [
              { support: "for", weight: forVotes },
              { support: "against", weight: againstVotes },
              { support: "abstain", weight: abstainVotes },
              ...late.map((v) => ({ support: v.support, weight: v.currentVotes - v.weight })),
            ],
            quorum,
          );
    this.trail.add({
      step: turn.step,
      kind: "outcome",
      proposal: p.label,
      proposalId: p.id.toString(),
      by: p.proposer,
      state,
      reason,
      votes: {
        for: forVotes.toString(),
        against: againstVotes.toString(),
        abstain: abstainVotes.toString(),
        quorum: quorum.toString(),
      },
      predicted: p.prediction === undefined ? null : showPrediction(p.prediction),
      predictionRight: p.prediction === undefined ? null : p.prediction.state === state,
      ...(counterfactual === undefined
        ? {}
        : {
            lateVotes: late.map((v) => ({
              voter: v.voter,
              support: v.support,
              counted: v.weight.toString(),
              held: v.currentVotes.toString(),
            })),
            hadLateVotesCounted: showPrediction(counterfactual),
          }),
    });
  }

  /** Queue once Succeeded, execute once the Timelock's delay has passed: the calls the proposer sends this step. */
  lifecycleCalls(proposer: string, turn: ParticipantTurn): { proposal: TrackedProposal; step: "queue" | "execute" }[] {
    const out: { proposal: TrackedProposal; step: "queue" | "execute" }[] = [];
    for (const p of this.proposals) {
      if (p.proposer !== proposer || p.inFlight !== undefined) continue;
      if (p.status === "decided" && p.finalState === "Succeeded") out.push({ proposal: p, step: "queue" });
      else if (p.status === "queued" && p.eta !== undefined && turn.timestamp >= p.eta)
        out.push({ proposal: p, step: "execute" });
    }
    for (const { proposal } of out) proposal.inFlight = out.find((o) => o.proposal === proposal)!.step;
    return out;
  }

  /** The queue or execute receipt. */
  async settleLifecycle(
    p: TrackedProposal,
    step: "queue" | "execute",
    result: RawCallResult,
    turn: ParticipantTurn,
  ): Promise<void> {
    p.inFlight = undefined;
    if (result.status !== "success") {
      p.status = "failed";
      this.trail.add({
        step: turn.step,
        kind: "call-failed",
        proposal: p.label,
        fn: step,
        by: p.proposer,
        error: result.error ?? result.status,
      });
      return;
    }
    if (step === "queue") {
      p.status = "queued";
      p.eta = (await this.client.readContract({
        address: this.addresses.governor,
        abi: GOVERNOR_ABI,
        functionName: "proposalEta",
        args: [p.id],
      })) as bigint;
      this.trail.add({
        step: turn.step,
        kind: "queued",
        proposal: p.label,
        eta: p.eta.toString(),
        gasUsed: result.gasUsed.toString(),
      });
    } else {
      p.status = "executed";
      p.executedStep = turn.step;
      this.trail.add({
        step: turn.step,
        kind: "executed",
        proposal: p.label,
        timestamp: result.timestamp.toString(),
        gasUsed: result.gasUsed.toString(),
      });
    }
  }

  /** A vote's receipt: the weight the Governor counted. */
  recordVote(
    p: TrackedProposal,
    voter: string,
    support: Support,
    result: RawCallResult,
    currentVotes: bigint,
    turn: ParticipantTurn,
  ): void {
    const weight = result.status === "success" ? (voteWeight(result.logs) ?? 0n) : 0n;
    const vote: CastVote = {
      step: turn.step,
      voter,
      support,
      weight,
      currentVotes,
      status: result.status,
      ...(result.error === undefined ? {} : { error: result.error }),
    };
    p.votes.push(vote);
    this.trail.add({
      step: turn.step,
      kind: "vote",
      proposal: p.label,
      voter,
      support,
      weight: weight.toString(),
      heldVotes: currentVotes.toString(),
      status: result.status,
      ...(result.error === undefined ? {} : { error: result.error }),
    });
  }

  async pastVotes(address: Address, timepoint: bigint): Promise<bigint> {
    return (await this.client.readContract({
      address: this.addresses.token,
      abi: VOTES_ABI,
      functionName: "getPastVotes",
      args: [getAddress(address), timepoint],
    })) as bigint;
  }

  async currentVotes(address: Address): Promise<bigint> {
    return (await this.client.readContract({
      address: this.addresses.token,
      abi: VOTES_ABI,
      functionName: "getVotes",
      args: [getAddress(address)],
    })) as bigint;
  }
}

/** The Governor's rule: Succeeded when for > against and for + abstain reach the quorum. */
export function predict(votes: readonly { support: Support | "skip"; weight: bigint }[], quorum: bigint): Prediction {
  const count = countVotes(votes, quorum);
  const reason =
    count.state === "Succeeded"
      ? "more for than against, quorum reached"
      : !count.quorumReached
        ? `quorum not reached (${count.forVotes + count.abstainVotes} of ${quorum})`
        : "not more for than against";
  return {
    state: count.state,
    forVotes: count.forVotes,
    againstVotes: count.againstVotes,
    abstainVotes: count.abstainVotes,
    quorum,
    reason,
  };
}

export function showPrediction(p: Prediction) {
  return {
    state: p.state,
    for: p.forVotes.toString(),
    against: p.againstVotes.toString(),
    abstain: p.abstainVotes.toString(),
    quorum: p.quorum.toString(),
    reason: p.reason,
  };
}

/** What the trail says of a proposal wherever it names one in full: label, id, proposer, changes, unpause, description. */
function proposalLine(proposal: TrackedProposal) {
  return {
    proposal: proposal.label,
    proposalId: proposal.id.toString(),
    by: proposal.proposer,
    changes: proposal.changes.map((c) => ({ key: c.key, value: c.value.toString() })),
    unpause: proposal.unpause,
    description: proposal.actions.description,
  };
}
