// Moves a running chain to a fresh one, exactly: every account's code, balance, nonce and non-zero
// storage slot, the latest block's number, timestamp, prevrandao and base fee, the next base fee, the
// chain's clock, automine and the impersonated accounts. Then checks it: eth_getProof on both sides
// gives the same balance, nonce, code hash and storage hash for every account, and the two latest
// blocks have the same state root, which also covers accounts the run never showed.
//
// Why not a state dump: EDR has none, nor any storage enumeration. The slots come from the contracts'
// storage layouts walked with the keys the run has shown (key-harvest.ts, storage-walk.ts); any slot
// that walk misses changes the account's storage hash, so a miss is an error naming the account, never
// a silently different chain. The source is any JSON-RPC request function (Hardhat's connection or an
// EDR chain) between blocks with an empty mempool; its snapshots (evm_snapshot) do not carry over.

import { ArenaError } from "../core/errors.ts";
import type { Hex } from "viem";

import { type ContractLayouts, loadContractLayouts } from "./contract-layouts.ts";
import type { RequestFn } from "./edr-chain.ts";
import type { KeyHarvest } from "./key-harvest.ts";
import { pushedWords, walkStorage } from "./storage-walk.ts";

export interface StateCopyOptions {
  /** What the source's run has shown; scanned forward to the source's latest block first. */
  harvest: KeyHarvest;
  /** The compiled contracts; the project's artifacts/ by default (read once per process). */
  layouts?: ContractLayouts;
  /** Accounts the destination impersonates, as the source did. */
  impersonate?: readonly string[];
  /**
   * Also impersonate every sender the harvest saw that the destination does not unlock: nothing tells
   * which accounts a chain impersonates, but on a local chain a sender is unlocked or impersonated.
   */
  impersonateSenders?: boolean;
  /** More accounts to copy (the harvest and both chains' unlocked accounts are always copied). */
  accounts?: readonly string[];
}

export interface CopiedContract {
  address: string;
  /** `source:Name` of the compiled contract, or undefined when the code is none of the project's. */
  contract: string | undefined;
  slots: number;
}

export interface StateCopyReport {
  block: bigint;
  timestamp: bigint;
  stateRoot: Hex;
  /** Accounts that exist on the source and were copied. */
  accounts: number;
  contracts: CopiedContract[];
  /** Non-zero storage slots written. */
  slots: number;
  /** Slots the walk read (zeros included). */
  slotsRead: number;
  scanned: { blocks: number; transactions: number };
  ms: { scan: number; read: number; write: number; verify: number; total: number };
}

export interface AccountDifference {
  address: string;
  contract?: string;
  /** Why a storage hash may differ: the code matches none of the compiled contracts, so no layout was walked. */
  note?: string;
  fields: { field: "balance" | "nonce" | "codeHash" | "storageHash"; source: string; destination: string }[];
}

export class StateCopyError extends ArenaError {
  readonly differences: readonly AccountDifference[];
  constructor(message: string, differences: readonly AccountDifference[] = []) {
    super(message);
    this.differences = differences;
  }
}

interface Proof {
  balance: Hex;
  nonce: Hex;
  codeHash: Hex;
  storageHash: Hex;
  storageProof: { key: Hex; value: Hex }[];
}

interface Block {
  number: Hex;
  timestamp: Hex;
  mixHash: Hex;
  miner: string;
  baseFeePerGas?: Hex;
  gasLimit: Hex;
  stateRoot: Hex;
  transactions: unknown[];
}

const EMPTY_CODE_HASH = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
const EMPTY_TRIE = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
/** EIP-4788 beacon roots and EIP-2935 block hashes: in every chain's genesis from Cancun and Prague. */
const SYSTEM_CONTRACTS = ["0x000f3df6d732807ef1319fb7b8bb8522d0beac02", "0x0000f90827f1c53a10cb7a02335b175320002935"];
/** Storage keys per eth_getProof, and requests in flight at once. */
const PROOF_BATCH = 512;
const PARALLEL = 32;

/**
 * Copies the source's state into `destination`, a fresh chain (only its genesis block) with the same
 * chain id whose genesis is no later than the source's (open it with the same startTime). Throws a
 * StateCopyError naming every account that differs after the copy.
 */
