// What agents see of the buyback at the start of a step (the policy, the budget, the period's spending
// and the totals), and what a keeper works out from it.

/** Where the buyback buys: IBuyback.Venue (Curve = 0, Pool = 1). */
export type BuybackVenue = "curve" | "pool";

export interface BuybackModelState {
  venue: BuybackVenue;
  periodSeconds: bigint;
  /** Quote the revenue share has given and nothing has spent yet (quote units). */
  budget: bigint;
  /** The period the ledger last spent in (block time ÷ periodSeconds), and what it spent in it. */
  period: bigint;
  spentInPeriod: bigint;
  /** Every treasury fee collected, every quote spent, every token burned, since deployment. */
  revenueTotal: bigint;
  spentTotal: bigint;
  burnedTotal: bigint;
  /** The policy, as the store last pushed it. */
  shareBps: bigint;
  capPerPeriod: bigint;
  maxSlippageBps: bigint;
}

export type BuybackState = Readonly<BuybackModelState>;

/** What the period's cap leaves at `timestamp` (a new period starts from nothing spent), as execute counts it. */
export function buybackCapLeft(state: BuybackState, timestamp: bigint): bigint {
  const spent = timestamp / state.periodSeconds === state.period ? state.spentInPeriod : 0n;
  return state.capPerPeriod > spent ? state.capPerPeriod - spent : 0n;
}
