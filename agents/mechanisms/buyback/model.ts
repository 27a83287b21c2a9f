// contracts/Buyback.sol in bigint: collect (the market's treasury fees, split into the buyback's budget
// and the Timelock's part, rounded as the contract rounds: the treasury keeps the dust) and execute
// (the checks in the contract's order — zero, budget, the period's cap, the slippage bound against the
// venue's own exact quote at its spot price — then the buy on the venue's twin and the burn), and the
// policy the store pushes (setParameter). Reverts are ModelRevert with the contract's error names; a
// reverted call changes nothing, here or on the venue's twin. The `follow…` methods move the twin by
// the contract's events on a chain (the venue's own twin follows the venue's events).

import { ModelRevert } from "../../core/model-revert.ts";
import { BPS, WAD } from "../../core/units.ts";
import type { MarketModel } from "../market/model.ts";
import type { PoolModel } from "../pool/model.ts";
import { type BuybackModelState, type BuybackVenue, buybackCapLeft } from "./state.ts";

export type { BuybackModelState, BuybackVenue };

export const BUYBACK_KEYS = {
  shareBps: "buyback.shareBps",
  capPerPeriod: "buyback.capPerPeriod",
  maxSlippageBps: "buyback.maxSlippageBps",
} as const;

export const BUYBACK_VENUE_IDS: Readonly<Record<BuybackVenue, number>> = { curve: 0, pool: 1 };

/** The largest cap per period the contract keeps (uint96). */
export const MAX_BUYBACK_CAP = (1n << 96n) - 1n;

/** The twins the buyback reaches: the market's (the curve venue, and the quote's decimals) and the pool's (the pool venue). */
export interface BuybackVenueModel {
  market: MarketModel;
  pool?: PoolModel;
}

export interface Collected {
  revenue: bigint;
  toBudget: bigint;
  toTreasury: bigint;
}

export interface BoughtBack {
  quoteIn: bigint;
  tokensBurned: bigint;
  /** The market's fee on a curve buy (0 on the pool: its fee stays in its reserves). */
  fee: bigint;
}

export class BuybackModel {
  readonly s: BuybackModelState;

  constructor(s: BuybackModelState) {
    this.s = { ...s };
  }

  /** The contract as deployed at `timestamp` with the store's genesis policy. */
  static deployed(
    config: {
      venue: BuybackVenue;
      periodSeconds: bigint;
      shareBps: bigint;
      capPerPeriod: bigint;
      maxSlippageBps: bigint;
    },
    timestamp: bigint,
  ): BuybackModel {
    const m = new BuybackModel({
      venue: config.venue,
      periodSeconds: config.periodSeconds,
      budget: 0n,
      period: timestamp / config.periodSeconds,
      spentInPeriod: 0n,
      revenueTotal: 0n,
      spentTotal: 0n,
      burnedTotal: 0n,
      shareBps: 0n,
      capPerPeriod: 0n,
      maxSlippageBps: 0n,
    });
    m.setParameter(BUYBACK_KEYS.shareBps, config.shareBps);
    m.setParameter(BUYBACK_KEYS.capPerPeriod, config.capPerPeriod);
    m.setParameter(BUYBACK_KEYS.maxSlippageBps, config.maxSlippageBps);
    return m;
  }

  clone(): BuybackModel {
    return new BuybackModel(this.s);
  }

  /** What the period's cap leaves at `timestamp` (a new period starts from nothing spent). */
  capLeft(timestamp: bigint): bigint {
    return buybackCapLeft(this.s, timestamp);
  }

  /* ACTIONS */

  /** collect(): the market's treasury accrual, ⌊revenue × shareBps / 1e4⌋ kept, the rest to the Timelock. */
  collect(market: MarketModel): Collected {
    const revenue = market.state.treasuryAccrued;
    if (revenue === 0n) throw new ModelRevert("NothingToCollect");
    const toBudget = (revenue * this.s.shareBps) / BPS;
    const toTreasury = revenue - toBudget;
    market.collectFees();
    this.followCollected(revenue, toBudget);
    return { revenue, toBudget, toTreasury };
  }

