// The bonding-curve market as the engine sees it: its slice of the Observation (`curve`), the three
// curve intents, its twin (MarketModel) applied to intents on the fast model and moved by the
// market's events on a chain, and its columns of steps.csv.

import {
  decodeFunctionData,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  toEventSelector,
  toFunctionSelector,
} from "viem";

import { ModelRevert } from "../../core/model-revert.ts";
import { MAX_UINT256, QUOTE_DECIMALS } from "../../core/units.ts";
import { dataWord, encodeWords } from "../calldata.ts";
import type { ChainReadContext, EncodedCall, Mechanism, ModelSender, TwinDifference } from "../mechanism.ts";
import { type IntentGas, successGas } from "../model-gas.ts";
import { marketGenesis } from "./genesis.ts";
import type { MarketIntent } from "./intents.ts";
import { MarketModel } from "./model.ts";
import { CURVE_KINDS, type CurveState } from "./state.ts";

/** The market's twin: a box, so a trial on a clone can replace the model when it stands. */
export interface MarketTwin {
  model: MarketModel;
}

export interface MarketSlice {
  curve: CurveState;
}

const CONTRACT = "BondingCurveMarket";

const SELECTORS = {
  buyExactTokens: toFunctionSelector("buyExactTokens(uint256,uint256,address,uint256)"),
  buyExactQuote: toFunctionSelector("buyExactQuote(uint256,uint256,address,uint256)"),
  sell: toFunctionSelector("sell(uint256,uint256,address,uint256)"),
} as const;

const TOPICS = {
  bought: toEventSelector("Bought(address,address,uint256,uint256,uint256,uint256,uint256)"),
  sold: toEventSelector("Sold(address,address,uint256,uint256,uint256,uint256,uint256)"),
  parametersSynced: toEventSelector(
    "ParametersSynced(bytes32,uint256,uint256,uint256,uint256,uint256,uint256,uint256)",
  ),
  renormalised: toEventSelector("Renormalised(uint256,uint256,uint256,uint256)"),
  paused: toEventSelector("Paused(address)"),
  unpaused: toEventSelector("Unpaused(address)"),
} as const;

/**
 * Gas on the fast model (mechanisms/model-gas.ts), medians of the ready-made scenarios' chain battles.
 * buyExactTokens: success 74,310 (225 txs); no revert in the battles: as buyExactQuote's slippage
 * revert (which also prices the buy first); a short quote balance reverts in the transfer, after the
 * checks: the revert + the 9,248 the sale's two reverts differ by. buyExactQuote: success 78,700
 * (1,297; it pays the cost its inverse computed since dfba5f8, 79,843 before); SlippageExceeded 36,904 (1). sell: success 71,713 (869); SlippageExceeded 31,287 (1);
 * ERC20InsufficientBalance 40,535 (1).
 */
const GAS: Record<MarketIntent["kind"], IntentGas> = {
  buyCurve: { success: 74_310n, reverted: 36_904n, insufficientBalance: 46_152n },
  buyCurveWithQuote: { success: 78_700n, reverted: 36_904n, insufficientBalance: 46_152n },
  sellCurve: { success: 71_713n, reverted: 31_287n, insufficientBalance: 40_535n },
};

/** The CurveState an observation shows of a market model. */
export function curveStateOf(m: MarketModel): CurveState {
  const s = m.state;
  return {
    kind: s.kind,
    params: s.params,
    scaleWad: s.scaleWad,
    priceWad: m.priceWad(),
    supply: s.supply,
    maxSupply: s.maxSupply,
    reserve: s.reserve,
    treasuryAccrued: s.treasuryAccrued,
    buyFeeBps: s.buyFeeBps,
    sellFeeBps: s.sellFeeBps,
    treasuryShareBps: s.treasuryShareBps,
    paused: s.paused,
  };
}

function call(ctx: { addresses: { market: `0x${string}` } }, fn: string, data: Hex): EncodedCall {
  return { to: ctx.addresses.market, data, contract: CONTRACT, fn };
}

