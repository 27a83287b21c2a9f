// contracts/BondingCurveMarket.sol in bigint: quotes, buys (exact tokens, exact quote), sells, fee
// collection, pause, and parameter changes with the contract's renormalisation, each with the
// contract's rounding, checks in the contract's order and its reverts (ModelRevert). Quote amounts
// are quote units (the quote token's decimals); token amounts token wei; prices WAD.
//
// What the model leaves to its caller: deadlines (it has no clock), balances and allowances (a buy
// needs the buyer's quote, a sale the seller's tokens), the parameter store's bounds, steps and
// intervals (agents/governance/changes.ts checks them), and who may pause.
//
// Hot paths (the quotes) go through private methods that return the main value as a bigint and
// leave the fee in a field, so a quote allocates only the object it returns.

import { keyToBytes32 } from "../../core/parameters.ts";
import type { CurveKind, CurveState } from "./state.ts";
import {
  type Curve,
  costUpWad,
  priceWad as curvePriceWad,
  refundDownWad,
  tokensForQuoteDown,
  validateCurve,
} from "./curve-math.ts";
import { checked, ModelRevert, PANIC_ARITHMETIC_OVERFLOW } from "../../core/model-revert.ts";
import { MAX_UINT256 } from "../../core/units.ts";
import { divUp, mulDiv, mulDivUp } from "../../core/solady-math.ts";
import { BPS, WAD } from "../../core/units.ts";

export interface MarketModelState {
  kind: CurveKind;
  /** The curve's raw parameters in p1..p4 order (CurveState.params). */
  params: [bigint, bigint, bigint, bigint];
  maxSupply: bigint;
  scaleWad: bigint;
  supply: bigint;
  /** Quote units backing the curve. */
  reserve: bigint;
  /** quote balance above the reserve (the treasury's accrual) */
  treasuryAccrued: bigint;
  buyFeeBps: number;
  sellFeeBps: number;
  treasuryShareBps: number;
  paused: boolean;
  /** Decimals of the quote token (6 for the test stablecoin). */
  quoteDecimals: number;
}

const MAX_FEE_BPS = 1_000n;

/** The store keys of each curve's parameters, in p1..p4 order (the market's _curveKeys). */
export const CURVE_PARAMETER_KEYS: Readonly<Record<CurveKind, readonly string[]>> = {
  linear: ["curve.slope", "curve.basePrice"],
  exponential: ["curve.initialPrice", "curve.growthRate"],
  sigmoid: ["curve.maxPrice", "curve.steepness", "curve.midpoint", "curve.basePrice"],
};
export const FEE_PARAMETER_KEYS = ["market.buyFeeBps", "market.sellFeeBps", "market.treasuryShareBps"] as const;

export class MarketModel {
  private readonly curve: Curve;
  private readonly quoteDecimals: number;
  private readonly quoteUnitWad: bigint;
  private scale: bigint;
  private supply: bigint;
  private reserve: bigint;
  private accrued: bigint;
  private buyFee: bigint;
  private sellFee: bigint;
  private treasuryShare: bigint;
  private paused: boolean;
  /** The second result of the last buyCurveCost / sellCurveRefund / tokensForQuote. */
  private lastFee = 0n;

  constructor(state: MarketModelState) {
    if (!Number.isInteger(state.quoteDecimals) || state.quoteDecimals < 0 || state.quoteDecimals > 18) {
      throw new RangeError(`quoteDecimals must be a whole number in [0, 18], got ${state.quoteDecimals}`);
    }
    const [p1, p2, p3, p4] = state.params;
    this.curve = { kind: state.kind, p1, p2, p3, p4, maxSupply: state.maxSupply };
    validateCurve(this.curve);
    this.quoteDecimals = state.quoteDecimals;
    this.quoteUnitWad = 10n ** BigInt(18 - state.quoteDecimals);
    this.scale = state.scaleWad;
    this.supply = state.supply;
    this.reserve = state.reserve;
    this.accrued = state.treasuryAccrued;
    this.buyFee = BigInt(state.buyFeeBps);
    this.sellFee = BigInt(state.sellFeeBps);
    this.treasuryShare = BigInt(state.treasuryShareBps);
    this.paused = state.paused;
  }

