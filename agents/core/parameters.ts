// Parameter store keys as the contracts write them: the name's bytes, right-padded to 32.

import { type Hex, hexToString, stringToHex } from "viem";

/** A store key as the contracts write it: the name's bytes, right-padded to 32. */
export function keyToBytes32(key: string): Hex {
  return stringToHex(key, { size: 32 });
}

export function bytes32ToKey(value: Hex): string {
  return hexToString(value, { size: 32 }).replace(/\0+$/, "");
}
