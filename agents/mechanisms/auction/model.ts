// contracts/BatchAuction.sol in bigint: the order book of each batch (one list sorted by price
// ascending, linked as the contract links it), the batch window, the issuer's offer when a batch
// opens, the settle walk (at most maxOrders orders a call, the same state kept between calls), the
// clearing it records, each order's payout, and the rule the store pushes. Checks in the contract's
// order with its error names (ModelRevert); a reverted call changes nothing. The differential test
// (test/model-auction-differential.test.ts) holds it to the contract to the wei.

import { ModelRevert } from "../../core/model-revert.ts";
import { MAX_BATCH_SECONDS, MAX_FEE_BPS, MAX_HINT_STEPS, MAX_PRICE_WAD } from "../../core/limits.ts";
import { BPS, WAD } from "../../core/units.ts";

export const AUCTION_KEYS = {
  batchSeconds: "auction.batchSeconds",
  feeBps: "auction.feeBps",
  issuePerBatch: "auction.issuePerBatch",
  reservePriceWad: "auction.reservePriceWad",
} as const;

export const MAX_UINT96 = (1n << 96n) - 1n;
/** The most an order holds (its amount is a uint88 in the contract: 3.09e26 wei). */
export const MAX_ORDER_AMOUNT = (1n << 88n) - 1n;
const MAX_LEVEL = MAX_UINT96;

export const OPEN = 0n;
export const SETTLING = 1n;
export const SETTLED = 2n;

export interface AuctionOrder {
  owner: string;
  sell: boolean;
  amount: bigint;
  priceWad: bigint;
  next: number;
  batch: number;
}

export interface AuctionBatch {
  head: number;
  closesAt: bigint;
  status: bigint;
  totalBuyQuote: bigint;
}

export interface AuctionWalk {
  cursor: number;
  buyQuote: bigint;
  sellTokens: bigint;
  prev: bigint;
  prevLevelBuy: bigint;
  level: bigint;
  levelBuy: bigint;
  levelSell: bigint;
}

export interface AuctionClearing {
  buyLevel: bigint;
  sellLevel: bigint;
  matchedQuote: bigint;
  matchedTokens: bigint;
  buyLevelQuote: bigint;
  buyMatchedQuote: bigint;
  sellLevelTokens: bigint;
  sellMatchedTokens: bigint;
  feeQuote: bigint;
}

export interface AuctionRule {
  batchSeconds: bigint;
  feeBps: bigint;
  issuePerBatch: bigint;
  reservePriceWad: bigint;
}

export interface AuctionGlobals extends AuctionRule {
  lastBatch: number;
  nextOrder: number;
  inventory: bigint;
  /** WAD × 10^(18 − quote decimals): a price times tokens over it is quote units. */
  valueScale: bigint;
  treasury: string;
}

/** What a placed order did: its id, and the batch it opened (with the issuer's order) if any. */
export interface Placed {
  orderId: number;
  opened?: { batchId: number; issuerOrderId: number; issuerTokens: bigint };
}

/** What a settle call did: how many orders it walked, and the clearing when it finished. */
export interface SettleStep {
  processed: number;
  cursor: number;
  clearing?: AuctionClearing;
}

const ZERO_CLEARING: AuctionClearing = {
  buyLevel: 0n,
  sellLevel: 0n,
  matchedQuote: 0n,
  matchedTokens: 0n,
  buyLevelQuote: 0n,
  buyMatchedQuote: 0n,
  sellLevelTokens: 0n,
  sellMatchedTokens: 0n,
  feeQuote: 0n,
};

const ceilDiv = (a: bigint, b: bigint) => (a === 0n ? 0n : (a - 1n) / b + 1n);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

export class AuctionModel {
  readonly g: AuctionGlobals;
  readonly orders: Map<number, AuctionOrder>;
  readonly batches: Map<number, AuctionBatch>;
  readonly walks: Map<number, AuctionWalk>;
  readonly clearings: Map<number, AuctionClearing>;

  constructor(
    g: AuctionGlobals,
    orders = new Map<number, AuctionOrder>(),
    batches = new Map<number, AuctionBatch>(),
    walks = new Map<number, AuctionWalk>(),
    clearings = new Map<number, AuctionClearing>(),
  ) {
    this.g = { ...g };
    this.orders = new Map([...orders].map(([k, o]) => [k, { ...o }]));
    this.batches = new Map([...batches].map(([k, b]) => [k, { ...b }]));
    this.walks = new Map([...walks].map(([k, w]) => [k, { ...w }]));
    this.clearings = new Map([...clearings].map(([k, c]) => [k, { ...c }]));
  }

