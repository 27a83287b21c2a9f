// Scripted governance: given agents propose given changes, delegate and vote at given steps, as the
// scenario's governance.script says — the governance attacks (a whale pushing a harmful change, votes
// bought after a proposal's snapshot). A scripted proposer votes for its own proposal when voting
// opens (unless the script says otherwise), and queues and executes it if it passes, like anyone would.
// A scripted proposal runs on the same rails as `propose` by hand (protocol/rails.ts): its bounds are
// checked when the scenario is read; the rest (step, interval, a proposal pending on the same key, the
// proposer's votes) at its step, and one the rails refuse is recorded in the trail with the reasons and
// never sent.

import type { Address } from "viem";

import type { ScriptEntry } from "../../inputs/governance-types.ts";
import type { Participant, ParticipantTurn, RawCall, RawCallResult } from "../../engine/participants.ts";
import type { GovernanceBook, PlannedVote, TrackedProposal } from "./book.ts";
import { delegateCall, lifecycleCall, proposeCall, type Sender, voteCall } from "./calls.ts";
import { parameterProposal, proposalId, type Support, unpauseProposal } from "../protocol/proposal.ts";
import type { RailsFixes } from "../protocol/rails.ts";

export const SCRIPT_ROLE = "script";

/** How to fix a scripted proposal the rails refuse: in the scenario's words. */
const SCRIPT_FIXES: RailsFixes = {
  unpause: "script the unpause after the guardian's pause (governance.guardian), or drop unpause: true",
  description: "give the proposal a description",
  exists: "give the proposal another description",
  delegate: () =>
    'give the agent a "delegate: self" entry at an earlier step of the script, or list it in governance.voters (voters delegate to themselves at set-up)',
  acquire: (_account, shortfall) =>
    `give the agent ${shortfall} more tokens delegated to itself (funds.tokens and governance.voters), or script the proposal from an agent that has them`,
};

type Purpose =
  | { kind: "propose"; proposal: TrackedProposal }
  | { kind: "delegate"; agent: string }
  | { kind: "vote"; proposal: TrackedProposal; agent: string; support: Support; currentVotes: bigint }
  | { kind: "queue" | "execute"; proposal: TrackedProposal };

export class Script implements Participant {
  readonly id = "script";
  private readonly entries: readonly ScriptEntry[];
  private readonly wallets: ReadonlyMap<string, Address>;
  private readonly book: GovernanceBook;
  private purposes: Purpose[] = [];

  constructor(entries: readonly ScriptEntry[], wallets: ReadonlyMap<string, Address>, book: GovernanceBook) {
    this.entries = entries;
    this.wallets = wallets;
    this.book = book;
    book.addDecider((p) => Promise.resolve(this.plan(p)));
  }

  /** True when the script, not the agent's own what-if, decides this agent's vote on `p`. */
  decides(p: TrackedProposal, agent: string): boolean {
    return (
      (p.proposer === agent && this.proposers().has(agent)) ||
      this.entries.some((e) => e.agent === agent && e.action.kind === "vote" && e.action.proposal === p.label)
    );
  }