/* THE FAST MODEL: the market's checks, then the transfers it makes (a short balance reverts there) */

function apply(
  twin: MarketTwin,
  sender: ModelSender,
  intent: MarketIntent,
): { gasUsed: bigint; volume: bigint; fee: bigint } {
  const h = sender.holdings;
  const short = (balance: bigint, needed: bigint) =>
    new ModelRevert("ERC20InsufficientBalance", { sender: sender.address, balance, needed });
  switch (intent.kind) {
    case "buyCurve": {
      let result: { cost: bigint; fee: bigint };
      if (h.quote >= intent.maxCost) result = twin.model.buyExactTokens(intent.amount, intent.maxCost);
      else {
        const trial = twin.model.clone();
        result = trial.buyExactTokens(intent.amount, intent.maxCost);
        if (result.cost > h.quote) throw short(h.quote, result.cost);
        twin.model = trial;
      }
      const gasUsed = successGas(GAS.buyCurve, h.tokens === 0n ? 1 : 0, h.quote === result.cost ? 1 : 0);
      h.quote -= result.cost;
      h.tokens += intent.amount;
      return { gasUsed, volume: result.cost, fee: result.fee };
    }
    case "buyCurveWithQuote": {
      if (h.quote < intent.quoteIn) {
        // It cannot pay: the revert is the market's own when its checks fail first, else the transfer's.
        twin.model.clone().buyExactQuote(intent.quoteIn, intent.minOut);
        throw short(h.quote, intent.quoteIn);
      }
      const result = twin.model.buyExactQuote(intent.quoteIn, intent.minOut);
      const gasUsed = successGas(GAS.buyCurveWithQuote, h.tokens === 0n ? 1 : 0, h.quote === intent.quoteIn ? 1 : 0);
      h.quote -= intent.quoteIn;
      h.tokens += result.amount;
      return { gasUsed, volume: intent.quoteIn, fee: result.fee };
    }
    case "sellCurve": {
      if (h.tokens < intent.amount) {
        twin.model.clone().sell(intent.amount, intent.minRefund);
        throw short(h.tokens, intent.amount);
      }
      const result = twin.model.sell(intent.amount, intent.minRefund);
      const gasUsed = successGas(
        GAS.sellCurve,
        h.quote === 0n && result.refund > 0n ? 1 : 0,
        h.tokens === intent.amount ? 1 : 0,
      );
      h.tokens -= intent.amount;
      h.quote += result.refund;
      return { gasUsed, volume: result.refund + result.fee, fee: result.fee };
    }
  }
}

/* ON A CHAIN */

async function readLens(ctx: ChainReadContext): Promise<{ model: MarketModel; lens: LensMarket }> {
  const { chain, abis, addresses } = ctx;
  const lens = abis.byContract.lens;
  const data = encodeFunctionData({ abi: lens, functionName: "marketState", args: [addresses.market] });
  const [result, kindIndex, maxSupply] = await Promise.all([
    chain.request<Hex>("eth_call", [{ to: addresses.lens, data }, "latest"]),
    chain.client.readContract({ address: addresses.market, abi: abis.byContract.market, functionName: "curveKind" }),
    chain.client.readContract({ address: addresses.market, abi: abis.byContract.market, functionName: "maxSupply" }),
  ]);
  const m = decodeFunctionResult({ abi: lens, functionName: "marketState", data: result }) as unknown as LensMarket;
  const model = new MarketModel({
    kind: CURVE_KINDS[Number(kindIndex)]!,
    params: [m.p1, m.p2, m.p3, m.p4],
    maxSupply: maxSupply as bigint,
    scaleWad: m.scaleWad,
    supply: m.supply,
    reserve: m.reserve,
    treasuryAccrued: m.treasuryAccrued,
    buyFeeBps: Number(m.buyFeeBps),
    sellFeeBps: Number(m.sellFeeBps),
    treasuryShareBps: Number(m.treasuryShareBps),
    paused: m.paused,
    quoteDecimals: QUOTE_DECIMALS,
  });
  return { model, lens: m };
}

