// The protocol-owned agent: holds the treasury's delegated votes and tunes the store's parameters by
// its stated objective. When it is time to consider a change it measures the last window of the
// market, drafts candidates within each parameter's bounds, step and interval at the time the
// proposal would execute, evaluates every candidate on snapshots of the chain (what-ifs), scores each
// by the objective and proposes the best — or nothing, when no candidate beats the status quo beyond
// noise. It votes with its delegated power (for its own proposals, by its objective on others'),
// queues when Succeeded, executes at the Timelock's eta, and measures the effect afterwards over the
// same window. A guardian's pause it answers, after `unpauseAfterSteps`, with an unpause proposal.
// Everything it considered, chose and saw goes into the governance trail. What it sends runs on the same
// rails as `propose` by hand (protocol/rails.ts): a proposal they refuse is recorded, not sent.

import type { Address } from "viem";

import type { StepRow } from "../../mechanisms/vocabulary.ts";
import type { ProtocolAgentConfig } from "../../inputs/governance-types.ts";
import type { Participant, ParticipantTurn, RawCall, RawCallResult } from "../../engine/participants.ts";
import type { GovernanceBook, PlannedVote, TrackedProposal } from "./book.ts";
import { lifecycleCall, proposeCall, type Sender, voteCall } from "./calls.ts";
import { type Candidate, combinedCandidate, draftCandidates } from "./candidates.ts";
import type { LlmClient } from "../../llm/client.ts";
import { draftCandidatesWithModel, type ModelDrafted } from "./llm-draft.ts";
import { readParameters } from "../protocol/changes.ts";
import { evaluationWithHistory, type ProposalEvaluation } from "../evaluation/evaluation.ts";
import { describeObjective, judge, type Judgement } from "./objective.ts";
import {
  parameterProposal,
  proposalId,
  type ProposalActions,
  type Support,
  unpauseProposal,
} from "../protocol/proposal.ts";
import { type WindowMetrics, windowMetrics } from "../evaluation/window-metrics.ts";
import type { Forecast, RunForecast } from "../evaluation/model-fork.ts";
import type { RailsFixes } from "../protocol/rails.ts";
import { executionStep, stepsInEffect } from "./horizon.ts";

export const PROTOCOL_AGENT_ROLE = "protocol-agent";

/** One decision's forecasts over the whole run (`judgeOverRun`): changes applied at `applyAt`, `seeds` pairs of arms after `history`, the battle's steps so far. */
export type Forecaster = (applyAt: bigint, seeds: number, history: readonly StepRow[]) => RunForecast;

/** How to fix what the rails refuse of the protocol agent: its votes are the treasury's. */
const AGENT_FIXES: RailsFixes = {
  unpause: "it proposes an unpause only while the market is paused",
  description: "its proposals always have a description",
  exists: "its descriptions name the step, so this is the same proposal twice",
  delegate: () => "its votes are the treasury's, delegated to it by the bootstrap proposal at set-up",
  acquire: (_account, shortfall) =>
    `its votes are the treasury's, delegated to it at set-up: allocate the treasury ${shortfall} more tokens in the genesis`,
};

type Purpose =
  | { kind: "propose"; proposal: TrackedProposal }
  | { kind: "vote"; proposal: TrackedProposal; support: Support; currentVotes: bigint }
  | { kind: "queue" | "execute"; proposal: TrackedProposal };

interface Watch {
  proposal: TrackedProposal;
  before: WindowMetrics;
  predicted: Forecast;
}

export class ProtocolAgent implements Participant {
  readonly id: string;
  readonly address: Address;
  readonly config: ProtocolAgentConfig;
  private readonly book: GovernanceBook;
  private readonly sender: Sender;
  private readonly rows: StepRow[] = [];
  private nextConsider: number;
  private proposals = 0;
  private pausedSince: number | undefined;
  /** After the rails refused its unpause, it tries again `unpauseAfterSteps` later (not every step). */
  private unpauseRetryStep = 0;
  private purposes: Purpose[] = [];
  private readonly watches: Watch[] = [];
  /** The evaluation each of its parameter proposals was chosen on: the predicted effect. */
  private readonly expectations = new Map<TrackedProposal, Forecast>();
  private readonly forecast: Forecaster | undefined;

