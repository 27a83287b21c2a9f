// The constant-product pool as the engine sees it: its slice of the Observation (`pool`), the swap
// and liquidity intents, its twin (PoolModel) applied to intents on the fast model and moved by the
// pool's events on a chain, its LP shares as a position in agents' holdings, and its columns.

import {
  decodeFunctionData,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  toEventSelector,
  toFunctionSelector,
} from "viem";

import { ModelRevert } from "../../core/model-revert.ts";
import { BPS } from "../../core/units.ts";
import { dataWord, encodeWords, topicAddress } from "../calldata.ts";
import type { ChainReadContext, EncodedCall, Flows, Mechanism, ModelSender, TwinDifference } from "../mechanism.ts";
import { type IntentGas, successGas } from "../model-gas.ts";
import { poolGenesis } from "./genesis.ts";
import type { PoolIntent } from "./intents.ts";
import { PoolModel } from "./model.ts";
import type { PoolState } from "./state.ts";

/** The pool's twin: the model (a box, so a trial on a clone can replace it) and its fee at the step's start. */
export interface PoolTwin {
  model: PoolModel;
  /** The fee when the step began: every swap of the step's block has its fee valued at it. */
  feeAtStepStart: bigint;
}

export interface PoolSlice {
  pool: PoolState;
}

const CONTRACT = "ConstantProductPool";
const ZERO_TOPIC_ADDRESS = "0x0000000000000000000000000000000000000000";

const SELECTORS = {
  swapExactIn: toFunctionSelector("swapExactIn(address,uint256,uint256,address,uint256)"),
  swapExactOut: toFunctionSelector("swapExactOut(address,uint256,uint256,address,uint256)"),
  addLiquidity: toFunctionSelector("addLiquidity(uint256,uint256,uint256,uint256,address,uint256)"),
  removeLiquidity: toFunctionSelector("removeLiquidity(uint256,uint256,uint256,address,uint256)"),
} as const;

const TOPICS = {
  transfer: toEventSelector("Transfer(address,address,uint256)"),
  swap: toEventSelector("Swap(address,address,address,uint256,uint256)"),
  sync: toEventSelector("Sync(uint256,uint256)"),
  feeUpdated: toEventSelector("FeeUpdated(uint256,uint256)"),
} as const;

/**
 * Gas on the fast model, medians of the ready-made scenarios' chain battles. swapExactIn: success
 * 74,401 (2,829); InsufficientOutput 26,559 (481); a short balance reverts after the checks, as the
 * sale's does: the revert + the sale's 9,248 difference. addLiquidity: success 106,251 (54) − 17,100
 * (its median deposit mints LP shares to an empty balance); InsufficientAmount 26,228 (20).
 * removeLiquidity: success 80,397 (51) + 4,800 (its median burns all); InsufficientAmount 46,860 (38);
 * a short LP balance fails at the burn, before the amounts: as the minimum-amount revert.
 */
/** swapExactOut: success 74,329 (256, classic-daily's buyer); its reverts as swapExactIn's. */
const SWAP_EXACT_OUT_GAS: IntentGas = { success: 74_329n, reverted: 26_559n, insufficientBalance: 35_807n };

const GAS: Record<PoolIntent["kind"], IntentGas> = {
  swap: { success: 74_401n, reverted: 26_559n, insufficientBalance: 35_807n },
  swapExactOut: SWAP_EXACT_OUT_GAS,
  addLiquidity: { success: 89_151n, reverted: 26_228n, insufficientBalance: 35_476n },
  removeLiquidity: { success: 85_197n, reverted: 46_860n, insufficientBalance: 46_860n },
};

/** The PoolState an observation shows of a pool model. */
export function poolStateOf(p: PoolModel): PoolState {
  const s = p.state;
  return {
    reserveToken: s.reserveToken,
    reserveQuote: s.reserveQuote,
    feeBps: s.feeBps,
    priceWad: p.priceWad(),
    totalLiquidity: s.totalLiquidity,
  };
}

function call(ctx: { addresses: { pool: `0x${string}` } }, fn: string, data: Hex): EncodedCall {
  return { to: ctx.addresses.pool, data, contract: CONTRACT, fn };
}

