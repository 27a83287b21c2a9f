// The units every part of the arena counts in, defined once, and exact conversions between the human
// units of the input files and the integers the contracts use. No floating point anywhere: decimal
// strings are split at the point and scaled with bigint.

import { ceilDiv } from "./bigint.ts";

/** 1e18: prices, rates and token amounts are WAD fixed point. */
export const WAD = 10n ** 18n;
/** 10,000 basis points make a whole. */
export const BPS = 10_000n;

export const TOKEN_DECIMALS = 18;
export const QUOTE_DECIMALS = 6;

export const MAX_UINT16 = 2n ** 16n - 1n;
export const MAX_UINT32 = 2n ** 32n - 1n;
export const MAX_UINT48 = 2n ** 48n - 1n;
export const MAX_UINT64 = 2n ** 64n - 1n;
export const MAX_UINT128 = 2n ** 128n - 1n;
export const MAX_UINT256 = 2n ** 256n - 1n;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const DURATION = /^(\d+)(s|m|h|d|w)$/;
const SECONDS_PER_UNIT: Record<string, bigint> = { s: 1n, m: 60n, h: 3_600n, d: 86_400n, w: 604_800n };

/** Why a decimal string could not be converted; undefined when it could. */
export type DecimalProblem = "not a decimal string" | "too many decimal places";

/**
 * "1.5" with 6 decimals → 1_500_000n. Returns a problem instead of guessing: no signs, no
 * exponents, no rounding of digits the unit cannot hold.
 */
export function parseDecimal(text: string, decimals: number): bigint | DecimalProblem {
  const match = DECIMAL.exec(text);
  if (match === null) return "not a decimal string";
  const whole = match[1];
  const fraction = match[2] ?? "";
  if (fraction.length > decimals) return "too many decimal places";
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}

/** 1_500_000n with 6 decimals → "1.5" (exact; trailing zeros dropped). */
export function formatDecimal(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const unit = 10n ** BigInt(decimals);
  const whole = magnitude / unit;
  const fraction = (magnitude % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

/** A whole number of seconds, or "30s" / "15m" / "12h" / "90d" / "52w"; undefined otherwise. */
export function parseDuration(value: unknown): bigint | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  if (typeof value !== "string") return undefined;
  const match = DURATION.exec(value);
  if (match === null) return undefined;
  return BigInt(match[1]) * SECONDS_PER_UNIT[match[2]];
}

/* BPS, PRICES AND GAS IN QUOTE */

/** `value` plus `bps` of it, rounded up: a maximum to pay. */
export function plusBps(value: bigint, bps: number): bigint {
  return ceilDiv(value * (BPS + BigInt(bps)), BPS);
}

/** `value` minus `bps` of it, rounded down: a minimum to accept. */
export function minusBps(value: bigint, bps: number): bigint {
  return (value * (BPS - BigInt(bps))) / BPS;
}

/** Quote units (6 decimals) worth of `tokens` at a WAD price per whole token, rounded down. */
export function tokensToQuote(tokens: bigint, priceWad: bigint): bigint {
  return (tokens * priceWad) / (WAD * 10n ** 12n);
}

/** Tokens (wei) `quote` units buy at a WAD price per whole token, rounded down; 0 at a zero price. */
export function quoteToTokens(quote: bigint, priceWad: bigint): bigint {
  return priceWad === 0n ? 0n : (quote * WAD * 10n ** 12n) / priceWad;
}

/** Quote units `wei` of ETH is worth at `ethPriceQuote` quote units per ETH, rounded up. */
export function weiToQuote(wei: bigint, ethPriceQuote: bigint): bigint {
  return ceilDiv(wei * ethPriceQuote, WAD);
}
