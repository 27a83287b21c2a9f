// The voters of a battle: trading agents that delegated their votes to themselves at set-up and vote
// on every proposal by their own objective, their PnL with the change minus without it, read from the
// one what-if the book runs when the proposal goes Active (voters.ts decides for / against / abstain).
// An indifferent voter abstains (which counts for quorum) or, with whenIndifferent: skip, does not
// vote at all. A voter leaves its own proposals, and those the script votes on for it, to the script.

import type { Address } from "viem";

import type { VotersConfig } from "../../inputs/governance-types.ts";
import type { Participant, ParticipantTurn, RawCall, RawCallResult } from "../../engine/participants.ts";
import type { GovernanceBook, PlannedVote, TrackedProposal } from "./book.ts";
import { type Sender, voteCall } from "./calls.ts";
import type { ProposalEvaluation } from "../evaluation/evaluation.ts";
import type { Support } from "../protocol/proposal.ts";
import { decideVote } from "../evaluation/voters.ts";

export const VOTER_ROLE = "voter";

export class Voters implements Participant {
  readonly id = "voters";
  private readonly book: GovernanceBook;
  private readonly config: VotersConfig;
  private readonly voters: Sender[];
  /** Agents that vote by the script on a proposal (label → ids). */
  private readonly scripted: (proposal: TrackedProposal, agent: string) => boolean;
  private purposes: { proposal: TrackedProposal; voter: string; support: Support; currentVotes: bigint }[] = [];

  constructor(
    config: VotersConfig,
    wallets: ReadonlyMap<string, Address>,
    book: GovernanceBook,
    scripted: (proposal: TrackedProposal, agent: string) => boolean,
  ) {
    this.config = config;
    this.book = book;
    this.scripted = scripted;
    this.voters = config.agents.map((agent) => ({ agent, address: wallets.get(agent)!, role: VOTER_ROLE }));
    book.addDecider((p, evaluation) => Promise.resolve(this.plan(p, evaluation)));
  }

  async turn(turn: ParticipantTurn): Promise<RawCall[]> {
    await this.book.refresh(turn);
    const calls: RawCall[] = [];
    this.purposes = [];
    for (const p of this.book.proposals) {
      if (!this.book.votingOpen(p, turn)) continue;
      for (const voter of this.voters) {
        if (voter.agent === p.proposer || this.scripted(p, voter.agent)) continue;
        const planned = p.plan!.find((v) => v.voter === voter.agent);
        if (planned === undefined || planned.support === "skip" || p.votes.some((v) => v.voter === voter.agent))
          continue;
        // A voter with no votes at the snapshot has nothing to add; it does not pay gas for a vote of weight 0.
        if (planned.weight === 0n) continue;
        calls.push(voteCall(this.book.addresses, voter, p, planned.support, planned.reason));
        this.purposes.push({
          proposal: p,
          voter: voter.agent,
          support: planned.support,
          currentVotes: planned.currentVotes,
        });
      }
    }
    return calls;
  }

  settle(results: readonly RawCallResult[], turn: ParticipantTurn): void {
    results.forEach((result, i) => {
      const { proposal, voter, support, currentVotes } = this.purposes[i]!;
      this.book.recordVote(proposal, voter, support, result, currentVotes, turn);
    });
  }

  private plan(
    p: TrackedProposal,
    evaluation: ProposalEvaluation | undefined,
  ): Omit<PlannedVote, "weight" | "currentVotes">[] {
    const out: Omit<PlannedVote, "weight" | "currentVotes">[] = [];
    for (const voter of this.voters) {
      if (voter.agent === p.proposer || this.scripted(p, voter.agent)) continue;
      const effect = evaluation?.source.agents.find((a) => a.name === voter.agent);
      if (effect === undefined) {
        out.push({
          voter: voter.agent,
          address: voter.address,
          support: this.config.whenIndifferent === "skip" ? "skip" : "abstain",
          reason: "the proposal could not be evaluated",
        });
        continue;
      }
      const decision = decideVote(effect);
      const indifferent = decision.support === "abstain";
      out.push({
        voter: voter.agent,
        address: voter.address,
        support: indifferent && this.config.whenIndifferent === "skip" ? "skip" : decision.support,
        reason: decision.reason,
      });
    }
    return out;
  }
}
