import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { encodeBytes32String, ZeroAddress } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import {
  CONTRACT_NAMES,
  type Deployment,
  deploySystem,
  plannedSteps,
  type StepReport,
} from "../agents/deploy/deploy.ts";
import {
  connectDeployment,
  deploymentRecord,
  DeploymentFileError,
  readDeploymentFile,
  writeDeploymentFile,
} from "../agents/deploy/deployment-file.ts";
import { DeployError } from "../agents/deploy/errors.ts";
import { assertDeployAllowed, LiveNetworkError } from "../agents/chain/network-guard.ts";
import { loadGenesis, parseGenesis } from "../agents/inputs/genesis.ts";
import { curveParameters } from "../agents/mechanisms/market/genesis.ts";
import { CURVE_KIND_IDS } from "../agents/mechanisms/market/state.ts";
import { GenesisError } from "../agents/core/document-reader.ts";
import { MAX_SUPPLY } from "../agents/core/limits.ts";
import { deployExponentialFixture, deployFixture, deploySigmoidFixture } from "./fixtures.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** The error `promise` rejects with, checked to be a `type` whose message matches `pattern`. */
async function rejection<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: any[]) => E,
  pattern: RegExp | string,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    if (typeof pattern === "string") expect((error as E).message).to.contain(pattern);
    else expect((error as E).message).to.match(pattern);
    return error as E;
  }
  return expect.fail(`expected a ${type.name}, but it succeeded`);
}

function sqrt(value: bigint): bigint {
  let x = value;
  let y = (x + 1n) / 2n;
  while (y < x) [x, y] = [y, (y + value / y) / 2n];
  return x;
}

const FIXTURES: [string, (c: NetworkConnection) => Promise<Deployment>][] = [
  ["linear", deployFixture],
  ["exponential", deployExponentialFixture],
  ["sigmoid", deploySigmoidFixture],
];

