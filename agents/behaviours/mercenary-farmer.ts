// A mercenary farmer: in for the emissions, out at unlock. It stakes every token it holds as soon as
// the reward APR (with the rate the rule gives once its stake is in) reaches minAprBps; the moment its
// lock-up has passed it unstakes everything and claims its rewards, and in the next step sells all it
// holds on its venue (or keeps it, with exit: hold). Then it is gone for good: it never stakes again.

import { stakingAprBps } from "../mechanisms/staking/quotes.ts";
import { earnedAt, stakingPositionOf } from "../mechanisms/staking/state.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour, StepOutcome } from "./behaviour.ts";
import { checkCommon, checkWholeNumber } from "./config-checks.ts";
import { tokensText } from "./notes.ts";
import { type BehaviourSpec, bps, type CommonConfig, venue, type VenueChoice } from "./spec.ts";
import { intentBase, sellIntent } from "./trade.ts";
import { StakingMissingError } from "./yield-staker.ts";

/** Stakes everything for the emissions, leaves at unlock and sells. */
export interface MercenaryFarmerConfig extends CommonConfig {
  kind: "mercenaryFarmer";
  /** Where it sells what it takes out. */
  venue: VenueChoice;
  /** Reward APR, bps, it enters at. */
  minAprBps: number;
  /** What it does with its tokens once out: sell them all, or hold them. */
  exit: "sell" | "hold";
}

export const mercenaryFarmer: BehaviourSpec<MercenaryFarmerConfig> = {
  kind: "mercenaryFarmer",
  summary: "stakes everything for the emissions, leaves at unlock and sells",
  note: "Needs a genesis with a `staking` section.",
  fields: [
    venue("where it sells once out: `curve` or `pool`"),
    bps("minAprBps", "reward APR, bps a year, it stakes at (0: at once)", { min: 0, default: 0 }),
    {
      name: "exit",
      type: "enum",
      values: ["sell", "hold"],
      default: "sell",
      meaning: "`sell` everything once out, or `hold`",
    },
  ],
  create: createMercenaryFarmer,
};

export function createMercenaryFarmer(config: MercenaryFarmerConfig): Behaviour {
  checkCommon(config);
  checkWholeNumber(config, "minAprBps", config.minAprBps, 0, 10_000);
  /** unstaked: its exit went through; done: it sold (or holds) and acts no more. */
  let unstaked = false;
  let done = false;
  return {
    kind: config.kind,
    label: config.label,
    step(obs: Observation): Intent[] {
      const s = obs.staking;
      if (s === undefined) throw new StakingMissingError(config.kind, config.label);
      if (done) return [];
      const { timestamp } = obs;
      const tokens = obs.self.holdings.tokens;
      if (unstaked) {
        if (config.exit === "hold" || tokens === 0n) {
          done = true;
          return [];
        }
        const sale = sellIntent(obs, config.venue, tokens, config.slippageBps, intentBase(config, "farmer: sell out"));
        return sale === undefined ? [] : [sale];
      }
      const me = stakingPositionOf(s, obs.self.address);
      if (me.balance === 0n) {
        if (tokens === 0n) return [];
        const apr = stakingAprBps(s, timestamp, tokens);
        if (apr < BigInt(config.minAprBps)) return [];
        return [{ kind: "stake", amount: tokens, ...intentBase(config, `farm ${tokensText(tokens)} at ${apr} bps`) }];
      }
      if (timestamp < me.unlockAt) return [];
      const out: Intent[] = [{ kind: "unstake", amount: me.balance, ...intentBase(config, "farmer: out at unlock") }];
      if (earnedAt(s, obs.self.address, timestamp) > 0n)
        out.push({ kind: "claimRewards", ...intentBase(config, "farmer: claim") });
      return out;
    },
    settle(outcome: StepOutcome): void {
      for (const { intent, status } of outcome.outcomes) {
        if (status !== "success") continue;
        if (intent.kind === "unstake") unstaked = true;
        else if (intent.kind === "sellCurve" || intent.kind === "swap") done = true;
      }
    },
  };
}