/** A swap's volume and fee in quote, the fee valued at the rate the swap got when the token went in. */
export function addSwapFlows(flows: Flows, quoteIn: boolean, amountIn: bigint, amountOut: bigint, fee: bigint): void {
  if (quoteIn) {
    flows.poolVolumeQuote! += amountIn;
    flows.poolFeesQuote! += (amountIn * fee) / BPS;
  } else {
    flows.poolVolumeQuote! += amountOut;
    // The fee's tokens, valued at the rate this swap got.
    if (fee < BPS) flows.poolFeesQuote! += (amountOut * fee) / (BPS - fee);
  }
}

/* THE FAST MODEL: the pool's checks, then the transfers it makes (a short balance reverts there) */

function apply(twin: PoolTwin, sender: ModelSender, intent: PoolIntent, flows: Flows): bigint {
  const h = sender.holdings;
  const short = (balance: bigint, needed: bigint) =>
    new ModelRevert("ERC20InsufficientBalance", { sender: sender.address, balance, needed });
  switch (intent.kind) {
    case "swap": {
      const tokenIn = intent.sell === "token";
      const balance = tokenIn ? h.tokens : h.quote;
      if (balance < intent.amountIn) {
        twin.model.clone().swapExactIn(tokenIn, intent.amountIn, intent.minOut);
        throw short(balance, intent.amountIn);
      }
      const out = twin.model.swapExactIn(tokenIn, intent.amountIn, intent.minOut);
      const received = tokenIn ? h.quote : h.tokens;
      const gas = successGas(GAS.swap, received === 0n ? 1 : 0, balance === intent.amountIn ? 1 : 0);
      if (tokenIn) {
        h.tokens -= intent.amountIn;
        h.quote += out;
      } else {
        h.quote -= intent.amountIn;
        h.tokens += out;
      }
      addSwapFlows(flows, !tokenIn, intent.amountIn, out, twin.feeAtStepStart);
      return gas;
    }
    case "swapExactOut": {
      const tokenOut = intent.buy === "token";
      const balance = tokenOut ? h.quote : h.tokens;
      // The pool prices the input and checks the limit before it pulls the input.
      const amountIn = twin.model.clone().swapExactOut(tokenOut, intent.amountOut, intent.maxIn);
      if (balance < amountIn) throw short(balance, amountIn);
      twin.model.swapExactOut(tokenOut, intent.amountOut, intent.maxIn);
      const received = tokenOut ? h.tokens : h.quote;
      const gas = successGas(GAS.swapExactOut, received === 0n ? 1 : 0, balance === amountIn ? 1 : 0);
      if (tokenOut) {
        h.quote -= amountIn;
        h.tokens += intent.amountOut;
      } else {
        h.tokens -= amountIn;
        h.quote += intent.amountOut;
      }
      addSwapFlows(flows, tokenOut, amountIn, intent.amountOut, twin.feeAtStepStart);
      return gas;
    }
    case "addLiquidity": {
      let result: { token: bigint; quote: bigint; liquidity: bigint };
      if (h.tokens >= intent.tokens && h.quote >= intent.quote)
        result = twin.model.addLiquidity(intent.tokens, intent.quote, intent.minTokens, intent.minQuote);
      else {
        const trial = twin.model.clone();
        result = trial.addLiquidity(intent.tokens, intent.quote, intent.minTokens, intent.minQuote);
        if (result.token > h.tokens) throw short(h.tokens, result.token);
        if (result.quote > h.quote) throw short(h.quote, result.quote);
        twin.model = trial;
      }
      const emptied = (h.tokens === result.token ? 1 : 0) + (h.quote === result.quote ? 1 : 0);
      const gas = successGas(GAS.addLiquidity, h.lp === 0n ? 1 : 0, emptied);
      h.tokens -= result.token;
      h.quote -= result.quote;
      h.lp += result.liquidity;
      return gas;
    }
    case "removeLiquidity": {
      // The pool burns the shares first: a short balance fails before any amount is computed.
      if (h.lp < intent.liquidity) throw short(h.lp, intent.liquidity);
      const result = twin.model.removeLiquidity(intent.liquidity, intent.minTokens, intent.minQuote);
      const fromZero = (h.tokens === 0n ? 1 : 0) + (h.quote === 0n ? 1 : 0);
      const gas = successGas(GAS.removeLiquidity, fromZero, h.lp === intent.liquidity ? 1 : 0);
      h.lp -= intent.liquidity;
      h.tokens += result.token;
      h.quote += result.quote;
      return gas;
    }
  }
}

