// The staking behaviours on hand-made observations: the yield-seeking staker enters only when the
// real yield with its own stake in beats its hurdle, claims on its cadence and leaves once unlocked
// when the yield falls below its exit; the mercenary farmer stakes everything, leaves the moment its
// lock-up ends and sells out the step after. Both refuse to run without staking in the genesis.

import { expect } from "chai";

import type { StepOutcome } from "../../agents/behaviours/behaviour.ts";
import { createMercenaryFarmer, type MercenaryFarmerConfig } from "../../agents/behaviours/mercenary-farmer.ts";
import {
  createYieldStaker,
  StakingMissingError,
  type YieldStakerConfig,
} from "../../agents/behaviours/yield-staker.ts";
import { stakingRate } from "../../agents/mechanisms/staking/model.ts";
import { stakingRealYieldBps } from "../../agents/mechanisms/staking/quotes.ts";
import type { StakingPosition, StakingState } from "../../agents/mechanisms/staking/state.ts";
import type { Intent, Observation } from "../../agents/mechanisms/vocabulary.ts";
import { context, observation, TOKEN } from "./observation.ts";

const ME = "0x00000000000000000000000000000000000a6e57";
const T0 = 1_767_225_600n;
const DAY = 86_400n;
const SUPPLY = 2_200_000n * TOKEN;

/** Staking with the genesis/staking.json rule: 5,000 a day at 500,000 staked, a 1,000,000 budget, 7-day lock. */
function staking(totalStaked: bigint, me?: StakingPosition, overrides: Partial<StakingState> = {}): StakingState {
  const rewardPerDay = overrides.rewardPerDay ?? 5_000n * TOKEN;
  const targetStaked = 500_000n * TOKEN;
  return {
    totalStaked,
    rewardRatePerSecond: stakingRate(rewardPerDay, targetStaked, totalStaked),
    rewardPerDay,
    targetStaked,
    emitted: 0n,
    budget: 1_000_000n * TOKEN,
    rewardPerTokenWad: 0n,
    lastUpdate: T0,
    lockSeconds: 7n * DAY,
    positions: new Map(me === undefined ? [] : [[ME, me]]),
    ...overrides,
  };
}

function at(step: number, s: StakingState | undefined, tokens = 10_000n * TOKEN, staked = 0n): Observation {
  return observation({
    step,
    timestamp: T0 + BigInt(step) * DAY,
    ...(s === undefined ? {} : { staking: s }),
    self: { holdings: { tokens, quote: 0n, lp: 0n, staked } },
  });
}

function stakerConfig(overrides: Partial<YieldStakerConfig> = {}): YieldStakerConfig {
  return {
    kind: "yieldStaker",
    label: "staker",
    slippageBps: 100,
    hurdleBps: 2_000,
    exitBps: 1_000,
    stakeShareBps: 5_000,
    claimEverySteps: 3,
    ...overrides,
  };
}

const kinds = (intents: Intent[]) => intents.map((i) => i.kind);

