/**
 * The fast model's staking (agents/mechanisms/staking/model.ts) against a fresh Staking contract:
 * seeded random stakes, unstakes, claims and retunes of staking.rewardPerDay / staking.targetStaked
 * (through a test store) by three stakers, with the clock moved on between them. Zero amounts, more
 * than staked, unstakes inside the lock-up, claims with nothing earned, stakes beyond the wallet and
 * out-of-range parameters are drawn too, and the budget is small enough to run out. After every step
 * the totals, the reward rate and rule, each account's position and each staker's token balance must
 * be equal to the wei, the reward paid equal, and the reverts of the same name.
 */

import { expect } from "chai";
import { network } from "hardhat";

import { Random } from "../agents/core/random.ts";
import { STAKING_KEYS, STAKING_PARAMETER_MAX, StakingModel } from "../agents/mechanisms/staking/model.ts";
import { chainOutcome, modelOutcome } from "./helpers/outcome.ts";

const { ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const REWARD_PER_DAY = 1_000n * E18;
const TARGET_STAKED = 50_000n * E18;
const BUDGET = 40_000n * E18;
const LOCK_SECONDS = 7n * 86_400n;
const FUNDS = 100_000n * E18;
const STEPS = 160;
const RPD_KEY = ethers.encodeBytes32String(STAKING_KEYS.rewardPerDay);
const TARGET_KEY = ethers.encodeBytes32String(STAKING_KEYS.targetStaked);

async function freshStaking() {
  const [, ...signers] = await ethers.getSigners();
  const stakers = signers.slice(0, 3);
  const token = await ethers.deployContract("TestERC20", ["Arena", "ARENA", 18]);
  const store = await ethers.deployContract("MockParameterStore", [RPD_KEY, REWARD_PER_DAY]);
  await (await store.set(TARGET_KEY, TARGET_STAKED)).wait();
  const staking = await ethers.deployContract("Staking", [token, store, BUDGET, LOCK_SECONDS]);
  const deployedAt = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  await (await store.setConsumer(RPD_KEY, staking)).wait();
  await (await store.setConsumer(TARGET_KEY, staking)).wait();
  await (await token.mint(staking, BUDGET)).wait();
  for (const s of stakers) {
    await (await token.mint(s, FUNDS)).wait();
    await (await token.connect(s).approve(staking, ethers.MaxUint256)).wait();
  }
  return { token, store, staking, stakers, deployedAt };
}

describe("fast model staking against the contract", function () {
  this.timeout(180_000);

  it(`${STEPS} random stakes, unstakes, claims and retunes leave the same totals, positions and balances, and revert alike`, async () => {
    const { token, store, staking, stakers, deployedAt } = await networkHelpers.loadFixture(freshStaking);
    const interfaces = [staking.interface, token.interface];
    const model = StakingModel.deployed(
      { rewardPerDay: REWARD_PER_DAY, targetStaked: TARGET_STAKED, budget: BUDGET, lockSeconds: LOCK_SECONDS },
      deployedAt,
    );
    const wallets = new Map(stakers.map((s) => [s.address.toLowerCase(), FUNDS]));
    const rng = new Random(0x7374616b65n);
    const seen = new Set<string>();
    let now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    let paidTotal = 0n;

    for (let i = 0; i < STEPS; i++) {
      const staker = rng.pick(stakers);
      const who = staker.address.toLowerCase();
      // Mostly minutes to a day between actions, sometimes past a lock-up, sometimes to the very
      // second the staker's lock-up ends (where unstaking first succeeds).
      const unlockAt = model.account(who).unlockAt;
      if (unlockAt > now && rng.chance(0.2)) now = unlockAt;
      else now += rng.chance(0.15) ? rng.uniform(LOCK_SECONDS / 2n, LOCK_SECONDS * 2n) : rng.uniform(1n, 86_400n);
      await networkHelpers.time.setNextBlockTimestamp(now);
      const staked = model.account(who).balance;
      const wallet = wallets.get(who)!;
      const roll = rng.index(100);
      let label: string;
      let chain: () => Promise<bigint[]>;
      let inModel: () => bigint[];
      if (roll < 35) {
        const amount = rng.chance(0.05) ? 0n : rng.chance(0.05) ? wallet + 1n : rng.uniform(1n, wallet / 4n + 1n);
        label = `stake(${amount}) by ${who}`;
        chain = async () => {
          await (await staking.connect(staker).stake(amount)).wait();
          return [];
        };
        inModel = () => {
          model.stake(who, amount, now, wallet);
          wallets.set(who, wallet - amount);
          return [];
        };
      } else if (roll < 65) {
        const amount = rng.chance(0.05) ? 0n : rng.chance(0.1) ? staked + 1n : rng.uniform(0n, staked);
        label = `unstake(${amount}) by ${who}`;
        chain = async () => {
          await (await staking.connect(staker).unstake(amount)).wait();
          return [];
        };
        inModel = () => {
          model.unstake(who, amount, now);
          wallets.set(who, wallet + amount);
          return [];
        };
      } else if (roll < 90) {
        label = `claim() by ${who}`;
        chain = async () => {
          const receipt = await (await staking.connect(staker).claim()).wait();
          const paid = receipt!.logs
            .map((log) => staking.interface.parseLog(log))
            .find((parsed) => parsed?.name === "RewardPaid");
          return [paid!.args.reward as bigint];
        };
        inModel = () => {
          const reward = model.claim(who, now);
          wallets.set(who, wallet + reward);
          return [reward];
        };
      } else {
        const rewardPerDay = roll < 95;
        const key = rewardPerDay ? STAKING_KEYS.rewardPerDay : STAKING_KEYS.targetStaked;
        const base = rewardPerDay ? REWARD_PER_DAY : TARGET_STAKED;
        const value = rng.chance(0.1) ? STAKING_PARAMETER_MAX + 1n : rng.uniform(0n, base * 3n);
        label = `set(${key}, ${value})`;
        chain = async () => {
          await (await store.set(rewardPerDay ? RPD_KEY : TARGET_KEY, value)).wait();
          return [];
        };
        inModel = () => (model.setParameter(key, value, now), []);
      }

      const onChain = await chainOutcome(chain, interfaces);
      const byModel = modelOutcome(inModel);
      expect(byModel, `step ${i + 1}: ${label}`).to.deep.equal(onChain);
      if ("error" in onChain) seen.add(onChain.error);
      else if (label.startsWith("claim")) paidTotal += onChain.values[0]!;

      const s = await staking.state();
      const g = model.g;
      expect(
        [s.totalStaked, s.emitted, s.rewardPerTokenWad, s.rewardRatePerSecond, s.rewardPerDay, s.targetStaked],
        `step ${i + 1}: ${label}: state()`,
      ).to.deep.equal([g.totalStaked, g.emitted, g.rewardPerTokenWad, g.ratePerSecond, g.rewardPerDay, g.targetStaked]);
      // A reverted step leaves the contract's lastUpdate where it was; the model's too.
      expect(s.lastUpdate, `step ${i + 1}: lastUpdate`).to.equal(g.lastUpdate);
      for (const st of stakers) {
        const a = model.account(st.address);
        const [balance, paidWad, rewards, unlockAt] = await staking.accountOf(st.address);
        expect([balance, paidWad, rewards, unlockAt], `step ${i + 1}: accountOf(${st.address})`).to.deep.equal([
          a.balance,
          a.rewardPerTokenPaidWad,
          a.rewards,
          a.unlockAt,
        ]);
        expect(await token.balanceOf(st.address), `step ${i + 1}: wallet of ${st.address}`).to.equal(
          wallets.get(st.address.toLowerCase()),
        );
      }
    }

    // The draws reached every revert and ran the budget dry, and what was paid came from what was emitted.
    expect([...seen].sort()).to.deep.equal(
      [
        "ERC20InsufficientBalance",
        "InsufficientStake",
        "NothingToClaim",
        "ParameterOutOfRange",
        "StakeLocked",
        "ZeroAmount",
      ].sort(),
    );
    expect(model.g.emitted).to.equal(BUDGET);
    expect(paidTotal <= model.g.emitted).to.equal(true);
    expect(await token.balanceOf(staking)).to.equal(BUDGET - paidTotal + model.g.totalStaked);
  });
});
