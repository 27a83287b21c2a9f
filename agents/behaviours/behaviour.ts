// A behaviour: what an agent does. It gets an Observation (the state at the start of the step, its
// own holdings, recent prices) and a seeded Random, and returns Intents; the engine turns intents into
// transactions, mines them and tells the behaviour the outcome. No behaviour touches the chain:
// everything it reads comes through the Observation or the Quoter.

import type { Awaitable } from "../core/types.ts";
import type { Random } from "../core/random.ts";
import type { Quoter } from "../mechanisms/market/quoter.ts";
import type { AgentView, Intent, Observation } from "../mechanisms/vocabulary.ts";

/** A transaction already in the pending block (priority mode), as the engine decoded it. */
export interface PendingTx {
  hash: `0x${string}`;
  from: `0x${string}`;
  /** The agent that sent it, when it is one of the run's agents. */
  agentId?: string;
  intent: Intent;
  priorityFeeWei: bigint;
}

/** What became of one of a behaviour's intents, told to it after the block is mined. */
export interface IntentOutcome {
  intent: Intent;
  status: "success" | "reverted";
  gasUsed: bigint;
  /** Gas paid in wei (gasUsed × effective gas price). */
  gasCostWei: bigint;
  /** Decoded revert (`SlippageExceeded(1200, 1100)`), when it reverted. */
  error?: string;
  /** A deferred intent (a batch auction's order) mined but not yet settled: its settlement comes in a later step. */
  pending?: true;
  /** A deferred intent's settlement, in the step it settled: what it settled for. */
  settled?: string;
}

export interface StepOutcome {
  step: number;
  outcomes: readonly IntentOutcome[];
  /** The agent after the block was mined. */
  self: AgentView;
  curvePriceWad: bigint;
  poolPriceWad: bigint;
}

/** Services a behaviour may use while deciding; all read the state at the start of the step. */
export interface DecideContext {
  rng: Random;
  quoter: Quoter;
}

export interface Behaviour {
  /** The kind from the scenario (`threshold`, `noise`, ...). */
  readonly kind: string;
  /** Name used in gas profiles and the leaderboard (the scenario's `label`, else the kind). */
  readonly label: string;
  /**
   * Its step may start before the agents ahead of it in the block have decided (with `decisions:
   * simultaneous` every agent decides on the same state): the World starts every such step together
   * and awaits them in the agents' order, so slow decisions (a language model's) overlap.
   */
  readonly decidesAhead?: boolean;
  /**
   * Decide this step's intents. Deterministic: the same observations and the same draws from
   * `ctx.rng` give the same intents. May keep state between steps (history, estimates).
   */
  step(obs: Observation, ctx: DecideContext): Awaitable<Intent[]>;
  /**
   * Priority mode only: called once the other agents' transactions are in the pending block, so a
   * behaviour can read it and add transactions that outbid (or trail) them. Intents returned here
   * are mined in the same block, ordered by priority fee.
   */
  react?(obs: Observation, pending: readonly PendingTx[], ctx: DecideContext): Awaitable<Intent[]>;
  /** Told, after the block is mined, what became of this behaviour's intents (for learners). */
  settle?(outcome: StepOutcome): void;
  /** Frees what it holds beyond the JavaScript heap (a strategy's sandbox) when its run has ended. */
  dispose?(): void;
}