  /** The market a World observation shows (quote token of `quoteDecimals` decimals). */
  static fromCurveState(c: CurveState, quoteDecimals = 6): MarketModel {
    return new MarketModel({
      kind: c.kind,
      params: [c.params[0], c.params[1], c.params[2], c.params[3]],
      maxSupply: c.maxSupply,
      scaleWad: c.scaleWad,
      supply: c.supply,
      reserve: c.reserve,
      treasuryAccrued: c.treasuryAccrued,
      buyFeeBps: c.buyFeeBps,
      sellFeeBps: c.sellFeeBps,
      treasuryShareBps: c.treasuryShareBps,
      paused: c.paused,
      quoteDecimals,
    });
  }

  get state(): Readonly<MarketModelState> {
    const c = this.curve;
    return {
      kind: c.kind,
      params: [c.p1, c.p2, c.p3, c.p4],
      maxSupply: c.maxSupply,
      scaleWad: this.scale,
      supply: this.supply,
      reserve: this.reserve,
      treasuryAccrued: this.accrued,
      buyFeeBps: Number(this.buyFee),
      sellFeeBps: Number(this.sellFee),
      treasuryShareBps: Number(this.treasuryShare),
      paused: this.paused,
      quoteDecimals: this.quoteDecimals,
    };
  }

  clone(): MarketModel {
    return new MarketModel(this.state);
  }

  /* QUOTES (views: no pause check, as the contract's) */

  /** market.priceWad(): the spot price, scale included. */
  priceWad(): bigint {
    return mulDiv(curvePriceWad(this.curve, this.supply), this.scale, WAD);
  }

  /** market.quoteBuyExactTokens: cost with the fee, and the fee. */
  quoteBuyExactTokens(amount: bigint): { cost: bigint; fee: bigint } {
    const curveCost = this.buyCurveCost(amount);
    return { cost: curveCost + this.lastFee, fee: this.lastFee };
  }

  /** market.quoteBuyExactQuote: the tokens `quoteIn` (fee included) buys, and the fee. */
  quoteBuyExactQuote(quoteIn: bigint): { amount: bigint; fee: bigint } {
    const amount = this.tokensForQuote(quoteIn);
    return { amount, fee: this.lastFee };
  }

  /** market.quoteSell: the refund after the fee, and the fee. */
  quoteSell(amount: bigint): { refund: bigint; fee: bigint } {
    const curveRefund = this.sellCurveRefund(amount);
    return { refund: curveRefund - this.lastFee, fee: this.lastFee };
  }

  /** reserve / gross refund for selling the whole supply (WAD), as ArenaLens; 2^256 − 1 with no supply. */
  solvencyWad(): bigint {
    if (this.supply === 0n) return MAX_UINT256;
    const gross = this.sellCurveRefund(this.supply);
    return gross === 0n ? MAX_UINT256 : (this.reserve * WAD) / gross;
  }

  /* TRADING */

  /** buyExactTokens: buys exactly `amount` for at most `maxCost` (fee included). */
  buyExactTokens(amount: bigint, maxCost: bigint): { cost: bigint; fee: bigint } {
    this.requireTrading();
    if (amount === 0n) throw new ModelRevert("ZeroAmount");
    const curveCost = this.buyCurveCost(amount);
    const fee = this.lastFee;
    const cost = curveCost + fee;
    if (cost > maxCost) throw new ModelRevert("SlippageExceeded", { amount: cost, limit: maxCost });
    this.settleBuy(amount, cost, fee);
    return { cost, fee };
  }

