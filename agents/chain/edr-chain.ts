// An in-process EDR chain without Hardhat's network manager: no contract decoder built from every
// build info (hundreds of MiB before the first block), no request-handler layers, one JSON-RPC
// request straight into EDR. Its provider configuration is what Hardhat's `getProviderConfig` builds
// for the `default` edr-simulated network of hardhat.config.ts with the override agents/world/chain.ts
// passes (test/edr-chain.test.ts compares the two field by field and runs the same transactions on
// both). What it leaves out of Hardhat's connection: the automatic gas, gas price and sender handlers
// (send every transaction with `from`, `gas` and fees, as the World does), Solidity stack traces in
// errors (the revert data is still in `error.data`), console.log printing and subscriptions.

import { ArenaError } from "../core/errors.ts";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import {
  ContractDecoder,
  GasEstimationMode,
  GENERIC_CHAIN_TYPE,
  l1GenesisState,
  l1HardforkFromString,
  MineOrdering,
  OSAKA,
  SpecId,
  type AccountOverride,
  type Provider,
  type ProviderConfig,
} from "@nomicfoundation/edr";
import { type Address, type Hex, hexToBytes } from "viem";
import { privateKeyToAddress } from "viem/accounts";

import { edrContext } from "./edr-context.ts";

export interface EdrChainOptions {
  /** Unix seconds of the first block the chain mines; its genesis block is one second earlier. */
  startTime: number;
  /** Mempool order: "priority" (by effective miner fee) or "fifo" (insertion order; the default). */
  mempoolOrder?: "fifo" | "priority";
  /** Mine every transaction as it arrives (default true, as Hardhat's network). */
  automine?: boolean;
  /** 31337 by default, as Hardhat's `default` network. */
  chainId?: bigint;
  /** An EDR hardfork name (`OSAKA`, `PRAGUE`, ... from @nomicfoundation/edr); Osaka by default. */
  hardfork?: string;
  /** 1e9 by default: a battle's block holds thousands of transactions. */
  blockGasLimit?: bigint;
  /** 0 by default, so fees are exactly what a transaction asks to pay above it. */
  initialBaseFeePerGas?: bigint;
  /** Unlocked accounts with their genesis balances; Hardhat's 20 default accounts with 10,000 ETH each by default. */
  accounts?: readonly GenesisAccount[];
}

export interface GenesisAccount {
  privateKey: Hex;
  balance: bigint;
}

/** A JSON-RPC request into the chain: `request("eth_blockNumber")`. */
export type RequestFn = <T = unknown>(method: string, params?: unknown[]) => Promise<T>;

export interface EdrChain {
  request: RequestFn;
  /**
   * Several requests in one call into EDR (a JSON-RPC batch), answered in order; the first error
   * fails them all. Cheaper than as many requests: one crossing into EDR and one JSON parse.
   */
  batch<T = unknown>(calls: readonly { method: string; params: unknown[] }[]): Promise<T[]>;
  /** The same chain as an EIP-1193 provider, for viem's `custom()` transport or ethers' BrowserProvider. */
  eip1193: { request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown> };
  chainId: bigint;
  /** Addresses of the unlocked genesis accounts, in order (what `eth_accounts` returns). */
  accounts: readonly Address[];
  /** Drops the provider. EDR frees its state only when V8 finalizes it: see freeClosedChains. */
  close(): Promise<void>;
}

/**
 * A JSON-RPC error answered by EDR. As in Hardhat's errors, `data` is the revert data (hex) of a failed
 * transaction or call and `transactionHash` the failed transaction's; `rpcData` is EDR's data as sent.
 */
export class EdrRequestError extends ArenaError {
  readonly code: number;
  readonly data: unknown;
  readonly transactionHash?: Hex;
  readonly rpcData: unknown;
  readonly method: string;
  constructor(method: string, code: number, message: string, rpcData: unknown) {
    super(message);
    this.method = method;
    this.code = code;
    this.rpcData = rpcData;
    const failure = rpcData as { data?: unknown; transactionHash?: unknown } | null | undefined;
    const revert = typeof failure === "object" && failure !== null && typeof failure.data === "string";
    this.data = revert ? failure.data : rpcData;
    if (revert && typeof failure.transactionHash === "string") this.transactionHash = failure.transactionHash as Hex;
  }
}

