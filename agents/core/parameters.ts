// Store parameters as every part of the arena names them: a key ("market.buyFeeBps", "curve.slope"),
// a value in the contracts' units (WAD for the curve's prices and rates, bps for fees), the same value
// in a human unit for files and messages, and the key's bytes32 form on chain. The rules a change must
// keep (bounds, step, interval) are governance's (governance/protocol/changes.ts).

import { hexToString, stringToHex, type Hex } from "viem";

import { formatDecimal, parseDecimal } from "./units.ts";

export interface ParameterChange {
  /** A store key, like "market.buyFeeBps" or "curve.slope". */
  key: string;
  /** The new value in the contracts' units (WAD for prices and rates, bps for fees). */
  value: bigint;
}

/** Decimals of a key's human unit: 18 for the curve's prices, rates and midpoint and staking's token amounts and the resource market's prices, 6 for the buyback's cap in quote, 0 for bps. */
export function parameterDecimals(key: string): number {
  if (key === "buyback.capPerPeriod") return 6;
  return key.startsWith("curve.") ||
    key.startsWith("staking.") ||
    key === "resource.minPrice" ||
    key === "resource.maxPrice"
    ? 18
    : 0;
}

/** A value in a key's human unit ("0.012" for a price, "120" for bps). */
export function formatParameter(key: string, value: bigint): string {
  return formatDecimal(value, parameterDecimals(key));
}

/**
 * "market.buyFeeBps=120" or "curve.basePrice=0.012" (human units) → a change in the store's units, or
 * what is wrong with the text (with how to write it).
 */
export function readChange(text: string): ParameterChange | { problem: string } {
  const at = text.indexOf("=");
  const key = at < 0 ? "" : text.slice(0, at).trim();
  const raw = at < 0 ? "" : text.slice(at + 1).trim();
  if (key === "" || raw === "")
    return {
      problem: `"${text}" is not a change: write key=value, like market.buyFeeBps=120 or curve.basePrice=0.012`,
    };
  const decimals = parameterDecimals(key);
  const value = parseDecimal(raw, decimals);
  if (typeof value === "string") {
    const unit =
      decimals === 0 ? "a whole number of bps, like 120" : `a decimal with at most ${decimals} places, like 0.012`;
    return { problem: `${key}=${raw}: ${value}; ${key} takes ${unit}` };
  }
  return { key, value };
}

/** A store key as the contracts write it: the name's bytes, right-padded to 32. */
export function keyToBytes32(key: string): Hex {
  return stringToHex(key, { size: 32 });
}

export function bytes32ToKey(value: Hex): string {
  return hexToString(value, { size: 32 }).replace(/\0+$/, "");
}

/** One entry of the parameter store, as defined at genesis. */
export interface GenesisParameter {
  key: string;
  value: bigint;
  min: bigint;
  max: bigint;
  maxStepBps: number;
  minIntervalSeconds: number;
  /** The mechanism whose contract consumes it (told of every change): "market", "pool". */
  consumer: string;
  /** Decimals of the human unit (18 for prices, rates and supplies, 0 for bps). */
  decimals: number;
}