export async function copyChainState(
  source: RequestFn,
  destination: RequestFn,
  options: StateCopyOptions,
): Promise<StateCopyReport> {
  const started = performance.now();
  const latest = await source<Block>("eth_getBlockByNumber", ["latest", false]);
  const pending = await source<Block>("eth_getBlockByNumber", ["pending", false]);
  const block = BigInt(latest.number);
  const tag = latest.number;
  if (pending.transactions.length > 0)
    throw new StateCopyError(
      `the source has ${pending.transactions.length} pending transactions; copy between blocks, after mining them`,
    );
  if (block === 0n) throw new StateCopyError("the source has mined no block yet: nothing to copy");
  await checkDestination(source, destination, block);

  const scanned = await options.harvest.scan(source, block);
  const scanDone = performance.now();

  const layouts = options.layouts ?? (await loadContractLayouts());
  // Accounts known besides the run's are mapping keys too (a genesis account's token balance, say).
  for (const a of [
    ...(options.accounts ?? []),
    ...(options.impersonate ?? []),
    ...(await source<string[]>("eth_accounts")),
    ...(await destination<string[]>("eth_accounts")),
    latest.miner,
  ])
    options.harvest.addAccount(a);
  const addresses = new Set<string>([...options.harvest.accounts, ...SYSTEM_CONTRACTS]);

  // Read every account, its code and its storage at the source's latest block.
  const accounts: { address: string; proof: Proof; code?: Hex; slots: Map<bigint, bigint>; contract?: string }[] = [];
  const contracts: CopiedContract[] = [];
  let slotsRead = 0;
  await inParallel([...addresses].sort(), async (address) => {
    const proof = await source<Proof>("eth_getProof", [address, [], tag]);
    if (isEmpty(proof)) return;
    const entry: (typeof accounts)[number] = { address, proof, slots: new Map() };
    accounts.push(entry);
    if (proof.codeHash !== EMPTY_CODE_HASH) entry.code = await source<Hex>("eth_getCode", [address, tag]);
    if (proof.storageHash === EMPTY_TRIE) return;
    const compiled = entry.code === undefined ? undefined : layouts.identify(entry.code);
    entry.contract = compiled?.name;
    if (compiled !== undefined && compiled.layout === undefined)
      throw new StateCopyError(
        `${address} is ${compiled.name}, whose build info has no storage layout: select "storageLayout" in hardhat.config.ts's solidity outputSelection and rebuild`,
      );
    const read = (slots: readonly bigint[]) => readSlots(source, address, slots, tag);
    const extra = entry.code === undefined ? [] : pushedWords(entry.code);
    // Code none of the compiled contracts: its first slots and the fixed slots its code names.
    const values =
      compiled === undefined
        ? await walkStorage({ storage: [], types: {} }, options.harvest, read, [...extra, ...range(64n)])
        : await walkStorage(compiled.layout!, options.harvest, read, extra);
    slotsRead += values.size;
    for (const [slot, value] of values) if (value !== 0n) entry.slots.set(slot, value);
    contracts.push({ address, contract: entry.contract, slots: entry.slots.size });
  });
  const readDone = performance.now();

  // Write them, then mine the latest block again at its timestamp with its prevrandao and base fee.
  const blocksBefore = block - 1n;
  if (blocksBefore > 0n) await destination("hardhat_mine", [quantity(blocksBefore), "0x1"]);
  const destinationAccounts = new Map<string, Proof>();
  await inParallel(accounts, async (a) => {
    destinationAccounts.set(a.address, await destination<Proof>("eth_getProof", [a.address, [], "latest"]));
  });
  const writes: (() => Promise<unknown>)[] = [];
  for (const a of accounts) {
    const there = destinationAccounts.get(a.address)!;
    if (a.code !== undefined) writes.push(() => destination("hardhat_setCode", [a.address, a.code]));
    if (BigInt(there.nonce) !== BigInt(a.proof.nonce))
      writes.push(() => destination("hardhat_setNonce", [a.address, quantity(BigInt(a.proof.nonce))]));
    if (BigInt(there.balance) !== BigInt(a.proof.balance))
      writes.push(() => destination("hardhat_setBalance", [a.address, quantity(BigInt(a.proof.balance))]));
    for (const [slot, value] of a.slots)
      writes.push(() => destination("hardhat_setStorageAt", [a.address, word(slot), word(value)]));
  }
  await inParallel(writes, (write) => write());
  const lastBefore = await destination<Block>("eth_getBlockByNumber", ["latest", false]);
  if (BigInt(lastBefore.timestamp) >= BigInt(latest.timestamp))
    throw new StateCopyError(
      `the destination's block ${blocksBefore} has timestamp ${BigInt(lastBefore.timestamp)}, not before the source's latest ${BigInt(latest.timestamp)}: open the destination with the source's startTime or earlier`,
    );
  await destination("hardhat_setPrevRandao", [latest.mixHash]);
  await destination("hardhat_setNextBlockBaseFeePerGas", [latest.baseFeePerGas ?? "0x0"]);
  if (lastBefore.miner.toLowerCase() !== latest.miner.toLowerCase())
    await destination("hardhat_setCoinbase", [latest.miner]);
  if (lastBefore.gasLimit !== latest.gasLimit) await destination("evm_setBlockGasLimit", [latest.gasLimit]);
  await destination("evm_mine", [Number(BigInt(latest.timestamp))]);

  // What the next block starts from: its base fee, the clock, automine, the impersonated senders.
  await destination("hardhat_setNextBlockBaseFeePerGas", [pending.baseFeePerGas ?? "0x0"]);
  if (pending.gasLimit !== latest.gasLimit) await destination("evm_setBlockGasLimit", [pending.gasLimit]);
  const sourceClock = BigInt((await source<Block>("eth_getBlockByNumber", ["pending", false])).timestamp);
  const destinationClock = BigInt((await destination<Block>("eth_getBlockByNumber", ["pending", false])).timestamp);
  if (sourceClock > destinationClock) await destination("evm_increaseTime", [Number(sourceClock - destinationClock)]);
  await destination("evm_setAutomine", [await source<boolean>("hardhat_getAutomine")]);
  const unlocked = new Set((await destination<string[]>("eth_accounts")).map((a) => a.toLowerCase()));
  const impersonate = new Set((options.impersonate ?? []).map((a) => a.toLowerCase()));
  if (options.impersonateSenders) for (const a of options.harvest.senders) if (!unlocked.has(a)) impersonate.add(a);
  for (const a of impersonate) await destination("hardhat_impersonateAccount", [a]);
  const writeDone = performance.now();

  const differences = await compareAccounts(source, destination, [...addresses], tag, accounts);
  const copied = await destination<Block>("eth_getBlockByNumber", ["latest", false]);
  if (differences.length > 0) {
    throw new StateCopyError(
      `the copy differs from the source at block ${block} in ${differences.length} accounts: ${differences.map(describe).join("; ")}`,
      differences,
    );
  }
  if (copied.stateRoot !== latest.stateRoot || copied.number !== latest.number)
    throw new StateCopyError(
      `every copied account matches, but block ${BigInt(copied.number)}'s state root is ${copied.stateRoot} on the destination and ${latest.stateRoot} on the source: the source has an account the run never showed (one given a balance, code or storage by a hardhat_set* call, that never sent a transaction nor appeared in a log?): pass it in options.accounts`,
    );
  const done = performance.now();
  return {
    block,
    timestamp: BigInt(latest.timestamp),
    stateRoot: latest.stateRoot,
    accounts: accounts.length,
    contracts: contracts.sort((a, b) => a.address.localeCompare(b.address)),
    slots: accounts.reduce((n, a) => n + a.slots.size, 0),
    slotsRead,
    scanned,
    ms: {
      scan: scanDone - started,
      read: readDone - scanDone,
      write: writeDone - readDone,
      verify: done - writeDone,
      total: done - started,
    },
  };
}