export class EdrChainClosedError extends ArenaError {
  constructor(method: string) {
    super(`${method}: this EDR chain was closed; open a new one with openEdrChain`);
  }
}

/** Hardhat's default edr-simulated network: chain 31337 on Osaka, 1e9 gas per block for battles. */
export const EDR_CHAIN_DEFAULTS = {
  chainId: 31337n,
  hardfork: OSAKA,
  blockGasLimit: 1_000_000_000n,
  initialBaseFeePerGas: 0n,
} as const;

/** Hardhat's coinbase for simulated networks. */
export const EDR_COINBASE: Address = "0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e";

/** The EIP-7825 transaction gas cap from Osaka on: Hardhat's default gas for a request without `gas`. */
const EIP_7825_TRANSACTION_GAS_CAP = 16_777_216n;

/** Hardhat's default accounts: the "test test ... junk" mnemonic's first 20 keys, 10,000 ETH each. */
export const DEFAULT_ACCOUNT_KEYS: readonly Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
  "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897",
  "0x701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82",
  "0xa267530f49f8280200edf313ee7af6b827f2a8bce2897751d06a843f644967b1",
  "0x47c99abed3324a2707c28affff1267e45918ec8c3f20b8aa892e8b065d2942dd",
  "0xc526ee95bf44d8fc405a158bb884d9d1238d99f0612e9f33d006bb0789009aaa",
  "0x8166f546bab6da521a8369cab06c5d2b9e46670292d85c875ee9ec20e84ffb61",
  "0xea6c44ac03bff858b476bba40716402b03e41b8e97e276d1baec7c37d42484a0",
  "0x689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd",
  "0xde9be858da4a475276426320d5e9262ecfc3ba460bfac56360bfa6c4c28b4ee0",
  "0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e",
];
export const DEFAULT_ACCOUNT_BALANCE = 10n ** 22n;

const addressOfKey = new Map<Hex, Address>();

/** The address of a private key (derived once per process: ~1 ms each). */
export function accountAddress(privateKey: Hex): Address {
  let address = addressOfKey.get(privateKey);
  if (address === undefined) {
    address = privateKeyToAddress(privateKey);
    addressOfKey.set(privateKey, address);
  }
  return address;
}

/** The provider configuration, equal to Hardhat's `getProviderConfig` for the same network settings. */
export function edrProviderConfig(options: EdrChainOptions): ProviderConfig {
  const hardfork = options.hardfork ?? EDR_CHAIN_DEFAULTS.hardfork;
  const chainId = options.chainId ?? EDR_CHAIN_DEFAULTS.chainId;
  const blockGasLimit = options.blockGasLimit ?? EDR_CHAIN_DEFAULTS.blockGasLimit;
  const accounts =
    options.accounts ?? DEFAULT_ACCOUNT_KEYS.map((privateKey) => ({ privateKey, balance: DEFAULT_ACCOUNT_BALANCE }));
  const owned: AccountOverride[] = accounts.map((a) => ({
    address: hexToBytes(accountAddress(a.privateKey)),
    balance: a.balance,
    code: new Uint8Array(),
  }));
  const spec = l1HardforkFromString(hardfork);
  // The hardfork's system contracts (EIP-4788 beacon roots, EIP-2935 history), as Hardhat merges them.
  const genesisState = [...owned, ...l1GenesisState(spec)];
  return {
    allowBlocksWithSameTimestamp: false,
    allowUnlimitedContractSize: false,
    bailOnCallFailure: true,
    bailOnTransactionFailure: true,
    chainId,
    coinbase: hexToBytes(EDR_COINBASE),
    defaultTransactionGasLimit: spec >= SpecId.Osaka ? EIP_7825_TRANSACTION_GAS_CAP : blockGasLimit,
    gasEstimationMode: GasEstimationMode.NoInternalOutOfGas,
    genesisState,
    hardfork,
    initialBaseFeePerGas: options.initialBaseFeePerGas ?? EDR_CHAIN_DEFAULTS.initialBaseFeePerGas,
    minGasPrice: 0n,
    mining: {
      autoMine: options.automine ?? true,
      blockGasLimit,
      memPool: { order: options.mempoolOrder === "priority" ? MineOrdering.Priority : MineOrdering.Fifo },
    },
    network: { genesisBlockGasLimit: blockGasLimit, genesisBlockTime: BigInt(options.startTime - 1) },
    networkId: chainId,
    observability: {},
    ownedAccounts: accounts.map((a) => a.privateKey),
    precompileOverrides: [],
  };
}

