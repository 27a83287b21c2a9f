// Staking as the engine sees it (optional: only a genesis with a `staking` section deploys it): its
// slice of the Observation (`staking`: the totals, the rate and its rule, every position), the stake,
// unstake and claim intents, its twin (StakingModel) applied to intents on the fast model and moved
// by the contract's events on a chain, staked tokens as a position in agents' holdings (`staked`), the
// rule's two store parameters, and its columns of steps.csv.
//
// On a chain the twin is read from Staking.state() and accountOf() (one batch), not from the lens:
// a lens view would change ArenaLens's bytecode, hence the gas of the set-up block every run deploys
// it in, and with it the base fees of runs that have no staking.

import {
  decodeFunctionData,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  toEventSelector,
  toFunctionSelector,
} from "viem";

import { bytes32ToKey } from "../../core/parameters.ts";
import { dataWord, encodeWords, topicAddress } from "../calldata.ts";
import type { ChainReadContext, EncodedCall, Mechanism, TwinDifference } from "../mechanism.ts";
import { type IntentGas, successGas } from "../model-gas.ts";
import { stakingGenesis, type StakingGenesis } from "./genesis.ts";
import type { StakingIntent } from "./intents.ts";
import { type StakingAccount, StakingModel } from "./model.ts";
import { emittedAt, type StakingState } from "./state.ts";

export interface StakingTwin {
  model: StakingModel;
}

export interface StakingSlice {
  staking: StakingState;
}

const CONTRACT = "Staking";

const SELECTORS = {
  stake: toFunctionSelector("stake(uint256)"),
  unstake: toFunctionSelector("unstake(uint256)"),
  claim: toFunctionSelector("claim()"),
} as const;

const TOPICS = {
  staked: toEventSelector("Staked(address,uint256,uint256)"),
  unstaked: toEventSelector("Unstaked(address,uint256)"),
  rewardPaid: toEventSelector("RewardPaid(address,uint256)"),
  parameterUpdated: toEventSelector("RewardParameterUpdated(bytes32,uint256,uint256)"),
} as const;

/**
 * Gas on the fast model, the successes measured by bench:gas on the in-process chain (agents/gas/
 * hot-paths.ts measureStaking): stake by a staker 74,309 (a first stake 104,322: its position and lock
 * slots are written from zero, which the model charges as two fresh slots, 108,500, within 4%);
 * unstake 71,575; claim 66,484. Reverts are estimates, not measured: a revert at the checks pays the
 * calldata, the loads and the error (~ 24,000-27,000; a claim settles first, ~ 35,000); a stake beyond
 * the wallet reverts in the transfer, after the state writes (~ 60,000).
 */
const GAS: Record<StakingIntent["kind"], IntentGas> = {
  stake: { success: 74_309n, reverted: 24_000n, insufficientBalance: 60_000n },
  unstake: { success: 71_575n, reverted: 27_000n, insufficientBalance: 27_000n },
  claimRewards: { success: 66_484n, reverted: 35_000n, insufficientBalance: 35_000n },
};

function call(ctx: { addresses: { staking?: `0x${string}` } }, fn: string, data: Hex): EncodedCall {
  return { to: ctx.addresses.staking!, data, contract: CONTRACT, fn };
}

/** The StakingState an observation shows of the twin. */
export function stakingStateOf(m: StakingModel): StakingState {
  const g = m.g;
  return {
    totalStaked: g.totalStaked,
    rewardRatePerSecond: g.ratePerSecond,
    rewardPerDay: g.rewardPerDay,
    targetStaked: g.targetStaked,
    emitted: g.emitted,
    budget: g.budget,
    rewardPerTokenWad: g.rewardPerTokenWad,
    lastUpdate: g.lastUpdate,
    lockSeconds: g.lockSeconds,
    positions: m.positions(),
  };
}

/* ON A CHAIN */

interface ChainStaking {
  globals: StakingModel["g"];
  accounts: Map<string, StakingAccount>;
}

