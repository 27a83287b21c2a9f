// The vocabulary assembled from the mechanisms, types only: what an agent observes is the step's clock
// plus one slice per mechanism; what it may ask for is the union of the mechanisms' intents; a step's
// row is the engine's columns and each mechanism's; a genesis is the base fields and each mechanism's.
// Adding a mechanism adds its line to each of these (and to registry.ts), nothing elsewhere.

import type { GasTermsOf, IntentBase, StepClock } from "../core/types.ts";
import type { GenesisBase } from "../inputs/genesis-base.ts";
import type { BuybackGenesis } from "./buyback/genesis.ts";
import type { BuybackIntent } from "./buyback/intents.ts";
import type { buyback } from "./buyback/mechanism.ts";
import type { BuybackState } from "./buyback/state.ts";
import type { MarketGenesis } from "./market/genesis.ts";
import type { MarketIntent } from "./market/intents.ts";
import type { market } from "./market/mechanism.ts";
import type { CurveState } from "./market/state.ts";
import type { PoolGenesis } from "./pool/genesis.ts";
import type { PoolIntent } from "./pool/intents.ts";
import type { pool } from "./pool/mechanism.ts";
import type { PoolState } from "./pool/state.ts";
import type { ResourceGenesis } from "./resource/genesis.ts";
import type { ResourceIntent } from "./resource/intents.ts";
import type { resource } from "./resource/mechanism.ts";
import type { ResourceState } from "./resource/state.ts";
import type { StakingGenesis } from "./staking/genesis.ts";
import type { StakingIntent } from "./staking/intents.ts";
import type { staking } from "./staking/mechanism.ts";
import type { StakingState } from "./staking/state.ts";
import type { VestingGenesis } from "./vesting/genesis.ts";
import type { VestingIntent } from "./vesting/intents.ts";

/* INTENTS */

export type Intent = IntentBase &
  (MarketIntent | PoolIntent | VestingIntent | StakingIntent | ResourceIntent | BuybackIntent);
export type IntentKind = Intent["kind"];

/* A GENESIS FILE */

export type Genesis = GenesisBase &
  MarketGenesis &
  PoolGenesis &
  VestingGenesis &
  StakingGenesis &
  ResourceGenesis &
  BuybackGenesis;

/* STEPS.CSV */

/** The engine's own columns of steps.csv, before and after the mechanisms' (registry.ts STEP_COLUMNS). */
export const HEAD_COLUMNS = ["step", "block", "time"] as const;
export const TAIL_COLUMNS = ["txs", "reverts", "gasUsed"] as const;

export type StepColumn =
  | (typeof HEAD_COLUMNS)[number]
  | (typeof TAIL_COLUMNS)[number]
  | (typeof market.columns)[number]["name"]
  | (typeof pool.columns)[number]["name"]
  | (typeof staking.columns)[number]["name"]
  | (typeof resource.columns)[number]["name"]
  | (typeof buyback.columns)[number]["name"];
/** Columns of optional mechanisms (registry.ts mechanismsFor): present only in runs whose genesis deploys them. */
export type OptionalStepColumn =
  | (typeof staking.columns)[number]["name"]
  | (typeof resource.columns)[number]["name"]
  | (typeof buyback.columns)[number]["name"];
export type StepRow = Record<Exclude<StepColumn, OptionalStepColumn>, bigint> &
  Partial<Record<OptionalStepColumn, bigint>>;

/* WHAT AN AGENT SEES */

/** The trading venues, each with a price and a price history. */
export type Venue = "curve" | "pool";

/** What one agent holds at the start of the step: the two assets, and each mechanism's position token. */
export interface Holdings {
  tokens: bigint;
  quote: bigint;
  /** Pool LP shares. */
  lp: bigint;
  /** Tokens staked in the staking contract: present exactly in runs that deploy staking. */
  staked?: bigint;
}

export interface AgentView {
  id: string;
  address: `0x${string}`;
  holdings: Holdings;
  /** Vested tokens this agent can release now (all its schedules), 0 without a schedule. */
  claimable: bigint;
  /** Tokens still locked in its vesting schedules (allocated − released − claimable). */
  locked: bigint;
  /** Mark-to-market profit in quote units since the start of the run, net of gas. */
  pnlQuote: bigint;
}

/** Curve and pool prices of earlier steps, oldest first, most recent last (at most `historyLength`). */
export type PriceHistory = Readonly<Record<Venue, readonly bigint[]>>;

export type GasTerms = GasTermsOf<IntentKind>;

/** One step's view of the world. Everything is as of the last mined block. */
export interface Observation extends StepClock {
  curve: CurveState;
  pool: PoolState;
  /** Staking, in runs whose genesis deploys it (undefined otherwise). */
  staking?: StakingState;
  /** The resource market, in runs whose genesis deploys it (undefined otherwise). */
  resource?: ResourceState;
  /** The buyback, in runs whose genesis deploys it (undefined otherwise). */
  buyback?: BuybackState;
  history: PriceHistory;
  self: AgentView;
  /** What gas costs, for agents that weigh it. */
  gas: GasTerms;
}
