// Setting a battle up: deploy the system from the scenario's genesis at a fixed time, deploy the lens,
// then give every agent its wallet, its ETH for gas, its quote, its approvals and the tokens it starts
// with. Set-up transactions are mined in blocks of their own with explicit timestamps, so the same
// scenario always starts from the same state. `setUpAgents` is the second half alone: it sets the
// agents up on a system deployed earlier (deployments/<network>.json), as `evaluate` does on a node.

import { type Address, encodeFunctionData, getAddress, maxUint256 } from "viem";

import { type ChainDeployment, deployGenesis } from "./deploy.ts";
import { loadGenesis } from "../inputs/genesis.ts";
import { type Genesis } from "../mechanisms/vocabulary.ts";
import type { GasRecord } from "../core/records.ts";
import type { AgentConfig, Scenario } from "../inputs/scenario-types.ts";
import { derivedAgentAddress } from "../chain/agent-address.ts";
import type { Chain } from "../chain/chain.ts";
import { BattleError } from "../chain/errors.ts";
import type { SystemAbis, SystemAddresses } from "../chain/system.ts";
import { TxSender, type SentTx } from "../chain/tx-sender.ts";
import { type AgentWallet } from "../inputs/scenario-types.ts";
import type { AnyMechanism } from "../mechanisms/mechanism.ts";
import { mechanismsDeployed } from "../mechanisms/registry.ts";
import {
  OPTIONAL_TRADED_CONTRACTS,
  type OptionalTradedContract,
  TRADED_CONTRACTS,
  type TradedContract,
} from "../chain/system.ts";

/** ETH each impersonated agent gets for gas (1e6 ETH: gas never runs out in a battle). */
const AGENT_ETH_WEI = 10n ** 24n;
/** Set-up transactions per block. */
export const SETUP_BATCH = 200;

export interface SetupResult {
  deployment: ChainDeployment;
  addresses: SystemAddresses;
  wallets: AgentWallet[];
  /** Timestamp of the last set-up block; step s is mined at this + s × blockSeconds. */
  lastTimestamp: bigint;
  /** Set-up transactions, for the gas profile. */
  txs: { agent: string; tx: SentTx; gasUsed: bigint }[];
}

/** Set-up transactions as the gas profile's records: step 0, behaviour "setup". */
export function setupGasRecords(txs: SetupResult["txs"], policy: string): GasRecord[] {
  return txs.map(({ agent, tx, gasUsed }) => ({
    step: 0,
    agent,
    behaviour: "setup",
    policy,
    contract: tx.contract,
    fn: tx.fn,
    gasUsed: Number(gasUsed),
    status: "success" as const,
  }));
}

/** What setting agents up needs of a deployed system: a fresh deployment's or deployments/<network>.json's. */
export interface DeployedSystem {
  addresses: Record<TradedContract, string> & Partial<Record<OptionalTradedContract, string>>;
  /** The Timelock, which holds the treasury. */
  treasury: string;
  /** An unlocked account of the node that deploys the lens. */
  deployer: string;
}

/** A set-up battle without its deployment: the agents on a system deployed before. */
export type AgentSetup = Omit<SetupResult, "deployment">;

/** `genesis`, when given, is deployed instead of the scenario's file (an experiment's changed parameter values). */
export async function setUpBattle(
  chain: Chain,
  scenario: Scenario,
  abis: SystemAbis,
  allowLive: boolean,
  log: (line: string) => void,
  genesis?: Genesis,
): Promise<SetupResult> {
  genesis ??= await loadGenesis(scenario.genesis);
  if (chain.inProcess) await chain.request("evm_setNextBlockTimestamp", [scenario.startTime]);
  const deployment = await deployGenesis(chain.request, chain.artifacts, genesis, {
    networkName: chain.networkName,
    allowLive,
  });
  log(
    `deployed ${genesis.curve.kind} system from ${scenario.genesis} (${Object.keys(deployment.addresses).length} contracts)`,
  );
  const agents = await setUpAgents(
    chain,
    scenario,
    abis,
    { addresses: deployment.addresses, treasury: deployment.accounts.treasury, deployer: deployment.deployer },
    log,
  );
  return { deployment, ...agents };
}