/** state(), budget(), lockSeconds() and every account's accountOf(), in one batch at the latest block. */
async function readChain(ctx: ChainReadContext): Promise<ChainStaking> {
  const abi = ctx.abis.byContract.staking;
  const to = ctx.addresses.staking!;
  const calls: { functionName: string; args: readonly unknown[] }[] = [
    { functionName: "state", args: [] },
    { functionName: "budget", args: [] },
    { functionName: "lockSeconds", args: [] },
    ...ctx.accounts.map((account) => ({ functionName: "accountOf", args: [account] })),
  ];
  const results = await ctx.chain.batch<Hex>(
    calls.map((c) => ({
      method: "eth_call",
      params: [{ to, data: encodeFunctionData({ abi, functionName: c.functionName, args: c.args }) }, "latest"],
    })),
  );
  const decode = (i: number) =>
    decodeFunctionResult({ abi, functionName: calls[i]!.functionName, data: results[i]! }) as unknown;
  const [totalStaked, emitted, lastUpdate, rewardPerTokenWad, ratePerSecond, rewardPerDay, targetStaked] = decode(
    0,
  ) as readonly bigint[];
  const globals = {
    totalStaked: totalStaked!,
    emitted: emitted!,
    lastUpdate: lastUpdate!,
    rewardPerTokenWad: rewardPerTokenWad!,
    ratePerSecond: ratePerSecond!,
    rewardPerDay: rewardPerDay!,
    targetStaked: targetStaked!,
    budget: decode(1) as bigint,
    lockSeconds: decode(2) as bigint,
  };
  const accounts = new Map<string, StakingAccount>();
  ctx.accounts.forEach((account, i) => {
    const [balance, rewardPerTokenPaidWad, rewards, unlockAt] = decode(3 + i) as readonly bigint[];
    if (balance === 0n && rewardPerTokenPaidWad === 0n && rewards === 0n && unlockAt === 0n) return;
    accounts.set(account.toLowerCase(), {
      balance: balance!,
      rewardPerTokenPaidWad: rewardPerTokenPaidWad!,
      rewards: rewards!,
      unlockAt: unlockAt!,
    });
  });
  return { globals, accounts };
}

async function verify(twin: StakingTwin, ctx: ChainReadContext): Promise<TwinDifference[]> {
  const chain = await readChain(ctx);
  const out: TwinDifference[] = [];
  const differ = (field: string, mine: bigint, onChain: bigint) => {
    if (mine !== onChain) out.push({ field: `staking.${field}`, twin: String(mine), chain: String(onChain) });
  };
  const g = twin.model.g;
  for (const field of Object.keys(chain.globals) as (keyof StakingModel["g"])[])
    differ(field, g[field], chain.globals[field]);
  for (const account of ctx.accounts) {
    const mine = twin.model.account(account);
    const onChain = chain.accounts.get(account.toLowerCase()) ?? twin.model.account("0x0");
    for (const field of ["balance", "rewardPerTokenPaidWad", "rewards", "unlockAt"] as const)
      differ(`${field}(${account})`, mine[field], onChain[field]);
  }
  return out;
}

