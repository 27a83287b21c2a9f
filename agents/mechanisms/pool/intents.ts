// What an agent may ask of the constant-product pool.

export type PoolIntent =
  | { kind: "swap" /** what goes in */; sell: "token" | "quote"; amountIn: bigint; minOut: bigint }
  | { kind: "addLiquidity"; tokens: bigint; quote: bigint; minTokens: bigint; minQuote: bigint }
  | { kind: "removeLiquidity"; liquidity: bigint; minTokens: bigint; minQuote: bigint };
