// Deploys the whole system from a parsed genesis, in the one order that works: quote → timelock →
// parameter store and its parameters (the market reads them in its constructor) → token, whose
// minter is the market's address predicted from the deployer's nonce → market, in the very next
// transaction → governor → roles → pool → consumers → seal → vesting → funding → market genesis →
// pool seed → delegation. Every account is resolved and every artifact loaded before the first
// transaction, so a bad genesis or a missing build fails early.

import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  encodeBytes32String,
  getCreateAddress,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type Interface,
  ZeroAddress,
} from "ethers";

import type {
  ArenaGovernor,
  ArenaTimelock,
  ArenaToken,
  BondingCurveMarket,
  ConstantProductPool,
  ParameterStore,
  QuoteToken,
  Vesting,
} from "../../types/ethers-contracts/index.js";
import { type Genesis, type GenesisParameter } from "../inputs/genesis.ts";
import { CURVE_KIND_IDS } from "../mechanisms/market/state.ts";
import { type AccountRef } from "../core/document-reader.ts";
import { QUOTE_DECIMALS } from "../core/units.ts";
import { formatDecimal } from "../core/units.ts";
import { DeployError, type DecodedRevert, toDeployError } from "./errors.ts";
import { assertDeployAllowed, isLocalChain } from "../chain/network-guard.ts";

/* TYPES */

export const CONTRACT_NAMES = ["quote", "token", "timelock", "governor", "store", "market", "pool", "vesting"] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** Artifact (Solidity contract) name of each deployed contract. */
export const ARTIFACTS: Record<ContractName, string> = {
  quote: "QuoteToken",
  token: "ArenaToken",
  timelock: "ArenaTimelock",
  governor: "ArenaGovernor",
  store: "ParameterStore",
  market: "BondingCurveMarket",
  pool: "ConstantProductPool",
  vesting: "Vesting",
};

export const STEP_NAMES = [
  "quote",
  "timelock",
  "store",
  "parameters",
  "token",
  "market",
  "governor",
  "roles",
  "pool",
  "consumers",
  "seal",
  "vesting",
  "fund",
  "genesis",
  "pool-seed",
  "delegate",
] as const;
export type StepName = (typeof STEP_NAMES)[number];

export interface DeployedContracts {
  /** The quote token. With an existing ERC-20 (genesis `quote.address`) only its ERC-20 functions exist. */
  quote: QuoteToken;
  token: ArenaToken;
  timelock: ArenaTimelock;
  governor: ArenaGovernor;
  store: ParameterStore;
  market: BondingCurveMarket;
  pool: ConstantProductPool;
  vesting: Vesting;
}

export interface StepReport {
  /** 1-based position among the steps this genesis needs. */
  index: number;
  total: number;
  name: StepName;
  contract: string;
  description: string;
  txHashes: string[];
  gasUsed: bigint;
}

export interface Deployment {
  network: string;
  chainId: bigint;
  deployer: string;
  /** Block of the first transaction, and its timestamp (chain time). */
  deployBlock: number;
  deployTimestamp: number;
  contracts: DeployedContracts;
  addresses: Record<ContractName, string>;
  /** The resolved roles: the treasury is the Timelock. */
  accounts: { deployer: string; treasury: string; guardian: string };
  txs: Partial<Record<StepName, string[]>>;
  gasUsed: Partial<Record<StepName, bigint>>;
  /** The parameter store as defined at genesis. */
  parameters: GenesisParameter[];
  genesis: Genesis;
}

export interface DeployOptions {
  /** Name written into the deployment (HH3 `connection.networkName`); "default" is the in-process chain. */
  networkName?: string;
  /** Deploys from this signer; the connection's first account otherwise. */
  deployer?: HardhatEthersSigner;
  /** Needed for a chain that is not local (see network-guard.ts). */
  allowLive?: boolean;
  /** Called once per step, after its transactions are mined. */
  onStep?: (step: StepReport) => void;
  /** Seconds from the latest block to the pool seed's deadline. */
  deadlineSeconds?: number;
}

/* DEPLOYMENT */

