// contracts/ConstantProductPool.sol in bigint: Uniswap V2's integer formulas for swaps, deposits
// (MINIMUM_LIQUIDITY locked on the first) and withdrawals, with the contract's checks in its order
// and its reverts (ModelRevert). The pool's balances equal its reserves here (nobody sends tokens to
// it directly). Deadlines, balances and allowances are the caller's; a withdrawal is checked only
// against the shares anyone can hold (all but the locked MINIMUM_LIQUIDITY).

import type { PoolState } from "./state.ts";
import { checked, ModelRevert, PANIC_DIVISION_BY_ZERO } from "../../core/model-revert.ts";
import { sqrtDown } from "../../core/solady-math.ts";
import { BPS } from "../../core/units.ts";

export interface PoolModelState {
  reserveToken: bigint;
  reserveQuote: bigint;
  feeBps: number;
  /** Total LP shares, the locked MINIMUM_LIQUIDITY included. */
  totalLiquidity: bigint;
}

const MAX_FEE_BPS = 1_000n;
const MINIMUM_LIQUIDITY = 1_000n;
const MAX_UINT112 = (1n << 112n) - 1n;
const WAD_DECIMALS = 18;
const TOKEN_DECIMALS = 18;
const FEE_KEY = "pool.feeBps";

export class PoolModel {
  private reserveToken: bigint;
  private reserveQuote: bigint;
  private fee: bigint;
  /** BPS − fee, the share of an input that counts. */
  private feeComplement: bigint;
  private totalLiquidity: bigint;
  private readonly quoteDecimals: number;
  private readonly priceNumerator: bigint;
  private readonly priceDenominator: bigint;

  /** `quoteDecimals`: the quote token's decimals (the price's scale), 6 for the test stablecoin. */
  constructor(state: PoolModelState, quoteDecimals = 6) {
    if (!Number.isInteger(quoteDecimals) || quoteDecimals < 0 || quoteDecimals > 36) {
      throw new RangeError(`quoteDecimals must be a whole number in [0, 36], got ${quoteDecimals}`);
    }
    this.reserveToken = state.reserveToken;
    this.reserveQuote = state.reserveQuote;
    this.fee = BigInt(state.feeBps);
    this.feeComplement = BPS - this.fee;
    this.totalLiquidity = state.totalLiquidity;
    this.quoteDecimals = quoteDecimals;
    const exponent = WAD_DECIMALS + TOKEN_DECIMALS - quoteDecimals;
    this.priceNumerator = exponent >= 0 ? 10n ** BigInt(exponent) : 1n;
    this.priceDenominator = exponent >= 0 ? 1n : 10n ** BigInt(-exponent);
  }

  static fromPoolState(p: PoolState, quoteDecimals = 6): PoolModel {
    return new PoolModel(
      {
        reserveToken: p.reserveToken,
        reserveQuote: p.reserveQuote,
        feeBps: p.feeBps,
        totalLiquidity: p.totalLiquidity,
      },
      quoteDecimals,
    );
  }

  get state(): Readonly<PoolModelState> {
    return {
      reserveToken: this.reserveToken,
      reserveQuote: this.reserveQuote,
      feeBps: Number(this.fee),
      totalLiquidity: this.totalLiquidity,
    };
  }

  clone(): PoolModel {
    return new PoolModel(this.state, this.quoteDecimals);
  }

  /* VIEWS */

  /** pool.priceWad(): quote per whole token in WAD, rounded down; 0 when empty. */
  priceWad(): bigint {
    if (this.reserveToken === 0n) return 0n;
    return (this.reserveQuote * this.priceNumerator) / (this.reserveToken * this.priceDenominator);
  }

  /** What `amountIn` of the token (`tokenIn`) or of the quote brings out at the current reserves. */
  getAmountOut(amountIn: bigint, tokenIn: boolean): bigint {
    const reserveIn = tokenIn ? this.reserveToken : this.reserveQuote;
    const reserveOut = tokenIn ? this.reserveQuote : this.reserveToken;
    if (amountIn === 0n) throw new ModelRevert("ZeroAmount");
    if (reserveIn === 0n || reserveOut === 0n)
      throw new ModelRevert("InsufficientLiquidity", { reserveIn, reserveOut });
    const amountInAfterFee = checked(amountIn * this.feeComplement);
    return checked(amountInAfterFee * reserveOut) / checked(reserveIn * BPS + amountInAfterFee);
  }

