// What a run has shown of its accounts and mapping keys, gathered from transactions, receipts and
// logs, so a copy of the chain can find every storage slot: nothing in EVM storage lists a mapping's
// keys, but the keys a system writes under are the addresses that act and the ids its events name.
//
// Kept, and bounded by the system's accounts and governance actions, never by its volume:
//   - accounts: every transaction's sender and recipient, created contract, log emitter, block miner,
//     and every address an event names;
//   - words: every indexed event argument (topics), and of the arguments in a log's data those typed
//     address or bytes32 and the integers named like keys (proposalId, scheduleId, timepoint, ...),
//     never amounts;
//   - pairs: the words that appear together in one log (owner and spender, role and account, proposal
//     and voter), which are the candidates for the inner key of a nested mapping.

import { type AbiEvent, decodeEventLog, type Hex, toEventSelector } from "viem";

import type { RequestFn } from "./edr-chain.ts";

export interface HarvestLog {
  address: string;
  topics: readonly string[];
  data: string;
}

export interface HarvestReceipt {
  from?: string | null;
  to?: string | null;
  contractAddress?: string | null;
  logs: readonly HarvestLog[];
}

/** Integer event arguments that are keys, by name; the rest of the integers are amounts and are not kept. */
const KEY_NAME = /(id|key|role|timepoint|snapshot|index|nonce)s?$/i;
const ADDRESS_LIMIT = 1n << 160n;

export class KeyHarvest {
  /** Lower-case addresses of accounts the run touched. */
  readonly accounts = new Set<string>();
  /** Lower-case addresses that sent a transaction (on a local chain: unlocked or impersonated). */
  readonly senders = new Set<string>();
  /** Key-like words: addresses, ids, roles, keys, timepoints. */
  readonly words = new Set<bigint>();
  private readonly partners = new Map<bigint, Set<bigint>>();
  private readonly events = new Map<string, AbiEvent>();
  /** Events whose data holds no key, by selector/indexed count: the topic positions that hold addresses. */
  private readonly topicsOnly = new Map<string, number[]>();
  /** The last block `scan` read (-1 before the first). */
  scannedThrough = -1n;

  /** `events` decode the data of the logs they emit; other logs give their topics only. */
  constructor(events: readonly AbiEvent[] = []) {
    this.addEvents(events);
  }

  addEvents(events: readonly AbiEvent[]): void {
    for (const event of events) {
      // Only events with key-like data (addresses, bytes32, integers named like keys) are worth decoding:
      // the hot path's Transfer, Bought, Sold, Swap and Sync give their keys in their topics.
      const keyed = event.inputs.some((input) => !input.indexed && isKeyInput(input));
      const key = `${toEventSelector(event)}/${indexedCount(event)}`;
      this.events.set(key, event);
      if (!keyed) this.topicsOnly.set(key, addressTopics(event));
    }
  }

  /** Words seen in one log with `word`: the candidates for a nested mapping's inner key. */
  partnersOf(word: bigint): ReadonlySet<bigint> {
    return this.partners.get(word) ?? EMPTY;
  }

  addAccount(address: string | null | undefined): void {
    if (address === null || address === undefined) return;
    const lower = address.toLowerCase();
    this.accounts.add(lower);
    this.words.add(BigInt(lower));
  }

  observeTransaction(tx: { from?: string | null; to?: string | null }): void {
    this.addAccount(tx.from);
    if (tx.from !== null && tx.from !== undefined) this.senders.add(tx.from.toLowerCase());
    this.addAccount(tx.to);
  }

  observeReceipt(receipt: HarvestReceipt): void {
    this.observeTransaction(receipt);
    this.addAccount(receipt.contractAddress);
    for (const log of receipt.logs) this.observeLog(log);
  }