  /** `draft: llm`: the model that drafts its candidates instead of the grid of step fractions. */
  private readonly drafter: LlmClient | undefined;
  /** The run's last step (the scenario's `blocks`): the remaining-horizon rule counts to it. */
  private readonly runBlocks: number | undefined;

  constructor(
    config: ProtocolAgentConfig,
    address: Address,
    book: GovernanceBook,
    forecast?: Forecaster,
    drafter?: LlmClient,
    runBlocks?: number,
  ) {
    if (config.minRemainingSteps !== undefined && runBlocks === undefined)
      throw new Error(
        `${config.id} has a remaining-horizon rule but was given no run length (installGovernance gives it)`,
      );
    this.runBlocks = runBlocks;
    this.drafter = drafter;
    this.id = config.id;
    this.forecast = forecast;
    this.address = address;
    this.config = config;
    this.book = book;
    this.sender = { agent: config.id, address, role: PROTOCOL_AGENT_ROLE };
    this.nextConsider = config.startStep;
    book.addDecider((p, evaluation) => this.planVote(p, evaluation));
  }

  async turn(turn: ParticipantTurn): Promise<RawCall[]> {
    if (turn.lastRow !== undefined) this.rows.push(turn.lastRow);
    await this.book.refresh(turn);
    const calls: RawCall[] = [];
    this.purposes = [];
    const add = (call: RawCall, purpose: Purpose) => {
      calls.push(call);
      this.purposes.push(purpose);
    };

    for (const { proposal, step } of this.book.lifecycleCalls(this.id, turn))
      add(lifecycleCall(this.book.addresses, this.sender, proposal, step), { kind: step, proposal });
    for (const p of this.book.proposals) {
      if (!this.book.votingOpen(p, turn) || p.votes.some((v) => v.voter === this.id)) continue;
      const planned = p.plan!.find((v) => v.voter === this.id);
      if (planned === undefined || planned.support === "skip") continue;
      add(voteCall(this.book.addresses, this.sender, p, planned.support, planned.reason), {
        kind: "vote",
        proposal: p,
        support: planned.support,
        currentVotes: planned.currentVotes,
      });
    }
    this.monitorEffects(turn);

    const paused = turn.curve.paused;
    if (!paused) this.pausedSince = undefined;
    else this.pausedSince ??= turn.step;
    const open = this.book.open().filter((p) => p.proposer === this.id);
    if (
      paused &&
      this.config.unpauseAfterSteps !== undefined &&
      turn.step - this.pausedSince! >= this.config.unpauseAfterSteps &&
      turn.step >= this.unpauseRetryStep &&
      !open.some((p) => p.unpause)
    ) {
      const actions = unpauseProposal(
        this.book.addresses.market,
        `${this.id}: resume trading after the guardian's pause at step ${this.pausedSince} (proposed at step ${turn.step})`,
      );
      const proposal = await this.checkAndRegister(actions, [], true, turn);
      if (proposal !== undefined)
        add(proposeCall(this.book.addresses, this.sender, actions, "resume trading"), { kind: "propose", proposal });
      else this.unpauseRetryStep = turn.step + this.config.unpauseAfterSteps;
    }
    if (
      !paused &&
      this.config.parameters.length > 0 &&
      turn.step >= this.nextConsider &&
      !open.some((p) => !p.unpause)
    ) {
      this.nextConsider = turn.step + this.config.everySteps;
      const chosen = this.heldByHorizon(turn) ? undefined : await this.consider(turn);
      if (chosen !== undefined)
        add(proposeCall(this.book.addresses, this.sender, chosen.actions, chosen.note), {
          kind: "propose",
          proposal: chosen.proposal,
        });
    }
    return calls;
  }

  async settle(results: readonly RawCallResult[], turn: ParticipantTurn): Promise<void> {
    for (let i = 0; i < results.length; i++) {
      const purpose = this.purposes[i]!;
      const result = results[i]!;
      if (purpose.kind === "propose") this.book.confirm(purpose.proposal, result, turn);
      else if (purpose.kind === "vote")
        this.book.recordVote(purpose.proposal, this.id, purpose.support, result, purpose.currentVotes, turn);
      else {
        await this.book.settleLifecycle(purpose.proposal, purpose.kind, result, turn);
        const predicted = this.expectations.get(purpose.proposal);
        const before = this.rows.slice(-this.config.windowSteps);
        if (
          purpose.kind === "execute" &&
          result.status === "success" &&
          predicted !== undefined &&
          before.length >= 2
        ) {
          this.watches.push({ proposal: purpose.proposal, before: windowMetrics(before), predicted });
        }
      }
    }
  }