  /** buyExactQuote: spends exactly `quoteIn` on at least `minTokensOut`; rounding's leftover goes to the reserve. */
  buyExactQuote(quoteIn: bigint, minTokensOut: bigint): { amount: bigint; fee: bigint } {
    this.requireTrading();
    const amount = this.tokensForQuote(quoteIn);
    const fee = this.lastFee;
    if (amount === 0n) throw new ModelRevert("ZeroAmount");
    if (amount < minTokensOut) throw new ModelRevert("SlippageExceeded", { amount, limit: minTokensOut });
    this.settleBuy(amount, quoteIn, fee);
    return { amount, fee };
  }

  /** sell: sells `amount` for at least `minRefund` (after the fee). */
  sell(amount: bigint, minRefund: bigint): { refund: bigint; fee: bigint } {
    this.requireTrading();
    if (amount === 0n) throw new ModelRevert("ZeroAmount");
    const curveRefund = this.sellCurveRefund(amount);
    const fee = this.lastFee;
    const refund = curveRefund - fee;
    if (refund < minRefund) throw new ModelRevert("SlippageExceeded", { amount: refund, limit: minRefund });
    const feeToTreasury = (fee * this.treasuryShare) / BPS;
    if (curveRefund > this.reserve) throw new ModelRevert("Panic", { reason: PANIC_ARITHMETIC_OVERFLOW });
    this.supply -= amount;
    this.reserve = this.reserve - curveRefund + (fee - feeToTreasury);
    this.accrued += feeToTreasury;
    return { refund, fee };
  }

  /** collectFees: sends the accrual to the treasury and returns it. Anyone may call, also while paused. */
  collectFees(): bigint {
    const amount = this.accrued;
    if (amount === 0n) throw new ModelRevert("NothingToCollect");
    this.accrued = 0n;
    return amount;
  }

  /* GUARDIAN AND GOVERNANCE */

  pause(): void {
    if (this.paused) throw new ModelRevert("MarketPaused");
    this.paused = true;
  }

  unpause(): void {
    if (!this.paused) throw new ModelRevert("MarketNotPaused");
    this.paused = false;
  }

  /**
   * store.set(key, value) as the market sees it (onParameterSet → _syncFromStore): the new curve is
   * validated, the fees range-checked, and a curve key renormalises the scale against the reserve.
   * All or nothing, as the reverted transaction would be. The store's own rules are the caller's.
   */
  setParameter(key: string, value: bigint): void {
    const c = this.curve;
    const curveIndex = CURVE_PARAMETER_KEYS[c.kind].indexOf(key);
    const feeIndex = (FEE_PARAMETER_KEYS as readonly string[]).indexOf(key);
    if (curveIndex < 0 && feeIndex < 0) {
      throw new RangeError(
        `"${key}" is not a parameter of a ${c.kind} market; its keys are ${[...CURVE_PARAMETER_KEYS[c.kind], ...FEE_PARAMETER_KEYS].join(", ")}`,
      );
    }
    const next: Curve = { ...c };
    if (curveIndex === 0) next.p1 = value;
    else if (curveIndex === 1) next.p2 = value;
    else if (curveIndex === 2) next.p3 = value;
    else if (curveIndex === 3) next.p4 = value;
    validateCurve(next);
    const fees = [this.buyFee, this.sellFee, this.treasuryShare];
    if (feeIndex >= 0) fees[feeIndex] = value;
    for (let i = 0; i < 3; i++) {
      const max = i === 2 ? BPS : MAX_FEE_BPS;
      if (fees[i]! > max)
        throw new ModelRevert("FeeOutOfRange", {
          key: keyToBytes32(FEE_PARAMETER_KEYS[i]!),
          feeBps: fees[i]!,
          maxFeeBps: max,
        });
    }

    c.p1 = next.p1;
    c.p2 = next.p2;
    c.p3 = next.p3;
    c.p4 = next.p4;
    [this.buyFee, this.sellFee, this.treasuryShare] = fees as [bigint, bigint, bigint];
    if (curveIndex >= 0) this.renormalise();
  }

