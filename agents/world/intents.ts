// Intents to calldata and back. The World encodes what a behaviour asked for into one contract call
// (the agent is always the recipient; the deadline is the end of the step), and decodes the calldata
// of pending transactions back into intents for behaviours that read the pending block.

import { type Address, decodeFunctionData, type Hex, toFunctionSelector } from "viem";

import type { Intent, IntentKind } from "../mechanisms/registry.ts";
import type { SystemAbis, SystemAddresses } from "../chain/system.ts";

export interface EncodedCall {
  to: Address;
  data: Hex;
  /** Contract and function, for the gas profile. */
  contract: string;
  fn: string;
}

/** Gas limit per intent kind: fixed, so no transaction needs an estimate (about 2–3× the measured gas). */
export const GAS_LIMITS: Readonly<Record<IntentKind, bigint>> = {
  buyCurve: 250_000n,
  buyCurveWithQuote: 300_000n,
  sellCurve: 250_000n,
  swap: 200_000n,
  addLiquidity: 300_000n,
  removeLiquidity: 250_000n,
  releaseVested: 300_000n,
};

/** Selectors of the calls intents become, computed once. */
const SELECTORS = {
  buyExactTokens: toFunctionSelector("buyExactTokens(uint256,uint256,address,uint256)"),
  buyExactQuote: toFunctionSelector("buyExactQuote(uint256,uint256,address,uint256)"),
  sell: toFunctionSelector("sell(uint256,uint256,address,uint256)"),
  swapExactIn: toFunctionSelector("swapExactIn(address,uint256,uint256,address,uint256)"),
  addLiquidity: toFunctionSelector("addLiquidity(uint256,uint256,uint256,uint256,address,uint256)"),
  removeLiquidity: toFunctionSelector("removeLiquidity(uint256,uint256,uint256,address,uint256)"),
  releaseAll: toFunctionSelector("releaseAll(address)"),
} as const;

/**
 * Calldata for a call whose arguments are all static words (uint256, address): the selector and one
 * 32-byte word per argument. Every intent is such a call; encoding by hand keeps it off the profile
 * (viem's encodeFunctionData looks the function up in the ABI on every call).
 */
function encodeWords(selector: Hex, args: readonly (bigint | Address)[]): Hex {
  let data: string = selector;
  for (const arg of args) {
    const word = typeof arg === "bigint" ? arg.toString(16) : arg.slice(2).toLowerCase();
    if (typeof arg === "bigint" && (arg < 0n || word.length > 64))
      throw new RangeError(`calldata argument ${arg} is not a uint256`);
    data += word.padStart(64, "0");
  }
  return data as Hex;
}

export function encodeIntent(intent: Intent, agent: Address, deadline: bigint, at: SystemAddresses): EncodedCall {
  switch (intent.kind) {
    case "buyCurve":
      return call(
        at.market,
        "BondingCurveMarket",
        "buyExactTokens",
        encodeWords(SELECTORS.buyExactTokens, [intent.amount, intent.maxCost, agent, deadline]),
      );
    case "buyCurveWithQuote":
      return call(
        at.market,
        "BondingCurveMarket",
        "buyExactQuote",
        encodeWords(SELECTORS.buyExactQuote, [intent.quoteIn, intent.minOut, agent, deadline]),
      );
    case "sellCurve":
      return call(
        at.market,
        "BondingCurveMarket",
        "sell",
        encodeWords(SELECTORS.sell, [intent.amount, intent.minRefund, agent, deadline]),
      );
    case "swap": {
      const tokenIn = intent.sell === "token" ? at.token : at.quote;
      return call(
        at.pool,
        "ConstantProductPool",
        "swapExactIn",
        encodeWords(SELECTORS.swapExactIn, [tokenIn, intent.amountIn, intent.minOut, agent, deadline]),
      );
    }
    case "addLiquidity":
      return call(
        at.pool,
        "ConstantProductPool",
        "addLiquidity",
        encodeWords(SELECTORS.addLiquidity, [
          intent.tokens,
          intent.quote,
          intent.minTokens,
          intent.minQuote,
          agent,
          deadline,
        ]),
      );
    case "removeLiquidity":
      return call(
        at.pool,
        "ConstantProductPool",
        "removeLiquidity",
        encodeWords(SELECTORS.removeLiquidity, [intent.liquidity, intent.minTokens, intent.minQuote, agent, deadline]),
      );
    case "releaseVested":
      return call(at.vesting, "Vesting", "releaseAll", encodeWords(SELECTORS.releaseAll, [agent]));
  }
}

function call(to: Address, contract: string, fn: string, data: Hex): EncodedCall {
  return { to, data, contract, fn };
}

/** The intent a pending transaction carries, when it is a call the harness knows; undefined otherwise. */
export function decodeIntent(to: string | null, data: Hex, abis: SystemAbis, at: SystemAddresses): Intent | undefined {
  if (to === null) return undefined;
  const target = to.toLowerCase();
  try {
    if (target === at.market.toLowerCase()) {
      const { functionName, args } = decodeFunctionData({ abi: abis.byContract.market, data });
      const a = args as readonly unknown[];
      if (functionName === "buyExactTokens")
        return { kind: "buyCurve", amount: a[0] as bigint, maxCost: a[1] as bigint };
      if (functionName === "buyExactQuote")
        return { kind: "buyCurveWithQuote", quoteIn: a[0] as bigint, minOut: a[1] as bigint };
      if (functionName === "sell") return { kind: "sellCurve", amount: a[0] as bigint, minRefund: a[1] as bigint };
    } else if (target === at.pool.toLowerCase()) {
      const { functionName, args } = decodeFunctionData({ abi: abis.byContract.pool, data });
      const a = args as readonly unknown[];
      if (functionName === "swapExactIn") {
        const sell = (a[0] as string).toLowerCase() === at.token.toLowerCase() ? "token" : "quote";
        return { kind: "swap", sell, amountIn: a[1] as bigint, minOut: a[2] as bigint };
      }
      if (functionName === "addLiquidity")
        return {
          kind: "addLiquidity",
          tokens: a[0] as bigint,
          quote: a[1] as bigint,
          minTokens: a[2] as bigint,
          minQuote: a[3] as bigint,
        };
      if (functionName === "removeLiquidity")
        return {
          kind: "removeLiquidity",
          liquidity: a[0] as bigint,
          minTokens: a[1] as bigint,
          minQuote: a[2] as bigint,
        };
    } else if (target === at.vesting.toLowerCase()) {
      const { functionName } = decodeFunctionData({ abi: abis.byContract.vesting, data });
      if (functionName === "releaseAll") return { kind: "releaseVested" };
    }
  } catch {
    return undefined;
  }
  return undefined;
}