/* ON A CHAIN */

/** ArenaLens.poolState. */
interface LensPool {
  reserveToken: bigint;
  reserveQuote: bigint;
  feeBps: bigint;
  priceWad: bigint;
  liquidity: bigint;
}

async function readLens(ctx: ChainReadContext): Promise<LensPool> {
  const lens = ctx.abis.byContract.lens;
  const data = encodeFunctionData({ abi: lens, functionName: "poolState", args: [ctx.addresses.pool] });
  const result = await ctx.chain.request<Hex>("eth_call", [{ to: ctx.addresses.lens, data }, "latest"]);
  return decodeFunctionResult({ abi: lens, functionName: "poolState", data: result }) as unknown as LensPool;
}

function modelOf(p: LensPool): PoolModel {
  return new PoolModel({
    reserveToken: p.reserveToken,
    reserveQuote: p.reserveQuote,
    feeBps: Number(p.feeBps),
    totalLiquidity: p.liquidity,
  });
}

async function verify(twin: PoolTwin, ctx: ChainReadContext): Promise<TwinDifference[]> {
  const lens = await readLens(ctx);
  const s = twin.model.state;
  const out: TwinDifference[] = [];
  const differ = (field: string, mine: unknown, chain: unknown) => {
    if (mine !== chain) out.push({ field: `pool.${field}`, twin: String(mine), chain: String(chain) });
  };
  differ("reserveToken", s.reserveToken, lens.reserveToken);
  differ("reserveQuote", s.reserveQuote, lens.reserveQuote);
  differ("feeBps", BigInt(s.feeBps), lens.feeBps);
  differ("totalLiquidity", s.totalLiquidity, lens.liquidity);
  differ("priceWad", twin.model.priceWad(), lens.priceWad);
  return out;
}

