// Integer helpers shared by the TypeScript side, with the contracts' rounding.

/** ⌊√value⌋ (Babylonian method, as Uniswap V2's Math.sqrt). */
export function sqrtDown(value: bigint): bigint {
  if (value < 0n) throw new RangeError(`sqrtDown of a negative number: ${value}`);
  if (value < 2n) return value;
  let x = value;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + value / x) / 2n;
  }
  return x;
}

/** ⌈a / b⌉ for a ≥ 0, b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
