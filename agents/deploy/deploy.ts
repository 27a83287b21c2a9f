// Deploys the whole system from a parsed genesis by running the registry's steps in order
// (mechanisms/registry.ts DEPLOY_STEPS), each declaring how many transactions it sends: the runner
// checks the count, and the fast model derives the chain's timeline from the same declarations.
// Every account is resolved and every artifact loaded before the first transaction, so a bad genesis
// or a missing build fails early; every call is estimated first, so one that would revert is refused
// with the contract's error before it is sent. Transactions go through a JSON-RPC request function:
// Hardhat's in-process chain, a node, or a live network whose accounts Hardhat signs for.

import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  type Abi,
  type AbiItem,
  type Address,
  decodeFunctionResult,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  type Hex,
  zeroAddress,
} from "viem";

import type {
  ArenaGovernor,
  ArenaTimelock,
  ArenaToken,
  BondingCurveMarket,
  ConstantProductPool,
  ParameterStore,
  QuoteToken,
  ResourceMarket,
  Staking,
  Vesting,
} from "../../types/ethers-contracts/index.js";
import { assertDeployAllowed, isLocalChain } from "../chain/network-guard.ts";
import { assertNodeIdle, dropTransactions } from "../chain/mining.ts";
import type { ArtifactSource } from "../chain/system.ts";
import type { AccountRef } from "../core/document-reader.ts";
import { QUOTE_DECIMALS } from "../core/units.ts";
import type { GenesisParameter } from "../core/parameters.ts";
import type { Genesis } from "../mechanisms/vocabulary.ts";
import { type ContractName, DEPLOY_STEPS, type OptionalContractName } from "../mechanisms/registry.ts";
import { DeployError, toDeployError } from "./errors.ts";
import type { DeployContext, DeployStep } from "./step.ts";

/* TYPES */

export const STEP_NAMES: readonly string[] = DEPLOY_STEPS.map((s) => s.name);
export type StepName = string;

/** Artifact (Solidity contract) name of each deployed contract, by role. */
export const ARTIFACTS: Readonly<Record<ContractName, string>> = Object.fromEntries(
  DEPLOY_STEPS.flatMap((s) => (s.deploys ?? []).map((d) => [d.name, d.artifact])),
) as Record<ContractName, string>;
/** The contracts every deployment has; OPTIONAL_CONTRACT_NAMES only when their mechanism is enabled. */
export const CONTRACT_NAMES = DEPLOY_STEPS.flatMap((s) =>
  s.enabled === undefined ? (s.deploys ?? []).map((d) => d.name) : [],
) as readonly Exclude<ContractName, OptionalContractName>[];
export const OPTIONAL_CONTRACT_NAMES = DEPLOY_STEPS.flatMap((s) =>
  s.enabled === undefined ? [] : (s.deploys ?? []).map((d) => d.name),
) as readonly OptionalContractName[];
export type { ContractName };

/** A deployment's addresses by role: every contract, and an optional mechanism's only when it was deployed. */
export type DeployedAddresses = Record<Exclude<ContractName, OptionalContractName>, string> &
  Partial<Record<OptionalContractName, string>>;

/** The deployed contracts as TypeChain's ethers contracts (deploySystem's, for tests and gas measurements). */
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
  /** Only when the genesis has a staking section. */
  staking?: Staking;
  /** Only when the genesis has a resource section. */
  resource?: ResourceMarket;
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

export interface ChainDeployment {
  network: string;
  chainId: bigint;
  deployer: string;
  /** Block of the first transaction, and its timestamp (chain time). */
  deployBlock: number;
  deployTimestamp: number;
  addresses: DeployedAddresses;
  /** The resolved roles: the treasury is the Timelock. */
  accounts: { deployer: string; treasury: string; guardian: string };
  txs: Partial<Record<StepName, string[]>>;
  gasUsed: Partial<Record<StepName, bigint>>;
  /** The parameter store as defined at genesis. */
  parameters: GenesisParameter[];
  genesis: Genesis;
}

