import { expect } from "chai";
import { network } from "hardhat";
import { MaxUint256, Wallet, ZeroAddress, parseEther } from "ethers";

const { ethers, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const DAY = 86_400;

interface ScheduleInit {
  beneficiary: string;
  start: bigint;
  cliffSeconds: number;
  durationSeconds: number;
  amount: bigint;
}

/** The reference formula: 0 before the cliff, linear rounded down, everything after the end. */
function vestedAt(s: ScheduleInit, t: bigint): bigint {
  if (t < s.start + BigInt(s.cliffSeconds)) return 0n;
  if (t >= s.start + BigInt(s.durationSeconds)) return s.amount;
  return (s.amount * (t - s.start)) / BigInt(s.durationSeconds);
}

const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

async function deployVesting(schedules: ScheduleInit[]) {
  const token = await ethers.deployContract("TestVotesToken");
  const vesting = await ethers.deployContract("Vesting", [await token.getAddress(), schedules]);
  // Genesis funds the contract by minting Σ amounts to it.
  await token.mint(await vesting.getAddress(), sum(schedules.map((s) => s.amount)));
  return { token, vesting };
}

/** alice: a 1-year schedule with a 30-day cliff (0) and a small 100-day one without cliff (1); bob: cliff = duration (2). */
async function deployBasic() {
  const [, alice, bob, stranger] = await ethers.getSigners();
  const start = BigInt(await time.latest()) + 1_000n;
  const schedules: ScheduleInit[] = [
    {
      beneficiary: alice.address,
      start,
      cliffSeconds: 30 * DAY,
      durationSeconds: 365 * DAY,
      amount: parseEther("1000"),
    },
    { beneficiary: alice.address, start, cliffSeconds: 0, durationSeconds: 100 * DAY, amount: 7n },
    { beneficiary: bob.address, start, cliffSeconds: 10 * DAY, durationSeconds: 10 * DAY, amount: parseEther("500") },
  ];
  const deployed = await deployVesting(schedules);
  return { ...deployed, schedules, start, alice, bob, stranger };
}

describe("Vesting", () => {
  describe("constructor", () => {
    it("stores every schedule, its beneficiary index and the totals, and emits ScheduleCreated", async () => {
      const { vesting, token, schedules, alice, bob } = await loadFixture(deployBasic);
      expect(await vesting.token()).to.equal(await token.getAddress());
      expect(await vesting.scheduleCount()).to.equal(3n);
      expect(await vesting.totalAllocated()).to.equal(sum(schedules.map((s) => s.amount)));
      expect(await vesting.totalReleased()).to.equal(0n);
      expect(await vesting.schedulesOf(alice.address)).to.deep.equal([0n, 1n]);
      expect(await vesting.schedulesOf(bob.address)).to.deep.equal([2n]);
      expect(await vesting.schedulesOf(ZeroAddress)).to.deep.equal([]);

      const s = await vesting.schedule(0);
      expect([s.beneficiary, s.start, s.cliffSeconds, s.durationSeconds, s.amount, s.released]).to.deep.equal([
        alice.address,
        schedules[0].start,
        BigInt(30 * DAY),
        BigInt(365 * DAY),
        parseEther("1000"),
        0n,
      ]);

      const deployTx = vesting.deploymentTransaction()!;
      for (const [id, x] of schedules.entries()) {
        await expect(deployTx)
          .to.emit(vesting, "ScheduleCreated")
          .withArgs(id, x.beneficiary, x.amount, x.start, x.cliffSeconds, x.durationSeconds);
      }
    });

    it("refuses a zero token", async () => {
      const factory = await ethers.getContractFactory("Vesting");
      await expect(ethers.deployContract("Vesting", [ZeroAddress, []]))
        .to.be.revertedWithCustomError(factory, "InvalidToken")
        .withArgs(ZeroAddress);
    });

    it("refuses each kind of invalid schedule, naming its index and fields", async () => {
      const [, alice] = await ethers.getSigners();
      const token = await ethers.deployContract("TestVotesToken");
      const factory = await ethers.getContractFactory("Vesting");
      const good: ScheduleInit = {
        beneficiary: alice.address,
        start: 0n,
        cliffSeconds: 10,
        durationSeconds: 100,
        amount: 1n,
      };
      const bad: ScheduleInit[] = [
        { ...good, beneficiary: ZeroAddress },
        { ...good, amount: 0n },
        { ...good, durationSeconds: 0, cliffSeconds: 0 },
        { ...good, cliffSeconds: 101 },
      ];
      for (const b of bad) {
        await expect(ethers.deployContract("Vesting", [await token.getAddress(), [good, b]]))
          .to.be.revertedWithCustomError(factory, "InvalidSchedule")
          .withArgs(1, b.beneficiary, b.amount, b.cliffSeconds, b.durationSeconds);
      }
    });

    it("reverts UnknownSchedule(id, count) for an id past the end", async () => {
      const { vesting, stranger } = await loadFixture(deployBasic);
      await expect(vesting.schedule(3)).to.be.revertedWithCustomError(vesting, "UnknownSchedule").withArgs(3, 3);
      await expect(vesting.vestedAmount(7, 0)).to.be.revertedWithCustomError(vesting, "UnknownSchedule").withArgs(7, 3);
      await expect(vesting.claimable(3)).to.be.revertedWithCustomError(vesting, "UnknownSchedule").withArgs(3, 3);
      await expect(vesting.connect(stranger).release(3))
        .to.be.revertedWithCustomError(vesting, "UnknownSchedule")
        .withArgs(3, 3);
    });
  });

  describe("vestedAmount", () => {
    it("is 0 before start + cliff, then what accrued since start", async () => {
      const { vesting, schedules, start } = await loadFixture(deployBasic);
      const cliffEnd = start + BigInt(30 * DAY);
      expect(await vesting.vestedAmount(0, 0)).to.equal(0n);
      expect(await vesting.vestedAmount(0, start)).to.equal(0n);
      expect(await vesting.vestedAmount(0, cliffEnd - 1n)).to.equal(0n);
      // At the cliff: 30/365 of the amount, rounded down.
      const atCliff = (parseEther("1000") * BigInt(30 * DAY)) / BigInt(365 * DAY);
      expect(await vesting.vestedAmount(0, cliffEnd)).to.equal(atCliff);
      expect(atCliff * BigInt(365 * DAY)).to.not.equal(parseEther("1000") * BigInt(30 * DAY)); // the rounding is real
      for (const t of [cliffEnd + 1n, start + BigInt(200 * DAY) + 17n]) {
        expect(await vesting.vestedAmount(0, t)).to.equal(vestedAt(schedules[0], t));
      }
    });

    it("rounds down in the protocol's favour", async () => {
      const { vesting, start } = await loadFixture(deployBasic);
      // 7 tokens over 100 days: 0.07 after a day, 3.5 after 50 days.
      expect(await vesting.vestedAmount(1, start)).to.equal(0n);
      expect(await vesting.vestedAmount(1, start + BigInt(DAY))).to.equal(0n);
      expect(await vesting.vestedAmount(1, start + BigInt(50 * DAY))).to.equal(3n);
      expect(await vesting.vestedAmount(1, start + BigInt(100 * DAY) - 1n)).to.equal(6n);
    });

    it("is the whole amount from start + duration on, and all at once when cliff = duration", async () => {
      const { vesting, start } = await loadFixture(deployBasic);
      expect(await vesting.vestedAmount(0, start + BigInt(365 * DAY))).to.equal(parseEther("1000"));
      expect(await vesting.vestedAmount(0, MaxUint256)).to.equal(parseEther("1000"));
      expect(await vesting.vestedAmount(1, start + BigInt(100 * DAY))).to.equal(7n);
      expect(await vesting.vestedAmount(2, start + BigInt(10 * DAY) - 1n)).to.equal(0n);
      expect(await vesting.vestedAmount(2, start + BigInt(10 * DAY))).to.equal(parseEther("500"));
    });
  });

  describe("release", () => {
    it("reverts NothingToRelease(id, timestamp) before the cliff", async () => {
      const { vesting, start, alice } = await loadFixture(deployBasic);
      const t = Number(start) + 30 * DAY - 1;
      await time.setNextBlockTimestamp(t);
      await expect(vesting.connect(alice).release(0))
        .to.be.revertedWithCustomError(vesting, "NothingToRelease")
        .withArgs(0, t);
    });

    it("sends exactly the claimable amount to the beneficiary, whoever calls", async () => {
      const { vesting, token, schedules, start, alice, stranger } = await loadFixture(deployBasic);
      const t1 = start + BigInt(100 * DAY);
      await time.setNextBlockTimestamp(t1);
      const first = vestedAt(schedules[0], t1);
      const tx = vesting.connect(stranger).release(0);
      await expect(tx).to.emit(vesting, "Released").withArgs(0, alice.address, first);
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, vesting, stranger], [first, -first, 0n]);
      expect((await vesting.schedule(0)).released).to.equal(first);
      expect(await vesting.totalReleased()).to.equal(first);
      expect(await vesting.claimable(0)).to.equal(0n);

      const t2 = start + BigInt(250 * DAY) + 5n;
      await time.setNextBlockTimestamp(t2);
      const second = vestedAt(schedules[0], t2) - first;
      await expect(vesting.connect(alice).release(0)).to.emit(vesting, "Released").withArgs(0, alice.address, second);
      expect(await token.balanceOf(alice.address)).to.equal(first + second);
      expect(await vesting.totalReleased()).to.equal(first + second);
    });

    it("releases the rest after the end, then has nothing left", async () => {
      const { vesting, token, start, alice } = await loadFixture(deployBasic);
      await time.setNextBlockTimestamp(start + BigInt(100 * DAY));
      await vesting.release(0);
      await time.increaseTo(start + BigInt(400 * DAY));
      expect(await vesting.claimable(0)).to.equal(parseEther("1000") - (await vesting.schedule(0)).released);
      await vesting.release(0);
      expect(await token.balanceOf(alice.address)).to.equal(parseEther("1000"));
      expect((await vesting.schedule(0)).released).to.equal(parseEther("1000"));
      const t = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(t);
      await expect(vesting.release(0)).to.be.revertedWithCustomError(vesting, "NothingToRelease").withArgs(0, t);
    });
  });

  describe("releaseAll", () => {
    it("reverts NothingToRelease(max, timestamp) when no schedule of the beneficiary has anything", async () => {
      const { vesting, stranger, bob } = await loadFixture(deployBasic);
      const t = (await time.latest()) + 5;
      await time.setNextBlockTimestamp(t);
      await expect(vesting.releaseAll(bob.address))
        .to.be.revertedWithCustomError(vesting, "NothingToRelease")
        .withArgs(MaxUint256, t);
      await time.setNextBlockTimestamp(t + 1);
      await expect(vesting.releaseAll(stranger.address))
        .to.be.revertedWithCustomError(vesting, "NothingToRelease")
        .withArgs(MaxUint256, t + 1);
    });

    it("releases only the schedules with something claimable, in one transfer", async () => {
      const { vesting, token, schedules, start, alice } = await loadFixture(deployBasic);
      // Schedule 1 has no cliff; schedule 0 is still before its cliff.
      const t = start + BigInt(20 * DAY);
      await time.setNextBlockTimestamp(t);
      const fromOne = vestedAt(schedules[1], t);
      const tx = vesting.releaseAll(alice.address);
      await expect(tx).to.emit(vesting, "Released").withArgs(1, alice.address, fromOne);
      const receipt = await (await tx).wait();
      const released = receipt!.logs.filter((l) => vesting.interface.parseLog(l)?.name === "Released");
      expect(released.length).to.equal(1);
      expect(await token.balanceOf(alice.address)).to.equal(fromOne);
    });

    it("releases every schedule of the beneficiary with one Released each", async () => {
      const { vesting, token, schedules, start, alice } = await loadFixture(deployBasic);
      const t = start + BigInt(60 * DAY);
      await time.setNextBlockTimestamp(t);
      const a = vestedAt(schedules[0], t);
      const b = vestedAt(schedules[1], t);
      const tx = vesting.releaseAll(alice.address);
      await expect(tx).to.emit(vesting, "Released").withArgs(0, alice.address, a);
      await expect(tx).to.emit(vesting, "Released").withArgs(1, alice.address, b);
      await expect(tx).to.changeTokenBalance(ethers, token, alice, a + b);
      const receipt = await (await tx).wait();
      const transfers = receipt!.logs.filter((l) => token.interface.parseLog(l)?.name === "Transfer");
      expect(transfers.length).to.equal(1);
      expect(await vesting.totalReleased()).to.equal(a + b);
    });
  });

  describe("many beneficiaries", () => {
    it("pays each beneficiary exactly what vested, and the contract ends empty", async () => {
      const signers = (await ethers.getSigners()).slice(1, 11);
      const start = BigInt(await time.latest()) + 100n;
      const schedules: ScheduleInit[] = [];
      // Ten beneficiaries, three schedules each, with staggered starts, cliffs and lengths.
      for (const [i, s] of signers.entries()) {
        for (let j = 0; j < 3; j++) {
          const durationSeconds = (30 + 17 * i + 41 * j) * DAY + 13 * i;
          schedules.push({
            beneficiary: s.address,
            start: start + BigInt((i * 5 + j * 11) * DAY),
            cliffSeconds: Math.floor(durationSeconds / (2 + ((i + j) % 4))),
            durationSeconds,
            amount: parseEther(String(100 + 37 * i + 3 * j)) + BigInt(i * 1_000_003 + j),
          });
        }
      }
      const { vesting, token } = await deployVesting(schedules);
      const allocated = sum(schedules.map((s) => s.amount));
      expect(await vesting.totalAllocated()).to.equal(allocated);

      const paid = new Map<string, bigint>(signers.map((s) => [s.address, 0n]));
      for (const checkpoint of [40, 90, 150, 260, 400]) {
        await time.increaseTo(start + BigInt(checkpoint * DAY));
        for (const s of signers) {
          const t = (await time.latest()) + 1;
          await time.setNextBlockTimestamp(t);
          const expected = sum(schedules.filter((x) => x.beneficiary === s.address).map((x) => vestedAt(x, BigInt(t))));
          if (expected === paid.get(s.address)) {
            await expect(vesting.releaseAll(s.address))
              .to.be.revertedWithCustomError(vesting, "NothingToRelease")
              .withArgs(MaxUint256, t);
            continue;
          }
          await vesting.releaseAll(s.address);
          expect(await token.balanceOf(s.address)).to.equal(expected);
          paid.set(s.address, expected);
        }
        const released = sum([...paid.values()]);
        expect(await vesting.totalReleased()).to.equal(released);
        expect(await token.balanceOf(await vesting.getAddress())).to.equal(allocated - released);
      }
      expect(await vesting.totalReleased()).to.equal(allocated);
      expect(await token.balanceOf(await vesting.getAddress())).to.equal(0n);
    });
  });

  describe("gas", () => {
    it("costs at most 85,000 gas for the first release to a beneficiary holding no tokens", async () => {
      const [caller] = await ethers.getSigners();
      const fresh = Wallet.createRandom().address;
      const start = BigInt(await time.latest()) + 10n;
      const others = (await ethers.getSigners()).slice(1, 4).map((s) => ({
        beneficiary: s.address,
        start,
        cliffSeconds: DAY,
        durationSeconds: 365 * DAY,
        amount: parseEther("10"),
      }));
      const { vesting, token } = await deployVesting([
        ...others,
        {
          beneficiary: fresh,
          start,
          cliffSeconds: 30 * DAY,
          durationSeconds: 365 * DAY,
          amount: parseEther("1000000"),
        },
      ]);
      await time.increaseTo(start + BigInt(31 * DAY));
      expect(await token.balanceOf(fresh)).to.equal(0n);
      expect(await vesting.totalReleased()).to.equal(0n); // also the first release of the whole contract

      const receipt = (await (await vesting.connect(caller).release(3)).wait())!;
      console.log(`      first release to a fresh beneficiary (ERC20Votes token): ${receipt.gasUsed} gas`);
      expect(receipt.gasUsed).to.be.at.most(85_000n);
      expect(await token.balanceOf(fresh)).to.be.greaterThan(0n);

      const again = (await (await vesting.connect(caller).release(3)).wait())!;
      console.log(`      next release of the same schedule: ${again.gasUsed} gas`);
      const all = (await (await vesting.connect(caller).releaseAll(others[0].beneficiary)).wait())!;
      console.log(`      releaseAll of one schedule to a fresh holder: ${all.gasUsed} gas`);
    });
  });
});