for (const [kind, fixture] of FIXTURES) {
  describe(`deploySystem: ${kind} genesis`, function () {
    it("deploys every contract", async function () {
      const d = await networkHelpers.loadFixture(fixture);
      expect(d.genesis.curve.kind).to.equal(kind);
      expect(d.chainId).to.equal(31337n);
      for (const name of CONTRACT_NAMES) {
        expect(await ethers.provider.getCode(d.addresses[name]), name).to.not.equal("0x");
        expect(await d.contracts[name].getAddress(), name).to.equal(d.addresses[name]);
      }
      expect(new Set(Object.values(d.addresses)).size).to.equal(CONTRACT_NAMES.length);
      const first = await ethers.provider.getBlock(d.deployBlock);
      expect(d.deployTimestamp).to.equal(first!.timestamp);
      const firstTx = await ethers.provider.getTransactionReceipt(d.txs.quote![0]);
      expect(firstTx!.blockNumber).to.equal(d.deployBlock);
    });

    it("hands governance to the governor and the timelock", async function () {
      const { contracts: c, addresses: a, deployer, genesis } = await networkHelpers.loadFixture(fixture);
      const { timelock, governor } = c;
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), a.governor)).to.equal(true);
      expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), a.governor)).to.equal(true);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), ZeroAddress)).to.equal(true);
      expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), deployer)).to.equal(false);
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), deployer)).to.equal(false);
      expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), a.timelock)).to.equal(true);
      expect(await timelock.getMinDelay()).to.equal(BigInt(genesis.governance.timelockDelaySeconds));
      expect(await governor.timelock()).to.equal(a.timelock);
      expect(await governor.token()).to.equal(a.token);
      expect(await governor.votingDelay()).to.equal(BigInt(genesis.governance.votingDelayBlocks));
      expect(await governor.votingPeriod()).to.equal(BigInt(genesis.governance.votingPeriodBlocks));
      expect(await governor.proposalThreshold()).to.equal(genesis.governance.proposalThreshold);
      expect(await governor["quorumNumerator()"]()).to.equal(BigInt(genesis.governance.quorumPercent));
    });

    it("defines every parameter with its bounds, registers consumers and seals the store", async function () {
      const { contracts: c, addresses: a, parameters } = await networkHelpers.loadFixture(fixture);
      expect(await c.store.isSealed()).to.equal(true);
      expect(await c.store.timelock()).to.equal(a.timelock);
      expect([...(await c.store.keys())].sort()).to.deep.equal(
        parameters.map((p) => encodeBytes32String(p.key)).sort(),
      );
      for (const p of parameters) {
        const stored = await c.store.parameter(encodeBytes32String(p.key));
        expect(stored.value, p.key).to.equal(p.value);
        expect(stored.min, p.key).to.equal(p.min);
        expect(stored.max, p.key).to.equal(p.max);
        expect(stored.maxStepBps, p.key).to.equal(BigInt(p.maxStepBps));
        expect(stored.minIntervalSeconds, p.key).to.equal(BigInt(p.minIntervalSeconds));
        expect(stored.consumer, p.key).to.equal(p.consumer === "market" ? a.market : a.pool);
      }
      await expect(c.store.seal()).to.be.revertedWithCustomError(c.store, "StoreSealed");
    });

    it("configures the market from the store and makes it the only minter", async function () {
      const { contracts: c, addresses: a, accounts, genesis } = await networkHelpers.loadFixture(fixture);
      const signers = await ethers.getSigners();
      const guardian = genesis.governance.guardian;
      expect(accounts.guardian).to.equal(
        guardian.kind === "account" ? signers[guardian.index].address : signers[0].address,
      );
      expect(await c.market.guardian()).to.equal(accounts.guardian);
      expect(await c.market.treasury()).to.equal(a.timelock);
      expect(await c.market.timelock()).to.equal(a.timelock);
      expect(await c.market.token()).to.equal(a.token);
      expect(await c.market.quote()).to.equal(a.quote);
      expect(await c.market.store()).to.equal(a.store);
      expect(await c.market.maxSupply()).to.equal(genesis.maxSupply);
      expect(await c.token.minter()).to.equal(a.market);
      expect(await c.market.curveKind()).to.equal(BigInt(CURVE_KIND_IDS[genesis.curve.kind]));
      expect([...(await c.market.curveParameters())]).to.deep.equal(curveParameters(genesis.curve));
      expect([...(await c.market.fees())]).to.deep.equal(
        [genesis.fees.buyBps, genesis.fees.sellBps, genesis.fees.treasuryShareBps].map(BigInt),
      );
      expect(await c.market.reserve()).to.equal(genesis.reserve);
      expect(await c.pool.feeBps()).to.equal(BigInt(genesis.pool.feeBps));
    });

    it("mints the allocations: vesting holds Σ schedules, the treasury is the timelock", async function () {
      const {
        contracts: c,
        addresses: a,
        deployer,
        deployTimestamp,
        genesis,
      } = await networkHelpers.loadFixture(fixture);
      const signers = await ethers.getSigners();
      const vestingTotal = genesis.vesting.reduce((sum, v) => sum + v.amount, 0n);
      const allocated = genesis.allocations.reduce((sum, x) => sum + x.amount, 0n);
      const seed = genesis.pool.seed?.tokens ?? 0n;
      expect(await c.token.balanceOf(a.vesting)).to.equal(vestingTotal);
      expect(await c.vesting.totalAllocated()).to.equal(vestingTotal);
      expect(await c.token.totalSupply()).to.equal(allocated + vestingTotal + seed);
      expect(await c.market.supply()).to.equal(await c.token.totalSupply());

      const expected = new Map<string, bigint>();
      const add = (address: string, amount: bigint) => expected.set(address, (expected.get(address) ?? 0n) + amount);
      for (const x of genesis.allocations) {
        if (x.to.kind === "treasury") add(a.timelock, x.amount);
        else if (x.to.kind === "deployer") add(deployer, x.amount);
        else if (x.to.kind === "account") add(signers[x.to.index].address, x.amount);
      }
      for (const [address, amount] of expected) expect(await c.token.balanceOf(address), address).to.equal(amount);

      // Relative starts count from one base: the chain time when the vesting step ran.
      expect(await c.vesting.scheduleCount()).to.equal(BigInt(genesis.vesting.length));
      const relative = (i: number): bigint => BigInt((genesis.vesting[i].start as { seconds: number }).seconds);
      const base = (await c.vesting.schedule(0)).start - relative(0);
      const latest = (await ethers.provider.getBlock("latest"))!.timestamp;
      expect(base).to.be.within(BigInt(deployTimestamp), BigInt(latest));
      for (const [i, v] of genesis.vesting.entries()) {
        const s = await c.vesting.schedule(i);
        expect(s.beneficiary).to.equal(signers[(v.beneficiary as { index: number }).index].address);
        expect(s.amount).to.equal(v.amount);
        expect(s.start).to.equal(base + relative(i));
        expect(s.cliffSeconds).to.equal(BigInt(v.cliffSeconds));
        expect(s.durationSeconds).to.equal(BigInt(v.durationSeconds));
      }
    });

    it("seeds the pool with the genesis amounts and gives the LP shares to the timelock", async function () {
      const { contracts: c, addresses: a, deployer, genesis } = await networkHelpers.loadFixture(fixture);
      const seed = genesis.pool.seed!;
      const [reserveToken, reserveQuote] = await c.pool.getReserves();
      expect(reserveToken).to.equal(seed.tokens);
      expect(reserveQuote).to.equal(seed.quote);
      expect(await c.pool.balanceOf(a.timelock)).to.equal(sqrt(seed.tokens * seed.quote) - 1000n);
      expect(await c.pool.balanceOf(deployer)).to.equal(0n);
      expect(await c.quote.balanceOf(deployer)).to.equal(0n);
    });

    it("prices the pool seed at the curve's price at genesis, within 0.5%", async function () {
      const { contracts: c, genesis } = await networkHelpers.loadFixture(fixture);
      const seed = genesis.pool.seed!;
      const seedPriceWad = (seed.quote * 10n ** 12n * 10n ** 18n) / seed.tokens; // quote has 6 decimals
      const curvePriceWad = await c.market.priceWad();
      const gap = seedPriceWad > curvePriceWad ? seedPriceWad - curvePriceWad : curvePriceWad - seedPriceWad;
      expect(gap * 1000n, `seed ${seedPriceWad}, curve ${curvePriceWad}`).to.be.lte(curvePriceWad * 5n);
    });

    it("self-delegates the allocations marked delegate", async function () {
      const { contracts: c, deployer, genesis } = await networkHelpers.loadFixture(fixture);
      const signers = await ethers.getSigners();
      for (const x of genesis.allocations) {
        if (x.to.kind !== "account" && x.to.kind !== "deployer") continue;
        const address = x.to.kind === "deployer" ? deployer : signers[x.to.index].address;
        expect(await c.token.getVotes(address), address).to.equal(x.delegate ? await c.token.balanceOf(address) : 0n);
      }
    });

    it("cannot run the market's genesis a second time", async function () {
      const { contracts: c, deployer } = await networkHelpers.loadFixture(fixture);
      await expect(c.market.genesis([{ to: deployer, amount: 1n }], 0n)).to.be.revertedWithCustomError(
        c.market,
        "GenesisAlreadyDone",
      );
    });
  });
}

