// Parameter store keys as the contracts write them: the name's bytes, right-padded to 32.

import { type Hex, hexToString, stringToHex } from "viem";

/** A store key as the contracts write it: the name's bytes, right-padded to 32. */
export function keyToBytes32(key: string): Hex {
  return stringToHex(key, { size: 32 });
}

export function bytes32ToKey(value: Hex): string {
  return hexToString(value, { size: 32 }).replace(/\0+$/, "");
}

/** One entry of the parameter store, as defined at genesis. */
export interface GenesisParameter {
  key: string;
  value: bigint;
  min: bigint;
  max: bigint;
  maxStepBps: number;
  minIntervalSeconds: number;
  /** The mechanism whose contract consumes it (told of every change): "market", "pool". */
  consumer: string;
  /** Decimals of the human unit (18 for prices, rates and supplies, 0 for bps). */
  decimals: number;
}