export async function deploySystem(
  ethers: HardhatEthers,
  genesis: Genesis,
  options: DeployOptions = {},
): Promise<Deployment> {
  const networkName = options.networkName ?? "default";
  const { chainId } = await ethers.provider.getNetwork();
  assertDeployAllowed(networkName, chainId, options.allowLive ?? false);

  const signers = await ethers.getSigners();
  const deployer = options.deployer ?? signers[0];
  if (deployer === undefined)
    throw new DeployError("preflight", "network", `network "${networkName}" has no accounts to deploy from`);
  const deployerAddress = await deployer.getAddress();

  // Everything that can be checked without a transaction is checked here.
  const interfaces = await loadInterfaces(ethers);
  const resolveAccount = accountResolver(signers, deployerAddress, networkName);
  const guardian = resolveAccount(genesis.governance.guardian, "governance.guardian", undefined);
  const allocationSigners = genesis.allocations.map((a, i) =>
    resolveAccount(a.to, `allocations[${i}].to`, ZeroAddress),
  );
  genesis.vesting.forEach((v, i) =>
    resolveAccount(v.beneficiary, `vesting[${i}].beneficiary`, ZeroAddress, guardian.address),
  );
  const seed = genesis.pool.seed;
  const quoteNeeded = genesis.reserve + (seed?.quote ?? 0n);
  if (genesis.quote.deploy && !isLocalChain(chainId)) {
    throw new DeployError(
      "preflight",
      "QuoteToken",
      `${genesis.source}: quote.deploy makes an open-mint test stablecoin, only for local chains; on chain ${chainId} give quote.address (an existing ${QUOTE_DECIMALS}-decimal ERC-20)`,
    );
  }

  const steps = plannedSteps(genesis);
  const run = new StepRunner(steps, interfaces, options.onStep);
  const deploy = async <T>(step: StepName, name: ContractName, args: unknown[]): Promise<T> => {
    const contract = await ethers.deployContract(ARTIFACTS[name], args, deployer);
    await run.mined(step, contract.deploymentTransaction()!);
    return contract as unknown as T;
  };

  /* QUOTE */

  let quote: QuoteToken;
  if (genesis.quote.deploy) {
    quote = await run.step("quote", ARTIFACTS.quote, "deploy the test stablecoin", () =>
      deploy<QuoteToken>("quote", "quote", []),
    );
  } else {
    const address = genesis.quote.address;
    quote = await run.step("quote", ARTIFACTS.quote, `use the existing quote token at ${address}`, async () => {
      if ((await ethers.provider.getCode(address)) === "0x") throw new Error(`no contract at quote.address ${address}`);
      const existing = (await ethers.getContractAt(ARTIFACTS.quote, address, deployer)) as unknown as QuoteToken;
      const decimals = await existing.decimals();
      if (decimals !== BigInt(QUOTE_DECIMALS))
        throw new Error(
          `quote.address ${address} has ${decimals} decimals; genesis quote amounts are in ${QUOTE_DECIMALS}`,
        );
      const balance = await existing.balanceOf(deployerAddress);
      if (balance < quoteNeeded) {
        throw new Error(
          `the deployer ${deployerAddress} holds ${formatDecimal(balance, QUOTE_DECIMALS)} quote; the reserve and the pool seed need ${formatDecimal(quoteNeeded, QUOTE_DECIMALS)}`,
        );
      }
      return existing;
    });
  }

  /* TIMELOCK AND PARAMETERS */

  const gov = genesis.governance;
  const timelock = await run.step(
    "timelock",
    ARTIFACTS.timelock,
    `deploy the timelock (delay ${gov.timelockDelaySeconds}s, anyone executes)`,
    () => deploy<ArenaTimelock>("timelock", "timelock", [gov.timelockDelaySeconds, [], [ZeroAddress], deployerAddress]),
  );
  const timelockAddress = await timelock.getAddress();

  const store = await run.step("store", ARTIFACTS.store, "deploy the parameter store (written by the timelock)", () =>
    deploy<ParameterStore>("store", "store", [timelockAddress]),
  );
  await run.step(
    "parameters",
    ARTIFACTS.store,
    `define ${genesis.parameters.length} parameters with their bounds`,
    async () => {
      for (const p of genesis.parameters) {
        const init = {
          key: encodeBytes32String(p.key),
          value: p.value,
          min: p.min,
          max: p.max,
          maxStepBps: p.maxStepBps,
          minIntervalSeconds: p.minIntervalSeconds,
          consumer: ZeroAddress,
        };
        await run.mined("parameters", await store.defineParameter(init));
      }
    },
  );

  /* TOKEN AND MARKET: each needs the other's address, so the market's is predicted */

  const nonce = await ethers.provider.getTransactionCount(deployerAddress, "pending");
  const predictedMarket = getCreateAddress({ from: deployerAddress, nonce: nonce + 1 });
  const token = await run.step(
    "token",
    ARTIFACTS.token,
    `deploy ${genesis.token.name} (${genesis.token.symbol}), minted only by the market at ${predictedMarket}`,
    () => deploy<ArenaToken>("token", "token", [genesis.token.name, genesis.token.symbol, predictedMarket]),
  );
  const tokenAddress = await token.getAddress();

  const quoteAddress = await quote.getAddress();
  const storeAddress = await store.getAddress();
  const market = await run.step(
    "market",
    ARTIFACTS.market,
    `deploy the ${genesis.curve.kind} bonding-curve market`,
    async () => {
      const deployed = await deploy<BondingCurveMarket>("market", "market", [
        tokenAddress,
        quoteAddress,
        storeAddress,
        CURVE_KIND_IDS[genesis.curve.kind],
        genesis.maxSupply,
        timelockAddress,
        timelockAddress,
        guardian.address,
      ]);
      const address = await deployed.getAddress();
      if (address !== predictedMarket) {
        throw new Error(
          `the market landed at ${address}, not at ${predictedMarket}, the token's minter: another transaction from the deployer ${deployerAddress} came in between; deploy again from an idle account`,
        );
      }
      return deployed;
    },
  );
  const marketAddress = await market.getAddress();

  /* GOVERNANCE */

  const governor = await run.step(
    "governor",
    ARTIFACTS.governor,
    `deploy the governor (quorum ${gov.quorumPercent}%, voting ${gov.votingPeriodBlocks} blocks)`,
    () =>
      deploy<ArenaGovernor>("governor", "governor", [
        tokenAddress,
        timelockAddress,
        gov.votingDelayBlocks,
        gov.votingPeriodBlocks,
        gov.proposalThreshold,
        gov.quorumPercent,
      ]),
  );
  const governorAddress = await governor.getAddress();

  await run.step(
    "roles",
    ARTIFACTS.timelock,
    "make the governor proposer and canceller; the deployer renounces admin",
    async () => {
      await run.mined("roles", await timelock.grantRole(await timelock.PROPOSER_ROLE(), governorAddress));
      await run.mined("roles", await timelock.grantRole(await timelock.CANCELLER_ROLE(), governorAddress));
      await run.mined("roles", await timelock.renounceRole(await timelock.DEFAULT_ADMIN_ROLE(), deployerAddress));
    },
  );

  /* POOL AND SEALING THE STORE */

  const pool = await run.step(
    "pool",
    ARTIFACTS.pool,
    `deploy the constant-product pool (fee ${genesis.pool.feeBps} bps)`,
    () => deploy<ConstantProductPool>("pool", "pool", [tokenAddress, quoteAddress, storeAddress]),
  );
  const poolAddress = await pool.getAddress();

  await run.step(
    "consumers",
    ARTIFACTS.store,
    "register the market and the pool as consumers of their parameters",
    async () => {
      for (const p of genesis.parameters) {
        await run.mined(
          "consumers",
          await store.setConsumer(encodeBytes32String(p.key), p.consumer === "market" ? marketAddress : poolAddress),
        );
      }
    },
  );
  await run.step("seal", ARTIFACTS.store, "seal the store: from now on only the timelock writes it", async () => {
    await run.mined("seal", await store.seal());
  });

  /* VESTING AND GENESIS */

  const vestingStartBase = await latestTimestamp(ethers);
  const schedules = genesis.vesting.map((v, i) => ({
    beneficiary: resolveAccount(v.beneficiary, `vesting[${i}].beneficiary`, timelockAddress, guardian.address).address,
    start: v.start.kind === "relative" ? vestingStartBase + v.start.seconds : v.start.timestamp,
    cliffSeconds: v.cliffSeconds,
    durationSeconds: v.durationSeconds,
    amount: v.amount,
  }));
  const vestingTotal = genesis.vesting.reduce((sum, v) => sum + v.amount, 0n);
  const vesting = await run.step(
    "vesting",
    ARTIFACTS.vesting,
    `deploy vesting with ${schedules.length} schedules (${formatDecimal(vestingTotal, 18)} tokens)`,
    () => deploy<Vesting>("vesting", "vesting", [tokenAddress, schedules]),
  );
  const vestingAddress = await vesting.getAddress();

  if (genesis.quote.deploy) {
    await run.step(
      "fund",
      ARTIFACTS.quote,
      `mint ${formatDecimal(quoteNeeded, QUOTE_DECIMALS)} quote to the deployer for the reserve and the pool seed`,
      async () => {
        await run.mined("fund", await quote.mint(deployerAddress, quoteNeeded));
      },
    );
  }

  const allocations = genesis.allocations.map((a, i) => ({
    to: resolveAccount(a.to, `allocations[${i}].to`, timelockAddress, guardian.address).address,
    amount: a.amount,
  }));
  if (vestingTotal > 0n) allocations.push({ to: vestingAddress, amount: vestingTotal });
  if (seed !== undefined) allocations.push({ to: deployerAddress, amount: seed.tokens });
  const minted = allocations.reduce((sum, a) => sum + a.amount, 0n);
  const reserveHint = (revert: DecodedRevert): string | undefined =>
    revert.name === "GenesisReserveTooLow"
      ? `Raise "reserve" in ${genesis.source} to at least ${formatDecimal(revert.args.requiredQuote as bigint, QUOTE_DECIMALS)} quote`
      : undefined;
  await run.step(
    "genesis",
    ARTIFACTS.market,
    `mint ${formatDecimal(minted, 18)} tokens to ${allocations.length} holders against a reserve of ${formatDecimal(genesis.reserve, QUOTE_DECIMALS)} quote`,
    async () => {
      await run.mined("genesis", await quote.approve(marketAddress, genesis.reserve));
      await run.mined("genesis", await market.genesis(allocations, genesis.reserve));
    },
    reserveHint,
  );

  if (seed !== undefined) {
    await run.step(
      "pool-seed",
      ARTIFACTS.pool,
      `seed the pool with ${formatDecimal(seed.tokens, 18)} tokens and ${formatDecimal(seed.quote, QUOTE_DECIMALS)} quote; LP shares to the timelock`,
      async () => {
        await run.mined("pool-seed", await token.approve(poolAddress, seed.tokens));
        await run.mined("pool-seed", await quote.approve(poolAddress, seed.quote));
        const deadline = (await latestTimestamp(ethers)) + (options.deadlineSeconds ?? 3_600);
        await run.mined(
          "pool-seed",
          await pool.addLiquidity(seed.tokens, seed.quote, seed.tokens, seed.quote, timelockAddress, deadline),
        );
      },
    );
  }

  const delegators = genesis.allocations.flatMap((a, i) => (a.delegate ? [allocationSigners[i]] : []));
  if (delegators.length > 0) {
    await run.step(
      "delegate",
      ARTIFACTS.token,
      `self-delegate the votes of ${delegators.length} local accounts`,
      async () => {
        const done = new Set<string>();
        for (const { address, signer } of delegators) {
          if (done.has(address)) continue;
          done.add(address);
          await run.mined("delegate", await token.connect(signer!).delegate(address));
        }
      },
    );
  }

  const deployBlock = run.firstBlock!;
  const block = await ethers.provider.getBlock(deployBlock);
  return {
    network: networkName,
    chainId,
    deployer: deployerAddress,
    deployBlock,
    deployTimestamp: block!.timestamp,
    contracts: { quote, token, timelock, governor, store, market, pool, vesting },
    addresses: {
      quote: quoteAddress,
      token: tokenAddress,
      timelock: timelockAddress,
      governor: governorAddress,
      store: storeAddress,
      market: marketAddress,
      pool: poolAddress,
      vesting: vestingAddress,
    },
    accounts: { deployer: deployerAddress, treasury: timelockAddress, guardian: guardian.address },
    txs: run.txs,
    gasUsed: run.gasUsed,
    parameters: genesis.parameters,
    genesis,
  };
}

