// The chain a battle runs on: an in-process EDR chain (the default, opened directly, without Hardhat's
// network manager or its contract decoder) or a node over HTTP (`--network localhost` for
// `npx hardhat node` or Anvil). Block production is the World's: automine is off during the battle and
// every block is mined with `evm_mine(timestamp)`. A node must be idle when opened (automine on,
// nothing pending: no other run is using it), and closing puts its mining mode back as it was and drops
// what this run sent but did not mine (agents/chain/mining.ts). The in-process chain can move to a fresh chain with
// the same state (`rotate`): EDR keeps every block's state and cannot prune, so a long battle moves
// every so often and frees the old chain, keeping memory bounded.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { type Address, createPublicClient, custom, type PublicClient } from "viem";

import { type ContractLayouts, loadContractLayouts } from "./contract-layouts.ts";
import { type EdrChain, freeClosedChains, openEdrChain } from "./edr-chain.ts";
import { KeyHarvest } from "./key-harvest.ts";
import { copyChainState, type StateCopyReport } from "./state-copy.ts";

import { assertKnownNetwork, isLocalChain, LiveNetworkError } from "./network-guard.ts";
import type { ArtifactSource } from "./system.ts";
import type { OrderingMode } from "../core/types.ts";
import { displayUrl } from "../core/display-url.ts";
import { dropTransactions, NodeBusyError, busyState, pendingTransactions, readMiningMode } from "./mining.ts";
import { anvilMismatch, isAnvil } from "./anvil.ts";
import { BattleError, NodeUnreachableError, toNodeLostError } from "./errors.ts";

export interface ChainOptions {
  /** A network from hardhat.config.ts; the in-process chain when absent or "default". */
  network?: string;
  mode: OrderingMode;
  /** Unix seconds of the in-process chain's first block. */
  startTime: number;
  allowLive: boolean;
  /** Another URL for an HTTP network (a node on another port); the network's own when absent. */
  url?: string;
  /** What a busy node's refusal names as refused ("evaluate"); "the battle" when absent. */
  action?: string;
}

export interface Chain {
  networkName: string;
  chainId: bigint;
  /** True for Hardhat's in-process network. */
  inProcess: boolean;
  /** The project's compiled contracts (Hardhat's artifacts), to deploy from. */
  artifacts: ArtifactSource;
  /**
   * True on Anvil, whose mempool orders transactions by their fee cap (maxFeePerGas), not their priority
   * fee: senders cap the fee at the priority fee there, which its base fee of 0 makes the same price.
   */
  ordersByFeeCap: boolean;
  /** viem's public client over the same provider. */
  client: PublicClient;
  /** A JSON-RPC request; a lost node becomes a NodeLostError naming the method. */
  request<T>(method: string, params?: unknown[]): Promise<T>;
  /** Several requests at once, answered in order: one call into the in-process chain, concurrent requests to a node. */
  batch<T>(calls: readonly { method: string; params: unknown[] }[]): Promise<T[]>;
  /**
   * On a node: drops the transactions this connection sent that are still pending, puts automine back as
   * it was when the chain was opened, then disconnects (each step best-effort: a node that is gone is
   * left alone). In process: frees the chain.
   */
  close(): Promise<void>;
  /**
   * In process only: what the run has shown of the chain's accounts and keys (the engine feeds it every
   * receipt), which `rotate` needs to find every storage slot.
   */
  harvest?: KeyHarvest;
  /**
   * In process only: moves to a fresh chain holding exactly this chain's state (checked by every
   * account's proof and the state root) and frees this one. Only between blocks, with no snapshot open.
   */
  rotate?(impersonate: readonly Address[]): Promise<StateCopyReport>;
}

/** Blocks in a battle hold every agent transaction of a step; 1e9 gas leaves room for thousands. */
const IN_PROCESS_BLOCK_GAS_LIMIT = 1_000_000_000n;

