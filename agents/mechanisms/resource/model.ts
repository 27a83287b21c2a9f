// contracts/ResourceMarket.sol in bigint: the EIP-1559-style price rule per block (a period of
// periodSeconds), allocation against what is left of the block's capacity, the payment split between
// providers' earnings and the treasury's fee, credits and bonds, with the contract's rounding, checks in
// its order and reverts (ModelRevert). Accounts are kept by lower-case address, as events name them.

import { MAX_FEE_BPS, MAX_PRICE_WAD } from "../../core/limits.ts";
import { ModelRevert } from "../../core/model-revert.ts";
import { BPS, MAX_UINT128, WAD } from "../../core/units.ts";

export const RESOURCE_KEYS = {
  targetUtilisationBps: "resource.targetUtilisationBps",
  adjustmentSpeed: "resource.adjustmentSpeed",
  feeBps: "resource.feeBps",
  minPrice: "resource.minPrice",
  maxPrice: "resource.maxPrice",
} as const;
export type ResourceKey = (typeof RESOURCE_KEYS)[keyof typeof RESOURCE_KEYS];

/** Constants.sol: the slowest rule, the most empty blocks one update decays over, the longest block. */
export const MAX_ADJUSTMENT_SPEED = 1_000n;
export const MAX_EMPTY_BLOCKS = 65_535n;
export const MAX_PERIOD_SECONDS = 86_400n;

/** Each rule parameter's range in the contract's _setParameter (the price bounds are also kept min ≤ max). */
export const RESOURCE_PARAMETER_RANGE: Readonly<Record<ResourceKey, { min: bigint; max: bigint }>> = {
  [RESOURCE_KEYS.targetUtilisationBps]: { min: 1n, max: BPS },
  [RESOURCE_KEYS.adjustmentSpeed]: { min: 1n, max: MAX_ADJUSTMENT_SPEED },
  [RESOURCE_KEYS.feeBps]: { min: 0n, max: MAX_FEE_BPS },
  [RESOURCE_KEYS.minPrice]: { min: 1n, max: MAX_PRICE_WAD },
  [RESOURCE_KEYS.maxPrice]: { min: 1n, max: MAX_PRICE_WAD },
};

export interface ResourceRule {
  targetUtilisationBps: bigint;
  adjustmentSpeed: bigint;
  feeBps: bigint;
  minPriceWad: bigint;
  maxPriceWad: bigint;
}

export interface ResourceGlobals extends ResourceRule {
  /** The price of block `lastBlock` (whole quote per whole credit, WAD); lastBlock 0: no block acted yet. */
  priceWad: bigint;
  lastBlock: bigint;
  /** Credits requested and allocated in block `lastBlock` (credit wei). */
  demand: bigint;
  allocated: bigint;
  /** Everyone's capacity per block (credit wei, = token wei bonded). */
  capacity: bigint;
  /** The treasury's fees not yet collected (quote units). */
  feesAccrued: bigint;
  earningsPerCapacityWad: bigint;
  periodSeconds: bigint;
  /** 10^(18 − quote decimals). */
  quoteUnitWad: bigint;
}

export interface ResourceProvider {
  capacity: bigint;
  earningsPerCapacityPaidWad: bigint;
  earnings: bigint;
}

/** One block's move: the rule's step by demand against target, the empty blocks' decay, the bounds. */
export function movedPrice(
  priceWad: bigint,
  demand: bigint,
  target: bigint,
  emptyBlocks: bigint,
  rule: ResourceRule,
): bigint {
  const speed = rule.adjustmentSpeed;
  let p = priceWad;
  const scale = target === 0n ? 1n : target;
  if (target === 0n ? demand !== 0n : demand >= target) {
    let excess = target === 0n ? 1n : demand - target;
    if (excess > scale) excess = scale;
    p += (p * excess + scale * speed - 1n) / (scale * speed);
  } else {
    const shortfall = target === 0n ? 1n : target - demand;
    p -= (p * shortfall) / (scale * speed);
  }
  if (emptyBlocks !== 0n) {
    const n = emptyBlocks > MAX_EMPTY_BLOCKS ? MAX_EMPTY_BLOCKS : emptyBlocks;
    const factorWad = ((speed - 1n) * WAD + speed - 1n) / speed;
    p = (p * powWadUp(factorWad, n) + WAD - 1n) / WAD;
  }
  return clampPrice(p, rule);
}

