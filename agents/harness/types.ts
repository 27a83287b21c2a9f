// What an agent sees and what it may ask for. A behaviour gets an Observation (the chain's state at
// the start of the step, its own holdings, recent prices) and a seeded Random, and returns Intents;
// the World turns intents into transactions, mines them and tells the behaviour the outcome. No
// behaviour touches the chain: everything it reads comes through the Observation or the Quoter.
//
// Units, everywhere in the harness:
// - token amounts: token wei (18 decimals); quote amounts: quote units (6 decimals, QuoteToken);
// - prices: WAD quote value per whole token (`priceWad`, 18 decimals), as the contracts report them;
// - fees: basis points; gas: gas units, wei.

import type { Random } from "../core/random.ts";

/* MARKET STATE */

export type CurveKind = "linear" | "exponential" | "sigmoid";
export type Venue = "curve" | "pool";
export type OrderingMode = "priority" | "sequential";

/** The bonding-curve market at the start of the step. */
export interface CurveState {
  kind: CurveKind;
  /** The curve's raw parameters (WAD): linear (slope, basePrice, 0, 0); exponential (initialPrice,
   * growthRate, 0, 0); sigmoid (maxPrice, steepness, midpoint, basePrice). Prices are multiplied by
   * `scaleWad` after a renormalisation. */
  params: readonly [bigint, bigint, bigint, bigint];
  scaleWad: bigint;
  /** Marginal price at the current supply. */
  priceWad: bigint;
  /** Token supply, token wei. */
  supply: bigint;
  maxSupply: bigint;
  /** Quote units backing the curve. */
  reserve: bigint;
  /** Quote units of fees owed to the treasury, not yet collected. */
  treasuryAccrued: bigint;
  buyFeeBps: number;
  sellFeeBps: number;
  treasuryShareBps: number;
  paused: boolean;
}

/** The constant-product pool at the start of the step. */
export interface PoolState {
  reserveToken: bigint;
  reserveQuote: bigint;
  feeBps: number;
  /** reserveQuote / reserveToken as a WAD price per whole token; 0 when the pool is empty. */
  priceWad: bigint;
  /** Total LP shares. */
  totalLiquidity: bigint;
}

/** What one agent holds at the start of the step. */
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

/** One step's view of the world. Everything is as of the last mined block. */
export interface Observation {
  /** 1-based index of the step being built. */
  step: number;
  /** Number of the block this step will mine. */
  block: bigint;
  /** Chain timestamp of the block this step will mine (seconds). */
  timestamp: bigint;
  /** Seconds between steps (12 unless the scenario says otherwise). */
  blockSeconds: number;
  mode: OrderingMode;
  curve: CurveState;
  pool: PoolState;
  /** Curve and pool prices of earlier steps, oldest first, most recent last (at most `historyLength`). */
  history: PriceHistory;
  self: AgentView;
  /** What gas costs, for agents that weigh it. */
  gas: GasTerms;
}

export interface PriceHistory {
  curve: readonly bigint[];
  pool: readonly bigint[];
}

export interface GasTerms {
  /** The priority fee every agent pays unless its intent bids more (wei per gas). */
  priorityFeeWei: bigint;
  /** Base fee of the block being built (wei per gas). */
  baseFeeWei: bigint;
  /** Quote units per ETH, to value gas in quote (scenario `gas.ethPriceQuote`). */
  ethPriceQuote: bigint;
  /** Gas limit the world sets for each kind of intent. */
  limits: Readonly<Record<IntentKind, bigint>>;
}

/* INTENTS */

/** Common to every intent. */
export interface IntentBase {
  /** Priority fee this transaction bids (wei per gas); the scenario's default when absent. */
  priorityFeeWei?: bigint;
  /** A short note kept with the transaction in the event log (why the behaviour acted). */
  note?: string;
}

export type Intent = IntentBase &
  (
    | { kind: "buyCurve" /** tokens (wei) */; amount: bigint /** quote units */; maxCost: bigint }
    | { kind: "buyCurveWithQuote" /** quote units */; quoteIn: bigint /** tokens */; minOut: bigint }
    | { kind: "sellCurve" /** tokens */; amount: bigint /** quote units */; minRefund: bigint }
    | { kind: "swap" /** what goes in */; sell: "token" | "quote"; amountIn: bigint; minOut: bigint }
    | { kind: "addLiquidity"; tokens: bigint; quote: bigint; minTokens: bigint; minQuote: bigint }
    | { kind: "removeLiquidity"; liquidity: bigint; minTokens: bigint; minQuote: bigint }
    | { kind: "releaseVested" }
  );

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

/** A transaction already in the pending block (priority mode), as the world decoded it. */
export interface PendingTx {
  hash: `0x${string}`;
  from: `0x${string}`;
  /** The agent that sent it, when it is one of the run's agents. */
  agentId?: string;
  intent: Intent;
  priorityFeeWei: bigint;
}

/** Exact quotes against the state at the start of the step (the contracts' own view functions). */
export interface Quoter {
  curveBuyExactTokens(amount: bigint): Promise<{ cost: bigint; fee: bigint }>;
  curveBuyExactQuote(quoteIn: bigint): Promise<{ amount: bigint; fee: bigint }>;
  curveSell(amount: bigint): Promise<{ refund: bigint; fee: bigint }>;
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
}

export interface StepOutcome {
  step: number;
  outcomes: readonly IntentOutcome[];
  /** The agent after the block was mined. */
  self: AgentView;
  curvePriceWad: bigint;
  poolPriceWad: bigint;
}

/* BEHAVIOURS */

export type Awaitable<T> = T | Promise<T>;

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
}
