// What staking pays, from a StakingState: the reward APR a staker would get (the rate rule recomputed
// for what it adds), the dilution the emissions cause to every holder, and the real yield between
// them — what staking adds to a staker's share of the supply, a year at the current rate.

import { BPS } from "../../core/units.ts";
import { stakingRate } from "./model.ts";
import { emittedAt, type StakingState } from "./state.ts";

export const SECONDS_PER_YEAR = 365n * 86_400n;

/** Reward tokens a year at the rate the rule gives for `extra` more staked, at most the budget left at `timestamp`. */
export function emissionPerYear(s: StakingState, timestamp: bigint, extra = 0n): bigint {
  const staked = s.totalStaked + extra;
  if (staked === 0n) return 0n;
  const rate = extra === 0n ? s.rewardRatePerSecond : stakingRate(s.rewardPerDay, s.targetStaked, staked);
  const left = s.budget - emittedAt(s, timestamp);
  const perYear = rate * SECONDS_PER_YEAR;
  return perYear > left ? left : perYear;
}

/** The reward APR in bps of the staked tokens with `extra` more staked (0 with nothing staked). */
export function stakingAprBps(s: StakingState, timestamp: bigint, extra = 0n): bigint {
  const staked = s.totalStaked + extra;
  return staked === 0n ? 0n : (emissionPerYear(s, timestamp, extra) * BPS) / staked;
}

/** Emissions a year as a share of the token supply, bps: what every holder is diluted by. */
export function emissionDilutionBps(s: StakingState, timestamp: bigint, supply: bigint, extra = 0n): bigint {
  return supply === 0n ? 0n : (emissionPerYear(s, timestamp, extra) * BPS) / supply;
}

/** The real yield, bps a year: the reward APR less the dilution (a staker's gain in share of the supply). */
export function stakingRealYieldBps(s: StakingState, timestamp: bigint, supply: bigint, extra = 0n): bigint {
  return stakingAprBps(s, timestamp, extra) - emissionDilutionBps(s, timestamp, supply, extra);
}
