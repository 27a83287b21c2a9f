// contracts/Staking.sol in bigint: the accrual per staked token, the rate rule, the lock-up and the
// budget, with the contract's rounding, checks in its order and reverts (ModelRevert). Accounts are
// kept by lower-case address, as the chain's events name them.

import { ModelRevert } from "../../core/model-revert.ts";
import { RATE_CAP_BPS, RATE_FLOOR_BPS } from "../../core/limits.ts";
import { BPS, WAD } from "../../core/units.ts";

export const STAKING_KEYS = { rewardPerDay: "staking.rewardPerDay", targetStaked: "staking.targetStaked" } as const;

const SECONDS_PER_DAY = 86_400n;
const MAX_UINT96 = (1n << 96n) - 1n;
/** _setParameter's bound: rewardPerDay × the cap's boost must fit the uint96 rate. */
export const STAKING_PARAMETER_MAX = MAX_UINT96 / (RATE_CAP_BPS / BPS);

export interface StakingAccount {
  balance: bigint;
  rewardPerTokenPaidWad: bigint;
  rewards: bigint;
  unlockAt: bigint;
}

export interface StakingGlobals {
  totalStaked: bigint;
  emitted: bigint;
  lastUpdate: bigint;
  rewardPerTokenWad: bigint;
  ratePerSecond: bigint;
  rewardPerDay: bigint;
  targetStaked: bigint;
  budget: bigint;
  lockSeconds: bigint;
}

/** The rule's rate for `staked` tokens: rewardPerDay × clamp(target / staked) per second, rounded down. */
export function stakingRate(rewardPerDay: bigint, targetStaked: bigint, staked: bigint): bigint {
  let boostBps = staked === 0n ? RATE_CAP_BPS : (targetStaked * BPS) / staked;
  if (boostBps < RATE_FLOOR_BPS) boostBps = RATE_FLOOR_BPS;
  if (boostBps > RATE_CAP_BPS) boostBps = RATE_CAP_BPS;
  return (rewardPerDay * boostBps) / (BPS * SECONDS_PER_DAY);
}

export class StakingModel {
  readonly g: StakingGlobals;
  private readonly accounts: Map<string, StakingAccount>;

  constructor(g: StakingGlobals, accounts: ReadonlyMap<string, StakingAccount> = new Map()) {
    this.g = { ...g };
    this.accounts = new Map([...accounts].map(([k, a]) => [k, { ...a }]));
  }

  /** The contract as deployed at `timestamp` with the genesis rule: nothing staked, the cap's rate. */
  static deployed(
    rule: { rewardPerDay: bigint; targetStaked: bigint; budget: bigint; lockSeconds: bigint },
    timestamp: bigint,
  ): StakingModel {
    return new StakingModel({
      totalStaked: 0n,
      emitted: 0n,
      lastUpdate: timestamp,
      rewardPerTokenWad: 0n,
      ratePerSecond: stakingRate(rule.rewardPerDay, rule.targetStaked, 0n),
      ...rule,
    });
  }

  clone(): StakingModel {
    return new StakingModel(this.g, this.accounts);
  }

  /** Accounts with any state, by lower-case address. */
  accountKeys(): string[] {
    return [...this.accounts.keys()];
  }

  /** Every account's position, by lower-case address (a copy). */
  positions(): Map<string, StakingAccount> {
    return new Map([...this.accounts].map(([k, a]) => [k, { ...a }]));
  }

  account(address: string): StakingAccount {
    return { ...(this.accounts.get(address.toLowerCase()) ?? EMPTY) };
  }

  /** What `address` could claim at `timestamp` (the contract's earned). */
  earned(address: string, timestamp: bigint): bigint {
    const { rewardPerTokenWad } = this.accrued(timestamp);
    const a = this.account(address);
    return a.rewards + owed(a, rewardPerTokenWad);
  }

  /**
   * stake(amount) by `address` at `timestamp`; `balance` is its token balance (the transfer's check,
   * last: the contract's allowance is assumed unlimited).
   */
  stake(address: string, amount: bigint, timestamp: bigint, balance?: bigint): void {
    if (amount === 0n) throw new ModelRevert("ZeroAmount");
    if (amount > MAX_UINT96) throw new ModelRevert("SafeCastOverflowedUintDowncast", { bits: 96n, value: amount });
    if (balance !== undefined && balance < amount)
      throw new ModelRevert("ERC20InsufficientBalance", { sender: address, balance, needed: amount });
    const next = this.accrued(timestamp);
    const a = this.settled(address, next.rewardPerTokenWad);
    a.balance += amount;
    a.unlockAt = timestamp + this.g.lockSeconds;
    this.commit(address, a, next, this.g.totalStaked + amount);
  }

