// A yield-seeking staker: stakes a share of its tokens when staking's real yield — the reward APR,
// with the rate the rule gives once its own stake is in, less the dilution the emissions cause to
// every holder (agents/mechanisms/staking/quotes.ts) — beats its hurdle; claims its rewards every
// claimEverySteps; and, once its lock-up has passed, leaves (unstakes everything and claims) when
// the real yield falls below exitBps. It may come back when the yield rises again. Each stake
// restarts the lock-up, so it stakes once per entry and never tops up.

import { child } from "../core/document-reader.ts";
import { ArenaError } from "../core/errors.ts";
import { BPS } from "../core/units.ts";
import { stakingRealYieldBps } from "../mechanisms/staking/quotes.ts";
import { earnedAt, stakingPositionOf } from "../mechanisms/staking/state.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour } from "./behaviour.ts";
import { checkCommon, checkWholeNumber } from "./config-checks.ts";
import { tokensText } from "./notes.ts";
import { type BehaviourSpec, bps, type CommonConfig, period } from "./spec.ts";
import { intentBase } from "./trade.ts";

/** Stakes when the real yield beats `hurdleBps`, leaves below `exitBps`. */
export interface YieldStakerConfig extends CommonConfig {
  kind: "yieldStaker";
  /** Real yield a year, bps, at which it stakes. */
  hurdleBps: number;
  /** Real yield a year, bps, below which it leaves (at most hurdleBps). */
  exitBps: number;
  /** Share of its tokens it stakes on entering, bps. */
  stakeShareBps: number;
  /** Steps between claims while staked. */
  claimEverySteps: number;
}

/** A behaviour of staking run in a genesis without it. */
export class StakingMissingError extends ArenaError {
  constructor(kind: string, label: string) {
    super(
      `${kind} "${label}" stakes, but this run's genesis deploys no staking; give the scenario a genesis with a staking section (like genesis/staking.json)`,
    );
  }
}

export const yieldStaker: BehaviourSpec<YieldStakerConfig> = {
  kind: "yieldStaker",
  summary: "stakes when staking's real yield beats a hurdle",
  note: "Real yield: the reward APR (with the rate the rule gives once its stake is in) less the dilution the emissions cause (emissions a year ÷ supply). Needs a genesis with a `staking` section.",
  fields: [
    bps("hurdleBps", "real yield a year, bps, at which it stakes", { min: 0 }),
    bps("exitBps", "real yield a year, bps, below which it leaves once unlocked (at most `hurdleBps`)", {
      optional: true,
      shownDefault: "`hurdleBps`",
    }),
    bps("stakeShareBps", "share of its tokens it stakes on entering, 1 … 10000", { min: 1, default: 10_000 }),
    period("claimEverySteps", "steps between claims while staked", { default: 100 }),
  ],
  check(r, { path, file, config }) {
    config.exitBps ??= config.hurdleBps;
    if (file.exitBps !== undefined && config.exitBps !== undefined && config.hurdleBps !== undefined)
      if (config.exitBps > config.hurdleBps)
        r.failText(
          child(path, "exitBps"),
          `at most hurdleBps (${config.hurdleBps})`,
          `${config.exitBps}`,
          "an exit above the hurdle would leave the moment it enters",
        );
  },
  create: createYieldStaker,
};

export function createYieldStaker(config: YieldStakerConfig): Behaviour {
  checkCommon(config);
  checkWholeNumber(config, "hurdleBps", config.hurdleBps, 0, 10_000);
  checkWholeNumber(config, "exitBps", config.exitBps, 0, config.hurdleBps);
  checkWholeNumber(config, "stakeShareBps", config.stakeShareBps, 1, 10_000);
  checkWholeNumber(config, "claimEverySteps", config.claimEverySteps, 1);
  let lastClaimStep = 0;
  return {
    kind: config.kind,
    label: config.label,
    step(obs: Observation): Intent[] {
      const s = obs.staking;
      if (s === undefined) throw new StakingMissingError(config.kind, config.label);
      const { timestamp } = obs;
      const me = stakingPositionOf(s, obs.self.address);
      const supply = obs.curve.supply;
      if (me.balance === 0n) {
        const amount = (obs.self.holdings.tokens * BigInt(config.stakeShareBps)) / BPS;
        if (amount === 0n) return [];
        const real = stakingRealYieldBps(s, timestamp, supply, amount);
        if (real < BigInt(config.hurdleBps)) return [];
        lastClaimStep = obs.step;
        return [
          { kind: "stake", amount, ...intentBase(config, `stake ${tokensText(amount)}: real yield ${real} bps`) },
        ];
      }
      const earned = earnedAt(s, obs.self.address, timestamp);
      const real = stakingRealYieldBps(s, timestamp, supply);
      if (timestamp >= me.unlockAt && real < BigInt(config.exitBps)) {
        const out: Intent[] = [
          { kind: "unstake", amount: me.balance, ...intentBase(config, `leave: real yield ${real} bps`) },
        ];
        if (earned > 0n) out.push({ kind: "claimRewards", ...intentBase(config, "claim on leaving") });
        return out;
      }
      if (earned > 0n && obs.step - lastClaimStep >= config.claimEverySteps) {
        lastClaimStep = obs.step;
        return [{ kind: "claimRewards", ...intentBase(config, `claim ${tokensText(earned)}`) }];
      }
      return [];
    },
  };
}
