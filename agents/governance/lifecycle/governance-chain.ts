// The chain a by-hand governance step works on: the node behind a Hardhat network connection, the
// contracts its deployments/<network>.json names, and sending one transaction from one of the node's
// accounts (simulated first, so a call that would revert is refused with the contract's error). A step
// that sends or mines first checks that no battle holds the node (assertIdle), and a receipt that does
// not come within the timeout is an error; on a local node the transaction is dropped, never mined later.

import {
  type Abi,
  type Address,
  createPublicClient,
  custom,
  getAddress,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  WaitForTransactionReceiptTimeoutError,
} from "viem";

import { displayUrl, redactUrls } from "../../core/display-url.ts";
import { findCause } from "../../core/errors.ts";
import { assertNodeIdle, dropTransactions } from "../../chain/mining.ts";

import type { DeploymentRecord } from "../../deploy/deployment-file.ts";
import { findRevertData } from "../../deploy/errors.ts";
import { isLocalChain } from "../../chain/network-guard.ts";
import { LiveNetworkError } from "../../chain/network-guard.ts";
import { GovernanceError } from "./errors.ts";
import type { GovernanceAddresses } from "../protocol/proposal.ts";
import { describeRevert } from "../protocol/revert-reasons.ts";

export interface Eip1193Like {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

export interface GovernanceChain {
  networkName: string;
  chainId: bigint;
  /** A development chain (31337, 1337): blocks and time can be advanced by hand. */
  local: boolean;
  client: PublicClient;
  addresses: GovernanceAddresses;
  /** No proposal is older than the deployment. */
  deployBlock: bigint;
  /** Every error the system's contracts raise, to decode reverts. */
  errors: Abi;
  /** The node as messages name it: "the node at http://127.0.0.1:8545" (displayUrl), or the network. */
  where: string;
  /** How long sendGovernanceTx waits for a receipt. */
  receiptTimeoutMs: number;
  request<T>(method: string, params?: unknown[]): Promise<T>;
}

/** A receipt's wait: a local node mines at once (automine), a live chain's block can take minutes. */
export const RECEIPT_TIMEOUT_MS = { local: 60_000, live: 600_000 } as const;

export interface OpenOptions {
  networkName: string;
  /** Every error ABI of the system (loadSystemAbis(...).errors). */
  errors: Abi;
  /** Where the node is, for messages (shown without credentials, path or query). */
  url?: string;
  /** How long to wait for a receipt; RECEIPT_TIMEOUT_MS when absent. */
  receiptTimeoutMs?: number;
}

export async function openGovernanceChain(
  provider: Eip1193Like,
  record: DeploymentRecord,
  options: OpenOptions,
): Promise<GovernanceChain> {
  const { networkName } = options;
  const request = async <T>(method: string, params: unknown[] = []): Promise<T> =>
    (await provider.request({ method, params })) as T;
  let chainId: bigint;
  try {
    chainId = BigInt(await request<string>("eth_chainId"));
  } catch (error) {
    const where = options.url === undefined ? "" : ` at ${displayUrl(options.url)}`;
    const fix =
      networkName === "localhost"
        ? "start one with `npx hardhat node` in another terminal and deploy to it (`npx hardhat deploy --network localhost`)"
        : "check the network's URL in hardhat.config.ts";
    throw new GovernanceError(
      `cannot reach the node of network "${networkName}"${where}: ${redactUrls((error as Error).message.split("\n")[0]!)}; ${fix}`,
      { cause: error },
    );
  }
  if (chainId.toString() !== record.chainId) {
    throw new GovernanceError(
      `the deployment file for "${record.network}" is on chain ${record.chainId}, but network "${networkName}" is chain ${chainId}; deploy to this network first (npx hardhat deploy --network ${networkName})`,
    );
  }
  const addresses: GovernanceAddresses = {
    governor: getAddress(record.addresses.governor),
    timelock: getAddress(record.addresses.timelock),
    store: getAddress(record.addresses.store),
    market: getAddress(record.addresses.market),
    token: getAddress(record.addresses.token),
  };
  const code = await request<string>("eth_getCode", [addresses.governor, "latest"]);
  if (code === "0x" || code === "") {
    const inProcess =
      networkName === "default"
        ? " The in-process network starts a fresh chain for every `hardhat` command: run `npx hardhat node` and use --network localhost."
        : " Deploy again.";
    throw new GovernanceError(
      `no Governor at ${addresses.governor} on "${networkName}": the chain was reset since deployments/${record.network}.json was written.${inProcess}`,
    );
  }
  // No caching: a step reads the block number right after mining or sending.
  const client = createPublicClient({
    cacheTime: 0,
    transport: custom({ request: ({ method, params }) => request(method, (params ?? []) as unknown[]) }),
  });
  const local = isLocalChain(chainId);
  return {
    networkName,
    chainId,
    local,
    client,
    addresses,
    deployBlock: BigInt(record.deployBlock),
    errors: options.errors,
    where: options.url === undefined ? `network "${networkName}"` : `the node at ${displayUrl(options.url)}`,
    receiptTimeoutMs: options.receiptTimeoutMs ?? (local ? RECEIPT_TIMEOUT_MS.local : RECEIPT_TIMEOUT_MS.live),
    request,
  };
}

/**
 * Throws NodeBusyError when the node has automine off or transactions pending: a battle (or an
 * evaluation) is mining it block by block, or one was killed before giving automine back. What `action`
 * sent would wait for someone else's block, so it is refused before anything is sent.
 */
export async function assertIdle(chain: GovernanceChain, action: string): Promise<void> {
  await assertNodeIdle(chain.request, chain.where, action);
}

/** Throws LiveNetworkError unless the chain is local or the caller passed --allow-live. */
export function assertSendAllowed(chain: GovernanceChain, action: string, allowLive: boolean): void {
  if (!chain.local && !allowLive)
    throw new LiveNetworkError(
      chain.networkName,
      chain.chainId,
      `${action} sends a real transaction from your account`,
    );
}

/** The node's account `index` (the `--from` option). */
export async function accountAt(chain: GovernanceChain, index: number): Promise<Address> {
  const accounts = await chain.request<string[]>("eth_accounts");
  if (!Number.isSafeInteger(index) || index < 0 || index >= accounts.length) {
    throw new GovernanceError(
      `--from ${index}: network "${chain.networkName}" has ${accounts.length} account(s); give an index from 0 to ${accounts.length - 1}`,
    );
  }
  return getAddress(accounts[index]!);
}

export interface GovernanceTx {
  from: Address;
  to: Address;
  data: Hex;
  /** What the transaction does, for messages: "propose", "vote on #2". */
  what: string;
}

/**
 * Sends one transaction and waits for its receipt. It is estimated first: a call that would revert is
 * refused before sending, with the contract's error decoded (keys as names, times as dates). The limit is the estimate plus a quarter.
 */
export async function sendGovernanceTx(chain: GovernanceChain, tx: GovernanceTx): Promise<TransactionReceipt> {
  let gas: bigint;
  try {
    gas = await chain.client.estimateGas({ account: tx.from, to: tx.to, data: tx.data });
  } catch (error) {
    const data = findRevertData(error);
    const reason =
      data === undefined
        ? ((error as { shortMessage?: string }).shortMessage ?? (error as Error).message.split("\n")[0])
        : describeRevert(data as Hex, chain.errors);
    throw new GovernanceError(`${tx.what} would revert, so it was not sent: ${reason}`, { cause: error });
  }
  const hash = await chain.request<Hex>("eth_sendTransaction", [
    { from: tx.from, to: tx.to, data: tx.data, gas: `0x${((gas * 5n) / 4n).toString(16)}` },
  ]);
  let receipt: TransactionReceipt;
  try {
    receipt = await chain.client.waitForTransactionReceipt({
      hash,
      pollingInterval: chain.local ? 50 : 2_000,
      timeout: chain.receiptTimeoutMs,
    });
  } catch (error) {
    if (findCause(error, WaitForTransactionReceiptTimeoutError) === undefined) throw error;
    throw await notMined(chain, tx.what, hash, error);
  }
  if (receipt.status !== "success")
    throw new GovernanceError(`${tx.what} reverted on chain in transaction ${hash} (block ${receipt.blockNumber})`);
  return receipt;
}

/** The error for a transaction whose receipt did not come: dropped from a local node so it is never mined later. */
async function notMined(chain: GovernanceChain, what: string, hash: Hex, cause: unknown): Promise<GovernanceError> {
  const seconds = chain.receiptTimeoutMs / 1000;
  if (chain.local) {
    const dropped = (await dropTransactions(chain.request, [hash]).catch(() => [])).length > 0;
    return new GovernanceError(
      `${what}: transaction ${hash} was not mined within ${seconds} s: ${chain.where} is not mining ` +
        "(automine off: a battle may be running on it, or one was killed). " +
        (dropped
          ? "It was dropped from the node, so it will not be mined later; "
          : "The node would not drop it, so a later block may still include it; ") +
        "wait for the battle to finish or restart the node, then run the command again",
      { cause },
    );
  }
  return new GovernanceError(
    `${what}: transaction ${hash} was not mined within ${seconds} s on ${chain.where}; it may still be mined: ` +
      "look it up in a block explorer before sending it again",
    { cause },
  );
}