/**
 * Sets the scenario's agents up on a deployed system: the lens, then each agent's wallet, ETH for gas,
 * quote, approvals and starting tokens. Leaves automine off: from here on the World mines every block.
 */
export async function setUpAgents(
  chain: Chain,
  scenario: Scenario,
  abis: SystemAbis,
  system: DeployedSystem,
  log: (line: string) => void,
): Promise<AgentSetup> {
  const accounts = await chain.request<string[]>("eth_accounts");
  const deployer = getAddress(system.deployer);
  const wallets: AgentWallet[] = scenario.agents.map((config, i) => ({
    config,
    address: resolveWallet(config, i, accounts, chain, scenario),
  }));
  const seen = new Map<string, string>();
  for (const w of wallets) {
    const other = seen.get(w.address);
    if (other !== undefined)
      throw new BattleError(
        `${scenario.source}: agents "${other}" and "${w.config.id}" use the same wallet ${w.address}; give each agent its own wallet`,
      );
    seen.set(w.address, w.config.id);
  }

  await chain.request("evm_setAutomine", [false]);
  let timestamp = BigInt((await chain.client.getBlock()).timestamp);
  const sender = new TxSender(chain, { maxFeePerGas: 10n ** 12n, priorityFeeWei: scenario.gas.priorityFeeWei });
  const mine = async (batch: { agent: string; tx: SentTx }[], what: string) => {
    timestamp += 1n;
    const receipts = await sender.mine(
      batch.map((b) => b.tx),
      timestamp,
    );
    const failed = receipts.findIndex((r) => r.status !== "success");
    if (failed >= 0) {
      const reason = await sender.revertReason(receipts[failed]!.hash, abis);
      throw new BattleError(
        `set-up failed (${what}) for agent "${batch[failed]!.agent}": ${batch[failed]!.tx.contract}.${batch[failed]!.tx.fn} reverted with ${reason}`,
      );
    }
    timestamp = receipts.length > 0 ? receipts[receipts.length - 1]!.timestamp : timestamp;
    return receipts.map((r, i) => ({ agent: batch[i]!.agent, tx: batch[i]!.tx, gasUsed: r.gasUsed }));
  };

  // The lens, from the deployer.
  const lensTx = await sender.send({
    from: deployer,
    to: null,
    data: abis.lensBytecode,
    gas: 3_000_000n,
    contract: "ArenaLens",
    fn: "deploy",
  });
  const [lensReceipt] = await sender.mine([lensTx], (timestamp += 1n));
  if (lensReceipt === undefined || lensReceipt.status !== "success" || lensReceipt.contractAddress === undefined)
    throw new BattleError("set-up failed: could not deploy the ArenaLens");
  timestamp = lensReceipt.timestamp;
  const d = system.addresses;
  const addresses = {
    ...Object.fromEntries(TRADED_CONTRACTS.map((role) => [role, getAddress(d[role])])),
    ...Object.fromEntries(
      OPTIONAL_TRADED_CONTRACTS.flatMap((role) => (d[role] === undefined ? [] : [[role, getAddress(d[role])]])),
    ),
    lens: lensReceipt.contractAddress,
    treasury: getAddress(system.treasury),
  } as SystemAddresses;

  for (const w of wallets) {
    if (w.config.wallet.kind === "derived") {
      await chain.request("hardhat_impersonateAccount", [w.address]);
      await chain.request("hardhat_setBalance", [w.address, `0x${AGENT_ETH_WEI.toString(16)}`]);
    }
  }

  const txs: SetupResult["txs"] = [];
  const batches = async (what: string, make: (w: AgentWallet) => Promise<SentTx[]>) => {
    let batch: { agent: string; tx: SentTx }[] = [];
    for (const w of wallets) {
      for (const tx of await make(w)) {
        batch.push({ agent: w.config.id, tx });
        if (batch.length >= SETUP_BATCH) {
          txs.push(...(await mine(batch, what)));
          batch = [];
        }
      }
    }
    if (batch.length > 0) txs.push(...(await mine(batch, what)));
  };

  const erc20 = abis.byContract.quote;
  await batches("funding and approvals", async (w) => {
    const from = w.address;
    const out: SentTx[] = [];
    if (w.config.funds.quote > 0n) {
      out.push(
        await sender.send({
          from,
          to: addresses.quote,
          data: encodeFunctionData({ abi: erc20, functionName: "mint", args: [from, w.config.funds.quote] }),
          gas: 100_000n,
          contract: "QuoteToken",
          fn: "mint",
        }),
      );
    }
    for (const { asset, spender } of setupApprovals(mechanismsDeployed(addresses))) {
      const [token, contract] = asset === "quote" ? [addresses.quote, "QuoteToken"] : [addresses.token, "ArenaToken"];
      out.push(
        await sender.send({
          from,
          to: token,
          data: encodeFunctionData({ abi: erc20, functionName: "approve", args: [addresses[spender]!, maxUint256] }),
          gas: 100_000n,
          contract,
          fn: "approve",
        }),
      );
    }
    return out;
  });
  await batches("starting tokens", async (w) => {
    if (w.config.funds.tokens === 0n) return [];
    const data = encodeFunctionData({
      abi: abis.byContract.market,
      functionName: "buyExactTokens",
      args: [w.config.funds.tokens, maxUint256, w.address, maxUint256],
    });
    return [
      await sender.send({
        from: w.address,
        to: addresses.market,
        data,
        gas: 300_000n,
        contract: "BondingCurveMarket",
        fn: "buyExactTokens",
      }),
    ];
  });
  log(`set up ${wallets.length} agents (${txs.length} transactions)`);
  return { addresses, wallets, lastTimestamp: timestamp, txs };
}

