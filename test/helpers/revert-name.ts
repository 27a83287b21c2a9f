// The name of the error a call reverted with, as the in-process chain reports it ("reverted with
// custom error 'SlippageExceeded(1, 2)'", or only the return data when the node cannot tell which
// contract's error it is), to compare with a ModelRevert's errorName.

import type { Interface } from "ethers";

/** Solady's errors, raised from assembly and so in no contract's ABI. */
const SOLADY_ERRORS: Record<string, string> = {
  "0xad251c27": "MulDivFailed",
  "0xae47f702": "FullMulDivFailed",
  "0x65244e4e": "DivFailed",
  "0xa37bfec9": "ExpOverflow",
  "0x1615e638": "LnWadUndefined",
};

/** `interfaces` decode errors the node leaves unrecognised (an error raised in another contract's ABI). */
export function revertName(error: unknown, interfaces: readonly Interface[] = []): string {
  const message = error instanceof Error ? error.message : String(error);
  const custom = /reverted with custom error '(\w+)\(/.exec(message);
  if (custom) return custom[1]!;
  if (/reverted with panic code/.test(message)) return "Panic";
  const data = /return data: (0x[0-9a-fA-F]+)/.exec(message);
  if (data) {
    const solady = SOLADY_ERRORS[data[1]!.slice(0, 10).toLowerCase()];
    if (solady !== undefined) return solady;
    for (const contract of interfaces) {
      const parsed = contract.parseError(data[1]!);
      if (parsed) return parsed.name;
    }
  }
  throw error;
}