/** A deployment with its contracts attached through ethers (deploySystem). */
export interface Deployment extends ChainDeployment {
  contracts: DeployedContracts;
}

export interface DeployOptions {
  /** Name written into the deployment (HH3 `connection.networkName`); "default" is the in-process chain. */
  networkName?: string;
  /** Deploys from this account; the node's first account otherwise. */
  deployer?: Address;
  /** Needed for a chain that is not local (see network-guard.ts). */
  allowLive?: boolean;
  /** Called once per step, after its transactions are mined. */
  onStep?: (step: StepReport) => void;
  /** How messages name the node ("the node at http://127.0.0.1:8545"); the network when absent. */
  where?: string;
}

/** A JSON-RPC request to the chain the system is deployed on. */
export type Request = <T>(method: string, params?: unknown[]) => Promise<T>;

/** The steps this genesis needs, in order (no minting with an existing quote, no seed or delegation when absent). */
export function plannedSteps(genesis: Genesis): StepName[] {
  return DEPLOY_STEPS.filter((s) => planned(s, genesis)).map((s) => s.name);
}

function planned(step: DeployStep, genesis: Genesis): boolean {
  if (!enabled(step, genesis)) return false;
  return step.always === true || step.transactions(genesis) > 0;
}

/** False for an optional mechanism's step when the genesis leaves the mechanism out. */
function enabled(step: DeployStep, genesis: Genesis): boolean {
  return step.enabled === undefined || step.enabled(genesis);
}

/**
 * The deployment's transactions as the chain mines them with automine (one block each): how many
 * there are before each step, and in all. The fast model places its vesting schedules and its first
 * step by these, exactly where a chain battle's are.
 */
export function deployTimeline(genesis: Genesis): { before: (step: StepName) => number; total: number } {
  const before = new Map<string, number>();
  let total = 0;
  for (const step of DEPLOY_STEPS) {
    before.set(step.name, total);
    if (enabled(step, genesis)) total += step.transactions(genesis);
  }
  return {
    before: (name) => {
      const n = before.get(name);
      if (n === undefined) throw new Error(`no deploy step "${name}"; the steps are ${STEP_NAMES.join(", ")}`);
      return n;
    },
    total,
  };
}

/* DEPLOYMENT */

/** Seconds to wait for a receipt before calling the transaction lost. */
const RECEIPT_TIMEOUT_MS = 120_000;