  /** The contract as its constructor leaves it: the store's rule checked and cached, `inventory` to offer. */
  static deployed(rule: AuctionRule & { inventory: bigint; quoteDecimals: number; treasury: string }): AuctionModel {
    if (rule.inventory > MAX_UINT96)
      throw new ModelRevert("AmountTooLarge", { amount: rule.inventory, max: MAX_UINT96 });
    const m = new AuctionModel({
      batchSeconds: 0n,
      feeBps: 0n,
      issuePerBatch: 0n,
      reservePriceWad: 0n,
      lastBatch: 0,
      nextOrder: 1,
      inventory: rule.inventory,
      valueScale: WAD * 10n ** BigInt(18 - rule.quoteDecimals),
      treasury: rule.treasury.toLowerCase(),
    });
    for (const key of Object.values(AUCTION_KEYS)) m.setParameter(key, rule[keyField(key)]);
    return m;
  }

  clone(): AuctionModel {
    return new AuctionModel(this.g, this.orders, this.batches, this.walks, this.clearings);
  }

  batch(batchId: number): AuctionBatch {
    return { ...(this.batches.get(batchId) ?? { head: 0, closesAt: 0n, status: OPEN, totalBuyQuote: 0n }) };
  }

  clearing(batchId: number): AuctionClearing {
    return { ...(this.clearings.get(batchId) ?? ZERO_CLEARING) };
  }

  /** The batch an order placed at `timestamp` joins, and whether it opens it. */
  batchAt(timestamp: bigint): { batchId: number; opens: boolean } {
    const last = this.g.lastBatch;
    if (last === 0 || timestamp >= this.batch(last).closesAt) return { batchId: last + 1, opens: true };
    return { batchId: last, opens: false };
  }

  /** The orders of a batch in list order (price ascending). */
  ordersOf(batchId: number): { id: number; order: AuctionOrder }[] {
    const out: { id: number; order: AuctionOrder }[] = [];
    for (let id = this.batch(batchId).head; id !== 0; id = this.orders.get(id)!.next)
      out.push({ id, order: this.orders.get(id)! });
    return out;
  }

  /** The best hint for an order priced `priceWad` placed at `timestamp`: the last order priced at most as high (0: the head). */
  hintFor(priceWad: bigint, timestamp: bigint): number {
    const { batchId, opens } = this.batchAt(timestamp);
    if (opens) return 0;
    let hint = 0;
    for (const { id, order } of this.ordersOf(batchId)) {
      if (order.priceWad > priceWad) break;
      hint = id;
    }
    return hint;
  }

  /**
   * placeBuy / placeSell by `owner` at `timestamp`; `balance` is its balance of what it escrows (the
   * transfer's check, last: the allowance is assumed unlimited).
   */
  place(
    owner: string,
    sell: boolean,
    amount: bigint,
    priceWad: bigint,
    hint: bigint,
    timestamp: bigint,
    balance?: bigint,
  ): Placed {
    if (amount === 0n) throw new ModelRevert("ZeroAmount");
    if (amount > MAX_ORDER_AMOUNT) throw new ModelRevert("AmountTooLarge", { amount, max: MAX_ORDER_AMOUNT });
    if (priceWad === 0n || priceWad > MAX_PRICE_WAD)
      throw new ModelRevert("PriceOutOfRange", { priceWad, maxPriceWad: MAX_PRICE_WAD });
    const g = this.g;
    const { batchId, opens } = this.batchAt(timestamp);
    let nextOrder = g.nextOrder;
    let head = opens ? 0 : this.batch(batchId).head;
    let issuer: AuctionOrder | undefined;
    let issuerId = 0;
    let issued = 0n;
    if (opens) {
      issued = min(min(g.issuePerBatch, g.inventory), MAX_ORDER_AMOUNT);
      if (issued !== 0n) {
        issuerId = nextOrder++;
        issuer = {
          owner: g.treasury,
          sell: true,
          amount: issued,
          priceWad: g.reservePriceWad,
          next: 0,
          batch: batchId,
        };
        head = issuerId;
      }
    }
    const orderAt = (id: number): AuctionOrder | undefined =>
      id === issuerId && issuer ? issuer : this.orders.get(id);
    const orderId = nextOrder++;
    // _placeOf
    let prev = Number(hint);
    let next: number;
    if (hint === 0n) next = head;
    else {
      const h = hint > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : orderAt(Number(hint));
      if (h === undefined || h.batch !== batchId || h.priceWad > priceWad)
        throw new ModelRevert("InvalidHint", { hint, batchId: BigInt(batchId) });
      next = h.next;
    }
    let steps = 0n;
    while (next !== 0) {
      const n = orderAt(next)!;
      if (n.priceWad > priceWad) break;
      if (++steps > MAX_HINT_STEPS) throw new ModelRevert("HintTooFar", { hint, steps });
      prev = next;
      next = n.next;
    }
    if (balance !== undefined && balance < amount)
      throw new ModelRevert("ERC20InsufficientBalance", { sender: owner, balance, needed: amount });

    // effects
    const b = opens
      ? { head, closesAt: timestamp + g.batchSeconds, status: OPEN, totalBuyQuote: 0n }
      : this.batch(batchId);
    if (opens) {
      g.lastBatch = batchId;
      g.inventory -= issued;
      if (issuer !== undefined) this.orders.set(issuerId, issuer);
    }
    this.orders.set(orderId, { owner: owner.toLowerCase(), sell, amount, priceWad, next, batch: batchId });
    if (prev === 0) b.head = orderId;
    else this.orders.get(prev)!.next = orderId;
    if (!sell) b.totalBuyQuote += amount;
    this.batches.set(batchId, b);
    g.nextOrder = nextOrder;
    const placed: Placed = { orderId };
    if (opens) placed.opened = { batchId, issuerOrderId: issuerId, issuerTokens: issued };
    return placed;
  }

