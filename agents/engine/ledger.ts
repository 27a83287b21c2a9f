// Holdings from receipts. Every tracked account's balances start from one chain read and then move
// only by the Transfer events in the run's receipts, so no per-account read is needed per block: the
// agents' tokens, quote and position tokens (the pool's LP shares), and the system accounts whose
// balances a mechanism's twin needs (the market's quote, the treasury's). Logs are decoded by hand:
// the layouts are fixed and this runs for every transaction of a battle.

import { type Address, toEventSelector } from "viem";

import type { RpcLog } from "../mechanisms/mechanism.ts";
import type { Holdings } from "../mechanisms/vocabulary.ts";
import { ArenaError } from "../core/errors.ts";
import { dataWord, topicAddress } from "../mechanisms/calldata.ts";

export const TRANSFER_TOPIC = toEventSelector("Transfer(address,address,uint256)");

/** An ERC-20 whose balances the ledger keeps, and the holdings field they fill. */
export interface LedgerAsset {
  address: Address;
  field: keyof Holdings;
}

export class Ledger {
  private readonly holdings = new Map<string, Holdings>();
  private readonly fieldOf = new Map<string, keyof Holdings>();

  constructor(assets: readonly LedgerAsset[]) {
    for (const asset of assets) this.fieldOf.set(asset.address.toLowerCase(), asset.field);
  }

  /** Starts tracking `account` from balances read on chain; returns the live object the ledger moves. */
  track(account: Address, start: Holdings): Holdings {
    const live = { ...start };
    this.holdings.set(account.toLowerCase(), live);
    return live;
  }

  holdingsOf(account: Address): Holdings {
    const h = this.holdings.get(account.toLowerCase());
    if (h === undefined) throw new ArenaError(`ledger: ${account} is not tracked`);
    return h;
  }

  /** One log, in block order: a Transfer of a kept asset moves the tracked sender's and recipient's balances. */
  apply(log: RpcLog): void {
    if (log.topics[0] !== TRANSFER_TOPIC || log.topics.length !== 3) return;
    const field = this.fieldOf.get(log.address.toLowerCase());
    if (field === undefined) return;
    const value = dataWord(log.data, 0);
    const from = this.holdings.get(topicAddress(log.topics[1]!));
    if (from !== undefined) from[field] -= value;
    const to = this.holdings.get(topicAddress(log.topics[2]!));
    if (to !== undefined) to[field] += value;
  }
}
