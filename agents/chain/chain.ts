// The chain a battle runs on: Hardhat's in-process network (the default, tuned for battles) or a node
// over HTTP (`--network localhost` for `npx hardhat node`). Block production is the World's: automine
// is off during the battle and every block is mined with `evm_mine(timestamp)`.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { createPublicClient, custom, type PublicClient } from "viem";

import { isLocalChain } from "./network-guard.ts";
import type { ArtifactSource } from "./system.ts";
import type { OrderingMode } from "../core/types.ts";
import { LiveNetworkError } from "./network-guard.ts";
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
}

export interface Chain {
  connection: NetworkConnection;
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
  close(): Promise<void>;
}

/** Blocks in a battle hold every agent transaction of a step; 1e9 gas leaves room for thousands. */
const IN_PROCESS_BLOCK_GAS_LIMIT = 1_000_000_000n;

export async function openChain(hre: HardhatRuntimeEnvironment, options: ChainOptions): Promise<Chain> {
  const networkName = options.network ?? "default";
  const inProcess = hre.config.networks[networkName]?.type === "edr-simulated";
  if (hre.config.networks[networkName] === undefined) {
    throw new Error(
      `unknown network "${networkName}": hardhat.config.ts defines ${Object.keys(hre.config.networks).join(", ")}`,
    );
  }
  const connection = inProcess
    ? await hre.network.create({
        network: networkName,
        override: {
          // The genesis block one second before the first deploy block at startTime.
          initialDate: new Date((options.startTime - 1) * 1000),
          allowBlocksWithSameTimestamp: false,
          blockGasLimit: IN_PROCESS_BLOCK_GAS_LIMIT,
          initialBaseFeePerGas: 0n,
          mining: { auto: true, interval: 0, mempool: { order: options.mode === "priority" ? "priority" : "fifo" } },
        },
      })
    : await hre.network.create({
        network: networkName,
        ...(options.url === undefined ? {} : { override: { url: options.url } }),
      });

  const provider = connection.provider;
  const url = "url" in connection.networkConfig ? String(await resolveUrl(connection.networkConfig.url)) : networkName;
  const request = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    try {
      return (await provider.request({ method, params })) as T;
    } catch (error) {
      throw toNodeLostError(error, method, url) ?? error;
    }
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
    connection,
    networkName,
    chainId,
    inProcess,
    artifacts: hre.artifacts,
    ordersByFeeCap,
    client,
    request,
    close: () => connection.close(),
  };
}

async function resolveUrl(url: unknown): Promise<string> {
  if (typeof url === "string") return url;
  if (typeof url === "object" && url !== null && "get" in url && typeof url.get === "function")
    return String(await url.get());
  return String(url);
}
