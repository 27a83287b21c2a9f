// Calldata and logs by hand, for the hot path: every intent is a call whose arguments are static
// words (uint256, address), and every log the engine follows has a fixed layout. viem's ABI coder looks
// each function up by name on every call; these do not.

import type { Address, Hex } from "viem";

/** The selector and one 32-byte word per argument; a bigint outside uint256 is a RangeError. */
export function encodeWords(selector: Hex, args: readonly (bigint | Address)[]): Hex {
  let data: string = selector;
  for (const arg of args) {
    const word = typeof arg === "bigint" ? arg.toString(16) : arg.slice(2).toLowerCase();
    if (typeof arg === "bigint" && (arg < 0n || word.length > 64))
      throw new RangeError(`calldata argument ${arg} is not a uint256`);
    data += word.padStart(64, "0");
  }
  return data as Hex;
}

const UINT256_LIMIT = 1n << 256n;

/** Throws the encoder's RangeError for a word outside uint256 (the model checks intents with it). */
export function checkWords(words: readonly bigint[]): void {
  for (const word of words) {
    if (word < 0n || word >= UINT256_LIMIT) throw new RangeError(`calldata argument ${word} is not a uint256`);
  }
}

/** The `index`-th 32-byte word of a log's data. */
export function dataWord(data: Hex, index: number): bigint {
  const start = 2 + index * 64;
  return BigInt(`0x${data.slice(start, start + 64)}`);
}

/** The address an indexed topic holds, lower case. */
export function topicAddress(topic: Hex): string {
  return `0x${topic.slice(26)}`.toLowerCase();
}
