// What a staker may ask of the staking contract (amounts in token wei).

export type StakingIntent =
  | { kind: "stake"; amount: bigint }
  | { kind: "unstake"; amount: bigint }
  | { kind: "claimRewards" };
