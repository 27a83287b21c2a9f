// The resource market as the engine sees it (optional: only a genesis with a `resource` section deploys
// it): its slice of the Observation (`resource`: the market, its rule, every provider and every
// consumer's credits), the request, use, provide, withdraw and claim intents, its twin (ResourceModel)
// applied to intents on the fast model and moved by the contract's events on a chain, the rule's five
// store parameters, and its columns of steps.csv.
//
// On a chain the twin is read from the contract's own views (state(), rule(), periodSeconds(),
// providerOf() and creditsOf() of every agent, one batch), not from the lens: a lens view would change
// ArenaLens's bytecode, hence the gas of the set-up block, hence the base fees of runs without it.
//
// Bonded tokens are not a position of agents' holdings: a provider's value (mark to market) leaves its
// bond out while it is bonded (the bond is the contract's providerOf().capacity, in the slice).

import {
  decodeFunctionData,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  toEventSelector,
  toFunctionSelector,
} from "viem";

import { bytes32ToKey } from "../../core/parameters.ts";
import { BPS, MAX_UINT256, QUOTE_DECIMALS } from "../../core/units.ts";
import { dataWord, encodeWords, topicAddress } from "../calldata.ts";
import type { ChainReadContext, EncodedCall, Mechanism, TwinDifference } from "../mechanism.ts";
import { type IntentGas, successGas } from "../model-gas.ts";
import { resourceGenesis, type ResourceGenesis } from "./genesis.ts";
import type { ResourceIntent } from "./intents.ts";
import { type ResourceGlobals, ResourceModel, type ResourceProvider } from "./model.ts";
import type { ResourceState } from "./state.ts";

export interface ResourceTwin {
  model: ResourceModel;
}

export interface ResourceSlice {
  resource: ResourceState;
}

const CONTRACT = "ResourceMarket";

const SELECTORS = {
  request: toFunctionSelector("request(uint256,uint256)"),
  use: toFunctionSelector("use(uint256)"),
  provide: toFunctionSelector("provide(uint256)"),
  withdraw: toFunctionSelector("withdraw(uint256)"),
  claimEarnings: toFunctionSelector("claimEarnings()"),
} as const;

const TOPICS = {
  requested: toEventSelector("Requested(address,uint256,uint256,uint256,uint256)"),
  creditsUsed: toEventSelector("CreditsUsed(address,uint256)"),
  provided: toEventSelector("Provided(address,uint256,uint256)"),
  withdrawn: toEventSelector("Withdrawn(address,uint256,uint256)"),
  earningsPaid: toEventSelector("EarningsPaid(address,uint256)"),
  feesCollected: toEventSelector("FeesCollected(address,uint256)"),
  parameterUpdated: toEventSelector("ResourceParameterUpdated(bytes32,uint256,uint256)"),
} as const;

/**
 * Gas on the fast model: the successes bench:gas measures on the in-process chain (agents/gas/hot-paths.ts
 * measureResource), each the first transaction of its market block (the price's move included): a
 * request by a consumer that holds credits, a provide by a provider that has bonded before, a withdraw,
 * a use and a claim. A consumer's first credits and a provider's first bond write slots from zero
 * (charged as fresh slots). Reverts are estimates: a revert at the checks pays the calldata, the loads
 * and the error (~ 24,000-30,000); a request or a provide beyond the wallet reverts in the transfer,
 * after the state writes (~ 50,000).
 */
const GAS: Record<ResourceIntent["kind"], IntentGas> = {
  requestCompute: { success: 73_529n, reverted: 30_000n, insufficientBalance: 50_000n },
  useCredits: { success: 28_295n, reverted: 24_000n, insufficientBalance: 24_000n },
  provideCapacity: { success: 94_192n, reverted: 30_000n, insufficientBalance: 50_000n },
  withdrawCapacity: { success: 75_270n, reverted: 28_000n, insufficientBalance: 28_000n },
  claimResourceEarnings: { success: 48_661n, reverted: 28_000n, insufficientBalance: 28_000n },
};

function call(ctx: { addresses: { resource?: `0x${string}` } }, fn: string, data: Hex): EncodedCall {
  return { to: ctx.addresses.resource!, data, contract: CONTRACT, fn };
}

/** The ResourceState an observation shows of the twin. */
export function resourceStateOf(m: ResourceModel): ResourceState {
  return { ...m.g, providers: m.providerPositions(), credits: m.creditBalances() };
}

/* ON A CHAIN */