/** The approvals every agent gives at set-up: each mechanism's spends, in registry order (the market's quote, the pool's quote and tokens). */
export function setupApprovals(
  mechanisms: readonly AnyMechanism[],
): { asset: "quote" | "token"; spender: keyof SystemAddresses }[] {
  return mechanisms.flatMap((m) => m.spends.map((asset) => ({ asset, spender: m.contracts[0]! })));
}

/** An agent's funding transactions: its quote mint when it starts with quote, then its approvals to `mechanisms`. */
export function fundingTransactions(config: AgentConfig, mechanisms: readonly AnyMechanism[]): number {
  return (config.funds.quote > 0n ? 1 : 0) + setupApprovals(mechanisms).length;
}

/**
 * Blocks the set-up mines after the deployment, as setUpAgents mines them: the lens, the funding and
 * approvals in batches of SETUP_BATCH, then the starting-token buys in batches.
 */
export function setupBlocks(agents: readonly AgentConfig[], mechanisms: readonly AnyMechanism[]): number {
  const funding = agents.reduce((sum, a) => sum + fundingTransactions(a, mechanisms), 0);
  const buys = agents.filter((a) => a.funds.tokens > 0n).length;
  return 1 + Math.ceil(funding / SETUP_BATCH) + Math.ceil(buys / SETUP_BATCH);
}

function resolveWallet(
  config: AgentConfig,
  index: number,
  accounts: string[],
  chain: Chain,
  scenario: Scenario,
): Address {
  if (config.wallet.kind === "account") {
    const account = accounts[config.wallet.index];
    if (account === undefined) {
      throw new BattleError(
        `${scenario.source}: agents[${index}] ("${config.id}") uses account:${config.wallet.index}, but network "${chain.networkName}" has ${accounts.length} accounts; use an index below ${accounts.length}`,
      );
    }
    return getAddress(account);
  }
  if (!chain.inProcess && chain.chainId !== 31337n && chain.chainId !== 1337n) {
    throw new BattleError(
      `${scenario.source}: agent "${config.id}" has a derived wallet, which needs a local Hardhat chain to impersonate it; give it wallet: account:N (a funded account of network "${chain.networkName}")`,
    );
  }
  return derivedAgentAddress(config.id);
}
