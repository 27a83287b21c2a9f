// What a keeper may ask of the buyback (anyone may call both): collect the market's treasury fees
// (the share to the budget, the rest to the Timelock), and spend `quoteIn` of the budget on a buyback
// whose tokens are burned (quote units).

export type BuybackIntent = { kind: "buybackCollect" } | { kind: "buybackExecute"; quoteIn: bigint };