export const staking = {
  id: "staking",
  contracts: ["staking"],
  genesis: stakingGenesis,
  spends: ["token"],
  position: { contract: "staking", field: "staked" },
  enabled: (genesis) => (genesis as StakingGenesis).staking !== undefined,

  observe: (twin) => ({ staking: stakingStateOf(twin.model) }),

  intents: {
    kinds: ["stake", "unstake", "claimRewards"],
    gasLimit: { stake: 250_000n, unstake: 200_000n, claimRewards: 200_000n },
    encode(intent, ctx) {
      switch (intent.kind) {
        case "stake":
          return call(ctx, "stake", encodeWords(SELECTORS.stake, [intent.amount]));
        case "unstake":
          return call(ctx, "unstake", encodeWords(SELECTORS.unstake, [intent.amount]));
        case "claimRewards":
          return call(ctx, "claim", SELECTORS.claim);
      }
    },
    decode(to, data, ctx) {
      const at = ctx.addresses.staking;
      if (at === undefined || to.toLowerCase() !== at.toLowerCase()) return undefined;
      const { functionName, args } = decodeFunctionData({ abi: ctx.abis.byContract.staking, data });
      const a = args as readonly unknown[] | undefined;
      if (functionName === "stake") return { kind: "stake", amount: a![0] as bigint };
      if (functionName === "unstake") return { kind: "unstake", amount: a![0] as bigint };
      if (functionName === "claim") return { kind: "claimRewards" };
      return undefined;
    },
    words(intent) {
      return intent.kind === "claimRewards" ? [] : [intent.amount];
    },
  },

  model: {
    apply(twin, sender, intent, block, flows) {
      const h = sender.holdings;
      const m = twin.model;
      const before = m.account(sender.address);
      const slotsFromZero =
        (before.balance === 0n && before.rewardPerTokenPaidWad === 0n ? 1 : 0) +
        (before.rewards === 0n && before.unlockAt === 0n ? 1 : 0);
      switch (intent.kind) {
        case "stake": {
          m.stake(sender.address, intent.amount, block.timestamp, h.tokens);
          const gasUsed = successGas(GAS.stake, slotsFromZero, h.tokens === intent.amount ? 1 : 0);
          h.tokens -= intent.amount;
          h.staked = (h.staked ?? 0n) + intent.amount;
          return { status: "success", gasUsed };
        }
        case "unstake": {
          m.unstake(sender.address, intent.amount, block.timestamp);
          const gasUsed = successGas(GAS.unstake, h.tokens === 0n ? 1 : 0, 0);
          h.tokens += intent.amount;
          h.staked = (h.staked ?? 0n) - intent.amount;
          return { status: "success", gasUsed };
        }
        case "claimRewards": {
          const reward = m.claim(sender.address, block.timestamp);
          const gasUsed = successGas(GAS.claimRewards, h.tokens === 0n ? 1 : 0, 0);
          h.tokens += reward;
          flows.stakingRewardsPaidTokens! += reward;
          return { status: "success", gasUsed };
        }
      }
    },
    gas: GAS,
    clone: (twin) => ({ model: twin.model.clone() }),
    start({ genesis, deployedAt }) {
      const s = (genesis as StakingGenesis).staking!;
      const model = StakingModel.deployed(
        {
          rewardPerDay: s.rewardPerDay,
          targetStaked: s.targetStaked,
          budget: s.budget,
          lockSeconds: BigInt(s.lockSeconds),
        },
        deployedAt("staking"),
      );
      return { model };
    },
  },

  chain: {
    async read(ctx) {
      const { globals, accounts } = await readChain(ctx);
      return { model: new StakingModel(globals, accounts) };
    },
    follow(twin, log, ctx) {
      const topic = log.topics[0];
      const m = twin.model;
      if (topic === TOPICS.staked) {
        // Staked(account, amount, unlockAt)
        m.stake(topicAddress(log.topics[1]!), dataWord(log.data, 0), ctx.timestamp);
      } else if (topic === TOPICS.unstaked) {
        m.unstake(topicAddress(log.topics[1]!), dataWord(log.data, 0), ctx.timestamp);
      } else if (topic === TOPICS.rewardPaid) {
        const reward = m.claim(topicAddress(log.topics[1]!), ctx.timestamp);
        ctx.flows.stakingRewardsPaidTokens! += reward;
      } else if (topic === TOPICS.parameterUpdated) {
        // RewardParameterUpdated(key, oldValue, newValue): the store's change, at the block's time.
        m.setParameter(bytes32ToKey(log.topics[1]!), dataWord(log.data, 1), ctx.timestamp);
      }
    },
    verify,
  },

  columns: [
    { name: "stakedTokens", group: "state", description: "tokens staked by everyone after the block (token wei)" },
    {
      name: "stakingEmittedTokens",
      group: "state",
      description: "staking rewards emitted since deployment, up to the block's time (token wei)",
    },
    {
      name: "stakingBudgetLeftTokens",
      group: "state",
      description: "the staking budget not yet emitted at the block's time (token wei)",
    },
    {
      name: "stakingRewardRateWei",
      group: "state",
      description: "staking's reward rate after the block, token wei per second shared by all stakers",
    },
    {
      name: "stakingRewardsPaidTokens",
      group: "volume",
      description: "staking rewards claimed in this block (token wei)",
    },
  ] as const,
  flows: ["stakingRewardsPaidTokens"],
  row(twin, slice, ctx) {
    const g = twin.model.g;
    const emitted = emittedAt(slice.staking, ctx.timestamp);
    return {
      stakedTokens: g.totalStaked,
      stakingEmittedTokens: emitted,
      stakingBudgetLeftTokens: g.budget - emitted,
      stakingRewardRateWei: g.ratePerSecond,
      stakingRewardsPaidTokens: ctx.flows.stakingRewardsPaidTokens!,
    };
  },
} satisfies Mechanism<StakingTwin, StakingIntent, StakingSlice>;