/** Accounts whose balance, nonce, code hash or storage hash differ between the source at `tag` and the destination's latest block. */
export async function compareAccounts(
  source: RequestFn,
  destination: RequestFn,
  addresses: readonly string[],
  tag: string = "latest",
  known: readonly { address: string; contract?: string; code?: Hex }[] = [],
): Promise<AccountDifference[]> {
  const byAddress = new Map(known.map((a) => [a.address, a]));
  const differences: AccountDifference[] = [];
  await inParallel(addresses, async (address) => {
    const [a, b] = await Promise.all([
      source<Proof>("eth_getProof", [address, [], tag]),
      destination<Proof>("eth_getProof", [address, [], "latest"]),
    ]);
    const fields: AccountDifference["fields"] = [];
    for (const field of ["balance", "nonce", "codeHash", "storageHash"] as const) {
      const same =
        field === "balance" || field === "nonce" ? BigInt(a[field]) === BigInt(b[field]) : a[field] === b[field];
      if (!same) fields.push({ field, source: a[field], destination: b[field] });
    }
    if (fields.length > 0) {
      const entry = byAddress.get(address.toLowerCase());
      const contract = entry?.contract;
      const unknownCode = entry?.code !== undefined && contract === undefined;
      differences.push({
        address,
        ...(contract === undefined ? {} : { contract }),
        ...(unknownCode ? { note: "its code is none of the compiled contracts: no storage layout to walk" } : {}),
        fields,
      });
    }
  });
  return differences.sort((x, y) => x.address.localeCompare(y.address));
}