  /** execute(quoteIn) at `timestamp` on `venue`: buys within budget, cap and slippage bound, and burns what it bought. */
  execute(quoteIn: bigint, timestamp: bigint, venue: BuybackVenueModel): BoughtBack {
    const s = this.s;
    if (quoteIn === 0n) throw new ModelRevert("ZeroAmount");
    if (quoteIn > s.budget) throw new ModelRevert("BudgetExceeded", { quoteIn, budget: s.budget });
    const capLeft = this.capLeft(timestamp);
    if (quoteIn > capLeft) throw new ModelRevert("CapExceeded", { quoteIn, capLeft });
    const { tokensOut, valueQuote } = buybackQuote(s.venue, venue, quoteIn);
    const minValueQuote = minBuybackValue(quoteIn, s.maxSlippageBps);
    if (valueQuote < minValueQuote) throw new ModelRevert("SlippageExceeded", { tokensOut, valueQuote, minValueQuote });
    let fee = 0n;
    if (s.venue === "curve") fee = venue.market.buyExactQuote(quoteIn, tokensOut).fee;
    else venue.pool!.swapExactIn(false, quoteIn, tokensOut);
    const period = timestamp / s.periodSeconds;
    const spentBefore = period === s.period ? s.spentInPeriod : 0n;
    this.followBoughtBack(quoteIn, tokensOut, spentBefore + quoteIn, timestamp);
    return { quoteIn, tokensBurned: tokensOut, fee };
  }

  /** onParameterSet from the store: the policy's keys (the cap at most a uint96, the two bps at most 1e4), others ignored. */
  setParameter(key: string, value: bigint): void {
    const s = this.s;
    if (key === BUYBACK_KEYS.capPerPeriod) {
      if (value > MAX_BUYBACK_CAP) throw new ModelRevert("ParameterOutOfRange", { key, value, max: MAX_BUYBACK_CAP });
      s.capPerPeriod = value;
    } else if (key === BUYBACK_KEYS.shareBps || key === BUYBACK_KEYS.maxSlippageBps) {
      if (value > BPS) throw new ModelRevert("ParameterOutOfRange", { key, value, max: BPS });
      if (key === BUYBACK_KEYS.shareBps) s.shareBps = value;
      else s.maxSlippageBps = value;
    }
  }

  /* FOLLOWING THE CONTRACT'S EVENTS */

  /** RevenueCollected(revenue, toBudget, toTreasury). */
  followCollected(revenue: bigint, toBudget: bigint): void {
    const s = this.s;
    s.budget += toBudget;
    s.revenueTotal += revenue;
  }

  /** What collect sent on to the Timelock since deployment: the revenue less the share kept (budget + spent). */
  get toTreasuryTotal(): bigint {
    const s = this.s;
    return s.revenueTotal - s.budget - s.spentTotal;
  }

  /** BoughtBack(keeper, quoteIn, tokensBurned, spentInPeriod) in a block at `timestamp`. */
  followBoughtBack(quoteIn: bigint, tokensBurned: bigint, spentInPeriod: bigint, timestamp: bigint): void {
    const s = this.s;
    s.budget -= quoteIn;
    s.period = timestamp / s.periodSeconds;
    s.spentInPeriod = spentInPeriod;
    s.spentTotal += quoteIn;
    s.burnedTotal += tokensBurned;
  }
}

/**
 * The venue's own exact quote for `quoteIn` and what those tokens are worth at its spot price, rounded
 * down as the contract rounds (tokens × priceWad / 1e18 / 10^(18 − quote decimals)). Throws the venue's
 * revert where its quote reverts (an empty pool).
 */
export function buybackQuote(
  kind: BuybackVenue,
  venue: BuybackVenueModel,
  quoteIn: bigint,
): { tokensOut: bigint; valueQuote: bigint } {
  let tokensOut: bigint;
  let priceWad: bigint;
  if (kind === "curve") {
    tokensOut = venue.market.quoteBuyExactQuote(quoteIn).amount;
    priceWad = venue.market.priceWad();
  } else {
    tokensOut = venue.pool!.getAmountOut(quoteIn, false);
    priceWad = venue.pool!.priceWad();
  }
  const quoteUnitWad = 10n ** BigInt(18 - venue.market.state.quoteDecimals);
  return { tokensOut, valueQuote: (tokensOut * priceWad) / WAD / quoteUnitWad };
}

/** The least the tokens must be worth: ⌈quoteIn × (1e4 − maxSlippageBps) / 1e4⌉ (rounded up: the check errs on refusing). */
export function minBuybackValue(quoteIn: bigint, maxSlippageBps: bigint): bigint {
  return (quoteIn * (BPS - maxSlippageBps) + BPS - 1n) / BPS;
}