describe("deploySystem: a steep curve on its own domain", function () {
  for (const [file, fixture, fits] of [
    ["genesis/exponential.json", deployExponentialFixture, "18420680"],
    ["genesis/sigmoid.json", deploySigmoidFixture, "11000000"],
  ] as const) {
    it(`deploys ${file} on its small maxSupply; the validator and the market both refuse its curve on the default`, async function () {
      const d = await networkHelpers.loadFixture(fixture);
      expect(d.genesis.maxSupply).to.be.lessThan(MAX_SUPPLY);
      expect(await d.contracts.market.maxSupply()).to.equal(d.genesis.maxSupply);
      expect([...(await d.contracts.market.curveParameters())]).to.deep.equal(curveParameters(d.genesis.curve));

      const json = JSON.parse(await readFile(file, "utf8"));
      delete json.maxSupply;
      const error = await rejection(
        Promise.resolve().then(() => parseGenesis(json, file)),
        GenesisError,
        `${file}: curve.`,
      );
      expect(error.message).to.contain("on the default maxSupply of 1000000000 tokens");
      expect(error.message).to.contain(`or set maxSupply to at most ${fits} tokens`);

      // Past the validator, the market's constructor refuses the same curve on the same domain.
      const local = await network.create();
      const onDefault = { ...d.genesis, maxSupply: MAX_SUPPLY };
      const refused = await rejection(
        deploySystem(local.ethers, onDefault, { networkName: local.networkName }),
        DeployError,
        "reverted with InvalidCurve(",
      );
      expect(refused.step).to.equal("market");
      expect(refused.revert?.args.maxSupply).to.equal(MAX_SUPPLY);
    });
  }
});

