// The buyback as the engine sees it (optional: only a genesis with a `buyback` section deploys it):
// its slice of the Observation (`buyback`: the policy, the budget, the period's spending, the totals),
// the collect and execute intents a keeper sends, its twin (BuybackModel) applied to intents on the fast
// model — reaching the market's twin (collect takes its accrual; a curve venue buys on it) and the
// pool's (a pool venue) through the ApplyContext — and moved by the contract's events on a chain, and
// its columns of steps.csv.
//
// It is the market's treasury: collect sends the revenue's other part to the Timelock, which the fast
// model counts in the treasury's balance (`treasuryPaidQuote`), as the chain's ledger does by the quote's
// Transfer. On a chain the twin is read from Buyback.state() (not from the lens, like staking: a lens view
// would change the gas of every run's set-up block).

import {
  decodeFunctionData,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  toEventSelector,
  toFunctionSelector,
} from "viem";

import { bytes32ToKey } from "../../core/parameters.ts";
import { dataWord, encodeWords } from "../calldata.ts";
import type { MarketTwin } from "../market/mechanism.ts";
import type { ChainReadContext, EncodedCall, Mechanism, TwinDifference } from "../mechanism.ts";
import { type IntentGas, successGas } from "../model-gas.ts";
import { addSwapFlows, type PoolTwin } from "../pool/mechanism.ts";
import { type BuybackGenesis, buybackGenesis } from "./genesis.ts";
import type { BuybackIntent } from "./intents.ts";
import { BuybackModel, type BuybackModelState } from "./model.ts";
import type { BuybackState } from "./state.ts";

export interface BuybackTwin {
  model: BuybackModel;
}

export interface BuybackSlice {
  buyback: BuybackState;
}

const CONTRACT = "Buyback";

const SELECTORS = {
  collect: toFunctionSelector("collect()"),
  execute: toFunctionSelector("execute(uint256)"),
} as const;

const TOPICS = {
  revenueCollected: toEventSelector("RevenueCollected(uint256,uint256,uint256)"),
  boughtBack: toEventSelector("BoughtBack(address,uint256,uint256,uint256)"),
  parameterUpdated: toEventSelector("PolicyParameterUpdated(bytes32,uint256,uint256)"),
} as const;

/**
 * Gas on the fast model. execute on the curve: 106,043, measured by bench:gas (agents/gas/hot-paths.ts
 * measureBuyback); on the pool it is about as much (a swap instead of a curve buy). collect: 120,761,
 * measured by bench:gas for a first collect (its slots written from zero; later ones cost less). Reverts are
 * estimates: at the checks the calldata, the loads and the error (~ 28,000); a slippage refusal after the
 * venue's quote (~ 45,000).
 */
const GAS: Record<BuybackIntent["kind"], IntentGas> = {
  buybackCollect: { success: 120_761n, reverted: 28_000n, insufficientBalance: 28_000n },
  buybackExecute: { success: 106_043n, reverted: 45_000n, insufficientBalance: 45_000n },
};

function call(ctx: { addresses: { buyback?: `0x${string}` } }, fn: string, data: Hex): EncodedCall {
  return { to: ctx.addresses.buyback!, data, contract: CONTRACT, fn };
}

/* ON A CHAIN */

const STATE_FIELDS = [
  "budget",
  "spentInPeriod",
  "period",
  "revenueTotal",
  "spentTotal",
  "burnedTotal",
  "shareBps",
  "capPerPeriod",
  "maxSlippageBps",
] as const;

/** state(), venueKind() and periodSeconds(), in one batch at the latest block. */
async function readChain(ctx: ChainReadContext): Promise<BuybackModelState> {
  const abi = ctx.abis.byContract.buyback;
  const to = ctx.addresses.buyback!;
  const names = ["state", "venueKind", "periodSeconds"] as const;
  const results = await ctx.chain.batch<Hex>(
    names.map((functionName) => ({
      method: "eth_call",
      params: [{ to, data: encodeFunctionData({ abi, functionName }) }, "latest"],
    })),
  );
  const decode = (i: number) => decodeFunctionResult({ abi, functionName: names[i]!, data: results[i]! }) as unknown;
  const state = decode(0) as readonly bigint[];
  const fields = Object.fromEntries(STATE_FIELDS.map((f, i) => [f, state[i]!])) as Record<
    (typeof STATE_FIELDS)[number],
    bigint
  >;
  return {
    ...fields,
    venue: Number(decode(1)) === 0 ? "curve" : "pool",
    periodSeconds: decode(2) as bigint,
  };
}

async function verify(twin: BuybackTwin, ctx: ChainReadContext): Promise<TwinDifference[]> {
  const chain = await readChain(ctx);
  const mine = twin.model.s;
  const out: TwinDifference[] = [];
  for (const field of [...STATE_FIELDS, "venue", "periodSeconds"] as const)
    if (mine[field] !== chain[field])
      out.push({ field: `buyback.${field}`, twin: String(mine[field]), chain: String(chain[field]) });
  return out;
}