export const pool = {
  id: "pool",
  contracts: ["pool"],
  genesis: poolGenesis,
  spends: ["quote", "token"],
  position: { contract: "pool", field: "lp" },

  observe: (twin) => ({ pool: poolStateOf(twin.model) }),
  venue: { name: "pool", priceWad: (slice) => slice.pool.priceWad },

  intents: {
    kinds: ["swap", "swapExactOut", "addLiquidity", "removeLiquidity"],
    gasLimit: { swap: 200_000n, swapExactOut: 200_000n, addLiquidity: 300_000n, removeLiquidity: 250_000n },
    encode(intent, ctx) {
      const { agent, deadline } = ctx;
      switch (intent.kind) {
        case "swap": {
          const tokenIn = intent.sell === "token" ? ctx.addresses.token : ctx.addresses.quote;
          return call(
            ctx,
            "swapExactIn",
            encodeWords(SELECTORS.swapExactIn, [tokenIn, intent.amountIn, intent.minOut, agent, deadline]),
          );
        }
        case "swapExactOut": {
          const tokenOut = intent.buy === "token" ? ctx.addresses.token : ctx.addresses.quote;
          return call(
            ctx,
            "swapExactOut",
            encodeWords(SELECTORS.swapExactOut, [tokenOut, intent.amountOut, intent.maxIn, agent, deadline]),
          );
        }
        case "addLiquidity":
          return call(
            ctx,
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
            ctx,
            "removeLiquidity",
            encodeWords(SELECTORS.removeLiquidity, [
              intent.liquidity,
              intent.minTokens,
              intent.minQuote,
              agent,
              deadline,
            ]),
          );
      }
    },
    decode(to, data, ctx) {
      if (to.toLowerCase() !== ctx.addresses.pool.toLowerCase()) return undefined;
      const { functionName, args } = decodeFunctionData({ abi: ctx.abis.byContract.pool, data });
      const a = args as readonly unknown[];
      if (functionName === "swapExactIn") {
        const sell = (a[0] as string).toLowerCase() === ctx.addresses.token.toLowerCase() ? "token" : "quote";
        return { kind: "swap", sell, amountIn: a[1] as bigint, minOut: a[2] as bigint };
      }
      if (functionName === "swapExactOut") {
        const buy = (a[0] as string).toLowerCase() === ctx.addresses.token.toLowerCase() ? "token" : "quote";
        return { kind: "swapExactOut", buy, amountOut: a[1] as bigint, maxIn: a[2] as bigint };
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
      return undefined;
    },
    words(intent) {
      switch (intent.kind) {
        case "swap":
          return [intent.amountIn, intent.minOut];
        case "swapExactOut":
          return [intent.amountOut, intent.maxIn];
        case "addLiquidity":
          return [intent.tokens, intent.quote, intent.minTokens, intent.minQuote];
        case "removeLiquidity":
          return [intent.liquidity, intent.minTokens, intent.minQuote];
      }
    },
  },

  model: {
    apply(twin, sender, intent, block, flows) {
      if (block.timestamp > block.deadline)
        throw new ModelRevert("DeadlineExpired", { deadline: block.deadline, timestamp: block.timestamp });
      return { status: "success", gasUsed: apply(twin, sender, intent, flows) };
    },
    gas: GAS,
    clone: (twin) => ({ model: twin.model.clone(), feeAtStepStart: twin.feeAtStepStart }),
  },

  chain: {
    async read(ctx) {
      const model = modelOf(await readLens(ctx));
      return { model, feeAtStepStart: BigInt(model.state.feeBps) };
    },
    follow(twin, log, ctx) {
      const topic = log.topics[0];
      if (topic === TOPICS.sync) {
        twin.model.followReserves(dataWord(log.data, 0), dataWord(log.data, 1));
      } else if (topic === TOPICS.swap) {
        // Swap(sender, to, tokenIn, amountIn, amountOut)
        const quoteIn = topicAddress(log.topics[3]!) === ctx.addresses.quote.toLowerCase();
        addSwapFlows(ctx.flows, quoteIn, dataWord(log.data, 0), dataWord(log.data, 1), twin.feeAtStepStart);
      } else if (topic === TOPICS.transfer && log.topics.length === 3) {
        // LP shares minted from, or burned to, the zero address move the total.
        const value = dataWord(log.data, 0);
        if (topicAddress(log.topics[1]!) === ZERO_TOPIC_ADDRESS) twin.model.followLiquidity(value);
        if (topicAddress(log.topics[2]!) === ZERO_TOPIC_ADDRESS) twin.model.followLiquidity(-value);
      } else if (topic === TOPICS.feeUpdated) {
        twin.model.followFee(dataWord(log.data, 1));
      }
    },
    verify,
  },

  beginStep(twin) {
    twin.feeAtStepStart = BigInt(twin.model.state.feeBps);
  },

  columns: [
    { name: "poolPriceWad", group: "price", description: "pool price after the block" },
    { name: "gapBps", group: "price", description: "(pool − curve) / curve in bps, signed" },
    { name: "poolVolumeQuote", group: "volume", description: "quote value traded on the pool in this block" },
    { name: "poolFeesQuote", group: "fees", description: "pool fees in this block, valued in quote" },
  ] as const,
  flows: ["poolVolumeQuote", "poolFeesQuote"],
  row(_twin, slice, ctx) {
    const poolPrice = slice.pool.priceWad;
    const curvePrice = (ctx.slices.curve as { priceWad: bigint } | undefined)?.priceWad ?? 0n;
    return {
      poolPriceWad: poolPrice,
      gapBps: curvePrice === 0n || poolPrice === 0n ? 0n : ((poolPrice - curvePrice) * BPS) / curvePrice,
      poolVolumeQuote: ctx.flows.poolVolumeQuote!,
      poolFeesQuote: ctx.flows.poolFeesQuote!,
    };
  },
} satisfies Mechanism<PoolTwin, PoolIntent, PoolSlice>;