  /** unstake(amount) by `address` at `timestamp`. */
  unstake(address: string, amount: bigint, timestamp: bigint): void {
    if (amount === 0n) throw new ModelRevert("ZeroAmount");
    const stored = this.account(address);
    if (amount > stored.balance) throw new ModelRevert("InsufficientStake", { staked: stored.balance, amount });
    if (timestamp < stored.unlockAt) throw new ModelRevert("StakeLocked", { unlockAt: stored.unlockAt, timestamp });
    const next = this.accrued(timestamp);
    const a = this.settled(address, next.rewardPerTokenWad);
    a.balance -= amount;
    this.commit(address, a, next, this.g.totalStaked - amount);
  }

  /** claim() by `address` at `timestamp`: the reward paid. */
  claim(address: string, timestamp: bigint): bigint {
    const next = this.accrued(timestamp);
    const a = this.settled(address, next.rewardPerTokenWad);
    const reward = a.rewards;
    if (reward === 0n) throw new ModelRevert("NothingToClaim", { account: address });
    a.rewards = 0n;
    this.g.emitted = next.emitted;
    this.g.lastUpdate = next.lastUpdate;
    this.g.rewardPerTokenWad = next.rewardPerTokenWad;
    this.accounts.set(address.toLowerCase(), a);
    return reward;
  }

  /** onParameterSet from the store at `timestamp`: accrue at the old rate, then the new rule's rate. */
  setParameter(key: string, value: bigint, timestamp: bigint): void {
    if (key !== STAKING_KEYS.rewardPerDay && key !== STAKING_KEYS.targetStaked) return;
    if (value > STAKING_PARAMETER_MAX)
      throw new ModelRevert("ParameterOutOfRange", { key, value, max: STAKING_PARAMETER_MAX });
    const next = this.accrued(timestamp);
    this.g.emitted = next.emitted;
    this.g.lastUpdate = next.lastUpdate;
    this.g.rewardPerTokenWad = next.rewardPerTokenWad;
    if (key === STAKING_KEYS.rewardPerDay) this.g.rewardPerDay = value;
    else this.g.targetStaked = value;
    this.g.ratePerSecond = stakingRate(this.g.rewardPerDay, this.g.targetStaked, this.g.totalStaked);
  }

  /** _accrued: rate × elapsed, never beyond the budget, nothing while nothing is staked. */
  private accrued(timestamp: bigint): { emitted: bigint; lastUpdate: bigint; rewardPerTokenWad: bigint } {
    const g = this.g;
    let { emitted, rewardPerTokenWad } = g;
    if (timestamp !== g.lastUpdate && g.totalStaked !== 0n) {
      let emission = (timestamp - g.lastUpdate) * g.ratePerSecond;
      const left = g.budget - emitted;
      if (emission > left) emission = left;
      if (emission !== 0n) {
        rewardPerTokenWad += (emission * WAD) / g.totalStaked;
        emitted += emission;
      }
    }
    return { emitted, lastUpdate: timestamp, rewardPerTokenWad };
  }

  /** _settle: the account with what it earned since its checkpoint moved into its rewards. */
  private settled(address: string, rewardPerTokenWad: bigint): StakingAccount {
    const a = this.account(address);
    a.rewards += owed(a, rewardPerTokenWad);
    a.rewardPerTokenPaidWad = rewardPerTokenWad;
    return a;
  }

  private commit(
    address: string,
    a: StakingAccount,
    next: { emitted: bigint; lastUpdate: bigint; rewardPerTokenWad: bigint },
    totalStaked: bigint,
  ): void {
    this.accounts.set(address.toLowerCase(), a);
    this.g.totalStaked = totalStaked;
    this.g.emitted = next.emitted;
    this.g.lastUpdate = next.lastUpdate;
    this.g.rewardPerTokenWad = next.rewardPerTokenWad;
    this.g.ratePerSecond = stakingRate(this.g.rewardPerDay, this.g.targetStaked, totalStaked);
  }
}

const EMPTY: StakingAccount = { balance: 0n, rewardPerTokenPaidWad: 0n, rewards: 0n, unlockAt: 0n };

function owed(a: StakingAccount, rewardPerTokenWad: bigint): bigint {
  return (a.balance * (rewardPerTokenWad - a.rewardPerTokenPaidWad)) / WAD;
}
