// Participants: actors of a battle that are not trading behaviours — a protocol-owned agent, voters,
// a guardian, a script. Each step, before any agent decides, every participant takes its turn (no
// transaction is pending yet, so it may run what-ifs on snapshots of the chain) and returns raw calls;
// the engine sends them into the step's block ahead of the agents' trades, mines them with the rest,
// records their receipts like agent transactions (txs.csv, gas records) and hands them back.

import type { Address, Hex } from "viem";

import type { PoolState } from "../mechanisms/pool/state.ts";
import type { CurveState } from "../mechanisms/market/state.ts";
import type { StepRow } from "../mechanisms/vocabulary.ts";
import type { Chain } from "../chain/chain.ts";

/** A transaction a participant sends, attributed like an agent's. */
export interface RawCall {
  from: Address;
  to: Address;
  data: Hex;
  gas: bigint;
  /** Who sends it in records: an agent id when a trading agent votes, else the participant's own id. */
  agent: string;
  /** The role it is filed under as "behaviour" in txs.csv and gas.json (protocol-agent, voter, guardian, script). */
  role: string;
  /** Contract and function names for the gas profile (ArenaGovernor.propose, BondingCurveMarket.pause, ...). */
  contract: string;
  fn: string;
  /** Why it was sent, kept in txs.csv. */
  note?: string;
}

export interface RawCallResult {
  call: RawCall;
  status: "success" | "reverted" | "rejected";
  hash: Hex;
  gasUsed: bigint;
  blockNumber: bigint;
  timestamp: bigint;
  logs: readonly { address: string; topics: Hex[]; data: Hex }[];
  /** Decoded revert, or why the node refused it. */
  error?: string;
}

/** What a participant sees at the start of a step. */
export interface ParticipantTurn {
  step: number;
  /** Number and timestamp of the block this step mines. */
  block: bigint;
  timestamp: bigint;
  curve: CurveState;
  pool: PoolState;
  /** The previous step's row (undefined at step 1). */
  lastRow: StepRow | undefined;
  /** The chain the battle runs on (what-ifs snapshot and revert it). */
  chain: Chain;
}

export interface Participant {
  readonly id: string;
  /** Called before agents decide; may read the chain and run what-ifs (every what-if reverts what it did). */
  turn(turn: ParticipantTurn): Promise<RawCall[]>;
  /** The receipts of this step's calls, in the order the participant returned them. */
  settle?(results: readonly RawCallResult[], turn: ParticipantTurn): void | Promise<void>;
}
