// Staking's field of a genesis file (optional: without it nothing of staking is deployed): the
// emission budget minted to the contract at genesis, the lock-up, what staked tokens do with their
// votes, and the genesis values of the rate rule's two store parameters. Every value the contract's
// constructor and its _setParameter would refuse (LockTooLong, ParameterOutOfRange, a budget beyond
// uint96) is refused here first, with the field that holds it; the parameters' bounds are read in the
// same unit, so no value governance may reach is one the contract refuses.

import { positive, type Reader, type Unit } from "../../core/document-reader.ts";
import { MAX_LOCK_SECONDS, MAX_SUPPLY } from "../../core/limits.ts";
import { formatDecimal, TOKEN_DECIMALS } from "../../core/units.ts";
import type { GenesisPart } from "../mechanism.ts";
import { STAKING_KEYS, STAKING_PARAMETER_MAX } from "./model.ts";

/** Staking's part of a Genesis: absent when the file has no `staking` section. */
export interface StakingGenesis {
  staking?: {
    /** Tokens minted to the staking contract at genesis, the most it ever pays in rewards (wei). */
    budget: bigint;
    /** The rule's genesis values (store parameters): reward tokens per day at the target, and the target (wei). */
    rewardPerDay: bigint;
    targetStaked: bigint;
    lockSeconds: number;
    /** What staked tokens do with their votes: only "lose" is built (see readStaking). */
    votes: "lose";
  };
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** The budget: the contract keeps it in a uint96, and it is minted, so also at most the largest supply. */
const BUDGET: Unit = {
  decimals: TOKEN_DECIMALS,
  max: MAX_SUPPLY,
  expected: `a decimal string of whole tokens, at most ${formatDecimal(MAX_SUPPLY, TOKEN_DECIMALS)} (like "1000000")`,
};

/** The rule's parameters, and their bounds: at most what the contract's _setParameter takes. */
export const STAKING_TOKENS: Unit = {
  decimals: TOKEN_DECIMALS,
  max: min(MAX_SUPPLY, STAKING_PARAMETER_MAX),
  expected: `a decimal string of whole tokens, at most ${formatDecimal(min(MAX_SUPPLY, STAKING_PARAMETER_MAX), TOKEN_DECIMALS)} (like "1000")`,
};

function readStaking(r: Reader, value: unknown): NonNullable<StakingGenesis["staking"]> | undefined {
  const o = r.object(value, "staking", ["budget", "rewardPerDay", "targetStaked"], ["lock", "votes"]);
  if (o === undefined) return undefined;
  const budget =
    o.budget === undefined
      ? undefined
      : positive(r, o.budget, r.unitValue(o.budget, "staking.budget", BUDGET), "staking.budget", BUDGET.expected);
  const rewardPerDay =
    o.rewardPerDay === undefined ? undefined : r.unitValue(o.rewardPerDay, "staking.rewardPerDay", STAKING_TOKENS);
  const targetStaked =
    o.targetStaked === undefined ? undefined : r.unitValue(o.targetStaked, "staking.targetStaked", STAKING_TOKENS);
  const lockSeconds = o.lock === undefined ? 0 : r.duration(o.lock, "staking.lock", MAX_LOCK_SECONDS);
  let votes: "lose" | undefined = "lose";
  if (o.votes !== undefined && o.votes !== "lose") {
    votes =
      o.votes === "keep"
        ? r.failText(
            "staking.votes",
            '"lose": staked tokens are held by the staking contract, which delegates to no one',
            '"keep"',
            'keeping votes would need a votes checkpoint per staker in the staking contract, which is not built; use "lose" (or leave it out)',
          )
        : r.fail("staking.votes", '"lose"', o.votes);
  }
  if (
    budget === undefined ||
    rewardPerDay === undefined ||
    targetStaked === undefined ||
    lockSeconds === undefined ||
    votes === undefined
  )
    return undefined;
  return { budget, rewardPerDay, targetStaked, lockSeconds, votes };
}

export const stakingGenesis: GenesisPart<StakingGenesis> = {
  required: [],
  optional: ["staking"],
  read(r, top) {
    if (top.staking === undefined) return { section: {}, parameters: [] };
    const staking = readStaking(r, top.staking);
    return {
      section: staking === undefined ? undefined : { staking },
      parameters: [
        {
          key: STAKING_KEYS.rewardPerDay,
          unit: STAKING_TOKENS,
          valuePath: "staking.rewardPerDay",
          value: staking?.rewardPerDay,
        },
        {
          key: STAKING_KEYS.targetStaked,
          unit: STAKING_TOKENS,
          valuePath: "staking.targetStaked",
          value: staking?.targetStaked,
        },
      ],
      minted: staking?.budget,
    };
  },
};

/** Tokens the genesis mints to the staking contract: its budget, 0 without staking. */
export function stakingBudget(genesis: StakingGenesis): bigint {
  return genesis.staking?.budget ?? 0n;
}