export const buyback = {
  id: "buyback",
  contracts: ["buyback"],
  genesis: buybackGenesis,
  spends: [],
  enabled: (genesis) => (genesis as BuybackGenesis).buyback !== undefined,

  observe: (twin) => ({ buyback: { ...twin.model.s } }),

  intents: {
    kinds: ["buybackCollect", "buybackExecute"],
    gasLimit: { buybackCollect: 200_000n, buybackExecute: 400_000n },
    encode(intent, ctx) {
      return intent.kind === "buybackCollect"
        ? call(ctx, "collect", SELECTORS.collect)
        : call(ctx, "execute", encodeWords(SELECTORS.execute, [intent.quoteIn]));
    },
    decode(to, data, ctx) {
      const at = ctx.addresses.buyback;
      if (at === undefined || to.toLowerCase() !== at.toLowerCase()) return undefined;
      const { functionName, args } = decodeFunctionData({ abi: ctx.abis.byContract.buyback, data });
      if (functionName === "collect") return { kind: "buybackCollect" };
      if (functionName === "execute") return { kind: "buybackExecute", quoteIn: (args as readonly bigint[])[0]! };
      return undefined;
    },
    words(intent) {
      return intent.kind === "buybackCollect" ? [] : [intent.quoteIn];
    },
  },

  model: {
    apply(twin, _sender, intent, block, flows, ctx) {
      const market = ctx.twin("market") as MarketTwin;
      if (intent.kind === "buybackCollect") {
        twin.model.collect(market.model);
        return { status: "success", gasUsed: successGas(GAS.buybackCollect, 0, 0) };
      }
      const pool = ctx.twin("pool") as PoolTwin | undefined;
      const bought = twin.model.execute(intent.quoteIn, block.timestamp, { market: market.model, pool: pool?.model });
      flows.buybackSpentQuote! += bought.quoteIn;
      flows.buybackBurnedTokens! += bought.tokensBurned;
      // The buy is the venue's too: its volume and fees, as its own events count them on a chain.
      if (twin.model.s.venue === "curve") {
        flows.curveVolumeQuote! += bought.quoteIn;
        flows.curveFeesQuote! += bought.fee;
      } else {
        addSwapFlows(flows, true, bought.quoteIn, bought.tokensBurned, pool!.feeAtStepStart);
      }
      return { status: "success", gasUsed: successGas(GAS.buybackExecute, 0, 0) };
    },
    gas: GAS,
    clone: (twin) => ({ model: twin.model.clone() }),
    start({ genesis, deployedAt }) {
      const b = (genesis as BuybackGenesis).buyback!;
      const model = BuybackModel.deployed(
        {
          venue: b.venue,
          periodSeconds: BigInt(b.periodSeconds),
          shareBps: b.shareBps,
          capPerPeriod: b.capPerPeriod,
          maxSlippageBps: b.maxSlippageBps,
        },
        deployedAt("buyback"),
      );
      return { model };
    },
  },

  chain: {
    read: async (ctx) => ({ model: new BuybackModel(await readChain(ctx)) }),
    follow(twin, log, ctx) {
      const topic = log.topics[0];
      const m = twin.model;
      if (topic === TOPICS.revenueCollected) {
        // RevenueCollected(revenue, toBudget, toTreasury)
        m.followCollected(dataWord(log.data, 0), dataWord(log.data, 1));
      } else if (topic === TOPICS.boughtBack) {
        // BoughtBack(keeper, quoteIn, tokensBurned, spentInPeriod)
        const [quoteIn, burned] = [dataWord(log.data, 0), dataWord(log.data, 1)];
        m.followBoughtBack(quoteIn, burned, dataWord(log.data, 2), ctx.timestamp);
        ctx.flows.buybackSpentQuote! += quoteIn;
        ctx.flows.buybackBurnedTokens! += burned;
      } else if (topic === TOPICS.parameterUpdated) {
        // PolicyParameterUpdated(key, oldValue, newValue): the store's change.
        m.setParameter(bytes32ToKey(log.topics[1]!), dataWord(log.data, 1));
      }
    },
    verify,
  },

  treasuryPaidQuote: (twin) => twin.model.toTreasuryTotal,

  columns: [
    {
      name: "buybackBudgetQuote",
      group: "state",
      description: "quote units the buyback's revenue share holds to spend after the block (part of the treasury)",
    },
    {
      name: "buybackSpentToDateQuote",
      group: "state",
      description: "quote units the buyback has spent since deployment",
    },
    {
      name: "buybackBurnedToDateTokens",
      group: "state",
      description: "tokens the buyback has bought and burned since deployment (token wei)",
    },
    { name: "buybackSpentQuote", group: "volume", description: "quote units the buyback spent in this block" },
    {
      name: "buybackBurnedTokens",
      group: "volume",
      description: "tokens the buyback bought and burned in this block (token wei)",
    },
  ] as const,
  flows: ["buybackSpentQuote", "buybackBurnedTokens"],
  row(twin, _slice, ctx) {
    const s = twin.model.s;
    return {
      buybackBudgetQuote: s.budget,
      buybackSpentToDateQuote: s.spentTotal,
      buybackBurnedToDateTokens: s.burnedTotal,
      buybackSpentQuote: ctx.flows.buybackSpentQuote!,
      buybackBurnedTokens: ctx.flows.buybackBurnedTokens!,
    };
  },
} satisfies Mechanism<BuybackTwin, BuybackIntent, BuybackSlice>;