  /** What must go in (the token when `tokenIn`, else the quote) to bring `amountOut` of the other out. */
  getAmountIn(amountOut: bigint, tokenIn: boolean): bigint {
    const reserveIn = tokenIn ? this.reserveToken : this.reserveQuote;
    const reserveOut = tokenIn ? this.reserveQuote : this.reserveToken;
    if (amountOut === 0n) throw new ModelRevert("ZeroAmount");
    if (reserveIn === 0n || reserveOut <= amountOut)
      throw new ModelRevert("InsufficientLiquidity", { reserveIn, reserveOut });
    return checked(reserveIn * amountOut * BPS) / ((reserveOut - amountOut) * this.feeComplement) + 1n;
  }

  /* TRADING */

  /** swapExactIn: sells `amountIn` of the token (`tokenIn`) or the quote for at least `minAmountOut`. */
  swapExactIn(tokenIn: boolean, amountIn: bigint, minAmountOut: bigint): bigint {
    const amountOut = this.getAmountOut(amountIn, tokenIn);
    if (amountOut === 0n || amountOut < minAmountOut)
      throw new ModelRevert("InsufficientOutput", { amountOut, minAmountOut });
    if (tokenIn) this.syncReserves(this.reserveToken + amountIn, this.reserveQuote - amountOut);
    else this.syncReserves(this.reserveToken - amountOut, this.reserveQuote + amountIn);
    return amountOut;
  }

  /** swapExactOut: buys exactly `amountOut` of the token (`tokenOut`) or the quote for at most `maxAmountIn` of the other. */
  swapExactOut(tokenOut: boolean, amountOut: bigint, maxAmountIn: bigint): bigint {
    const amountIn = this.getAmountIn(amountOut, !tokenOut);
    if (amountIn > maxAmountIn) throw new ModelRevert("ExcessiveInput", { amountIn, maxAmountIn });
    if (tokenOut) this.syncReserves(this.reserveToken - amountOut, this.reserveQuote + amountIn);
    else this.syncReserves(this.reserveToken + amountIn, this.reserveQuote - amountOut);
    return amountIn;
  }

  /* LIQUIDITY */

  /** addLiquidity: the largest deposit at the current ratio within the desired amounts, checked against the minimums. */
  addLiquidity(
    tokenDesired: bigint,
    quoteDesired: bigint,
    tokenMin: bigint,
    quoteMin: bigint,
  ): { token: bigint; quote: bigint; liquidity: bigint } {
    const [token, quote] = this.optimalDeposit(tokenDesired, quoteDesired, tokenMin, quoteMin);
    const supply = this.totalLiquidity;
    let liquidity: bigint;
    let minted: bigint;
    if (supply === 0n) {
      const root = sqrtDown(token * quote);
      liquidity = root > MINIMUM_LIQUIDITY ? root - MINIMUM_LIQUIDITY : 0n;
      if (liquidity === 0n) throw new ModelRevert("InsufficientLiquidityMinted", { liquidity });
      minted = liquidity + MINIMUM_LIQUIDITY;
    } else {
      const byToken = (token * supply) / this.reserveToken;
      const byQuote = (quote * supply) / this.reserveQuote;
      liquidity = byToken < byQuote ? byToken : byQuote;
      if (liquidity === 0n) throw new ModelRevert("InsufficientLiquidityMinted", { liquidity });
      minted = liquidity;
    }
    this.syncReserves(this.reserveToken + token, this.reserveQuote + quote);
    this.totalLiquidity = supply + minted;
    return { token, quote, liquidity };
  }

