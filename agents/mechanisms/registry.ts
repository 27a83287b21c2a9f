// The one list of mechanisms, and the vocabulary assembled from them: what an agent observes is the
// step's clock plus one slice per mechanism; what it may ask for is the union of the mechanisms'
// intents. Adding a mechanism adds its line to each list here and nothing elsewhere.

import type { GasTermsOf, IntentBase, OrderingMode, StepClock } from "../core/types.ts";
import type { MarketIntent } from "./market/intents.ts";
import type { CurveState } from "./market/state.ts";
import type { PoolIntent } from "./pool/intents.ts";
import type { PoolState } from "./pool/state.ts";
import type { VestingIntent } from "./vesting/intents.ts";

export type { OrderingMode };

/* INTENTS: one line per mechanism */

export type Intent = IntentBase & (MarketIntent | PoolIntent | VestingIntent);
export type IntentKind = Intent["kind"];
export const INTENT_KINDS: readonly IntentKind[] = [
  "buyCurve",
  "buyCurveWithQuote",
  "sellCurve",
  "swap",
  "addLiquidity",
  "removeLiquidity",
  "releaseVested",
];

/* WHAT AN AGENT SEES */

/** The trading venues, each with a price and a price history. */
export type Venue = "curve" | "pool";

/** What one agent holds at the start of the step: the two assets, and each mechanism's position token. */
export interface Holdings {
  tokens: bigint;
  quote: bigint;
  /** Pool LP shares. */
  lp: bigint;
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
  history: PriceHistory;
  self: AgentView;
  /** What gas costs, for agents that weigh it. */
  gas: GasTerms;
}
