// contracts/Referral.sol in bigint: buyWithReferrer's checks in the contract's order (the zero
// referrer, self-referral, the buyer's quote), the market's buy on a market twin, then the reward —
// ⌊ΔS × rewardBps / 1e4⌋ cut to what the period's cap and the budget have left, rounded as the
// contract rounds — and the rule the store pushes (setParameter). Reverts are ModelRevert, with the
// contract's error names; a reverted buy changes nothing.

import { ModelRevert } from "../../core/model-revert.ts";
import { BPS } from "../../core/units.ts";
import type { MarketModel } from "../market/model.ts";

export const REFERRAL_KEYS = { rewardBps: "referral.rewardBps", capPerPeriod: "referral.capPerPeriod" } as const;

const ZERO = "0x0000000000000000000000000000000000000000";
const MAX_UINT112 = (1n << 112n) - 1n;

export interface ReferralState {
  /** When the contract was deployed, and how long each period lasts (seconds). */
  startTime: bigint;
  periodSeconds: bigint;
  /** The period the ledger last paid in, what it paid in it, and every reward ever paid (token wei). */
  period: bigint;
  paidInPeriod: bigint;
  totalPaid: bigint;
  /** The cached rule: reward bps of the supply increase (at most 1e4), the cap per period (token wei). */
  rewardBps: bigint;
  capPerPeriod: bigint;
  /** Tokens the contract holds to pay rewards from (its token balance). */
  budget: bigint;
}

export interface ReferralBuy {
  /** Tokens the buy minted to the buyer (ΔS), the market's fee, the referrer's reward. */
  amount: bigint;
  fee: bigint;
  reward: bigint;
}

export class ReferralModel {
  readonly s: ReferralState;

  constructor(s: ReferralState) {
    this.s = { ...s };
  }

  /** The contract as deployed at `timestamp`: nothing paid, the store's rule cached, `budget` in hand. */
  static deployed(
    rule: { periodSeconds: bigint; rewardBps: bigint; capPerPeriod: bigint; budget: bigint },
    timestamp: bigint,
  ): ReferralModel {
    const m = new ReferralModel({
      startTime: timestamp,
      periodSeconds: rule.periodSeconds,
      period: 0n,
      paidInPeriod: 0n,
      totalPaid: 0n,
      rewardBps: 0n,
      capPerPeriod: 0n,
      budget: rule.budget,
    });
    m.setParameter(REFERRAL_KEYS.rewardBps, rule.rewardBps);
    m.setParameter(REFERRAL_KEYS.capPerPeriod, rule.capPerPeriod);
    return m;
  }

  clone(): ReferralModel {
    return new ReferralModel(this.s);
  }

  currentPeriod(timestamp: bigint): bigint {
    return (timestamp - this.s.startTime) / this.s.periodSeconds;
  }

  /**
   * buyWithReferrer(quoteIn, minTokensOut, referrer) by `buyer` at `timestamp`, buying on `market`;
   * `quoteBalance` is the buyer's quote (the first transfer's check).
   */
  buyWithReferrer(
    buyer: string,
    referrer: string,
    quoteIn: bigint,
    minTokensOut: bigint,
    timestamp: bigint,
    market: MarketModel,
    quoteBalance?: bigint,
  ): ReferralBuy {
    if (referrer.toLowerCase() === ZERO) throw new ModelRevert("InvalidReferrer", { referrer });
    if (referrer.toLowerCase() === buyer.toLowerCase()) throw new ModelRevert("SelfReferral", { buyer });
    if (quoteBalance !== undefined && quoteBalance < quoteIn)
      throw new ModelRevert("ERC20InsufficientBalance", { sender: buyer, balance: quoteBalance, needed: quoteIn });
    const { amount, fee } = market.buyExactQuote(quoteIn, minTokensOut);
    const reward = this.reward(amount, timestamp);
    return { amount, fee, reward };
  }

  /** The reward for a buy that minted `amount` at `timestamp`, paid (the ledger moved), as the contract pays it. */
  private reward(amount: bigint, timestamp: bigint): bigint {
    const s = this.s;
    const period = this.currentPeriod(timestamp);
    if (period !== s.period) {
      s.period = period;
      s.paidInPeriod = 0n;
    }
    let reward = (amount * s.rewardBps) / BPS;
    const capLeft = s.capPerPeriod > s.paidInPeriod ? s.capPerPeriod - s.paidInPeriod : 0n;
    if (reward > capLeft) reward = capLeft;
    if (reward > s.budget) reward = s.budget;
    s.paidInPeriod += reward;
    s.totalPaid += reward;
    s.budget -= reward;
    return reward;
  }

  /** onParameterSet from the store: the rule's keys are cached (rewardBps at most 1e4), others ignored. */
  setParameter(key: string, value: bigint): void {
    if (key === REFERRAL_KEYS.rewardBps) this.s.rewardBps = value > BPS ? BPS : value;
    else if (key === REFERRAL_KEYS.capPerPeriod) {
      if (value > MAX_UINT112) throw new ModelRevert("ParameterOutOfRange", { key, value, max: MAX_UINT112 });
      this.s.capPerPeriod = value;
    }
  }
}