interface ChainResource {
  globals: ResourceGlobals;
  providers: Map<string, ResourceProvider>;
  credits: Map<string, bigint>;
}

/** state(), rule(), periodSeconds(), the quote's decimals and every agent's providerOf() and creditsOf(), in one batch. */
async function readChain(ctx: ChainReadContext): Promise<ChainResource> {
  const abi = ctx.abis.byContract.resource;
  const to = ctx.addresses.resource!;
  const calls: { to: Hex; abi: typeof abi; functionName: string; args: readonly unknown[] }[] = [
    { to, abi, functionName: "state", args: [] },
    { to, abi, functionName: "rule", args: [] },
    { to, abi, functionName: "periodSeconds", args: [] },
    { to: ctx.addresses.quote, abi: ctx.abis.byContract.quote, functionName: "decimals", args: [] },
    ...ctx.accounts.flatMap((account) => [
      { to, abi, functionName: "providerOf", args: [account] },
      { to, abi, functionName: "creditsOf", args: [account] },
    ]),
  ];
  const results = await ctx.chain.batch<Hex>(
    calls.map((c) => ({
      method: "eth_call",
      params: [
        { to: c.to, data: encodeFunctionData({ abi: c.abi, functionName: c.functionName, args: c.args }) },
        "latest",
      ],
    })),
  );
  const decode = (i: number) =>
    decodeFunctionResult({ abi: calls[i]!.abi, functionName: calls[i]!.functionName, data: results[i]! }) as unknown;
  const [priceWad, lastBlock, demand, allocated, capacity, feesAccrued, earningsPerCapacityWad] = decode(
    0,
  ) as readonly bigint[];
  const [targetUtilisationBps, adjustmentSpeed, feeBps, minPriceWad, maxPriceWad] = decode(1) as readonly bigint[];
  const decimals = Number(decode(3));
  const globals: ResourceGlobals = {
    priceWad: priceWad!,
    lastBlock: lastBlock!,
    demand: demand!,
    allocated: allocated!,
    capacity: capacity!,
    feesAccrued: feesAccrued!,
    earningsPerCapacityWad: earningsPerCapacityWad!,
    targetUtilisationBps: targetUtilisationBps!,
    adjustmentSpeed: adjustmentSpeed!,
    feeBps: feeBps!,
    minPriceWad: minPriceWad!,
    maxPriceWad: maxPriceWad!,
    periodSeconds: decode(2) as bigint,
    quoteUnitWad: 10n ** BigInt(18 - decimals),
  };
  const providers = new Map<string, ResourceProvider>();
  const credits = new Map<string, bigint>();
  ctx.accounts.forEach((account, i) => {
    const [c, paid, earnings] = decode(4 + 2 * i) as readonly bigint[];
    const held = decode(5 + 2 * i) as bigint;
    const key = account.toLowerCase();
    if (c !== 0n || paid !== 0n || earnings !== 0n)
      providers.set(key, { capacity: c!, earningsPerCapacityPaidWad: paid!, earnings: earnings! });
    if (held !== 0n) credits.set(key, held);
  });
  return { globals, providers, credits };
}

async function verify(twin: ResourceTwin, ctx: ChainReadContext): Promise<TwinDifference[]> {
  const chain = await readChain(ctx);
  const out: TwinDifference[] = [];
  const differ = (field: string, mine: bigint, onChain: bigint) => {
    if (mine !== onChain) out.push({ field: `resource.${field}`, twin: String(mine), chain: String(onChain) });
  };
  const m = twin.model;
  for (const field of Object.keys(chain.globals) as (keyof ResourceGlobals)[])
    differ(field, m.g[field], chain.globals[field]);
  for (const account of ctx.accounts) {
    const mine = m.provider(account);
    const onChain = chain.providers.get(account.toLowerCase()) ?? m.provider("0x0");
    for (const field of ["capacity", "earningsPerCapacityPaidWad", "earnings"] as const)
      differ(`${field}(${account})`, mine[field], onChain[field]);
    differ(`credits(${account})`, m.creditsOf(account), chain.credits.get(account.toLowerCase()) ?? 0n);
  }
  return out;
}

/** The block of the step and what it requested and allocated (zeros when the contract has not acted in it). */
function blockUse(m: ResourceModel, timestamp: bigint): { demand: bigint; allocated: bigint } {
  return m.g.lastBlock === m.blockAt(timestamp)
    ? { demand: m.g.demand, allocated: m.g.allocated }
    : { demand: 0n, allocated: 0n };
}