  async turn(turn: ParticipantTurn): Promise<RawCall[]> {
    await this.book.refresh(turn);
    const calls: RawCall[] = [];
    this.purposes = [];
    const add = (call: RawCall, purpose: Purpose) => {
      calls.push(call);
      this.purposes.push(purpose);
    };
    for (const proposer of this.proposers()) {
      for (const { proposal, step } of this.book.lifecycleCalls(proposer, turn))
        add(lifecycleCall(this.book.addresses, this.sender(proposer), proposal, step), { kind: step, proposal });
    }
    // A proposer votes for its own proposal once voting opens.
    for (const p of this.book.proposals) {
      if (
        !this.proposers().has(p.proposer) ||
        !this.book.votingOpen(p, turn) ||
        p.votes.some((v) => v.voter === p.proposer)
      )
        continue;
      if (this.entries.some((e) => e.agent === p.proposer && e.action.kind === "vote" && e.action.proposal === p.label))
        continue;
      const planned = p.plan!.find((v) => v.voter === p.proposer)!;
      add(voteCall(this.book.addresses, this.sender(p.proposer), p, "for", "its own proposal"), {
        kind: "vote",
        proposal: p,
        agent: p.proposer,
        support: "for",
        currentVotes: planned.currentVotes,
      });
    }
    for (const entry of this.entries) {
      if (entry.step !== turn.step) continue;
      const by = this.sender(entry.agent);
      const action = entry.action;
      if (action.kind === "propose") {
        const actions = action.unpause
          ? unpauseProposal(this.book.addresses.market, action.description)
          : parameterProposal(this.book.addresses.store, action.changes, action.description);
        const id = proposalId(actions);
        const draft = { id, changes: action.changes, unpause: action.unpause, description: action.description };
        const problems = await this.book.check(draft, by.address, turn, SCRIPT_FIXES);
        const proposal = this.book.register({
          label: action.label,
          id,
          actions,
          changes: action.changes,
          unpause: action.unpause,
          proposer: entry.agent,
          proposerAddress: by.address,
          proposedStep: turn.step,
        });
        if (problems.length > 0) {
          this.book.refuse(proposal, problems, turn);
          continue;
        }
        add(proposeCall(this.book.addresses, by, actions, `scripted proposal ${action.label}`), {
          kind: "propose",
          proposal,
        });
      } else if (action.kind === "delegate") {
        add(delegateCall(this.book.addresses, by, by.address, "scripted: delegate to itself"), {
          kind: "delegate",
          agent: entry.agent,
        });
      } else {
        const proposal = this.book.byLabel(action.proposal);
        if (proposal === undefined || proposal.status === "failed" || proposal.status === "refused") continue;
        const currentVotes = await this.book.currentVotes(by.address);
        add(voteCall(this.book.addresses, by, proposal, action.support, `scripted vote (${entry.path})`), {
          kind: "vote",
          proposal,
          agent: entry.agent,
          support: action.support,
          currentVotes,
        });
      }
    }
    return calls;
  }

  async settle(results: readonly RawCallResult[], turn: ParticipantTurn): Promise<void> {
    for (let i = 0; i < results.length; i++) {
      const purpose = this.purposes[i]!;
      const result = results[i]!;
      if (purpose.kind === "propose") this.book.confirm(purpose.proposal, result, turn);
      else if (purpose.kind === "vote")
        this.book.recordVote(purpose.proposal, purpose.agent, purpose.support, result, purpose.currentVotes, turn);
      else if (purpose.kind === "delegate")
        this.book.trail.add({
          step: turn.step,
          kind: "delegation",
          agent: purpose.agent,
          to: "itself",
          status: result.status,
          heldVotes: (await this.book.currentVotes(this.wallets.get(purpose.agent)!)).toString(),
        });
      else await this.book.settleLifecycle(purpose.proposal, purpose.kind, result, turn);
    }
  }

  private proposers(): Set<string> {
    return new Set(this.entries.filter((e) => e.action.kind === "propose").map((e) => e.agent));
  }

  private sender(agent: string): Sender {
    return { agent, address: this.wallets.get(agent)!, role: SCRIPT_ROLE };
  }

  /** The votes the script will cast on `p`, for the prediction: its proposer's, and every scripted vote. */
  private plan(p: TrackedProposal): Omit<PlannedVote, "weight" | "currentVotes">[] {
    const out: Omit<PlannedVote, "weight" | "currentVotes">[] = [];
    const explicit = this.entries.filter((e) => e.action.kind === "vote" && e.action.proposal === p.label);
    if (this.proposers().has(p.proposer) && !explicit.some((e) => e.agent === p.proposer)) {
      out.push({ voter: p.proposer, address: p.proposerAddress, support: "for", reason: "its own proposal" });
    }
    for (const e of explicit) {
      if (e.action.kind !== "vote") continue;
      out.push({
        voter: e.agent,
        address: this.wallets.get(e.agent)!,
        support: e.action.support,
        reason: `scripted vote (${e.path})`,
      });
    }
    return out;
  }
}