  /** settle(batchId, maxOrders) at `timestamp`. */
  settle(batchIdWord: bigint, maxOrders: bigint, timestamp: bigint): SettleStep {
    if (maxOrders === 0n) throw new ModelRevert("ZeroOrders");
    const last = BigInt(this.g.lastBatch);
    if (batchIdWord === 0n || batchIdWord > last)
      throw new ModelRevert("UnknownBatch", { batchId: batchIdWord, lastBatchId: last });
    const batchId = Number(batchIdWord);
    const b = this.batch(batchId);
    if (b.status === SETTLED) throw new ModelRevert("BatchAlreadySettled", { batchId: batchIdWord });
    if (timestamp < b.closesAt)
      throw new ModelRevert("BatchStillOpen", { batchId: batchIdWord, closesAt: b.closesAt, timestamp });
    const w: AuctionWalk =
      b.status === OPEN
        ? {
            cursor: b.head,
            buyQuote: b.totalBuyQuote,
            sellTokens: 0n,
            prev: 0n,
            prevLevelBuy: 0n,
            level: 0n,
            levelBuy: 0n,
            levelSell: 0n,
          }
        : { ...this.walks.get(batchId)! };
    let processed = 0n;
    let c: AuctionClearing | undefined;
    for (;;) {
      if (w.cursor === 0) {
        c = w.level === 0n || !this.closeLevel(w) ? this.cross(w, MAX_LEVEL) : this.atSellLevel(w);
        break;
      }
      if (processed === maxOrders) break;
      const o = this.orders.get(w.cursor)!;
      if (w.level !== 0n && o.priceWad !== w.level && this.closeLevel(w)) {
        c = this.atSellLevel(w);
        break;
      }
      if (w.level === 0n) {
        if (w.sellTokens !== 0n && w.buyQuote * this.g.valueScale < o.priceWad * w.sellTokens) {
          c = this.cross(w, o.priceWad);
          break;
        }
        w.level = o.priceWad;
      }
      if (o.sell) w.levelSell += o.amount;
      else w.levelBuy += o.amount;
      w.cursor = o.next;
      ++processed;
    }
    if (c === undefined) {
      if (b.status === OPEN) this.batches.set(batchId, { ...b, status: SETTLING });
      this.walks.set(batchId, w);
      return { processed: Number(processed), cursor: w.cursor };
    }
    c.feeQuote = ceilDiv(c.matchedQuote * this.g.feeBps, BPS);
    this.batches.set(batchId, { ...b, status: SETTLED });
    this.clearings.set(batchId, c);
    this.walks.delete(batchId);
    return { processed: Number(processed), cursor: 0, clearing: { ...c } };
  }

  /** claim(orderId): the owner and what it is paid (tokens, quote); the order is gone. */
  claim(orderIdWord: bigint): { owner: string; sell: boolean; tokens: bigint; quote: bigint } {
    const id = orderIdWord > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(orderIdWord);
    const o = this.orders.get(id);
    if (o === undefined) throw new ModelRevert("UnknownOrder", { orderId: orderIdWord });
    if (this.batch(o.batch).status !== SETTLED) throw new ModelRevert("BatchNotSettled", { batchId: BigInt(o.batch) });
    const { tokens, quote } = payout(o, this.clearing(o.batch));
    this.orders.delete(id);
    return { owner: o.owner, sell: o.sell, tokens, quote };
  }

