// Short human figures for the notes behaviours attach to their intents (the event log's "why").
// Notes are read, never parsed, so six significant digits are plenty.

const SIGNIFICANT = 6;

function short(value: bigint, decimals: number): string {
  return Number((Number(value) / 10 ** decimals).toPrecision(SIGNIFICANT)).toString();
}

/** A WAD price per whole token: 12200000000000000n → "0.0122". */
export function priceText(priceWad: bigint): string {
  return short(priceWad, 18);
}

/** Token wei as whole tokens: "1000 tokens". */
export function tokensText(tokens: bigint): string {
  return `${short(tokens, 18)} tokens`;
}

/** Quote units as whole quote: "250 quote". */
export function quoteText(quote: bigint): string {
  return `${short(quote, 6)} quote`;
}
