// What the engine's one step needs of whatever executes it: a chain (chain-backend.ts: transactions,
// receipts, the twins following the contracts' events) or the fast model (model-backend.ts: the twins
// themselves, applying intents in block order). The step itself is written once, in world.ts.

import type { Address, Hex } from "viem";

import type { Random } from "../core/random.ts";
import type { Behaviour, PendingTx } from "../behaviours/behaviour.ts";
import type { AnyMechanism, Flows } from "../mechanisms/mechanism.ts";
import type { Holdings, Intent } from "../mechanisms/vocabulary.ts";
import type { RawCall, RawCallResult } from "./participants.ts";

/** One agent of a run, on either backend. Counts are cumulative since the start of the run. */
export interface EngineAgent {
  id: string;
  /** Position in the scenario's agent list. */
  index: number;
  address: Address;
  /** Holder key (engine/holders.ts): how positions kept by holder (vesting schedules) find the agent. */
  key: string;
  behaviours: { behaviour: Behaviour; rng: Random }[];
  /** Live balances: the ledger's on a chain, the model's own on the fast model. */
  holdings: Holdings;
  startValue: bigint;
  gasWei: bigint;
  txs: number;
  reverts: number;
  gasUsed: bigint;
  claimable: bigint;
  locked: bigint;
}

/** The run's agents by scenario id: what intents naming another agent (a referrer) resolve through. */
export type AgentsById = ReadonlyMap<string, EngineAgent>;

/** What became of a transaction once its block was mined. */
export interface TxResult {
  status: "success" | "reverted";
  gasUsed: bigint;
  /** Gas paid in wei (gasUsed × effective gas price). */
  gasCostWei: bigint;
  /** Decoded revert (`SlippageExceeded(amount=…, limit=…)`). */
  error?: string;
  hash: Hex;
}

/** An agent's intent on its way into the step's block. */
export interface PendingIntent {
  agent: EngineAgent;
  behaviourIndex: number;
  intent: Intent;
  /** The engine's number for it (a deferred intent's settlement names it). */
  ticket: number;
  priorityFeeWei: bigint;
  /** Contract and function it became (the gas profile's names). */
  contract: string;
  fn: string;
  /** Set when the node refused it at sending: nothing was mined. */
  rejected?: string;
  /** Set by `mine`. */
  result?: TxResult;
}

/** A participant's raw call on its way into the step's block. */
export interface PendingCall {
  call: RawCall;
  rejected?: string;
  result?: TxResult & Pick<RawCallResult, "blockNumber" | "timestamp" | "logs">;
}

export interface Backend {
  /** Each mechanism's twin, by mechanism id. */
  readonly twins: ReadonlyMap<string, unknown>;
  /** The mechanisms it runs (every one the genesis deploys), in registry order; each has a twin. */
  readonly mechanisms: readonly AnyMechanism[];
  /** The latest mined block: its number, timestamp and base fee. */
  readonly latestBlock: bigint;
  readonly latestTimestamp: bigint;
  readonly baseFeeWei: bigint;
  /** The treasury's own quote balance (the model has nothing paying it: 0). */
  readonly treasuryBalanceQuote: bigint;
  /**
   * Puts an intent into the pending block: sends it (chain) or queues it (model); a bad word is a
   * RangeError. `agents` resolves an intent that names another agent (a referrer).
   */
  submit(item: PendingIntent, deadline: bigint, agents: AgentsById): Promise<void>;
  /** Puts a participant's raw call into the pending block (chain only). */
  sendCall(call: RawCall): Promise<PendingCall>;
  /** The pending block as a behaviour reading it sees it, in the order it will be mined. */
  pendingBlock(items: readonly PendingIntent[], agentOf: (address: string) => string | undefined): Promise<PendingTx[]>;
  /**
   * Mines the step's block at `timestamp`: sets every item's and call's result and moves the twins,
   * holdings and `flows` (`agents`: every agent of the run, whose holdings an intent may credit).
   */
  mine(
    timestamp: bigint,
    deadline: bigint,
    calls: readonly PendingCall[],
    items: readonly PendingIntent[],
    flows: Flows,
    agents: AgentsById,
  ): Promise<void>;
  /** Agents' balances as the chain holds them against what the engine kept (a chain only): one line per difference. */
  reconcile?(agents: readonly EngineAgent[]): Promise<string[]>;
}
