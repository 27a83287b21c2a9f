import { MAX_UINT256 } from "./units.ts";
import { ArenaError } from "./errors.ts";
// What the fast model throws where the contract would revert: the contract's error name and its
// arguments by their ABI names, formatted as the World formats a decoded revert
// (`SlippageExceeded(amount=123, limit=100)`), so a model run and a chain run read the same.

export type RevertArgs = Record<string, bigint | string | boolean>;

export class ModelRevert extends ArenaError {
  readonly errorName: string;
  readonly args: RevertArgs;

  constructor(errorName: string, args: RevertArgs = {}) {
    super(formatRevert(errorName, args));
    this.errorName = errorName;
    this.args = args;
  }
}

function formatRevert(errorName: string, args: RevertArgs): string {
  const parts = Object.entries(args).map(
    ([name, value]) => `${name}=${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
  );
  return `${errorName}(${parts.join(", ")})`;
}

/** Solidity's Panic codes the model can reach: ModelRevert("Panic", { reason }), as viem names the argument. */
export const PANIC_ARITHMETIC_OVERFLOW = 0x11n;
export const PANIC_DIVISION_BY_ZERO = 0x12n;

/** `x`, or Panic(0x11) where Solidity's checked arithmetic would overflow uint256. */
export function checked(x: bigint): bigint {
  if (x > MAX_UINT256) throw new ModelRevert("Panic", { reason: PANIC_ARITHMETIC_OVERFLOW });
  return x;
}