async function checkDestination(source: RequestFn, destination: RequestFn, block: bigint): Promise<void> {
  const [sourceChain, destinationChain, destinationBlock] = await Promise.all([
    source<Hex>("eth_chainId"),
    destination<Hex>("eth_chainId"),
    destination<Hex>("eth_blockNumber"),
  ]);
  if (BigInt(sourceChain) !== BigInt(destinationChain))
    throw new StateCopyError(
      `the destination's chain id is ${BigInt(destinationChain)}, the source's ${BigInt(sourceChain)}: open it with the source's`,
    );
  if (BigInt(destinationBlock) !== 0n)
    throw new StateCopyError(
      `the destination has mined ${BigInt(destinationBlock)} blocks: copy into a fresh chain (to reach block ${block})`,
    );
  const [sourceGenesis, destinationGenesis] = await Promise.all([
    source<Block>("eth_getBlockByNumber", ["0x0", false]),
    destination<Block>("eth_getBlockByNumber", ["0x0", false]),
  ]);
  if (BigInt(destinationGenesis.timestamp) > BigInt(sourceGenesis.timestamp))
    throw new StateCopyError(
      `the destination's genesis (${BigInt(destinationGenesis.timestamp)}) is later than the source's (${BigInt(sourceGenesis.timestamp)}): open it with the source's startTime or earlier, so its first ${block - 1n} blocks fit before the source's latest`,
    );
}

async function readSlots(request: RequestFn, address: string, slots: readonly bigint[], tag: string) {
  const out: bigint[] = new Array(slots.length);
  const batches: number[] = [];
  for (let i = 0; i < slots.length; i += PROOF_BATCH) batches.push(i);
  await inParallel(batches, async (start) => {
    const keys = slots.slice(start, start + PROOF_BATCH).map(word);
    const proof = await request<Proof>("eth_getProof", [address, keys, tag]);
    proof.storageProof.forEach((p, i) => {
      out[start + i] = BigInt(p.value);
    });
  });
  return out;
}

/** Runs `task` over `items`, at most PARALLEL at a time (concurrent requests overlap the round trips). */
async function inParallel<T>(items: readonly T[], task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

function isEmpty(p: Proof): boolean {
  return (
    BigInt(p.balance) === 0n && BigInt(p.nonce) === 0n && p.codeHash === EMPTY_CODE_HASH && p.storageHash === EMPTY_TRIE
  );
}

function describe(d: AccountDifference): string {
  const what = d.fields.map((f) => `${f.field} ${f.source} on the source, ${f.destination} on the copy`).join(", ");
  const note = d.note === undefined ? "" : ` (${d.note})`;
  return `${d.address}${d.contract === undefined ? "" : ` (${d.contract})`}: ${what}${note}`;
}

function range(n: bigint): bigint[] {
  return Array.from({ length: Number(n) }, (_, i) => BigInt(i));
}

function quantity(value: bigint): Hex {
  return `0x${value.toString(16)}`;
}

function word(value: bigint): Hex {
  return `0x${value.toString(16).padStart(64, "0")}`;
}
