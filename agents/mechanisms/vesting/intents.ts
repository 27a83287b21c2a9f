// What a beneficiary may ask of the vesting contract.

export type VestingIntent = { kind: "releaseVested" };