function powWadUp(x: bigint, n: bigint): bigint {
  let result = WAD;
  let base = x;
  let e = n;
  while (e !== 0n) {
    if ((e & 1n) !== 0n) result = (result * base + WAD - 1n) / WAD;
    e >>= 1n;
    if (e !== 0n) base = (base * base + WAD - 1n) / WAD;
  }
  return result;
}

function clampPrice(p: bigint, rule: ResourceRule): bigint {
  if (p < rule.minPriceWad) return rule.minPriceWad;
  if (p > rule.maxPriceWad) return rule.maxPriceWad;
  return p;
}

/** The demand the price is steady at: targetUtilisationBps of `capacity`, rounded down. */
export function targetOf(capacity: bigint, rule: ResourceRule): bigint {
  return (capacity * rule.targetUtilisationBps) / BPS;
}

/** Quote units `filled` credits cost at `priceWad`, rounded up (the contract's request). */
export function costOf(filled: bigint, priceWad: bigint, quoteUnitWad: bigint): bigint {
  const unit = WAD * quoteUnitWad;
  return (filled * priceWad + unit - 1n) / unit;
}

function toUint128(value: bigint): bigint {
  if (value > MAX_UINT128) throw new ModelRevert("SafeCastOverflowedUintDowncast", { bits: 128n, value });
  return value;
}

/** What one request did: the credits allocated and the quote paid. */
export interface Requested {
  filled: bigint;
  cost: bigint;
  fee: bigint;
  priceWad: bigint;
}

export class ResourceModel {
  readonly g: ResourceGlobals;
  private readonly providers: Map<string, ResourceProvider>;
  private readonly credits: Map<string, bigint>;

  constructor(
    g: ResourceGlobals,
    providers: ReadonlyMap<string, ResourceProvider> = new Map(),
    credits: ReadonlyMap<string, bigint> = new Map(),
  ) {
    this.g = { ...g };
    this.providers = new Map([...providers].map(([k, p]) => [k, { ...p }]));
    this.credits = new Map(credits);
  }

  /** The contract as its constructor leaves it: the start price, no block yet, no capacity. */
  static deployed(
    rule: ResourceRule & { startPriceWad: bigint; periodSeconds: bigint; quoteDecimals: number },
  ): ResourceModel {
    const { startPriceWad, periodSeconds, quoteDecimals, ...r } = rule;
    return new ResourceModel({
      ...r,
      priceWad: startPriceWad,
      lastBlock: 0n,
      demand: 0n,
      allocated: 0n,
      capacity: 0n,
      feesAccrued: 0n,
      earningsPerCapacityWad: 0n,
      periodSeconds,
      quoteUnitWad: 10n ** BigInt(18 - quoteDecimals),
    });
  }

  clone(): ResourceModel {
    return new ResourceModel(this.g, this.providers, this.credits);
  }

  rule(): ResourceRule {
    const { targetUtilisationBps, adjustmentSpeed, feeBps, minPriceWad, maxPriceWad } = this.g;
    return { targetUtilisationBps, adjustmentSpeed, feeBps, minPriceWad, maxPriceWad };
  }

  /** Every provider with any state, by lower-case address (a copy). */
  providerPositions(): Map<string, ResourceProvider> {
    return new Map([...this.providers].map(([k, p]) => [k, { ...p }]));
  }

