// What an agent may ask of the constant-product pool.

export type PoolIntent =
  | { kind: "swap" /** what goes in */; sell: "token" | "quote"; amountIn: bigint; minOut: bigint }
  /** Exactly `amountOut` of what it buys, for at most `maxIn` of the other (swapExactOut). */
  | { kind: "swapExactOut" /** what comes out */; buy: "token" | "quote"; amountOut: bigint; maxIn: bigint }
  | { kind: "addLiquidity"; tokens: bigint; quote: bigint; minTokens: bigint; minQuote: bigint }
  | { kind: "removeLiquidity"; liquidity: bigint; minTokens: bigint; minQuote: bigint };