  /** onParameterSet from the store (and the constructor): other keys are ignored. */
  setParameter(key: string, value: bigint): void {
    const g = this.g;
    switch (key) {
      case AUCTION_KEYS.batchSeconds:
        if (value === 0n || value > MAX_BATCH_SECONDS)
          throw new ModelRevert("ParameterOutOfRange", { key, value, max: MAX_BATCH_SECONDS });
        g.batchSeconds = value;
        return;
      case AUCTION_KEYS.feeBps:
        if (value > MAX_FEE_BPS) throw new ModelRevert("ParameterOutOfRange", { key, value, max: MAX_FEE_BPS });
        g.feeBps = value;
        return;
      case AUCTION_KEYS.issuePerBatch:
        if (value > MAX_UINT96) throw new ModelRevert("ParameterOutOfRange", { key, value, max: MAX_UINT96 });
        g.issuePerBatch = value;
        return;
      case AUCTION_KEYS.reservePriceWad:
        if (value === 0n || value > MAX_PRICE_WAD)
          throw new ModelRevert("ParameterOutOfRange", { key, value, max: MAX_PRICE_WAD });
        g.reservePriceWad = value;
        return;
    }
  }

  /** U/V rounded up, the clearing price of a settled batch (0 without a trade). */
  clearingPriceWad(c: AuctionClearing): bigint {
    return c.matchedTokens === 0n ? 0n : ceilDiv(c.matchedQuote * this.g.valueScale, c.matchedTokens);
  }

  private closeLevel(w: AuctionWalk): boolean {
    if (w.buyQuote * this.g.valueScale <= w.level * (w.sellTokens + w.levelSell)) return true;
    w.buyQuote -= w.levelBuy;
    w.sellTokens += w.levelSell;
    w.prev = w.level;
    w.prevLevelBuy = w.levelBuy;
    w.level = 0n;
    w.levelBuy = 0n;
    w.levelSell = 0n;
    return false;
  }

  private atSellLevel(w: AuctionWalk): AuctionClearing {
    const tokens = (w.buyQuote * this.g.valueScale) / w.level;
    return {
      ...ZERO_CLEARING,
      buyLevel: w.prev,
      sellLevel: w.level,
      matchedQuote: w.buyQuote,
      matchedTokens: tokens,
      sellLevelTokens: w.levelSell,
      sellMatchedTokens: tokens - w.sellTokens,
    };
  }

  private cross(w: AuctionWalk, nextPriceWad: bigint): AuctionClearing {
    const c: AuctionClearing = { ...ZERO_CLEARING, buyLevel: w.prev, sellLevel: nextPriceWad };
    if (w.sellTokens === 0n) return c;
    c.matchedTokens = w.sellTokens;
    if (w.buyQuote * this.g.valueScale >= w.prev * w.sellTokens) c.matchedQuote = w.buyQuote;
    else {
      const paid = ceilDiv(w.prev * w.sellTokens, this.g.valueScale);
      c.matchedQuote = paid;
      c.buyLevelQuote = w.prevLevelBuy;
      c.buyMatchedQuote = paid - w.buyQuote;
    }
    return c;
  }
}

/** What a claimed order gets (the contract's _payout): fills rounded down, refunds of the rest. */
export function payout(o: AuctionOrder, c: AuctionClearing): { tokens: bigint; quote: bigint } {
  const amount = o.amount;
  const v = c.matchedTokens;
  if (!o.sell) {
    if (v === 0n || o.priceWad < c.buyLevel) return { tokens: 0n, quote: amount };
    if (o.priceWad > c.buyLevel) return { tokens: (amount * v) / c.matchedQuote, quote: 0n };
    if (c.buyLevelQuote === 0n) return { tokens: 0n, quote: amount };
    const share = (amount * c.buyMatchedQuote) / c.buyLevelQuote;
    const refund = (amount * (c.buyLevelQuote - c.buyMatchedQuote)) / c.buyLevelQuote;
    return { tokens: (share * v) / c.matchedQuote, quote: refund };
  }
  const proceeds = c.matchedQuote - c.feeQuote;
  if (v === 0n || o.priceWad > c.sellLevel) return { tokens: amount, quote: 0n };
  if (o.priceWad < c.sellLevel) return { tokens: 0n, quote: (amount * proceeds) / v };
  if (c.sellLevelTokens === 0n) return { tokens: amount, quote: 0n };
  const sold = (amount * c.sellMatchedTokens) / c.sellLevelTokens;
  const unsold = (amount * (c.sellLevelTokens - c.sellMatchedTokens)) / c.sellLevelTokens;
  return { tokens: unsold, quote: (sold * proceeds) / v };
}

function keyField(key: (typeof AUCTION_KEYS)[keyof typeof AUCTION_KEYS]): keyof AuctionRule {
  return (Object.keys(AUCTION_KEYS) as (keyof typeof AUCTION_KEYS)[]).find((k) => AUCTION_KEYS[k] === key)!;
}