  /**
   * The remaining-horizon rule (`minRemainingSteps`): true when a change proposed now would be in
   * effect for fewer steps than the rule asks. It then records the decision once and considers no
   * further change (later ones would have fewer steps still).
   */
  private heldByHorizon(turn: ParticipantTurn): boolean {
    const least = this.config.minRemainingSteps;
    if (least === undefined) return false;
    const executeAt = this.book.expectedExecution(turn);
    const horizon = {
      step: turn.step,
      timestamp: turn.timestamp,
      executeAt,
      blockSeconds: this.book.timing.blockSeconds,
      blocks: this.runBlocks!,
    };
    const inEffect = stepsInEffect(horizon);
    if (inEffect >= least) return false;
    this.nextConsider = Number.POSITIVE_INFINITY;
    const window = this.rows.slice(-this.config.windowSteps);
    this.book.trail.add({
      step: turn.step,
      kind: "decision",
      by: this.id,
      objective: describeObjective(this.config.objective),
      monitor: window.length >= 2 ? windowMetrics(window) : null,
      expectedExecution: executeAt.toString(),
      horizon: { executionStep: executionStep(horizon), stepsInEffect: inEffect, minRemainingSteps: least },
      candidates: [],
      refused: [],
      choice: null,
      reason: `a change proposed now would execute at step ${executionStep(horizon)} and be in effect for ${inEffect} of the run's ${this.runBlocks} steps, fewer than minRemainingSteps (${least}): it proposes no further parameter change`,
    });
    return true;
  }