/** ArenaLens.marketState. */
interface LensMarket {
  curvePriceWad: bigint;
  supply: bigint;
  reserve: bigint;
  treasuryAccrued: bigint;
  scaleWad: bigint;
  p1: bigint;
  p2: bigint;
  p3: bigint;
  p4: bigint;
  buyFeeBps: bigint;
  sellFeeBps: bigint;
  treasuryShareBps: bigint;
  paused: boolean;
  solvencyWad: bigint;
}

const STATE_FIELDS = [
  "scaleWad",
  "supply",
  "reserve",
  "treasuryAccrued",
  "buyFeeBps",
  "sellFeeBps",
  "treasuryShareBps",
  "paused",
] as const;

/** Every field of the twin against the market now, and its price and solvency against the lens's. */
async function verify(twin: MarketTwin, ctx: ChainReadContext): Promise<TwinDifference[]> {
  const { model, lens } = await readLens(ctx);
  const out: TwinDifference[] = [];
  const differ = (field: string, mine: unknown, chain: unknown) => {
    if (mine !== chain) out.push({ field: `market.${field}`, twin: String(mine), chain: String(chain) });
  };
  const a = twin.model.state;
  const b = model.state;
  for (const field of STATE_FIELDS) differ(field, a[field], b[field]);
  a.params.forEach((p, i) => differ(`p${i + 1}`, p, b.params[i]));
  differ("priceWad", twin.model.priceWad(), lens.curvePriceWad);
  differ("solvencyWad", twin.model.solvencyWad(), lens.solvencyWad);
  return out;
}