let liveProviders = 0;
const finalized = new FinalizationRegistry<undefined>(() => {
  liveProviders--;
});

/** EDR providers opened on this thread whose JS objects V8 has not finalized yet (closed or not). */
export function liveEdrProviders(): number {
  return liveProviders;
}

let fullCollection: (() => void) | undefined;

/**
 * Runs a full garbage collection, which frees the chains closed since. EDR drops a provider's state
 * (every block it kept) when V8 finalizes the provider's JS object, but it tells V8 that object
 * stands for 2 MiB only, so V8 sees no reason for a full collection and a closed chain's gigabytes can
 * stay for the rest of the run. Call this after closing a chain to rotate: it takes tens of ms.
 * Without --expose-gc, V8's gc is exposed at run time (v8.setFlagsFromString, in a fresh context).
 */
export function freeClosedChains(): void {
  if (fullCollection === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === "function") fullCollection = exposed;
    else {
      setFlagsFromString("--expose-gc");
      fullCollection = runInNewContext("gc") as () => void;
    }
  }
  fullCollection();
}

/** Opens a fresh in-process chain on this thread's EdrContext. */
export async function openEdrChain(options: EdrChainOptions): Promise<EdrChain> {
  const config = edrProviderConfig(options);
  const context = await edrContext();
  let provider: Provider | undefined = await context.createProvider(
    GENERIC_CHAIN_TYPE,
    config,
    { enable: false, decodeConsoleLogInputsCallback: () => [], printLineCallback: () => undefined },
    { subscriptionCallback: () => undefined },
    new ContractDecoder(),
  );
  liveProviders++;
  finalized.register(provider, undefined);
  let nextId = 1;
  const request = async <T = unknown>(method: string, params: unknown[] = []): Promise<T> => {
    if (provider === undefined) throw new EdrChainClosedError(method);
    const response = await provider.handleRequest(JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }));
    const raw = response.data;
    const body = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
      result?: T;
      error?: { code: number; message: string; data?: unknown };
    };
    if (body.error !== undefined)
      throw new EdrRequestError(method, body.error.code, body.error.message, body.error.data);
    return body.result as T;
  };
  const batch = async <T = unknown>(calls: readonly { method: string; params: unknown[] }[]): Promise<T[]> => {
    if (calls.length === 0) return [];
    if (provider === undefined) throw new EdrChainClosedError(calls[0]!.method);
    const payload = calls.map(({ method, params }) => ({ jsonrpc: "2.0", id: nextId++, method, params }));
    const response = await provider.handleRequest(JSON.stringify(payload));
    const raw = response.data;
    type Answer<R> = { result?: R; error?: { code: number; message: string; data?: unknown } };
    const parsed = (typeof raw === "string" ? JSON.parse(raw) : raw) as unknown;
    // EDR answers a batch with one object holding every result; a standard node with one response each.
    if (Array.isArray(parsed)) {
      return (parsed as Answer<T>[]).map((r, i) => {
        if (r.error !== undefined)
          throw new EdrRequestError(calls[i]!.method, r.error.code, r.error.message, r.error.data);
        return r.result as T;
      });
    }
    const body = parsed as Answer<T[]>;
    if (body.error !== undefined)
      throw new EdrRequestError(calls[0]!.method, body.error.code, body.error.message, body.error.data);
    if (!Array.isArray(body.result) || body.result.length !== calls.length)
      throw new EdrRequestError(
        calls[0]!.method,
        -32603,
        `a batch of ${calls.length} requests got an answer of another shape`,
        body,
      );
    return body.result;
  };
  return {
    request,
    batch,
    eip1193: {
      request: ({ method, params }) =>
        request(method, Array.isArray(params) ? params : params === undefined ? [] : [params]),
    },
    chainId: config.chainId,
    accounts: config.ownedAccounts.map((key) => accountAddress(key as Hex)),
    close: async () => {
      provider = undefined;
    },
  };
}