  /** Measure, draft, evaluate, choose: the proposal to send, or none (the decision is in the trail either way). */
  private async consider(
    turn: ParticipantTurn,
  ): Promise<{ actions: ProposalActions; proposal: TrackedProposal; note: string } | undefined> {
    const window = this.rows.slice(-this.config.windowSteps);
    const monitor = window.length >= 2 ? windowMetrics(window) : undefined;
    const executeAt = this.book.expectedExecution(turn);
    const forecast = this.config.judgeOverRun === true ? this.forecaster(executeAt) : undefined;
    const parameters = await readParameters(turn.chain.client, this.book.addresses.store);
    const modelDraft: ModelDrafted | undefined =
      this.drafter === undefined
        ? undefined
        : await draftCandidatesWithModel(this.drafter, {
            parameters,
            keys: this.config.parameters,
            executeAt,
            pending: this.book.pending(turn),
            objective: describeObjective(this.config.objective),
            ...(monitor === undefined ? {} : { monitor }),
            step: turn.step,
          });
    const drafted =
      modelDraft ??
      draftCandidates(
        parameters,
        this.config.parameters,
        this.config.stepFractions,
        executeAt,
        this.book.pending(turn),
      );
    const scored: {
      candidate: Candidate;
      actions: ProposalActions;
      evaluation?: Forecast;
      judgement?: Judgement;
      error?: string;
    }[] = [];
    const score = async (candidate: Candidate) => {
      const actions = parameterProposal(
        this.book.addresses.store,
        candidate.changes,
        `${this.id} proposal ${this.proposals + 1} (step ${turn.step}): ${candidate.description}` +
          (candidate.rationale === undefined ? "" : `\n\n${candidate.rationale}`),
      );
      try {
        const evaluation =
          forecast !== undefined
            ? await forecast.of(candidate.changes)
            : await this.evaluateOnChain(actions, executeAt, window);
        scored.push({ candidate, actions, evaluation, judgement: judge(this.config.objective, evaluation) });
      } catch (error) {
        scored.push({
          candidate,
          actions,
          error: error instanceof Error ? error.message.split("\n")[0] : String(error),
        });
      }
    };
    for (const candidate of drafted.candidates) await score(candidate);
    if (this.config.combine === true) {
      const combined = combinedCandidate(
        parameters,
        scored.map((s) => ({
          candidate: s.candidate,
          winner: s.judgement?.eligible === true && s.judgement.significant,
          improvement: s.judgement?.improvement.mean ?? 0,
        })),
        executeAt,
        this.book.pending(turn),
      );
      if (combined !== undefined) await score(combined);
    }
    const winners = scored.filter((s) => s.judgement?.eligible === true && s.judgement.significant);
    winners.sort((a, b) => b.judgement!.improvement.mean - a.judgement!.improvement.mean);
    const best = winners[0];
    const reason =
      best !== undefined
        ? `${best.candidate.description} improves ${this.config.objective.metric} by ${best.judgement!.improvement.mean.toPrecision(3)} (95% CI ${best.judgement!.improvement.low.toPrecision(3)} … ${best.judgement!.improvement.high.toPrecision(3)}) and keeps every condition`
        : drafted.candidates.length === 0
          ? "no candidate passes the rails: the store's rules at the expected execution time, and no other proposal pending on its key"
          : "no candidate beats the status quo beyond noise while keeping every condition";
    this.book.trail.add({
      step: turn.step,
      kind: "decision",
      by: this.id,
      objective: describeObjective(this.config.objective),
      monitor: monitor ?? null,
      expectedExecution: executeAt.toString(),
      parameters: Object.fromEntries(
        this.config.parameters.map((k) => [k, parameters.get(k)?.value.toString() ?? null]),
      ),
      ...(modelDraft === undefined
        ? {}
        : {
            drafter: {
              provider: this.drafter!.provider,
              model: this.drafter!.model,
              inputTokens: modelDraft.answer.usage.inputTokens,
              outputTokens: modelDraft.answer.usage.outputTokens,
            },
          }),
      candidates: scored.map((s) => ({
        change: s.candidate.description,
        ...(s.candidate.rationale === undefined ? {} : { rationale: s.candidate.rationale }),
        ...(s.error !== undefined
          ? { error: s.error }
          : {
              score: s.judgement!.improvement,
              eligible: s.judgement!.eligible,
              significant: s.judgement!.significant,
              violated: s.judgement!.violated,
              metrics: s.evaluation!.metrics,
            }),
      })),
      refused: drafted.refused,
      choice: best?.candidate.description ?? null,
      reason,
    });
    if (best === undefined) return undefined;
    const proposal = await this.checkAndRegister(best.actions, best.candidate.changes, false, turn);
    if (proposal === undefined) return undefined;
    this.expectations.set(proposal, best.evaluation!);
    return { actions: best.actions, proposal, note: reason };
  }

  /** A chain what-if over `evaluation.blocks`, judged after the monitor window under `judgeWithWindow`. */
  private async evaluateOnChain(
    actions: ProposalActions,
    executeAt: bigint,
    window: readonly StepRow[],
  ): Promise<ProposalEvaluation> {
    const evaluated = await this.book.evaluate(actions, executeAt, this.config.evaluation);
    return this.config.judgeWithWindow === true ? evaluationWithHistory(evaluated, window) : evaluated;
  }

  /** This decision's forecasts over the whole run (`judgeOverRun`): the steps so far, then the fast model to the run's end. */
  private forecaster(executeAt: bigint): RunForecast {
    if (this.forecast === undefined)
      throw new Error(`${this.id} judges over the run but was given no forecaster (installGovernance gives one)`);
    return this.forecast(executeAt, this.config.evaluation.seeds, this.rows);
  }

  /** Registers the proposal if the rails let it be sent; else registers it refused, with why (undefined). */
  private async checkAndRegister(
    actions: ProposalActions,
    changes: TrackedProposal["changes"],
    unpause: boolean,
    turn: ParticipantTurn,
  ): Promise<TrackedProposal | undefined> {
    const draft = { id: proposalId(actions), changes, unpause, description: actions.description };
    const problems = await this.book.check(draft, this.address, turn, AGENT_FIXES);
    const proposal = this.register(actions, changes, unpause, turn);
    if (problems.length === 0) return proposal;
    this.book.refuse(proposal, problems, turn);
    return undefined;
  }