export const resource = {
  id: "resource",
  contracts: ["resource"],
  genesis: resourceGenesis,
  spends: ["quote", "token"],
  enabled: (genesis) => (genesis as ResourceGenesis).resource !== undefined,

  observe: (twin) => ({ resource: resourceStateOf(twin.model) }),

  intents: {
    kinds: ["requestCompute", "useCredits", "provideCapacity", "withdrawCapacity", "claimResourceEarnings"],
    gasLimit: {
      requestCompute: 200_000n,
      useCredits: 100_000n,
      provideCapacity: 250_000n,
      withdrawCapacity: 200_000n,
      claimResourceEarnings: 150_000n,
    },
    encode(intent, ctx) {
      switch (intent.kind) {
        case "requestCompute":
          return call(ctx, "request", encodeWords(SELECTORS.request, [intent.quantity, intent.maxPriceWad]));
        case "useCredits":
          return call(ctx, "use", encodeWords(SELECTORS.use, [intent.amount]));
        case "provideCapacity":
          return call(ctx, "provide", encodeWords(SELECTORS.provide, [intent.amount]));
        case "withdrawCapacity":
          return call(ctx, "withdraw", encodeWords(SELECTORS.withdraw, [intent.amount]));
        case "claimResourceEarnings":
          return call(ctx, "claimEarnings", SELECTORS.claimEarnings);
      }
    },
    decode(to, data, ctx) {
      const at = ctx.addresses.resource;
      if (at === undefined || to.toLowerCase() !== at.toLowerCase()) return undefined;
      const { functionName, args } = decodeFunctionData({ abi: ctx.abis.byContract.resource, data });
      const a = args as readonly unknown[] | undefined;
      if (functionName === "request")
        return { kind: "requestCompute", quantity: a![0] as bigint, maxPriceWad: a![1] as bigint };
      if (functionName === "use") return { kind: "useCredits", amount: a![0] as bigint };
      if (functionName === "provide") return { kind: "provideCapacity", amount: a![0] as bigint };
      if (functionName === "withdraw") return { kind: "withdrawCapacity", amount: a![0] as bigint };
      if (functionName === "claimEarnings") return { kind: "claimResourceEarnings" };
      return undefined;
    },
    words(intent) {
      switch (intent.kind) {
        case "requestCompute":
          return [intent.quantity, intent.maxPriceWad];
        case "claimResourceEarnings":
          return [];
        default:
          return [intent.amount];
      }
    },
  },

  model: {
    apply(twin, sender, intent, block, flows) {
      const h = sender.holdings;
      const m = twin.model;
      const t = block.timestamp;
      switch (intent.kind) {
        case "requestCompute": {
          const firstCredits = m.creditsOf(sender.address) === 0n;
          const r = m.request(sender.address, intent.quantity, intent.maxPriceWad, t, h.quote);
          const fromZero = r.filled !== 0n && firstCredits ? 1 : 0;
          const gasUsed = successGas(GAS.requestCompute, fromZero, r.cost !== 0n && h.quote === r.cost ? 1 : 0);
          h.quote -= r.cost;
          flows.resourcePaidQuote! += r.cost;
          return { status: "success", gasUsed };
        }
        case "useCredits": {
          m.use(sender.address, intent.amount);
          flows.resourceCreditsUsed! += intent.amount;
          const emptied = m.creditsOf(sender.address) === 0n ? 1 : 0;
          return { status: "success", gasUsed: successGas(GAS.useCredits, 0, emptied) };
        }
        case "provideCapacity": {
          const first = m.provider(sender.address).capacity === 0n;
          m.provide(sender.address, intent.amount, t, h.tokens);
          const gasUsed = successGas(GAS.provideCapacity, first ? 2 : 0, h.tokens === intent.amount ? 1 : 0);
          h.tokens -= intent.amount;
          return { status: "success", gasUsed };
        }
        case "withdrawCapacity": {
          m.withdraw(sender.address, intent.amount, t);
          const gasUsed = successGas(GAS.withdrawCapacity, h.tokens === 0n ? 1 : 0, 0);
          h.tokens += intent.amount;
          return { status: "success", gasUsed };
        }
        case "claimResourceEarnings": {
          const amount = m.claimEarnings(sender.address);
          const gasUsed = successGas(GAS.claimResourceEarnings, h.quote === 0n ? 1 : 0, 0);
          h.quote += amount;
          return { status: "success", gasUsed };
        }
      }
    },
    gas: GAS,
    clone: (twin) => ({ model: twin.model.clone() }),
    start({ genesis }) {
      const g = (genesis as ResourceGenesis).resource!;
      const model = ResourceModel.deployed({
        targetUtilisationBps: g.targetUtilisationBps,
        adjustmentSpeed: g.adjustmentSpeed,
        feeBps: g.feeBps,
        minPriceWad: g.minPriceWad,
        maxPriceWad: g.maxPriceWad,
        startPriceWad: g.startPriceWad,
        periodSeconds: BigInt(g.periodSeconds),
        quoteDecimals: QUOTE_DECIMALS, // the QuoteToken a genesis deploys
      });
      return { model };
    },
  },

  chain: {
    async read(ctx) {
      const { globals, providers, credits } = await readChain(ctx);
      return { model: new ResourceModel(globals, providers, credits) };
    },
    follow(twin, log, ctx) {
      const topic = log.topics[0];
      const m = twin.model;
      const t = ctx.timestamp;
      if (topic === TOPICS.requested) {
        // Requested(consumer, quantity, filled, priceWad, cost): the twin allocates and charges alike.
        const r = m.request(topicAddress(log.topics[1]!), dataWord(log.data, 0), MAX_UINT256, t);
        ctx.flows.resourcePaidQuote! += r.cost;
      } else if (topic === TOPICS.creditsUsed) {
        const amount = dataWord(log.data, 0);
        m.use(topicAddress(log.topics[1]!), amount);
        ctx.flows.resourceCreditsUsed! += amount;
      } else if (topic === TOPICS.provided) {
        m.provide(topicAddress(log.topics[1]!), dataWord(log.data, 0), t);
      } else if (topic === TOPICS.withdrawn) {
        m.withdraw(topicAddress(log.topics[1]!), dataWord(log.data, 0), t);
      } else if (topic === TOPICS.earningsPaid) {
        m.claimEarnings(topicAddress(log.topics[1]!));
      } else if (topic === TOPICS.feesCollected) {
        m.collectFees();
      } else if (topic === TOPICS.parameterUpdated) {
        // ResourceParameterUpdated(key, oldValue, newValue): the store's change, at the block's time.
        m.setParameter(bytes32ToKey(log.topics[1]!), dataWord(log.data, 1), t);
      }
    },
    verify,
  },

  columns: [
    {
      name: "resourcePriceWad",
      group: "price",
      description: "the resource market's price in the block: whole quote per whole credit (WAD)",
    },
    {
      name: "resourceCapacityCredits",
      group: "state",
      description: "credits of capacity per block the providers have bonded after the block (credit wei)",
    },
    {
      name: "resourceTargetCredits",
      group: "state",
      description: "the demand the price is steady at: resource.targetUtilisationBps of the capacity (credit wei)",
    },
    {
      name: "resourceUtilisationBps",
      group: "state",
      description: "credits allocated in the block over the capacity (bps; 0 without capacity)",
    },
    {
      name: "resourceFeesAccruedQuote",
      group: "state",
      description: "resource fees owed to the treasury, not yet collected (quote units)",
    },
    {
      name: "resourceDemandCredits",
      group: "volume",
      description: "credits requested in the block, met or not (credit wei)",
    },
    {
      name: "resourceAllocatedCredits",
      group: "volume",
      description: "credits allocated in the block (credit wei)",
    },
    {
      name: "resourcePaidQuote",
      group: "volume",
      description: "quote consumers paid for credits in the block (quote units)",
    },
    {
      name: "resourceCreditsUsed",
      group: "volume",
      description: "credits consumers used (burned) in the block (credit wei)",
    },
  ] as const,
  flows: ["resourcePaidQuote", "resourceCreditsUsed"],
  row(twin, slice, ctx) {
    const m = twin.model;
    const { demand, allocated } = blockUse(m, ctx.timestamp);
    const capacity = m.g.capacity;
    return {
      resourcePriceWad: m.rolled(ctx.timestamp).priceWad,
      resourceCapacityCredits: capacity,
      resourceTargetCredits: (capacity * slice.resource.targetUtilisationBps) / BPS,
      resourceUtilisationBps: capacity === 0n ? 0n : (allocated * BPS) / capacity,
      resourceFeesAccruedQuote: m.g.feesAccrued,
      resourceDemandCredits: demand,
      resourceAllocatedCredits: allocated,
      resourcePaidQuote: ctx.flows.resourcePaidQuote!,
      resourceCreditsUsed: ctx.flows.resourceCreditsUsed!,
    };
  },
} satisfies Mechanism<ResourceTwin, ResourceIntent, ResourceSlice>;
