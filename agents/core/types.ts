// The parts of what an agent sees and asks for that no mechanism owns: the step's clock, the ordering
// mode, gas terms and what every intent carries. mechanisms/registry.ts assembles the whole
// Observation and Intent from these and one slice per mechanism.
//
// Units, everywhere in the arena:
// - token amounts: token wei (18 decimals); quote amounts: quote units (6 decimals, QuoteToken);
// - prices: WAD quote value per whole token (`priceWad`, 18 decimals), as the contracts report them;
// - fees: basis points; gas: gas units, wei.

export type OrderingMode = "priority" | "sequential";

/**
 * What an agent decides on within a block: `simultaneous`, the state at the start of the step (every
 * agent alike); `sequential`, the state after the transactions of the agents before it in the block.
 */
export type DecisionMode = "simultaneous" | "sequential";

/** The order agents decide (and send) in each step: `shuffled` by the run's seeded generator, or `listed` as the scenario lists them. */
export type AgentOrder = "shuffled" | "listed";

/** Common to every intent. */
export interface IntentBase {
  /** Priority fee this transaction bids (wei per gas); the scenario's default when absent. */
  priorityFeeWei?: bigint;
  /** A short note kept with the transaction in the event log (why the behaviour acted). */
  note?: string;
}

/** What gas costs, for agents that weigh it; `limits` is the gas limit the world sets per intent kind. */
export interface GasTermsOf<Kind extends string> {
  /** The priority fee every agent pays unless its intent bids more (wei per gas). */
  priorityFeeWei: bigint;
  /** Base fee of the latest block (wei per gas). */
  baseFeeWei: bigint;
  /** Quote units per ETH, to value gas in quote (scenario `gas.ethPriceQuote`). */
  ethPriceQuote: bigint;
  /** Gas limit the world sets for each kind of intent. */
  limits: Readonly<Record<Kind, bigint>>;
}

/** The step being built, as every observation carries it. */
export interface StepClock {
  /** 1-based index of the step being built. */
  step: number;
  /** Number of the block this step will mine. */
  block: bigint;
  /** Chain timestamp of the block this step will mine (seconds). */
  timestamp: bigint;
  /** Seconds between steps (12 unless the scenario says otherwise). */
  blockSeconds: number;
  mode: OrderingMode;
}

export type Awaitable<T> = T | Promise<T>;