export async function openChain(hre: HardhatRuntimeEnvironment, options: ChainOptions): Promise<Chain> {
  const networkName = options.network ?? "default";
  assertKnownNetwork(hre.config.networks, networkName);
  const inProcess = hre.config.networks[networkName]?.type === "edr-simulated";
  if (inProcess) return openInProcessChain(hre, options);
  const connection = await hre.network.create({
    network: networkName,
    ...(options.url === undefined ? {} : { override: { url: options.url } }),
  });

  const provider = connection.provider;
  // Only ever shown without its credentials, path and query (an API key hides in any of them).
  const url = displayUrl(
    "url" in connection.networkConfig ? String(await resolveUrl(connection.networkConfig.url)) : networkName,
  );
  // What this connection sent and has not seen a receipt of: what closing drops if it is still pending.
  const unmined = new Set<string>();
  const request = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    let answer: T;
    try {
      answer = (await provider.request({ method, params })) as T;
    } catch (error) {
      throw toNodeLostError(error, method, url) ?? error;
    }
    if (method === "eth_sendTransaction") unmined.add(String(answer).toLowerCase());
    else if (method === "eth_getTransactionReceipt" && answer !== null) unmined.delete(String(params[0]).toLowerCase());
    return answer;
  };

  let chainId: bigint;
  try {
    chainId = BigInt((await provider.request({ method: "eth_chainId" })) as string);
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new NodeUnreachableError(networkName, url, error);
  }
  if (!isLocalChain(chainId) && !options.allowLive) {
    await connection.close();
    throw new LiveNetworkError(networkName, chainId, "a battle sends many real transactions");
  }

  // A node another run is using (automine off, or transactions pending) is refused before anything is sent.
  const mining = await readMiningMode(request);
  if (busyState(mining) !== undefined) {
    await connection.close().catch(() => undefined);
    throw new NodeBusyError(`the node at ${url}`, options.action ?? "the battle", mining);
  }

  // Anvil takes its mempool order and base fee from its command line: refuse one a battle cannot use.
  const ordersByFeeCap = !inProcess && (await isAnvil(request));
  const anvilProblem = ordersByFeeCap ? await anvilMismatch(request, options.mode, url) : undefined;
  if (anvilProblem !== undefined) {
    await connection.close().catch(() => undefined);
    throw new BattleError(anvilProblem);
  }

  // viem's reads go through `request` too, so a lost node is a NodeLostError wherever it shows up.
  const client = createPublicClient({
    transport: custom({ request: ({ method, params }) => request(method, (params ?? []) as unknown[]) }),
  });
  return {
    networkName,
    chainId,
    inProcess,
    artifacts: hre.artifacts,
    ordersByFeeCap,
    client,
    request,
    batch: <T>(calls: readonly { method: string; params: unknown[] }[]) =>
      Promise.all(calls.map(({ method, params }) => request<T>(method, params))),
    async close() {
      try {
        if (unmined.size > 0) {
          const pending = await pendingTransactions(request);
          await dropTransactions(
            request,
            pending.filter((hash) => unmined.has(hash.toLowerCase())),
          );
        }
        if (mining.automine !== undefined) await request("evm_setAutomine", [mining.automine]);
      } catch {
        // A node that is gone keeps whatever mode it had; there is nothing left to restore.
      } finally {
        await connection.close();
      }
    },
  };
}

/** The in-process chain: EDR opened directly, the genesis block one second before startTime. */
async function openInProcessChain(hre: HardhatRuntimeEnvironment, options: ChainOptions): Promise<Chain> {
  const open = () =>
    openEdrChain({
      startTime: options.startTime,
      mempoolOrder: options.mode === "priority" ? "priority" : "fifo",
      blockGasLimit: IN_PROCESS_BLOCK_GAS_LIMIT,
      initialBaseFeePerGas: 0n,
    });
  let edr: EdrChain = await open();
  // Nothing reports which accounts a chain impersonates: the chain keeps the list, to impersonate them again after a rotation.
  const impersonated = new Set<string>();
  const request = <T>(method: string, params: unknown[] = []): Promise<T> => {
    if (method === "hardhat_impersonateAccount") impersonated.add(String(params[0]).toLowerCase());
    else if (method === "hardhat_stopImpersonatingAccount") impersonated.delete(String(params[0]).toLowerCase());
    return edr.request<T>(method, params);
  };
  const client = createPublicClient({
    transport: custom({ request: ({ method, params }) => request(method, (params ?? []) as unknown[]) }),
  });
  const harvest = new KeyHarvest();
  let layouts: Promise<ContractLayouts> | undefined;
  return {
    networkName: options.network ?? "default",
    chainId: edr.chainId,
    inProcess: true,
    artifacts: hre.artifacts,
    ordersByFeeCap: false,
    client,
    request,
    batch: <T>(calls: readonly { method: string; params: unknown[] }[]) => edr.batch<T>(calls),
    close: () => edr.close(),
    harvest,
    async rotate(impersonate) {
      layouts ??= loadContractLayouts();
      const fresh = await open();
      let report: StateCopyReport;
      try {
        report = await copyChainState(edr.request, fresh.request, {
          harvest,
          layouts: await layouts,
          impersonate: [...new Set([...impersonated, ...impersonate.map((a) => a.toLowerCase())])],
          impersonateSenders: true,
        });
      } catch (error) {
        await fresh.close();
        throw error;
      }
      const old = edr;
      edr = fresh;
      await old.close();
      freeClosedChains();
      return report;
    },
  };
}

async function resolveUrl(url: unknown): Promise<string> {
  if (typeof url === "string") return url;
  if (typeof url === "object" && url !== null && "get" in url && typeof url.get === "function")
    return String(await url.get());
  return String(url);
}