describe("yieldStaker", function () {
  it("stakes its share when the real yield with its stake in beats the hurdle, and not when it does not", async function () {
    const staker = createYieldStaker(stakerConfig());
    // 100,000 staked: the rule pays 4× 5,000 a day; with 5,000 more the APR is far above 20% after dilution.
    const open = staking(100_000n * TOKEN);
    const real = stakingRealYieldBps(open, T0 + DAY, SUPPLY, 5_000n * TOKEN);
    expect(real > 2_000n).to.equal(true);
    const [stake] = await staker.step(at(1, open), context());
    expect(stake).to.deep.include({ kind: "stake", amount: 5_000n * TOKEN });
    // 40,000,000 staked: 0.25× the rule, a real yield far under the hurdle (and negative: dilution beats the APR).
    const crowded = staking(40_000_000n * TOKEN);
    expect(stakingRealYieldBps(crowded, T0 + DAY, SUPPLY, 5_000n * TOKEN) < 2_000n).to.equal(true);
    expect(await createYieldStaker(stakerConfig()).step(at(1, crowded), context())).to.deep.equal([]);
    // A budget spent: nothing to earn.
    const spent = staking(100_000n * TOKEN, undefined, { emitted: 1_000_000n * TOKEN });
    expect(await createYieldStaker(stakerConfig()).step(at(1, spent), context())).to.deep.equal([]);
  });

  it("claims every claimEverySteps while staked, and leaves once unlocked when the yield falls below its exit", async function () {
    const staker = createYieldStaker(stakerConfig());
    await staker.step(at(1, staking(100_000n * TOKEN)), context());
    const mine: StakingPosition = {
      balance: 5_000n * TOKEN,
      rewardPerTokenPaidWad: 0n,
      rewards: 10n * TOKEN,
      unlockAt: T0 + 8n * DAY,
    };
    const held = (step: number, s: StakingState) => staker.step(at(step, s, 5_000n * TOKEN, 5_000n * TOKEN), context());
    expect(await held(2, staking(105_000n * TOKEN, mine))).to.deep.equal([]);
    expect(kinds(await held(4, staking(105_000n * TOKEN, mine)))).to.deep.equal(["claimRewards"]);
    expect(await held(5, staking(105_000n * TOKEN, mine))).to.deep.equal([]);
    // The yield collapses (40,000,000 staked) while it is locked: it stays.
    const crowded = staking(40_000_000n * TOKEN, mine);
    expect(await held(6, crowded)).to.deep.equal([]);
    // Unlocked (day 8): it unstakes everything and claims.
    const leave = await held(8, crowded);
    expect(kinds(leave)).to.deep.equal(["unstake", "claimRewards"]);
    expect(leave[0]).to.deep.include({ amount: 5_000n * TOKEN });
  });

  it("refuses an exit above its hurdle, and a run without staking, naming the fix", async function () {
    expect(() => createYieldStaker(stakerConfig({ exitBps: 3_000 }))).to.throw(
      /exitBps must be a whole number in \[0, 2000\]/,
    );
    let error: unknown;
    try {
      await createYieldStaker(stakerConfig()).step(at(1, undefined), context());
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(StakingMissingError);
    expect((error as Error).message).to.contain("genesis/staking.json");
  });
});

describe("mercenaryFarmer", function () {
  const config = (overrides: Partial<MercenaryFarmerConfig> = {}): MercenaryFarmerConfig => ({
    kind: "mercenaryFarmer",
    label: "farmer",
    slippageBps: 100,
    venue: "curve",
    minAprBps: 0,
    exit: "sell",
    ...overrides,
  });
  const outcome = (step: number, intents: Intent[]): StepOutcome => ({
    step,
    outcomes: intents.map((intent) => ({ intent, status: "success", gasUsed: 0n, gasCostWei: 0n })),
    self: at(step, undefined).self,
    curvePriceWad: 0n,
    poolPriceWad: 0n,
  });

  it("stakes everything, waits out its lock-up, leaves at unlock, sells out the step after and is gone", async function () {
    const farmer = createMercenaryFarmer(config());
    const first = await farmer.step(at(1, staking(100_000n * TOKEN)), context());
    expect(first).to.deep.equal([{ kind: "stake", amount: 10_000n * TOKEN, note: first[0]!.note }]);
    farmer.settle!(outcome(1, first));
    const mine: StakingPosition = {
      balance: 10_000n * TOKEN,
      rewardPerTokenPaidWad: 0n,
      rewards: 3n * TOKEN,
      unlockAt: T0 + 8n * DAY,
    };
    const s = staking(110_000n * TOKEN, mine);
    expect(await farmer.step(at(7, s, 0n, 10_000n * TOKEN), context())).to.deep.equal([]);
    const out = await farmer.step(at(8, s, 0n, 10_000n * TOKEN), context());
    expect(kinds(out)).to.deep.equal(["unstake", "claimRewards"]);
    farmer.settle!(outcome(8, out));
    const after = staking(100_000n * TOKEN);
    const [sale] = await farmer.step(at(9, after, 10_003n * TOKEN), context());
    expect(sale).to.deep.include({ kind: "sellCurve", amount: 10_003n * TOKEN });
    farmer.settle!(outcome(9, [sale!]));
    // Gone for good: even a rich farm does not bring it back.
    expect(await farmer.step(at(10, after, 5_000n * TOKEN), context())).to.deep.equal([]);
  });

  it("waits for its APR, and with exit: hold keeps what it takes out", async function () {
    const picky = createMercenaryFarmer(config({ minAprBps: 9_000 }));
    expect(await picky.step(at(1, staking(40_000_000n * TOKEN)), context())).to.deep.equal([]);
    const holder = createMercenaryFarmer(config({ exit: "hold" }));
    const [stake] = await holder.step(at(1, staking(0n)), context());
    holder.settle!(outcome(1, [stake!]));
    const mine: StakingPosition = { balance: 10_000n * TOKEN, rewardPerTokenPaidWad: 0n, rewards: 0n, unlockAt: T0 };
    // Nothing earned yet (the accrual is as of this very second): it only unstakes.
    const fresh = staking(10_000n * TOKEN, mine, { lastUpdate: T0 + 2n * DAY });
    const out = await holder.step(at(2, fresh, 0n, 10_000n * TOKEN), context());
    expect(kinds(out)).to.deep.equal(["unstake"]);
    holder.settle!(outcome(2, out));
    expect(await holder.step(at(3, staking(0n), 10_000n * TOKEN), context())).to.deep.equal([]);
  });
});