/** Deploys `genesis` through `request` and returns where everything landed. */
export async function deployGenesis(
  request: Request,
  artifacts: ArtifactSource,
  genesis: Genesis,
  options: DeployOptions = {},
): Promise<ChainDeployment> {
  const networkName = options.networkName ?? "default";
  const chainId = BigInt(await request<Hex>("eth_chainId"));
  assertDeployAllowed(networkName, chainId, options.allowLive ?? false);
  // A node a battle is mining block by block would hold the deployment's first transaction until its next block.
  await assertNodeIdle(request, options.where ?? `network "${networkName}"`, "deploy");

  const accounts = (await request<string[]>("eth_accounts")).map((a) => getAddress(a));
  const deployer = options.deployer ?? accounts[0];
  if (deployer === undefined)
    throw new DeployError("preflight", "network", `network "${networkName}" has no accounts to deploy from`);

  // Everything that can be checked without a transaction is checked here.
  const loaded = await loadArtifacts(artifacts);
  const context = new RequestDeployer(request, loaded, genesis, networkName, chainId, getAddress(deployer), accounts);
  context.preflight();
  if (genesis.quote.deploy && !isLocalChain(chainId)) {
    throw new DeployError(
      "preflight",
      "QuoteToken",
      `${genesis.source}: quote.deploy makes an open-mint test stablecoin, only for local chains; on chain ${chainId} give quote.address (an existing ${QUOTE_DECIMALS}-decimal ERC-20)`,
    );
  }

  const steps = DEPLOY_STEPS.filter((s) => planned(s, genesis));
  const txs: Partial<Record<StepName, string[]>> = {};
  const gasUsed: Partial<Record<StepName, bigint>> = {};
  for (const [i, step] of steps.entries()) {
    context.begin(step.name);
    let description: string;
    try {
      description = await step.run(context);
    } catch (error) {
      throw toDeployError(step.name, step.contract, error, loaded.errors, (revert) => step.hint?.(revert, genesis));
    }
    const sent = context.sentInStep;
    const declared = step.transactions(genesis);
    if (sent.hashes.length !== declared) {
      throw new DeployError(
        step.name,
        step.contract,
        `sent ${sent.hashes.length} transactions but declares ${declared}; the fast model's timeline counts the declared ones: make transactions() say what run() sends`,
      );
    }
    txs[step.name] = [...sent.hashes];
    gasUsed[step.name] = sent.gasUsed;
    options.onStep?.({
      index: i + 1,
      total: steps.length,
      name: step.name,
      contract: step.contract,
      description,
      txHashes: [...sent.hashes],
      gasUsed: sent.gasUsed,
    });
  }

  const deployBlock = context.firstBlock!;
  const block = await request<{ timestamp: Hex }>("eth_getBlockByNumber", [`0x${deployBlock.toString(16)}`, false]);
  const addresses = Object.fromEntries([
    ...CONTRACT_NAMES.map((name) => [name, context.addresses[name]!]),
    ...OPTIONAL_CONTRACT_NAMES.flatMap((name) =>
      context.addresses[name] === undefined ? [] : [[name, context.addresses[name]]],
    ),
  ]) as DeployedAddresses;
  return {
    network: networkName,
    chainId,
    deployer: context.deployer,
    deployBlock,
    deployTimestamp: Number(BigInt(block.timestamp)),
    addresses,
    accounts: { deployer: context.deployer, treasury: context.addresses.timelock!, guardian: context.guardian },
    txs,
    gasUsed,
    parameters: genesis.parameters,
    genesis,
  };
}

/** deployGenesis through a Hardhat ethers connection, with every contract attached as a typed ethers contract. */
export async function deploySystem(
  ethers: HardhatEthers,
  genesis: Genesis,
  options: Omit<DeployOptions, "deployer"> & { deployer?: HardhatEthersSigner } = {},
): Promise<Deployment> {
  const request: Request = (method, params = []) => ethers.provider.send(method, params);
  const artifacts: ArtifactSource = {
    async readArtifact(name) {
      const factory = await ethers.getContractFactory(name);
      return { abi: JSON.parse(factory.interface.formatJson()), bytecode: factory.bytecode };
    },
  };
  const deployer = options.deployer === undefined ? undefined : getAddress(await options.deployer.getAddress());
  const { deployer: _signer, ...rest } = options;
  const deployment = await deployGenesis(request, artifacts, genesis, {
    ...rest,
    ...(deployer === undefined ? {} : { deployer }),
  });
  const signer = options.deployer ?? (await ethers.getSigner(deployment.deployer));
  const deployed = [...CONTRACT_NAMES, ...OPTIONAL_CONTRACT_NAMES.filter((n) => deployment.addresses[n] !== undefined)];
  const entries = await Promise.all(
    deployed.map(async (name) => [
      name,
      await ethers.getContractAt(ARTIFACTS[name]!, deployment.addresses[name]!, signer),
    ]),
  );
  return { ...deployment, contracts: Object.fromEntries(entries) as unknown as DeployedContracts };
}

/* HELPERS */

interface LoadedArtifacts {
  byName: Map<string, { abi: Abi; bytecode: Hex }>;
  /** Every error of every contract, so a revert anywhere in a call (the token inside the market, say) decodes. */
  errors: Abi;
}