export const market = {
  id: "market",
  contracts: ["market"],
  genesis: marketGenesis,
  spends: ["quote"],

  observe: (twin) => ({ curve: curveStateOf(twin.model) }),
  venue: { name: "curve", priceWad: (slice) => slice.curve.priceWad },

  intents: {
    kinds: ["buyCurve", "buyCurveWithQuote", "sellCurve"],
    gasLimit: { buyCurve: 250_000n, buyCurveWithQuote: 300_000n, sellCurve: 250_000n },
    encode(intent, ctx) {
      switch (intent.kind) {
        case "buyCurve":
          return call(
            ctx,
            "buyExactTokens",
            encodeWords(SELECTORS.buyExactTokens, [intent.amount, intent.maxCost, ctx.agent, ctx.deadline]),
          );
        case "buyCurveWithQuote":
          return call(
            ctx,
            "buyExactQuote",
            encodeWords(SELECTORS.buyExactQuote, [intent.quoteIn, intent.minOut, ctx.agent, ctx.deadline]),
          );
        case "sellCurve":
          return call(
            ctx,
            "sell",
            encodeWords(SELECTORS.sell, [intent.amount, intent.minRefund, ctx.agent, ctx.deadline]),
          );
      }
    },
    decode(to, data, ctx) {
      if (to.toLowerCase() !== ctx.addresses.market.toLowerCase()) return undefined;
      const { functionName, args } = decodeFunctionData({ abi: ctx.abis.byContract.market, data });
      const a = args as readonly unknown[];
      if (functionName === "buyExactTokens")
        return { kind: "buyCurve", amount: a[0] as bigint, maxCost: a[1] as bigint };
      if (functionName === "buyExactQuote")
        return { kind: "buyCurveWithQuote", quoteIn: a[0] as bigint, minOut: a[1] as bigint };
      if (functionName === "sell") return { kind: "sellCurve", amount: a[0] as bigint, minRefund: a[1] as bigint };
      return undefined;
    },
    words(intent) {
      switch (intent.kind) {
        case "buyCurve":
          return [intent.amount, intent.maxCost];
        case "buyCurveWithQuote":
          return [intent.quoteIn, intent.minOut];
        case "sellCurve":
          return [intent.amount, intent.minRefund];
      }
    },
  },

  model: {
    apply(twin, sender, intent, block, flows) {
      if (block.timestamp > block.deadline)
        throw new ModelRevert("DeadlineExpired", { deadline: block.deadline, timestamp: block.timestamp });
      const { gasUsed, volume, fee } = apply(twin, sender, intent);
      flows.curveVolumeQuote! += volume;
      flows.curveFeesQuote! += fee;
      return { status: "success", gasUsed };
    },
    gas: GAS,
    clone: (twin) => ({ model: twin.model.clone() }),
  },

  chain: {
    read: async (ctx) => ({ model: (await readLens(ctx)).model }),
    follow(twin, log, ctx) {
      const topic = log.topics[0];
      const m = twin.model;
      if (topic === TOPICS.bought) {
        // Bought(buyer, to, amount, cost, fee, supplyAfter, reserveAfter): cost is what was paid, fee included.
        ctx.flows.curveVolumeQuote! += dataWord(log.data, 1);
        ctx.flows.curveFeesQuote! += dataWord(log.data, 2);
        m.followReserves(dataWord(log.data, 3), dataWord(log.data, 4));
      } else if (topic === TOPICS.sold) {
        // Sold(seller, to, amount, refund, fee, supplyAfter, reserveAfter)
        const fee = dataWord(log.data, 2);
        ctx.flows.curveVolumeQuote! += dataWord(log.data, 1) + fee;
        ctx.flows.curveFeesQuote! += fee;
        m.followReserves(dataWord(log.data, 3), dataWord(log.data, 4));
      } else if (topic === TOPICS.parametersSynced) {
        const w = (i: number) => dataWord(log.data, i);
        m.followParameters([w(0), w(1), w(2), w(3)], [w(4), w(5), w(6)]);
      } else if (topic === TOPICS.renormalised) {
        m.followScale(dataWord(log.data, 1));
      } else if (topic === TOPICS.paused) {
        m.followPaused(true);
      } else if (topic === TOPICS.unpaused) {
        m.followPaused(false);
      }
    },
    afterReceipt(twin, ctx) {
      // treasuryAccrued() is the market's quote balance above its reserve, whatever moved it.
      twin.model.followQuoteBalance(ctx.balanceOf("quote", ctx.addresses.market));
    },
    verify,
  },

  columns: [
    { name: "curvePriceWad", group: "price", description: "curve marginal price after the block" },
    { name: "supply", group: "state", description: "token wei" },
    { name: "reserve", group: "state", description: "quote units" },
    {
      name: "treasuryQuote",
      group: "state",
      description: "quote units: the treasury's balance + fees accrued in the market",
    },
    {
      name: "solvencyWad",
      group: "state",
      description: "reserve / refund for selling the whole supply, WAD (≥ 1e18 when solvent)",
    },
    {
      name: "curveVolumeQuote",
      group: "volume",
      description: "quote units traded on the curve in this block (buys + sells, gross)",
    },
    { name: "curveFeesQuote", group: "fees", description: "fees charged by the curve in this block" },
  ] as const,
  flows: ["curveVolumeQuote", "curveFeesQuote"],
  row(twin, slice, ctx) {
    const m = twin.model;
    const s = m.state;
    const solvency = m.solvencyWad();
    return {
      curvePriceWad: slice.curve.priceWad,
      supply: s.supply,
      reserve: s.reserve,
      treasuryQuote: ctx.treasuryBalanceQuote + s.treasuryAccrued,
      solvencyWad: solvency === MAX_UINT256 ? 0n : solvency,
      curveVolumeQuote: ctx.flows.curveVolumeQuote!,
      curveFeesQuote: ctx.flows.curveFeesQuote!,
    };
  },
} satisfies Mechanism<MarketTwin, MarketIntent, MarketSlice>;
