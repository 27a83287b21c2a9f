// The parsed, validated configuration of each behaviour kind, as a scenario file gives it. The
// scenario reader (scenario.ts) turns the file's human units into these: token amounts in token wei,
// quote amounts in quote units (6 decimals), prices in WAD quote per whole token, fees in bps,
// periods in steps. Each behaviour's factory (agents/behaviours/<kind>.ts) takes its own config.

/** Where a behaviour trades. */
export type VenueChoice = "curve" | "pool";

/** Fields every behaviour accepts. */
export interface CommonConfig {
  /** Name in gas profiles and the leaderboard; the kind when absent. */
  label: string;
  /** Largest price move it accepts between observing and being mined, in bps (default 100). */
  slippageBps: number;
  /** Priority fee it bids, wei per gas; the scenario's `gas.priorityFeeGwei` when absent. */
  priorityFeeWei?: bigint;
}

/** Buys `amount` tokens when the price is at or below `buyBelowWad`, sells `amount` when at or above `sellAboveWad`. */
export interface ThresholdConfig extends CommonConfig {
  kind: "threshold";
  venue: VenueChoice;
  buyBelowWad?: bigint;
  sellAboveWad?: bigint;
  /** Tokens per trade (token wei). */
  amount: bigint;
  /** Steps to wait after a trade before the next one (default 0). */
  cooldownSteps: number;
}

/** Trades arrive as a Poisson process; each is a buy or a sell of a random quote size on a random venue. */
export interface NoiseConfig extends CommonConfig {
  kind: "noise";
  venues: VenueChoice[];
  /** Mean number of trades per step. */
  ratePerStep: number;
  /** Quote size of each trade, log-uniform in [min, max] (quote units). */
  minQuote: bigint;
  maxQuote: bigint;
  /** Probability that a trade is a buy (default 0.5). */
  buyProbability: number;
}

/** Follows the trend: buys after the price rose by more than `triggerBps` over `lookbackSteps`, sells after it fell. */
export interface MomentumConfig extends CommonConfig {
  kind: "momentum";
  venue: VenueChoice;
  lookbackSteps: number;
  triggerBps: number;
  /** Quote spent per buy; a sell sells tokens worth about as much (quote units). */
  tradeQuote: bigint;
  cooldownSteps: number;
}

/** Bets on a return to the moving average: buys when the price is `bandBps` below it, sells when above. */
export interface MeanReversionConfig extends CommonConfig {
  kind: "meanReversion";
  venue: VenueChoice;
  windowSteps: number;
  bandBps: number;
  tradeQuote: bigint;
  cooldownSteps: number;
}

/** Large trades every `everySteps` from `startStep`: buys, sells or alternates. */
export interface WhaleConfig extends CommonConfig {
  kind: "whale";
  venue: VenueChoice;
  side: "buy" | "sell" | "alternate";
  startStep: number;
  everySteps: number;
  /** Quote spent per buy (quote units). */
  buyQuote: bigint;
  /** Share of its token holdings sold per sell, bps. */
  sellFractionBps: number;
}

/** Provides liquidity to the pool; withdraws when the curve↔pool gap exceeds `exitGapBps`, returns below `enterGapBps`. */
export interface LiquidityProviderConfig extends CommonConfig {
  kind: "liquidityProvider";
  /** Quote it deposits (with the matching tokens at the pool's price), quote units. */
  depositQuote: bigint;
  startStep: number;
  exitGapBps: number;
  enterGapBps: number;
}

/** Buys on the cheaper venue and sells on the dearer one, sized with exact quotes, only when profitable after fees and gas. */
export interface ArbitrageurConfig extends CommonConfig {
  kind: "arbitrageur";
  /** Smallest profit worth a trade, after fees and gas (quote units). */
  minProfitQuote: bigint;
  /** Largest quote committed to one arbitrage (quote units). */
  maxTradeQuote: bigint;
}

/** Releases vested tokens every `claimEverySteps`, then sells them on a schedule or at a target price. */
export interface VestingBeneficiaryConfig extends CommonConfig {
  kind: "vestingBeneficiary";
  venue: VenueChoice;
  claimEverySteps: number;
  sell:
    | {
        mode: "schedule" /** share of released, unsold tokens sold each time */;
        fractionBps: number;
        everySteps: number;
      }
    | { mode: "targetPrice" /** sells everything released once the price reaches this */; priceWad: bigint }
    | { mode: "hold" };
}

/** Priority mode: reads the pending block and sandwiches curve buys when the profit after fees and gas is worth it. */
export interface FrontRunnerConfig extends CommonConfig {
  kind: "frontRunner";
  minProfitQuote: bigint;
  maxTradeQuote: bigint;
  /** How much more (front) or less (back) it bids than the victim, wei per gas. */
  bidIncrementWei: bigint;
}

/** A multi-armed bandit that picks one of its arms every `periodSteps` and is rewarded by the PnL it made. */
export interface BanditConfig extends CommonConfig {
  kind: "bandit";
  algorithm: "ucb1" | "epsilonGreedy";
  /** Exploration rate for epsilon-greedy (0..1). */
  epsilon: number;
  periodSteps: number;
  /** The strategies it chooses among (any kind but bandit). */
  arms: Exclude<BehaviourConfig, BanditConfig>[];
}

export type BehaviourConfig =
  | ThresholdConfig
  | NoiseConfig
  | MomentumConfig
  | MeanReversionConfig
  | WhaleConfig
  | LiquidityProviderConfig
  | ArbitrageurConfig
  | VestingBeneficiaryConfig
  | FrontRunnerConfig
  | BanditConfig;

export type BehaviourKind = BehaviourConfig["kind"];

export const BEHAVIOUR_KINDS: readonly BehaviourKind[] = [
  "threshold",
  "noise",
  "momentum",
  "meanReversion",
  "whale",
  "liquidityProvider",
  "arbitrageur",
  "vestingBeneficiary",
  "frontRunner",
  "bandit",
];
