// Vesting as the engine sees it: no slice of the market, but each beneficiary's claimable and locked
// tokens in its own view; the release intent; its twin (VestingModel) applied on the fast model and
// moved by Released events on a chain.

import {
  decodeFunctionData,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  toEventSelector,
  toFunctionSelector,
} from "viem";

import { inChunks } from "../../chain/system.ts";
import { dataWord, encodeWords } from "../calldata.ts";
import type { ChainReadContext, Mechanism, TwinDifference } from "../mechanism.ts";
import { type IntentGas, successGas } from "../model-gas.ts";
import { vestingGenesis } from "./genesis.ts";
import type { VestingIntent } from "./intents.ts";
import { VestingModel } from "./model.ts";

export interface VestingTwin {
  model: VestingModel;
}

const SELECTOR_RELEASE_ALL = toFunctionSelector("releaseAll(address)");
const TOPIC_RELEASED = toEventSelector("Released(uint256,address,uint256)");

/**
 * Vesting.releaseAll: success 65,477 (44 txs of the ready-made battles). No revert in the battles:
 * NothingToRelease reads the same schedules and skips the transfer, estimated as the success less the
 * transfer (~ 30,000).
 */
const GAS: Record<VestingIntent["kind"], IntentGas> = {
  releaseVested: { success: 65_477n, reverted: 35_000n, insufficientBalance: 35_000n },
};

interface ChainSchedule {
  beneficiary: string;
  start: bigint;
  cliffSeconds: number;
  durationSeconds: number;
  amount: bigint;
  released: bigint;
}

/** The schedules of every holder, read from the contract with their ids and what each released. */
async function read(ctx: ChainReadContext): Promise<VestingTwin> {
  const { chain, abis, addresses } = ctx;
  const abi = abis.byContract.vesting;
  const schedules = [];
  for (const holder of ctx.holders) {
    const ids = (await chain.client.readContract({
      address: addresses.vesting,
      abi,
      functionName: "schedulesOf",
      args: [holder.address],
    })) as readonly bigint[];
    for (const id of ids) {
      const s = (await chain.client.readContract({
        address: addresses.vesting,
        abi,
        functionName: "schedule",
        args: [id],
      })) as ChainSchedule;
      schedules.push({
        id,
        beneficiary: holder.key,
        start: BigInt(s.start),
        cliffSeconds: BigInt(s.cliffSeconds),
        durationSeconds: BigInt(s.durationSeconds),
        amount: s.amount,
        released: s.released,
      });
    }
  }
  return { model: new VestingModel(schedules) };
}

/** Each holder's claimable and locked tokens against the lens's vestingOf at the latest block. */
async function verify(twin: VestingTwin, ctx: ChainReadContext): Promise<TwinDifference[]> {
  const holders = ctx.holders.filter((h) => twin.model.has(h.key));
  if (holders.length === 0) return [];
  const lens = ctx.abis.byContract.lens;
  // One lens call per LENS_ACCOUNTS_PER_CALL holders: a call's gas is capped.
  const results = await ctx.chain.batch<Hex>(
    inChunks(holders).map((chunk) => ({
      method: "eth_call",
      params: [
        {
          to: ctx.addresses.lens,
          data: encodeFunctionData({
            abi: lens,
            functionName: "vestingOf",
            args: [ctx.addresses.vesting, chunk.map((h) => h.address)],
          }),
        },
        "latest",
      ],
    })),
  );
  const claimable: bigint[] = [];
  const locked: bigint[] = [];
  for (const data of results) {
    const [c, l] = decodeFunctionResult({ abi: lens, functionName: "vestingOf", data }) as readonly [
      readonly bigint[],
      readonly bigint[],
    ];
    claimable.push(...c);
    locked.push(...l);
  }
  const out: TwinDifference[] = [];
  holders.forEach((h, i) => {
    const view = twin.model.view(h.key, ctx.timestamp);
    if (view.claimable !== claimable[i])
      out.push({ field: `vesting.claimable(${h.address})`, twin: String(view.claimable), chain: String(claimable[i]) });
    if (view.locked !== locked[i])
      out.push({ field: `vesting.locked(${h.address})`, twin: String(view.locked), chain: String(locked[i]) });
  });
  return out;
}

export const vesting = {
  id: "vesting",
  contracts: ["vesting"],
  genesis: vestingGenesis,
  spends: [],

  observe: () => ({}),
  agentPositions(twin, holderKey, timestamp) {
    return twin.model.has(holderKey) ? twin.model.view(holderKey, timestamp) : undefined;
  },

  intents: {
    kinds: ["releaseVested"],
    gasLimit: { releaseVested: 300_000n },
    encode: (_intent, ctx) => ({
      to: ctx.addresses.vesting,
      data: encodeWords(SELECTOR_RELEASE_ALL, [ctx.agent]),
      contract: "Vesting",
      fn: "releaseAll",
    }),
    decode(to, data, ctx) {
      if (to.toLowerCase() !== ctx.addresses.vesting.toLowerCase()) return undefined;
      const { functionName } = decodeFunctionData({ abi: ctx.abis.byContract.vesting, data });
      return functionName === "releaseAll" ? { kind: "releaseVested" } : undefined;
    },
    words: () => [],
  },

  model: {
    apply(twin, sender, _intent, block) {
      const h = sender.holdings;
      const amount = twin.model.releaseAll(sender.key, block.timestamp);
      const gasUsed = successGas(GAS.releaseVested, h.tokens === 0n ? 1 : 0, twin.model.balance === 0n ? 1 : 0);
      h.tokens += amount;
      return { status: "success", gasUsed };
    },
    gas: GAS,
    clone: (twin) => ({ model: twin.model.clone() }),
  },

  chain: {
    read,
    follow(twin, log) {
      // Released(scheduleId, beneficiary, amount)
      if (log.topics[0] === TOPIC_RELEASED) twin.model.followRelease(BigInt(log.topics[1]!), dataWord(log.data, 0));
    },
    verify,
  },

  columns: [],
  flows: [],
  row: () => ({}),
} satisfies Mechanism<VestingTwin, VestingIntent, Record<never, never>>;