  private register(
    actions: ProposalActions,
    changes: TrackedProposal["changes"],
    unpause: boolean,
    turn: ParticipantTurn,
  ): TrackedProposal {
    this.proposals++;
    return this.book.register({
      label: `${this.id}-${this.proposals}`,
      id: proposalId(actions),
      actions,
      changes,
      unpause,
      proposer: this.id,
      proposerAddress: this.address,
      proposedStep: turn.step,
    });
  }

  /** Its vote on any proposal: for its own; on others', by its objective on the proposal's evaluation. */
  private async planVote(
    p: TrackedProposal,
    evaluation: ProposalEvaluation | undefined,
  ): Promise<Omit<PlannedVote, "weight" | "currentVotes">[]> {
    const vote = (support: PlannedVote["support"], reason: string) => [
      { voter: this.id, address: this.address, support, reason },
    ];
    if (p.proposer === this.id) return vote("for", "its own proposal");
    if (p.unpause) return vote("for", "trading should resume");
    if (evaluation === undefined) return vote("abstain", "the proposal could not be evaluated");
    const j = judge(this.config.objective, evaluation);
    if (!j.eligible) return vote("against", `breaks its objective's conditions: ${j.violated.join("; ")}`);
    if (j.harmful) return vote("against", `worsens ${this.config.objective.metric}: ${j.summary}`);
    if (j.significant) return vote("for", `improves ${this.config.objective.metric}: ${j.summary}`);
    return vote("abstain", `no effect beyond noise: ${j.summary}`);
  }

  /**
   * Under `judgeOverRun`, once the run is complete (`rows` are all its steps): each executed change's
   * prediction, made over the whole run, beside the whole run as it happened, measured the same way
   * (window-metrics.ts over every step). The prediction assumed no later change; how many followed it
   * is recorded with it, as what it may not be compared without.
   */
  recordRunEffects(rows: readonly StepRow[]): void {
    if (this.config.judgeOverRun !== true || rows.length === 0 || rows.length !== this.runBlocks) return;
    const metric = this.config.objective.metric;
    const actual = windowMetrics(rows);
    const executed = this.book.proposals
      .filter((p) => p.proposer === this.id && p.status === "executed" && this.expectations.has(p))
      .sort((a, b) => a.executedStep! - b.executedStep!);
    for (const [i, p] of executed.entries()) {
      const predicted = this.expectations.get(p)!.metrics[metric];
      this.book.trail.add({
        step: rows.length,
        kind: "run-effect",
        proposal: p.label,
        metric,
        executedStep: p.executedStep!,
        predictedWith: predicted.with,
        predictedWithout: predicted.without,
        predictedChange: predicted.difference,
        actual: actual[metric],
        actualMinusPredicted: actual[metric] - predicted.with.mean,
        laterChanges: executed.length - 1 - i,
        note: "predicted when proposed: the whole run with this change and no later one (forecast seeds); actual: the whole run as it happened, later changes included",
      });
    }
  }

  /** After `windowSteps` steps of an executed change: the same metrics as in the window before it, predicted vs actual. */
  private monitorEffects(turn: ParticipantTurn): void {
    for (let i = this.watches.length - 1; i >= 0; i--) {
      const w = this.watches[i]!;
      // From the block before the execution: the move the change made when it executed counts.
      const executed = w.proposal.executedStep!;
      const after = this.rows.filter((r) => Number(r.step) >= executed);
      if (after.length < this.config.windowSteps) continue;
      this.watches.splice(i, 1);
      const base = this.rows.find((r) => Number(r.step) === executed - 1);
      const measured = windowMetrics(after.slice(0, this.config.windowSteps), base);
      const metric = this.config.objective.metric;
      this.book.trail.add({
        step: turn.step,
        kind: "effect",
        proposal: w.proposal.label,
        metric,
        before: w.before,
        after: measured,
        actualChange: measured[metric] - w.before[metric],
        predictedChange: w.predicted.metrics[metric].difference,
        // Under judgeOverRun the prediction is the change's effect on the whole run, not on a window.
        ...(this.config.judgeOverRun === true ? { predictedOver: "the whole run (judgeOverRun)" } : {}),
        note: "before: the window ending when it executed; after: the window starting then (other things moved too)",
      });
    }
  }
}