/** The steps this genesis needs, in order (no minting with an existing quote, no seed or delegation when absent). */
export function plannedSteps(genesis: Genesis): StepName[] {
  return STEP_NAMES.filter(
    (step) =>
      (step !== "fund" || genesis.quote.deploy) &&
      (step !== "pool-seed" || genesis.pool.seed !== undefined) &&
      (step !== "delegate" || genesis.allocations.some((a) => a.delegate)),
  );
}

/* HELPERS */

class StepRunner {
  readonly txs: Partial<Record<StepName, string[]>> = {};
  readonly gasUsed: Partial<Record<StepName, bigint>> = {};
  firstBlock: number | undefined;
  readonly #steps: StepName[];
  readonly #interfaces: Interface[];
  readonly #onStep?: (step: StepReport) => void;

  constructor(steps: StepName[], interfaces: Interface[], onStep?: (step: StepReport) => void) {
    this.#steps = steps;
    this.#interfaces = interfaces;
    this.#onStep = onStep;
  }

  /** Runs one step; any failure becomes a DeployError naming the step, the contract and the revert. */
  async step<T>(
    name: StepName,
    contract: string,
    description: string,
    body: () => Promise<T>,
    hint?: (revert: DecodedRevert) => string | undefined,
  ): Promise<T> {
    this.txs[name] ??= [];
    this.gasUsed[name] ??= 0n;
    let result: T;
    try {
      result = await body();
    } catch (error) {
      throw toDeployError(name, contract, error, this.#interfaces, hint);
    }
    this.#onStep?.({
      index: this.#steps.indexOf(name) + 1,
      total: this.#steps.length,
      name,
      contract,
      description,
      txHashes: [...this.txs[name]!],
      gasUsed: this.gasUsed[name]!,
    });
    return result;
  }

  /** Waits for a transaction and records its hash and gas under the step. */
  async mined(name: StepName, tx: ContractTransactionResponse): Promise<ContractTransactionReceipt> {
    (this.txs[name] ??= []).push(tx.hash);
    const receipt = await tx.wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${tx.hash} did not succeed`);
    this.gasUsed[name] = (this.gasUsed[name] ?? 0n) + receipt.gasUsed;
    this.firstBlock ??= receipt.blockNumber;
    return receipt;
  }
}

/** Every contract's ABI, so that a revert anywhere in a call (the token inside the market, say) decodes. */
async function loadInterfaces(ethers: HardhatEthers): Promise<Interface[]> {
  const interfaces: Interface[] = [];
  for (const artifact of Object.values(ARTIFACTS)) {
    try {
      interfaces.push((await ethers.getContractFactory(artifact)).interface);
    } catch (error) {
      throw new DeployError(
        "preflight",
        artifact,
        `cannot load the artifact ${artifact} (run \`bin/arena build\`): ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
  }
  return interfaces;
}

interface ResolvedAccount {
  address: string;
  signer?: HardhatEthersSigner;
}

/** Turns an AccountRef into an address (and the signer when it is one of ours). */
function accountResolver(signers: HardhatEthersSigner[], deployer: string, networkName: string) {
  return (ref: AccountRef, path: string, treasury: string | undefined, guardian?: string): ResolvedAccount => {
    switch (ref.kind) {
      case "deployer":
        return { address: deployer, signer: signers.find((s) => s.address === deployer) };
      case "treasury":
        return { address: treasury! };
      case "guardian":
        return { address: guardian ?? ZeroAddress, signer: signers.find((s) => s.address === guardian) };
      case "account": {
        const signer = signers[ref.index];
        if (signer === undefined) {
          throw new DeployError(
            "preflight",
            "network",
            `${path}: account:${ref.index} does not exist; network "${networkName}" has ${signers.length} account${signers.length === 1 ? "" : "s"} (account:0 to account:${signers.length - 1})`,
          );
        }
        return { address: signer.address, signer };
      }
      case "address":
        return { address: ref.address, signer: signers.find((s) => s.address === ref.address) };
    }
  };
}

async function latestTimestamp(ethers: HardhatEthers): Promise<number> {
  const block = await ethers.provider.getBlock("latest");
  return block!.timestamp;
}