  observeLog(log: HarvestLog): void {
    this.addAccount(log.address);
    const found: bigint[] = log.topics.slice(1).map((t) => BigInt(t));
    const key = log.topics.length > 0 ? `${log.topics[0]}/${log.topics.length - 1}` : "";
    const addressAt = this.topicsOnly.get(key);
    const event = addressAt === undefined ? this.events.get(key) : undefined;
    if (addressAt !== undefined) {
      // A known event whose data holds no key: its topics are its keys, its indexed addresses accounts.
      for (const at of addressAt) this.addAccount(addressOf(BigInt(log.topics[at]!)));
    } else if (event !== undefined) {
      found.push(...this.keyArguments(event, log));
    } else {
      // An unknown event: a topic that looks like an address may be an account.
      for (const word of found) if (word >= 1n << 64n && word < ADDRESS_LIMIT) this.accounts.add(addressOf(word));
    }
    for (const word of found) this.words.add(word);
    for (let i = 0; i < found.length; i++) {
      for (let j = 0; j < found.length; j++) {
        if (i === j || found[i] === found[j]) continue;
        let set = this.partners.get(found[i]!);
        if (set === undefined) this.partners.set(found[i]!, (set = new Set()));
        set.add(found[j]!);
      }
    }
  }

  /**
   * Records that blocks through `block` have been observed already (an engine that feeds every
   * transaction and receipt it mines as it goes), so `scan` starts after them.
   */
  markScanned(block: bigint): void {
    if (block > this.scannedThrough) this.scannedThrough = block;
  }

  /**
   * Reads the blocks after the last scanned one through `toBlock` (the latest by default): each block's
   * miner, and each transaction's sender, recipient and receipt.
   */
  async scan(request: RequestFn, toBlock?: bigint): Promise<{ blocks: number; transactions: number }> {
    const last = toBlock ?? BigInt(await request<Hex>("eth_blockNumber"));
    let transactions = 0;
    const from = this.scannedThrough + 1n;
    for (let n = from; n <= last; n++) {
      const block = await request<{ miner: string; transactions: { hash: Hex; from: string; to: string | null }[] }>(
        "eth_getBlockByNumber",
        [`0x${n.toString(16)}`, true],
      );
      this.addAccount(block.miner);
      const receipts = await Promise.all(
        block.transactions.map((tx) => request<HarvestReceipt>("eth_getTransactionReceipt", [tx.hash])),
      );
      for (const receipt of receipts) this.observeReceipt(receipt);
      transactions += receipts.length;
      this.scannedThrough = n;
    }
    return { blocks: Number(last - from + 1n), transactions };
  }

  private keyArguments(event: AbiEvent, log: HarvestLog): bigint[] {
    let args: Record<string, unknown> | readonly unknown[];
    try {
      ({ args } = decodeEventLog({ abi: [event], topics: log.topics as [Hex, ...Hex[]], data: log.data as Hex }) as {
        args: Record<string, unknown> | readonly unknown[];
      });
    } catch {
      return [];
    }
    const out: bigint[] = [];
    let topic = 1;
    event.inputs.forEach((input, i) => {
      if (input.indexed) {
        // Its topic is kept as it is; an indexed address is an account too.
        const word = log.topics[topic++];
        if (input.type === "address" && word !== undefined) this.addAccount(addressOf(BigInt(word)));
        return;
      }
      const value = Array.isArray(args) ? args[i] : (args as Record<string, unknown>)[input.name ?? ""];
      const base = input.type.replace(/\[\d*\]$/, "");
      const values = Array.isArray(value) ? value : [value];
      if (base === "address") {
        for (const v of values) {
          this.addAccount(v as string);
          out.push(BigInt(v as string));
        }
      } else if (base === "bytes32") {
        for (const v of values) out.push(BigInt(v as string));
      } else if (/^u?int\d*$/.test(base) && KEY_NAME.test(input.name ?? "")) {
        for (const v of values) if (typeof v === "bigint" && v >= 0n) out.push(v);
      }
    });
    return out;
  }
}

const EMPTY: ReadonlySet<bigint> = new Set();

/** The topic positions (1-based, after the selector) of an event's indexed addresses. */
function addressTopics(event: AbiEvent): number[] {
  const out: number[] = [];
  let topic = 1;
  for (const input of event.inputs) {
    if (!input.indexed) continue;
    if (input.type === "address") out.push(topic);
    topic++;
  }
  return out;
}

/** A non-indexed argument whose value can be a mapping key. */
function isKeyInput(input: { type: string; name?: string }): boolean {
  const base = input.type.replace(/\[\d*\]$/, "");
  return base === "address" || base === "bytes32" || (/^u?int\d*$/.test(base) && KEY_NAME.test(input.name ?? ""));
}

function indexedCount(event: AbiEvent): number {
  return event.inputs.filter((i) => i.indexed).length;
}

function addressOf(word: bigint): string {
  return `0x${word.toString(16).padStart(40, "0")}`;
}