describe("deploySystem: progress and records", function () {
  it("reports every planned step once, in order, with its transactions", async function () {
    const local = await network.create();
    const reports: StepReport[] = [];
    const genesis = await loadGenesis("genesis/default.json");
    const d = await deploySystem(local.ethers, genesis, {
      networkName: local.networkName,
      onStep: (s) => reports.push(s),
    });
    expect(reports.map((r) => r.name)).to.deep.equal(plannedSteps(genesis));
    expect(reports.map((r) => r.index)).to.deep.equal(reports.map((_, i) => i + 1));
    for (const r of reports) {
      expect(r.total).to.equal(reports.length);
      expect(r.txHashes, r.name).to.deep.equal(d.txs[r.name]);
      expect(r.txHashes.length, r.name).to.be.greaterThan(0);
      expect(r.gasUsed, r.name).to.be.greaterThan(0n);
    }
    expect(d.txs.parameters).to.have.length(genesis.parameters.length);
    expect(d.txs.delegate).to.have.length(3);
  });

  it("skips seeding and delegation when the genesis has none", async function () {
    const local = await network.create();
    const json = JSON.parse(await readFile("genesis/default.json", "utf8"));
    delete json.pool.seed;
    for (const x of json.allocations) delete x.delegate;
    const genesis = parseGenesis(json, "no-seed.json");
    const d = await deploySystem(local.ethers, genesis, { networkName: local.networkName });
    expect(plannedSteps(genesis)).to.not.include.members(["pool-seed", "delegate"]);
    expect(d.txs["pool-seed"]).to.equal(undefined);
    expect(await d.contracts.pool.getReserves()).to.deep.equal([0n, 0n]);
    expect(await d.contracts.token.balanceOf(d.deployer)).to.equal(50_000n * 10n ** 18n);
  });
});

describe("deploySystem with an existing quote token", function () {
  async function withExistingQuote(local: NetworkConnection, fundQuote: bigint) {
    const quote = await local.ethers.deployContract("QuoteToken");
    const [deployer] = await local.ethers.getSigners();
    await quote.mint(deployer.address, fundQuote);
    const json = JSON.parse(await readFile("genesis/default.json", "utf8"));
    json.quote = { address: await quote.getAddress() };
    return { quote, deployer, genesis: parseGenesis(json, "existing-quote.json") };
  }

  it("uses it without minting: the deployer's own quote pays the reserve and the seed", async function () {
    const local = await network.create();
    const { quote, deployer, genesis } = await withExistingQuote(local, 30_000n * 10n ** 6n);
    const d = await deploySystem(local.ethers, genesis, { networkName: local.networkName });
    expect(d.addresses.quote).to.equal(await quote.getAddress());
    expect(d.txs.fund).to.equal(undefined);
    expect(d.txs.quote).to.deep.equal([]);
    expect(await quote.balanceOf(d.addresses.market)).to.equal(genesis.reserve);
    expect(await quote.balanceOf(deployer.address)).to.equal(
      30_000n * 10n ** 6n - genesis.reserve - genesis.pool.seed!.quote,
    );
  });

  it("refuses before deploying anything when the deployer cannot pay", async function () {
    const local = await network.create();
    const { deployer, genesis } = await withExistingQuote(local, 1_000n * 10n ** 6n);
    const nonce = await local.ethers.provider.getTransactionCount(deployer.address);
    const error = await rejection(
      deploySystem(local.ethers, genesis),
      DeployError,
      "holds 1000 quote; the reserve and the pool seed need 25720",
    );
    expect(error.step).to.equal("quote");
    expect(await local.ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
  });
});

describe("deployment file", function () {
  let dir: string;
  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), "arena-deployments-"));
  });
  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips: what is written is what is read, and it reconnects to the same contracts", async function () {
    const d = await networkHelpers.loadFixture(deployFixture);
    const path = await writeDeploymentFile(d, dir);
    expect(path).to.equal(join(dir, `${connection.networkName}.json`));
    const record = await readDeploymentFile(path);
    expect(record).to.deep.equal(deploymentRecord(d));
    expect(record.chainId).to.equal("31337");
    expect(record.deployBlock).to.equal(d.deployBlock);
    expect(record.deployTimestamp).to.equal(d.deployTimestamp);
    expect(record.parameters["curve.slope"]).to.deep.equal({
      value: "1000000000",
      min: "500000000",
      max: "2000000000",
      maxStepBps: 2000,
      minIntervalSeconds: 86400,
      consumer: "market",
    });
    const contracts = await connectDeployment(ethers, record);
    for (const name of CONTRACT_NAMES) expect(await contracts[name].getAddress()).to.equal(d.addresses[name]);
    expect(await contracts.market.reserve()).to.equal(d.genesis.reserve);
  });

  it("rejects a damaged file, listing each bad field", async function () {
    const d = await networkHelpers.loadFixture(deployFixture);
    const record = deploymentRecord(d) as unknown as Record<string, any>;
    record.chainId = 31337;
    record.addresses.market = "0x1234";
    delete record.deployBlock;
    record.txs.bogus = [];
    const path = join(dir, "bad.json");
    await writeFile(path, JSON.stringify(record));
    try {
      await readDeploymentFile(path);
      expect.fail("accepted a damaged deployment file");
    } catch (error) {
      expect(error).to.be.instanceOf(DeploymentFileError);
      const issues = (error as DeploymentFileError).issues;
      expect(issues).to.have.length(4);
      expect(issues.join("\n")).to.contain("chainId: expected a decimal string, got 31337");
      expect(issues.join("\n")).to.contain('addresses.market: expected a checksummed address, got "0x1234"');
      expect(issues.join("\n")).to.contain("deployBlock: expected a block number, got nothing");
      expect(issues.join("\n")).to.contain("txs.bogus: expected a step name");
    }
    await rejection(readDeploymentFile(join(dir, "missing.json")), DeploymentFileError, "deploy first");
  });

  it("refuses to reconnect to another chain", async function () {
    const d = await networkHelpers.loadFixture(deployFixture);
    const record = { ...deploymentRecord(d), chainId: "1" };
    await rejection(connectDeployment(ethers, record), Error, /on chain 1, but this connection is on chain 31337/);
  });
});