async function loadArtifacts(artifacts: ArtifactSource): Promise<LoadedArtifacts> {
  const byName = new Map<string, { abi: Abi; bytecode: Hex }>();
  const errors: AbiItem[] = [];
  const seen = new Set<string>();
  const names = new Set([...Object.values(ARTIFACTS), ...DEPLOY_STEPS.map((s) => s.contract)]);
  for (const artifact of names) {
    let read: { abi: readonly unknown[]; bytecode: string };
    try {
      read = await artifacts.readArtifact(artifact);
    } catch (error) {
      throw new DeployError(
        "preflight",
        artifact,
        `cannot load the artifact ${artifact} (run \`bin/arena build\`): ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    const abi = read.abi as Abi;
    byName.set(artifact, { abi, bytecode: read.bytecode as Hex });
    for (const item of abi) {
      if (item.type !== "error") continue;
      const signature = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
      if (!seen.has(signature)) {
        seen.add(signature);
        errors.push(item);
      }
    }
  }
  return { byName, errors };
}

/** The DeployContext over a JSON-RPC request function: estimate, send, wait for the receipt, record. */
class RequestDeployer implements DeployContext {
  readonly genesis: Genesis;
  readonly networkName: string;
  readonly chainId: bigint;
  readonly deployer: Address;
  readonly addresses: Record<string, Address> = {};
  guardian: Address = zeroAddress;
  firstBlock: number | undefined;
  sentInStep: { hashes: Hex[]; gasUsed: bigint } = { hashes: [], gasUsed: 0n };
  private readonly request: Request;
  private readonly artifacts: LoadedArtifacts;
  private readonly accounts: readonly Address[];

  constructor(
    request: Request,
    artifacts: LoadedArtifacts,
    genesis: Genesis,
    networkName: string,
    chainId: bigint,
    deployer: Address,
    accounts: readonly Address[],
  ) {
    this.request = request;
    this.artifacts = artifacts;
    this.genesis = genesis;
    this.networkName = networkName;
    this.chainId = chainId;
    this.deployer = deployer;
    this.accounts = accounts;
  }

  /** Resolves every account the genesis names before anything is sent (a missing account:N fails here). */
  preflight(): void {
    const g = this.genesis;
    this.guardian = this.resolve(g.governance.guardian, "governance.guardian", zeroAddress);
    g.allocations.forEach((a, i) => this.resolve(a.to, `allocations[${i}].to`, zeroAddress));
    g.vesting.forEach((v, i) => this.resolve(v.beneficiary, `vesting[${i}].beneficiary`, zeroAddress));
  }

  begin(_step: string): void {
    this.sentInStep = { hashes: [], gasUsed: 0n };
  }

  account(ref: AccountRef, path: string): Address {
    const treasury = this.addresses.timelock;
    if (ref.kind === "treasury" && treasury === undefined)
      throw new Error(`${path}: the treasury (the timelock) is not deployed yet`);
    return this.resolve(ref, path, treasury ?? zeroAddress);
  }

  private resolve(ref: AccountRef, path: string, treasury: Address): Address {
    switch (ref.kind) {
      case "deployer":
        return this.deployer;
      case "treasury":
        return treasury;
      case "guardian":
        return this.guardian;
      case "account": {
        const account = this.accounts[ref.index];
        if (account === undefined) {
          const n = this.accounts.length;
          throw new DeployError(
            "preflight",
            "network",
            `${path}: account:${ref.index} does not exist; network "${this.networkName}" has ${n} account${n === 1 ? "" : "s"} (account:0 to account:${n - 1})`,
          );
        }
        return account;
      }
      case "address":
        return getAddress(ref.address);
    }
  }

  canSend(address: Address): boolean {
    return this.accounts.some((a) => a.toLowerCase() === address.toLowerCase());
  }

  private artifact(name: string): { abi: Abi; bytecode: Hex } {
    const artifact = this.artifacts.byName.get(name);
    if (artifact === undefined) throw new Error(`artifact ${name} was not loaded`);
    return artifact;
  }

  private target(to: string): Address {
    if (to.startsWith("0x")) return getAddress(to);
    const address = this.addresses[to];
    if (address === undefined) throw new Error(`the ${to} is not deployed yet`);
    return address;
  }

  async deploy(name: string, artifact: string, args: readonly unknown[]): Promise<Address> {
    const { abi, bytecode } = this.artifact(artifact);
    const data = encodeDeployData({ abi, bytecode, args: args as unknown[] });
    const receipt = await this.transact({ from: this.deployer, data });
    if (receipt.contractAddress === null) throw new Error(`the deployment of ${artifact} left no contract`);
    const address = getAddress(receipt.contractAddress);
    this.addresses[name] = address;
    return address;
  }

  async send(to: string, artifact: string, fn: string, args: readonly unknown[], from?: Address): Promise<void> {
    const data = encodeFunctionData({ abi: this.artifact(artifact).abi, functionName: fn, args: args as unknown[] });
    await this.transact({ from: from ?? this.deployer, to: this.target(to), data });
  }

  async read(to: string, artifact: string, fn: string, args: readonly unknown[] = []): Promise<unknown> {
    const { abi } = this.artifact(artifact);
    const data = encodeFunctionData({ abi, functionName: fn, args: args as unknown[] });
    const result = await this.request<Hex>("eth_call", [{ to: this.target(to), data }, "latest"]);
    return decodeFunctionResult({ abi, functionName: fn, data: result });
  }

  code(address: Address): Promise<string> {
    return this.request<string>("eth_getCode", [address, "latest"]);
  }

  async latestTimestamp(): Promise<number> {
    const block = await this.request<{ timestamp: Hex }>("eth_getBlockByNumber", ["latest", false]);
    return Number(BigInt(block.timestamp));
  }

  async nonce(): Promise<number> {
    return Number(BigInt(await this.request<Hex>("eth_getTransactionCount", [this.deployer, "pending"])));
  }

  /** Estimates (a call that would revert is refused with its error, nothing sent), sends and waits for the receipt. */
  private async transact(tx: { from: Address; to?: Address; data: Hex }): Promise<{ contractAddress: string | null }> {
    const gas = await this.request<Hex>("eth_estimateGas", [tx]);
    const hash = await this.request<Hex>("eth_sendTransaction", [{ ...tx, gas }]);
    this.sentInStep.hashes.push(hash);
    const receipt = await this.receipt(hash);
    if (receipt.status !== "0x1") throw new Error(`transaction ${hash} did not succeed`);
    this.sentInStep.gasUsed += BigInt(receipt.gasUsed);
    this.firstBlock ??= Number(BigInt(receipt.blockNumber));
    return receipt;
  }

  private async receipt(
    hash: Hex,
  ): Promise<{ status: Hex; gasUsed: Hex; blockNumber: Hex; contractAddress: string | null }> {
    const started = Date.now();
    for (let wait = 0; ; wait = Math.min(wait + 50, 1_000)) {
      const receipt = await this.request<{
        status: Hex;
        gasUsed: Hex;
        blockNumber: Hex;
        contractAddress: string | null;
      } | null>("eth_getTransactionReceipt", [hash]);
      if (receipt !== null) return receipt;
      if (Date.now() - started > RECEIPT_TIMEOUT_MS) {
        const seconds = RECEIPT_TIMEOUT_MS / 1000;
        if (!isLocalChain(this.chainId))
          throw new Error(
            `transaction ${hash} was not mined within ${seconds} s; it may still be mined: look it up before deploying again`,
          );
        // On a local node it is dropped, so a later block cannot mine half a deployment.
        const dropped = (await dropTransactions(this.request, [hash]).catch(() => [])).length > 0;
        throw new Error(
          `transaction ${hash} was not mined within ${seconds} s: the node is not mining (automine off: a battle may ` +
            `be running on it, or one was killed)${dropped ? "; it was dropped from the node, so it will not be mined later" : ""}. ` +
            "Wait for the battle to finish or restart the node, then deploy again",
        );
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
