// What an agent may ask of the bonding-curve market.

export type MarketIntent =
  | { kind: "buyCurve" /** tokens (wei) */; amount: bigint /** quote units */; maxCost: bigint }
  | { kind: "buyCurveWithQuote" /** quote units */; quoteIn: bigint /** tokens */; minOut: bigint }
  | { kind: "sellCurve" /** tokens */; amount: bigint /** quote units */; minRefund: bigint };