  /** removeLiquidity: burns `liquidity` shares for their part of both reserves, rounded down. */
  removeLiquidity(liquidity: bigint, tokenMin: bigint, quoteMin: bigint): { token: bigint; quote: bigint } {
    const supply = this.totalLiquidity;
    const holdable = supply > MINIMUM_LIQUIDITY ? supply - MINIMUM_LIQUIDITY : 0n;
    if (liquidity > holdable)
      throw new ModelRevert("ERC20InsufficientBalance", { balance: holdable, needed: liquidity });
    if (supply === 0n) throw new ModelRevert("Panic", { reason: PANIC_DIVISION_BY_ZERO });
    const token = (liquidity * this.reserveToken) / supply;
    const quote = (liquidity * this.reserveQuote) / supply;
    if (token === 0n || quote === 0n)
      throw new ModelRevert("InsufficientLiquidityBurned", { amountToken: token, amountQuote: quote });
    if (token < tokenMin) throw new ModelRevert("InsufficientAmount", { amount: token, minAmount: tokenMin });
    if (quote < quoteMin) throw new ModelRevert("InsufficientAmount", { amount: quote, minAmount: quoteMin });
    this.totalLiquidity = supply - liquidity;
    this.syncReserves(this.reserveToken - token, this.reserveQuote - quote);
    return { token, quote };
  }

  /* GOVERNANCE */

  /** onParameterSet: "pool.feeBps" sets the fee (FeeOutOfRange above MAX_FEE_BPS); the pool ignores other keys, as the contract does. */
  setParameter(key: string, value: bigint): void {
    if (key !== FEE_KEY) return;
    if (value > MAX_FEE_BPS) throw new ModelRevert("FeeOutOfRange", { feeBps: value, maxFeeBps: MAX_FEE_BPS });
    this.fee = value;
    this.feeComplement = BPS - value;
  }

  /* FOLLOWING THE CHAIN: what the pool's events say, applied to the twin */

  /** A Sync event: the reserves after the transaction. */
  followReserves(reserveToken: bigint, reserveQuote: bigint): void {
    this.reserveToken = reserveToken;
    this.reserveQuote = reserveQuote;
  }

  /** LP shares minted (positive) or burned (negative): a Transfer of shares from or to the zero address. */
  followLiquidity(delta: bigint): void {
    this.totalLiquidity += delta;
  }

  /** A FeeUpdated event. */
  followFee(feeBps: bigint): void {
    this.fee = feeBps;
    this.feeComplement = BPS - feeBps;
  }

  /* INTERNAL */

  /** _optimalDeposit: V2 router's _addLiquidity. */
  private optimalDeposit(
    tokenDesired: bigint,
    quoteDesired: bigint,
    tokenMin: bigint,
    quoteMin: bigint,
  ): [bigint, bigint] {
    if (tokenDesired === 0n || quoteDesired === 0n) throw new ModelRevert("ZeroAmount");
    if (this.reserveToken === 0n && this.reserveQuote === 0n) return [tokenDesired, quoteDesired];
    const quoteOptimal = (tokenDesired * this.reserveQuote) / this.reserveToken;
    if (quoteOptimal <= quoteDesired) {
      if (quoteOptimal < quoteMin)
        throw new ModelRevert("InsufficientAmount", { amount: quoteOptimal, minAmount: quoteMin });
      return [tokenDesired, quoteOptimal];
    }
    const tokenOptimal = (quoteDesired * this.reserveToken) / this.reserveQuote;
    if (tokenOptimal < tokenMin)
      throw new ModelRevert("InsufficientAmount", { amount: tokenOptimal, minAmount: tokenMin });
    return [tokenOptimal, quoteDesired];
  }

  /** _syncReserves: the new balances become the reserves (SafeCast to uint112). */
  private syncReserves(token: bigint, quote: bigint): void {
    if (token > MAX_UINT112) throw new ModelRevert("SafeCastOverflowedUintDowncast", { bits: 112n, value: token });
    if (quote > MAX_UINT112) throw new ModelRevert("SafeCastOverflowedUintDowncast", { bits: 112n, value: quote });
    this.reserveToken = token;
    this.reserveQuote = quote;
  }
}
