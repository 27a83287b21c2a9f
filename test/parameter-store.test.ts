import { expect } from "chai";
import { network } from "hardhat";
import { encodeBytes32String, ZeroAddress } from "ethers";

const { ethers, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const DAY = 86_400;
const FEE = encodeBytes32String("pool.feeBps");
const SLOPE = encodeBytes32String("curve.slopeWad");
const FROZEN = encodeBytes32String("market.frozen");
const UNKNOWN = encodeBytes32String("nope");
const WAD = 10n ** 18n;

interface Init {
  key: string;
  value: bigint;
  min: bigint;
  max: bigint;
  maxStepBps: number;
  minIntervalSeconds: number;
  consumer: string;
}

const init = (over: Partial<Init> & { key: string }): Init => ({
  value: 10n,
  min: 0n,
  max: 100n,
  maxStepBps: 1_000,
  minIntervalSeconds: 0,
  consumer: ZeroAddress,
  ...over,
});

/** A store before seal, with its deployer as initializer and a plain signer as the Timelock. */
async function deployStore() {
  const [deployer, timelock, stranger] = await ethers.getSigners();
  const store = await ethers.deployContract("ParameterStore", [timelock.address], deployer);
  const consumer = await ethers.deployContract("RecordingConsumer");
  return { store, consumer, deployer, timelock, stranger };
}

/**
 * pool.feeBps: 31 in [5, 1000], 50% step (maxDelta 15.5 → 15), 1 day interval, with a consumer.
 * curve.slopeWad: 0 in [0, 1e18], 10% step (of max while 0), no interval.
 * market.frozen: 7 in [0, 100], 0 bps step.
 */
async function deployDefined() {
  const base = await deployStore();
  const { store, consumer, deployer } = base;
  const tx = await store.connect(deployer).defineParameter(
    init({
      key: FEE,
      value: 31n,
      min: 5n,
      max: 1_000n,
      maxStepBps: 5_000,
      minIntervalSeconds: DAY,
      consumer: await consumer.getAddress(),
    }),
  );
  const definedAt = (await tx.getBlock())!.timestamp;
  await store.defineParameter(init({ key: SLOPE, value: 0n, min: 0n, max: WAD, maxStepBps: 1_000 }));
  await store.defineParameter(init({ key: FROZEN, value: 7n, maxStepBps: 0 }));
  await store.seal();
  return { ...base, definedAt };
}

describe("ParameterStore", () => {
  describe("genesis", () => {
    it("records the timelock and the deployer as initializer, unsealed", async () => {
      const { store, deployer, timelock } = await loadFixture(deployStore);
      expect(await store.timelock()).to.equal(timelock.address);
      expect(await store.initializer()).to.equal(deployer.address);
      expect(await store.isSealed()).to.equal(false);
      expect(await store.keys()).to.deep.equal([]);
    });

    it("refuses a zero timelock", async () => {
      const factory = await ethers.getContractFactory("ParameterStore");
      await expect(ethers.deployContract("ParameterStore", [ZeroAddress]))
        .to.be.revertedWithCustomError(factory, "InvalidTimelock")
        .withArgs(ZeroAddress);
    });

    it("lets the initializer define a parameter with a consumer", async () => {
      const { store, consumer } = await loadFixture(deployStore);
      const consumerAddress = await consumer.getAddress();
      const tx = store.defineParameter(
        init({
          key: FEE,
          value: 30n,
          min: 5n,
          max: 1_000n,
          maxStepBps: 5_000,
          minIntervalSeconds: DAY,
          consumer: consumerAddress,
        }),
      );
      await expect(tx).to.emit(store, "ParameterDefined").withArgs(FEE, 30n, 5n, 1_000n, 5_000, DAY);
      await expect(tx).to.emit(store, "ConsumerSet").withArgs(FEE, ZeroAddress, consumerAddress);

      const p = await store.parameter(FEE);
      expect(p.value).to.equal(30n);
      expect(p.min).to.equal(5n);
      expect(p.max).to.equal(1_000n);
      expect(p.maxStepBps).to.equal(5_000n);
      expect(p.minIntervalSeconds).to.equal(BigInt(DAY));
      expect(p.updatedAt).to.equal(BigInt(await time.latest()));
      expect(p.exists).to.equal(true);
      expect(p.consumer).to.equal(consumerAddress);
      expect(await store.get(FEE)).to.equal(30n);
      expect(await store.keys()).to.deep.equal([FEE]);
    });

    it("emits no ConsumerSet without a consumer and lists keys in definition order", async () => {
      const { store } = await loadFixture(deployStore);
      await expect(store.defineParameter(init({ key: SLOPE }))).not.to.emit(store, "ConsumerSet");
      await store.defineParameter(init({ key: FEE }));
      expect(await store.keys()).to.deep.equal([SLOPE, FEE]);
    });

    it("refuses to define a key twice", async () => {
      const { store } = await loadFixture(deployStore);
      await store.defineParameter(init({ key: FEE }));
      await expect(store.defineParameter(init({ key: FEE, value: 20n })))
        .to.be.revertedWithCustomError(store, "ParameterAlreadyDefined")
        .withArgs(FEE);
    });

    it("refuses a value outside [min, max] and min > max", async () => {
      const { store } = await loadFixture(deployStore);
      for (const [value, min, max] of [
        [4n, 5n, 10n],
        [11n, 5n, 10n],
        [7n, 10n, 5n],
      ]) {
        await expect(store.defineParameter(init({ key: FEE, value, min, max })))
          .to.be.revertedWithCustomError(store, "InvalidParameterDefinition")
          .withArgs(FEE, value, min, max);
      }
      // The edges are inside.
      await store.defineParameter(init({ key: FEE, value: 5n, min: 5n, max: 5n }));
    });

    it("refuses definitions and consumers from anyone but the initializer and the timelock", async () => {
      const { store, stranger } = await loadFixture(deployStore);
      await expect(store.connect(stranger).defineParameter(init({ key: FEE })))
        .to.be.revertedWithCustomError(store, "Unauthorized")
        .withArgs(stranger.address);
      await store.defineParameter(init({ key: FEE }));
      await expect(store.connect(stranger).setConsumer(FEE, stranger.address))
        .to.be.revertedWithCustomError(store, "Unauthorized")
        .withArgs(stranger.address);
    });

    it("sets, replaces and removes a consumer", async () => {
      const { store, consumer, stranger } = await loadFixture(deployStore);
      const consumerAddress = await consumer.getAddress();
      await expect(store.setConsumer(FEE, consumerAddress))
        .to.be.revertedWithCustomError(store, "UnknownParameter")
        .withArgs(FEE);
      await store.defineParameter(init({ key: FEE }));
      await expect(store.setConsumer(FEE, consumerAddress))
        .to.emit(store, "ConsumerSet")
        .withArgs(FEE, ZeroAddress, consumerAddress);
      await expect(store.setConsumer(FEE, stranger.address))
        .to.emit(store, "ConsumerSet")
        .withArgs(FEE, consumerAddress, stranger.address);
      await expect(store.setConsumer(FEE, ZeroAddress))
        .to.emit(store, "ConsumerSet")
        .withArgs(FEE, stranger.address, ZeroAddress);
      expect((await store.parameter(FEE)).consumer).to.equal(ZeroAddress);
    });

    it("does not let the initializer set values, even before the seal", async () => {
      const { store, deployer } = await loadFixture(deployStore);
      await store.defineParameter(init({ key: FEE }));
      await expect(store.set(FEE, 10n)).to.be.revertedWithCustomError(store, "Unauthorized").withArgs(deployer.address);
    });

    it("seals once, by the initializer only, and then refuses the initializer with StoreSealed", async () => {
      const { store, deployer, timelock, stranger } = await loadFixture(deployStore);
      await store.defineParameter(init({ key: FEE }));
      for (const who of [stranger, timelock]) {
        await expect(store.connect(who).seal())
          .to.be.revertedWithCustomError(store, "Unauthorized")
          .withArgs(who.address);
      }
      await expect(store.seal()).to.emit(store, "GenesisSealed").withArgs(deployer.address);
      expect(await store.isSealed()).to.equal(true);

      await expect(store.seal()).to.be.revertedWithCustomError(store, "StoreSealed");
      await expect(store.defineParameter(init({ key: SLOPE }))).to.be.revertedWithCustomError(store, "StoreSealed");
      await expect(store.setConsumer(FEE, stranger.address)).to.be.revertedWithCustomError(store, "StoreSealed");
      // A stranger is still told it is unauthorized, not that the store is sealed.
      await expect(store.connect(stranger).defineParameter(init({ key: SLOPE })))
        .to.be.revertedWithCustomError(store, "Unauthorized")
        .withArgs(stranger.address);
    });

    it("lets the timelock define parameters and consumers before and after the seal", async () => {
      const { store, timelock, stranger } = await loadFixture(deployStore);
      await store.connect(timelock).defineParameter(init({ key: FEE }));
      await store.seal();
      await expect(store.connect(timelock).defineParameter(init({ key: SLOPE, value: 3n })))
        .to.emit(store, "ParameterDefined")
        .withArgs(SLOPE, 3n, 0n, 100n, 1_000, 0);
      await expect(store.connect(timelock).setConsumer(FEE, stranger.address))
        .to.emit(store, "ConsumerSet")
        .withArgs(FEE, ZeroAddress, stranger.address);
      expect(await store.keys()).to.deep.equal([FEE, SLOPE]);
    });
  });

  describe("set", () => {
    it("is for the timelock only", async () => {
      const { store, deployer, stranger } = await loadFixture(deployDefined);
      for (const who of [deployer, stranger]) {
        await expect(store.connect(who).set(SLOPE, 1n))
          .to.be.revertedWithCustomError(store, "Unauthorized")
          .withArgs(who.address);
        await expect(store.connect(who).setMany([SLOPE], [1n]))
          .to.be.revertedWithCustomError(store, "Unauthorized")
          .withArgs(who.address);
      }
    });

    it("reverts UnknownParameter for unknown keys, in set and in every view", async () => {
      const { store, timelock } = await loadFixture(deployDefined);
      await expect(store.connect(timelock).set(UNKNOWN, 1n))
        .to.be.revertedWithCustomError(store, "UnknownParameter")
        .withArgs(UNKNOWN);
      await expect(store.get(UNKNOWN)).to.be.revertedWithCustomError(store, "UnknownParameter").withArgs(UNKNOWN);
      await expect(store.parameter(UNKNOWN)).to.be.revertedWithCustomError(store, "UnknownParameter").withArgs(UNKNOWN);
      await expect(store.checkSet(UNKNOWN, 1n))
        .to.be.revertedWithCustomError(store, "UnknownParameter")
        .withArgs(UNKNOWN);
      await expect(store.maxDelta(UNKNOWN)).to.be.revertedWithCustomError(store, "UnknownParameter").withArgs(UNKNOWN);
    });

    it("refuses values outside the bounds", async () => {
      const { store, timelock } = await loadFixture(deployDefined);
      await time.increase(DAY);
      for (const value of [4n, 1_001n, 2n ** 200n]) {
        await expect(store.connect(timelock).set(FEE, value))
          .to.be.revertedWithCustomError(store, "ParameterOutOfBounds")
          .withArgs(FEE, value, 5n, 1_000n);
      }
    });

    it("waits the interval counted from the definition, then from each update", async () => {
      const { store, timelock, definedAt } = await loadFixture(deployDefined);
      await time.setNextBlockTimestamp(definedAt + DAY - 1);
      await expect(store.connect(timelock).set(FEE, 40n))
        .to.be.revertedWithCustomError(store, "ParameterUpdateTooEarly")
        .withArgs(FEE, definedAt + DAY, definedAt + DAY - 1);

      await time.setNextBlockTimestamp(definedAt + DAY);
      await store.connect(timelock).set(FEE, 40n);
      expect((await store.parameter(FEE)).updatedAt).to.equal(BigInt(definedAt + DAY));

      await time.setNextBlockTimestamp(definedAt + 2 * DAY - 1);
      await expect(store.connect(timelock).set(FEE, 41n))
        .to.be.revertedWithCustomError(store, "ParameterUpdateTooEarly")
        .withArgs(FEE, definedAt + 2 * DAY, definedAt + 2 * DAY - 1);
      await time.setNextBlockTimestamp(definedAt + 2 * DAY);
      await store.connect(timelock).set(FEE, 41n);
      expect(await store.get(FEE)).to.equal(41n);
    });

    it("limits each step to value·maxStepBps/10_000, rounded down, up and down", async () => {
      const { store, timelock } = await loadFixture(deployDefined);
      await time.increase(DAY);
      // 31 · 50% = 15.5, rounded down to 15.
      expect(await store.maxDelta(FEE)).to.equal(15n);
      await expect(store.connect(timelock).set(FEE, 47n))
        .to.be.revertedWithCustomError(store, "ParameterStepTooLarge")
        .withArgs(FEE, 31n, 47n, 15n);
      await expect(store.connect(timelock).set(FEE, 15n))
        .to.be.revertedWithCustomError(store, "ParameterStepTooLarge")
        .withArgs(FEE, 31n, 15n, 15n);
      await store.connect(timelock).set(FEE, 16n);
      await time.increase(DAY);
      // 16 · 50% = 8: up to 24 now.
      await expect(store.connect(timelock).set(FEE, 25n))
        .to.be.revertedWithCustomError(store, "ParameterStepTooLarge")
        .withArgs(FEE, 16n, 25n, 8n);
      await store.connect(timelock).set(FEE, 24n);
      expect(await store.get(FEE)).to.equal(24n);
    });

    it("measures the step of a zero value against max", async () => {
      const { store, timelock } = await loadFixture(deployDefined);
      const maxDelta = WAD / 10n; // 10% of max (1e18)
      expect(await store.maxDelta(SLOPE)).to.equal(maxDelta);
      await expect(store.connect(timelock).set(SLOPE, maxDelta + 1n))
        .to.be.revertedWithCustomError(store, "ParameterStepTooLarge")
        .withArgs(SLOPE, 0n, maxDelta + 1n, maxDelta);
      await store.connect(timelock).set(SLOPE, maxDelta);
      // Away from zero the step is 10% of the value again, so it cannot drop straight back to 0.
      await expect(store.connect(timelock).set(SLOPE, 0n))
        .to.be.revertedWithCustomError(store, "ParameterStepTooLarge")
        .withArgs(SLOPE, maxDelta, 0n, maxDelta / 10n);
    });

    it("freezes a parameter whose maxStepBps is 0", async () => {
      const { store, timelock } = await loadFixture(deployDefined);
      expect(await store.maxDelta(FROZEN)).to.equal(0n);
      for (const value of [8n, 6n]) {
        await expect(store.connect(timelock).set(FROZEN, value))
          .to.be.revertedWithCustomError(store, "ParameterStepTooLarge")
          .withArgs(FROZEN, 7n, value, 0n);
      }
      expect(await store.get(FROZEN)).to.equal(7n);
    });

    it("stores the value, emits ParameterSet, then calls the consumer with (key, old, new)", async () => {
      const { store, consumer, timelock } = await loadFixture(deployDefined);
      await time.increase(DAY);
      const tx = store.connect(timelock).set(FEE, 40n);
      await expect(tx).to.emit(store, "ParameterSet").withArgs(FEE, 31n, 40n);
      expect(await store.get(FEE)).to.equal(40n);
      expect((await store.parameter(FEE)).updatedAt).to.equal(BigInt(await time.latest()));

      expect(await consumer.callCount()).to.equal(1n);
      const call = await consumer.callAt(0);
      expect(call.caller).to.equal(await store.getAddress());
      expect(call.key).to.equal(FEE);
      expect(call.oldValue).to.equal(31n);
      expect(call.newValue).to.equal(40n);
    });

    it("undoes the whole update when the consumer reverts", async () => {
      const { store, consumer, timelock, definedAt } = await loadFixture(deployDefined);
      await time.increase(DAY);
      await consumer.setRejecting(true);
      await expect(store.connect(timelock).set(FEE, 40n))
        .to.be.revertedWithCustomError(consumer, "ConsumerRejected")
        .withArgs(FEE, 40n);
      expect(await store.get(FEE)).to.equal(31n);
      expect((await store.parameter(FEE)).updatedAt).to.equal(BigInt(definedAt));
    });

    it("calls no consumer once it is removed", async () => {
      const { store, consumer, timelock } = await loadFixture(deployDefined);
      await store.connect(timelock).setConsumer(FEE, ZeroAddress);
      await time.increase(DAY);
      await store.connect(timelock).set(FEE, 40n);
      expect(await consumer.callCount()).to.equal(0n);
    });

    it("treats setting the current value as an update: event, consumer call, interval restarts", async () => {
      const { store, consumer, timelock } = await loadFixture(deployDefined);
      await time.increase(DAY);
      await expect(store.connect(timelock).set(FEE, 31n)).to.emit(store, "ParameterSet").withArgs(FEE, 31n, 31n);
      const updatedAt = await time.latest();
      expect((await store.parameter(FEE)).updatedAt).to.equal(BigInt(updatedAt));
      expect(await consumer.callCount()).to.equal(1n);
      await time.setNextBlockTimestamp(updatedAt + DAY - 1);
      await expect(store.connect(timelock).set(FEE, 31n))
        .to.be.revertedWithCustomError(store, "ParameterUpdateTooEarly")
        .withArgs(FEE, updatedAt + DAY, updatedAt + DAY - 1);
      // A frozen parameter can be "set" to its own value (a step of 0 is within 0 bps).
      await expect(store.connect(timelock).set(FROZEN, 7n)).to.emit(store, "ParameterSet").withArgs(FROZEN, 7n, 7n);
    });
  });

  describe("setMany", () => {
    it("refuses arrays of different lengths", async () => {
      const { store, timelock } = await loadFixture(deployDefined);
      await expect(store.connect(timelock).setMany([FEE, SLOPE], [40n]))
        .to.be.revertedWithCustomError(store, "LengthMismatch")
        .withArgs(2n, 1n);
    });

    it("applies each change in order, calling consumers per key", async () => {
      const { store, consumer, timelock } = await loadFixture(deployDefined);
      await time.increase(DAY);
      const tx = store.connect(timelock).setMany([SLOPE, FEE, SLOPE], [WAD / 10n, 40n, WAD / 10n + WAD / 100n]);
      await expect(tx)
        .to.emit(store, "ParameterSet")
        .withArgs(SLOPE, 0n, WAD / 10n);
      await expect(tx).to.emit(store, "ParameterSet").withArgs(FEE, 31n, 40n);
      // The second write of SLOPE sees the first one's value (1e17, 10% step = 1e16).
      await expect(tx)
        .to.emit(store, "ParameterSet")
        .withArgs(SLOPE, WAD / 10n, WAD / 10n + WAD / 100n);
      expect(await store.get(SLOPE)).to.equal(WAD / 10n + WAD / 100n);
      expect(await store.get(FEE)).to.equal(40n);
      expect(await consumer.callCount()).to.equal(1n);
    });

    it("is all or nothing", async () => {
      const { store, consumer, timelock } = await loadFixture(deployDefined);
      await time.increase(DAY);
      await expect(store.connect(timelock).setMany([FEE, FROZEN], [40n, 8n]))
        .to.be.revertedWithCustomError(store, "ParameterStepTooLarge")
        .withArgs(FROZEN, 7n, 8n, 0n);
      expect(await store.get(FEE)).to.equal(31n);
      expect(await consumer.callCount()).to.equal(0n);
      // A key listed twice meets its own interval on the second write.
      const at = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(at);
      await expect(store.connect(timelock).setMany([FEE, FEE], [40n, 41n]))
        .to.be.revertedWithCustomError(store, "ParameterUpdateTooEarly")
        .withArgs(FEE, at + DAY, at);
    });
  });

  describe("checkSet", () => {
    it("raises exactly what set would, for anyone, and passes what set accepts", async () => {
      const { store, timelock, stranger, definedAt } = await loadFixture(deployDefined);
      const view = store.connect(stranger);
      await expect(view.checkSet(FEE, 40n))
        .to.be.revertedWithCustomError(store, "ParameterUpdateTooEarly")
        .withArgs(FEE, definedAt + DAY, await time.latest());
      await time.increase(DAY);
      await expect(view.checkSet(FEE, 1_001n))
        .to.be.revertedWithCustomError(store, "ParameterOutOfBounds")
        .withArgs(FEE, 1_001n, 5n, 1_000n);
      await expect(view.checkSet(FEE, 47n))
        .to.be.revertedWithCustomError(store, "ParameterStepTooLarge")
        .withArgs(FEE, 31n, 47n, 15n);
      await expect(view.checkSet(FROZEN, 8n))
        .to.be.revertedWithCustomError(store, "ParameterStepTooLarge")
        .withArgs(FROZEN, 7n, 8n, 0n);
      await view.checkSet(FEE, 46n);
      await store.connect(timelock).set(FEE, 46n);
    });
  });
});