  /** Every consumer's credits, by lower-case address (a copy). */
  creditBalances(): Map<string, bigint> {
    return new Map(this.credits);
  }

  provider(address: string): ResourceProvider {
    return { ...(this.providers.get(address.toLowerCase()) ?? NO_PROVIDER) };
  }

  creditsOf(address: string): bigint {
    return this.credits.get(address.toLowerCase()) ?? 0n;
  }

  /** Earnings `address` could claim (the contract's earned). */
  earned(address: string): bigint {
    const p = this.provider(address);
    return p.earnings + this.owed(p);
  }

  /** The block a timestamp falls in. */
  blockAt(timestamp: bigint): bigint {
    return timestamp / this.g.periodSeconds;
  }

  /** The price a request at `timestamp` pays (the contract's currentPriceWad), and the block's use so far. */
  rolled(timestamp: bigint): { priceWad: bigint; demand: bigint; allocated: bigint; block: bigint } {
    const g = this.g;
    const block = this.blockAt(timestamp);
    if (g.lastBlock === block) return { priceWad: g.priceWad, demand: g.demand, allocated: g.allocated, block };
    if (g.lastBlock === 0n) return { priceWad: g.priceWad, demand: 0n, allocated: 0n, block };
    const rule = this.rule();
    const priceWad = movedPrice(g.priceWad, g.demand, targetOf(g.capacity, rule), block - g.lastBlock - 1n, rule);
    return { priceWad, demand: 0n, allocated: 0n, block };
  }

  /** request(quantity, maxPriceWad) by `address` at `timestamp`; `balance` is its quote (the transfer's check, last). */
  request(address: string, quantity: bigint, maxPriceWad: bigint, timestamp: bigint, balance?: bigint): Requested {
    if (quantity === 0n) throw new ModelRevert("ZeroAmount");
    const r = this.rolled(timestamp);
    if (r.priceWad > maxPriceWad) throw new ModelRevert("PriceAboveLimit", { priceWad: r.priceWad, maxPriceWad });
    const g = this.g;
    const left = g.capacity - r.allocated;
    const filled = quantity < left ? quantity : left;
    const demand = toUint128(r.demand + quantity);
    let cost = 0n;
    let fee = 0n;
    let fees = g.feesAccrued;
    if (filled !== 0n) {
      cost = costOf(filled, r.priceWad, g.quoteUnitWad);
      fee = (cost * g.feeBps) / BPS;
      fees = toUint128(fees + fee);
      if (balance !== undefined && balance < cost)
        throw new ModelRevert("ERC20InsufficientBalance", { sender: address, balance, needed: cost });
    }
    this.commitRoll(r);
    g.demand = demand;
    g.allocated = r.allocated + filled;
    if (filled !== 0n) {
      g.feesAccrued = fees;
      g.earningsPerCapacityWad += ((cost - fee) * WAD) / g.capacity;
      const key = address.toLowerCase();
      this.credits.set(key, this.creditsOf(key) + filled);
    }
    return { filled, cost, fee, priceWad: r.priceWad };
  }

  /** use(amount) by `address`. */
  use(address: string, amount: bigint): void {
    if (amount === 0n) throw new ModelRevert("ZeroAmount");
    const credits = this.creditsOf(address);
    if (amount > credits) throw new ModelRevert("InsufficientCredits", { credits, amount });
    this.credits.set(address.toLowerCase(), credits - amount);
  }

  /** provide(amount) by `address` at `timestamp`; `balance` is its token balance (the transfer's check, last). */
  provide(address: string, amount: bigint, timestamp: bigint, balance?: bigint): void {
    if (amount === 0n) throw new ModelRevert("ZeroAmount");
    const r = this.rolled(timestamp);
    const p = this.settled(address);
    const capacity = toUint128(this.g.capacity + amount);
    if (balance !== undefined && balance < amount)
      throw new ModelRevert("ERC20InsufficientBalance", { sender: address, balance, needed: amount });
    this.commitRoll(r);
    this.g.capacity = capacity;
    p.capacity += amount;
    this.providers.set(address.toLowerCase(), p);
  }