describe("deploying to a live chain", function () {
  it("is refused without --allow-live, naming the flag", function () {
    expect(() => assertDeployAllowed("live", 1n, false)).to.throw(
      LiveNetworkError,
      /network "live" has chain id 1.*Pass --allow-live/,
    );
    expect(() => assertDeployAllowed("sepolia", 11155111n, false)).to.throw(LiveNetworkError, "--allow-live");
    expect(() => assertDeployAllowed("live", 1n, true)).to.not.throw();
    expect(() => assertDeployAllowed("default", 31337n, false)).to.not.throw();
    expect(() => assertDeployAllowed("localhost", 1337n, false)).to.not.throw();
  });

  it("is refused by deploySystem itself before any transaction", async function () {
    const live = await network.create({ override: { chainId: 10 } });
    const genesis = await loadGenesis("genesis/default.json");
    const [deployer] = await live.ethers.getSigners();
    const nonce = await live.ethers.provider.getTransactionCount(deployer.address);
    await rejection(deploySystem(live.ethers, genesis, { networkName: "op" }), LiveNetworkError, "--allow-live");
    // With the flag, an open-mint test stablecoin is still refused on a live chain.
    await rejection(
      deploySystem(live.ethers, genesis, { networkName: "op", allowLive: true }),
      DeployError,
      "quote.address",
    );
    expect(await live.ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
  });
});

describe("deploySystem failures", function () {
  it("names the step, the contract and the decoded error when the reserve is too low", async function () {
    const local = await network.create();
    const json = JSON.parse(await readFile("genesis/default.json", "utf8"));
    // The genesis reader refuses such a reserve (test/inputs-faults.test.ts); a Genesis built in code can still hold one.
    const genesis = { ...parseGenesis(json, "low-reserve.json"), reserve: 100_000_000n };
    try {
      await deploySystem(local.ethers, genesis, { networkName: local.networkName });
      expect.fail("deployed with a reserve that cannot cover the supply");
    } catch (error) {
      expect(error).to.be.instanceOf(DeployError);
      const e = error as DeployError;
      expect(e.step).to.equal("genesis");
      expect(e.contract).to.equal("BondingCurveMarket");
      expect(e.revert?.name).to.equal("GenesisReserveTooLow");
      expect(e.revert?.args.reserveQuote).to.equal(100_000_000n);
      expect(e.message).to.match(
        /^deploy step "genesis" failed on BondingCurveMarket: reverted with GenesisReserveTooLow\(reserveQuote=100000000, requiredQuote=\d+\)\. Raise "reserve" in low-reserve.json to at least [\d.]+ quote$/,
      );
    }
  });

  it("checks accounts before sending anything", async function () {
    const local = await network.create();
    const json = JSON.parse(await readFile("genesis/default.json", "utf8"));
    json.vesting[0].beneficiary = "account:99";
    const genesis = parseGenesis(json, "x.json");
    const [deployer] = await local.ethers.getSigners();
    await rejection(
      deploySystem(local.ethers, genesis),
      DeployError,
      /vesting\[0\]\.beneficiary: account:99 does not exist; network "default" has 20 accounts/,
    );
    expect(await local.ethers.provider.getTransactionCount(deployer.address)).to.equal(0);
  });
});
