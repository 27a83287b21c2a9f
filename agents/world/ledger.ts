// Accounting from receipts. Every agent's holdings start from one lens read and then move only by the
// Transfer events in the run's receipts, so no per-agent read is needed per block; the market and pool
// events give the block's volume and fees. Logs are decoded by hand: the layouts are fixed and this
// runs for every transaction of a battle.

import { type Address, type Hex, toEventSelector } from "viem";

import type { Holdings } from "../mechanisms/registry.ts";
import type { SystemAddresses } from "../chain/system.ts";

export const TOPICS = {
  transfer: toEventSelector("Transfer(address,address,uint256)"),
  bought: toEventSelector("Bought(address,address,uint256,uint256,uint256,uint256,uint256)"),
  sold: toEventSelector("Sold(address,address,uint256,uint256,uint256,uint256,uint256)"),
  swap: toEventSelector("Swap(address,address,address,uint256,uint256)"),
} as const;

export interface RpcLog {
  address: string;
  topics: Hex[];
  data: Hex;
}

/** What one block's logs added up to. */
export interface BlockFlows {
  curveVolumeQuote: bigint;
  curveFeesQuote: bigint;
  poolVolumeQuote: bigint;
  poolFeesQuote: bigint;
}

export function emptyFlows(): BlockFlows {
  return { curveVolumeQuote: 0n, curveFeesQuote: 0n, poolVolumeQuote: 0n, poolFeesQuote: 0n };
}

function word(data: Hex, index: number): bigint {
  const start = 2 + index * 64;
  return BigInt(`0x${data.slice(start, start + 64)}`);
}

function topicAddress(topic: Hex): string {
  return `0x${topic.slice(26)}`.toLowerCase();
}

export class Ledger {
  private readonly holdings = new Map<string, Holdings>();
  private readonly token: string;
  private readonly quote: string;
  private readonly pool: string;
  private readonly market: string;

  constructor(addresses: SystemAddresses) {
    this.token = addresses.token.toLowerCase();
    this.quote = addresses.quote.toLowerCase();
    this.pool = addresses.pool.toLowerCase();
    this.market = addresses.market.toLowerCase();
  }

  /** Starts tracking `account` from balances read on chain. */
  track(account: Address, start: Holdings): void {
    this.holdings.set(account.toLowerCase(), { ...start });
  }

  holdingsOf(account: Address): Holdings {
    const h = this.holdings.get(account.toLowerCase());
    if (h === undefined) throw new Error(`ledger: ${account} is not tracked`);
    return h;
  }

  /** Applies one receipt's logs to the tracked holdings and to `flows`; `poolFeeBps` values token-in pool fees. */
  apply(logs: readonly RpcLog[], flows: BlockFlows, poolFeeBps: number): void {
    for (const log of logs) {
      const address = log.address.toLowerCase();
      const topic = log.topics[0];
      if (topic === TOPICS.transfer && log.topics.length === 3) {
        const field =
          address === this.token
            ? "tokens"
            : address === this.quote
              ? "quote"
              : address === this.pool
                ? "lp"
                : undefined;
        if (field === undefined) continue;
        const value = word(log.data, 0);
        const from = this.holdings.get(topicAddress(log.topics[1]!));
        if (from !== undefined) from[field] -= value;
        const to = this.holdings.get(topicAddress(log.topics[2]!));
        if (to !== undefined) to[field] += value;
      } else if (address === this.market && topic === TOPICS.bought) {
        flows.curveVolumeQuote += word(log.data, 1); // paid, fee included
        flows.curveFeesQuote += word(log.data, 2);
      } else if (address === this.market && topic === TOPICS.sold) {
        const refund = word(log.data, 1);
        const fee = word(log.data, 2);
        flows.curveVolumeQuote += refund + fee;
        flows.curveFeesQuote += fee;
      } else if (address === this.pool && topic === TOPICS.swap) {
        const quoteIn = topicAddress(log.topics[3]!) === this.quote;
        const amountIn = word(log.data, 0);
        const amountOut = word(log.data, 1);
        const fee = BigInt(poolFeeBps);
        if (quoteIn) {
          flows.poolVolumeQuote += amountIn;
          flows.poolFeesQuote += (amountIn * fee) / 10_000n;
        } else {
          flows.poolVolumeQuote += amountOut;
          // The fee's tokens, valued at the rate this swap got.
          if (fee < 10_000n) flows.poolFeesQuote += (amountOut * fee) / (10_000n - fee);
        }
      }
    }
  }
}