  /** withdraw(amount) by `address` at `timestamp`. */
  withdraw(address: string, amount: bigint, timestamp: bigint): void {
    if (amount === 0n) throw new ModelRevert("ZeroAmount");
    const provided = this.provider(address).capacity;
    if (amount > provided) throw new ModelRevert("InsufficientCapacity", { provided, amount });
    const r = this.rolled(timestamp);
    const after = this.g.capacity - amount;
    if (after < r.allocated) throw new ModelRevert("CapacityInUse", { allocated: r.allocated, capacityAfter: after });
    const p = this.settled(address);
    this.commitRoll(r);
    p.capacity -= amount;
    this.g.capacity = after;
    this.providers.set(address.toLowerCase(), p);
  }

  /** claimEarnings() by `address`: what it was paid. */
  claimEarnings(address: string): bigint {
    const p = this.settled(address);
    const amount = p.earnings;
    if (amount === 0n) throw new ModelRevert("NothingToClaim", { provider: address });
    p.earnings = 0n;
    this.providers.set(address.toLowerCase(), p);
    return amount;
  }

  /** collectFees(): what the treasury was sent. */
  collectFees(): bigint {
    const amount = this.g.feesAccrued;
    if (amount === 0n) throw new ModelRevert("NothingToCollect");
    this.g.feesAccrued = 0n;
    return amount;
  }

  /** onParameterSet from the store at `timestamp`: the price moves for this block by the old rule, then the rule changes. */
  setParameter(key: string, value: bigint, timestamp: bigint): void {
    const range = RESOURCE_PARAMETER_RANGE[key as ResourceKey];
    if (range === undefined) return;
    const r = this.rolled(timestamp);
    if (value < range.min || value > range.max)
      throw new ModelRevert("ParameterOutOfRange", { key, value, min: range.min, max: range.max });
    const rule = this.rule();
    if (key === RESOURCE_KEYS.targetUtilisationBps) rule.targetUtilisationBps = value;
    else if (key === RESOURCE_KEYS.adjustmentSpeed) rule.adjustmentSpeed = value;
    else if (key === RESOURCE_KEYS.feeBps) rule.feeBps = value;
    else if (key === RESOURCE_KEYS.minPrice) rule.minPriceWad = value;
    else rule.maxPriceWad = value;
    if (rule.minPriceWad > rule.maxPriceWad)
      throw new ModelRevert("PriceOutOfBounds", {
        priceWad: r.priceWad,
        minPriceWad: rule.minPriceWad,
        maxPriceWad: rule.maxPriceWad,
      });
    this.commitRoll(r);
    Object.assign(this.g, rule);
    this.g.priceWad = clampPrice(this.g.priceWad, rule);
  }

  private commitRoll(r: { priceWad: bigint; demand: bigint; allocated: bigint; block: bigint }): void {
    const g = this.g;
    if (g.lastBlock === r.block) return;
    g.priceWad = r.priceWad;
    g.lastBlock = r.block;
    g.demand = 0n;
    g.allocated = 0n;
  }

  private owed(p: ResourceProvider): bigint {
    return (p.capacity * (this.g.earningsPerCapacityWad - p.earningsPerCapacityPaidWad)) / WAD;
  }

  /** _settle: the provider with what it earned since its checkpoint moved into its earnings. */
  private settled(address: string): ResourceProvider {
    const p = this.provider(address);
    p.earnings = toUint128(p.earnings + this.owed(p));
    p.earningsPerCapacityPaidWad = this.g.earningsPerCapacityWad;
    return p;
  }
}

const NO_PROVIDER: ResourceProvider = { capacity: 0n, earningsPerCapacityPaidWad: 0n, earnings: 0n };
