// What agents see of staking at the start of a step: the totals, the reward rate and its rule, and
// every staker's position as stored, with the contract's earned() worked out from them.

import { WAD } from "../../core/units.ts";

/** One account's position as the contract stores it (token wei; unlockAt in seconds). */
export interface StakingPosition {
  balance: bigint;
  rewardPerTokenPaidWad: bigint;
  rewards: bigint;
  unlockAt: bigint;
}

export interface StakingState {
  /** Tokens staked by everyone (wei). */
  totalStaked: bigint;
  /** Reward tokens (wei) shared by all stakers per second, until the next stake, unstake or retune. */
  rewardRatePerSecond: bigint;
  /** The rule's store parameters: rewardPerDay × clamp(targetStaked / totalStaked, 0.25, 4) per day. */
  rewardPerDay: bigint;
  targetStaked: bigint;
  /** Rewards accrued to stakers up to `lastUpdate`, and the budget they come from (wei). */
  emitted: bigint;
  budget: bigint;
  /** Accrual as of `lastUpdate` (seconds). */
  rewardPerTokenWad: bigint;
  lastUpdate: bigint;
  /** Seconds each stake stays locked. */
  lockSeconds: bigint;
  /** Positions by lower-case address (only accounts that ever staked). */
  positions: ReadonlyMap<string, StakingPosition>;
}

const NONE: StakingPosition = { balance: 0n, rewardPerTokenPaidWad: 0n, rewards: 0n, unlockAt: 0n };

/** The position of `address` (zeros when it never staked). */
export function stakingPositionOf(state: StakingState, address: string): StakingPosition {
  return state.positions.get(address.toLowerCase()) ?? NONE;
}

/** Rewards emitted up to `timestamp` at the current rate, within the budget (the contract's _accrued). */
export function emittedAt(state: StakingState, timestamp: bigint): bigint {
  if (state.totalStaked === 0n || timestamp <= state.lastUpdate) return state.emitted;
  const emission = (timestamp - state.lastUpdate) * state.rewardRatePerSecond;
  const left = state.budget - state.emitted;
  return state.emitted + (emission > left ? left : emission);
}

/** What `address` could claim at `timestamp`: the contract's earned(), rounded down as it rounds. */
export function earnedAt(state: StakingState, address: string, timestamp: bigint): bigint {
  const p = stakingPositionOf(state, address);
  let rewardPerTokenWad = state.rewardPerTokenWad;
  const emission = emittedAt(state, timestamp) - state.emitted;
  if (emission !== 0n) rewardPerTokenWad += (emission * WAD) / state.totalStaked;
  return p.rewards + (p.balance * (rewardPerTokenWad - p.rewardPerTokenPaidWad)) / WAD;
}