  /* FOLLOWING THE CHAIN: what the market's events say, applied to the twin */

  /** A Bought or Sold event: supply and reserve after the trade. */
  followReserves(supply: bigint, reserve: bigint): void {
    this.supply = supply;
    this.reserve = reserve;
  }

  /** The treasury's accrual: the market's quote balance above its reserve, as `treasuryAccrued()` reads it. */
  followQuoteBalance(balance: bigint): void {
    this.accrued = balance - this.reserve;
  }

  /** A ParametersSynced event: the curve's parameters and the fees. */
  followParameters(params: readonly [bigint, bigint, bigint, bigint], fees: readonly [bigint, bigint, bigint]): void {
    const c = this.curve;
    [c.p1, c.p2, c.p3, c.p4] = params;
    [this.buyFee, this.sellFee, this.treasuryShare] = fees;
  }

  /** A Renormalised event. */
  followScale(scaleWad: bigint): void {
    this.scale = scaleWad;
  }

  /** A Paused or Unpaused event. */
  followPaused(paused: boolean): void {
    this.paused = paused;
  }

  /* INTERNAL */

  private requireTrading(): void {
    if (this.paused) throw new ModelRevert("MarketPaused");
  }

  /** _buyCost: the curve cost in quote units, rounded up; the fee goes to lastFee. */
  private buyCurveCost(amount: bigint): bigint {
    const c = this.curve;
    const newSupply = checked(this.supply + amount);
    if (newSupply > c.maxSupply) throw new ModelRevert("SupplyCapExceeded", { newSupply, maxSupply: c.maxSupply });
    const costWad = costUpWad(c, this.supply, amount);
    const scaled = this.scale === WAD ? costWad : mulDivUp(costWad, this.scale, WAD);
    const curveCost = divUp(scaled, this.quoteUnitWad);
    this.lastFee = mulDivUp(curveCost, this.buyFee, BPS);
    return curveCost;
  }

  /** _sellRefund: the curve refund in quote units, rounded down; the fee goes to lastFee. */
  private sellCurveRefund(amount: bigint): bigint {
    if (amount > this.supply) throw new ModelRevert("InsufficientSupply", { amount, supply: this.supply });
    const refundWad = refundDownWad(this.curve, this.supply, amount);
    const curveRefund = mulDiv(refundWad, this.scale, WAD) / this.quoteUnitWad;
    this.lastFee = mulDivUp(curveRefund, this.sellFee, BPS);
    return curveRefund;
  }

  /** _tokensForQuote: the tokens `quoteIn` buys with the fee on top; the fee goes to lastFee. */
  private tokensForQuote(quoteIn: bigint): bigint {
    const curveBudget = checked(quoteIn * BPS) / (BPS + this.buyFee);
    const rawBudgetWad = mulDiv(checked(curveBudget * this.quoteUnitWad), WAD, this.scale);
    const amount = tokensForQuoteDown(this.curve, this.supply, rawBudgetWad);
    this.buyCurveCost(amount);
    return amount;
  }

  private settleBuy(amount: bigint, paid: bigint, fee: bigint): void {
    const feeToTreasury = (fee * this.treasuryShare) / BPS;
    this.supply += amount;
    this.reserve += paid - feeToTreasury;
    this.accrued += feeToTreasury;
  }

  /** _renormalise: scale = min(1, reserve / ∫₀^supply p), the integral rounded up, the ratio down. */
  private renormalise(): void {
    let scale = WAD;
    if (this.supply > 0n) {
      const integralWad = costUpWad(this.curve, 0n, this.supply);
      const reserveWad = this.reserve * this.quoteUnitWad;
      if (integralWad > reserveWad) scale = mulDiv(reserveWad, WAD, integralWad);
    }
    this.scale = scale;
  }
}
