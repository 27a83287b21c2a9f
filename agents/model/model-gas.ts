// Gas on the fast model: no EVM runs, so each transaction is charged a typical figure for its kind.
//
// Where the numbers come from: the chain battles of scenarios/calm, classic, launch, front-running,
// arbitrage-war and whale-dump (their default seeds), txs.csv and gas.json of each run folder, medians
// per function and status over ~6,000 agent transactions (Hardhat's in-process chain, solc 0.8.30,
// optimizer 10,000 runs, cancun). A transaction's gas there varies by a few dozen units with its
// calldata (zero bytes are cheaper) and by two storage effects the model does reproduce:
// - a balance slot written from zero (the agent's first tokens, quote or LP shares) costs
//   FIRST_BALANCE_GAS more (SSTORE 20,000 instead of 2,900; measured: max − median of every kind);
// - a balance emptied to zero earns CLEARED_BALANCE_REFUND back (EIP-3529; measured: median − min).
// Not modelled: vote checkpoints of accounts that delegated (genesis allocations with delegate: true),
// calldata bytes, cold/warm slot differences between the first and later transactions of a block.

import type { IntentKind } from "../mechanisms/registry.ts";

/** SSTORE of a zero slot (20,000) minus a dirty-free rewrite (2,900). */
export const FIRST_BALANCE_GAS = 17_100n;
/** SSTORE refund for clearing a slot (EIP-3529). */
export const CLEARED_BALANCE_REFUND = 4_800n;

export interface IntentGas {
  /** A success that writes no balance from zero and empties none. */
  success: bigint;
  /** A revert at the intent's own check (slippage, minimum amounts). */
  reverted: bigint;
  /** A revert in the token transfer, after every check passed (the sender's balance is short). */
  insufficientBalance: bigint;
}

/**
 * Median gas per intent kind. `success` is the median success of the kind with the balance effects
 * taken out: addLiquidity's median deposit mints LP shares to an empty balance (− 17,100) and
 * removeLiquidity's median withdrawal burns all (+ 4,800). Reverts: the measured median where the
 * battles reverted that way; the others are marked.
 */
export const INTENT_GAS: Readonly<Record<IntentKind, IntentGas>> = {
  // BondingCurveMarket.buyExactTokens: success median 74,310 (225 txs). No revert in the battles: as
  // buyExactQuote's slippage revert (which also prices the buy first). A short quote balance reverts
  // in the transfer, after the checks: the revert + the 9,248 the sale's two reverts differ by.
  buyCurve: { success: 74_310n, reverted: 36_904n, insufficientBalance: 46_152n },
  // BondingCurveMarket.buyExactQuote: success 79,843 (960); SlippageExceeded 36,904 (1).
  buyCurveWithQuote: { success: 79_843n, reverted: 36_904n, insufficientBalance: 46_152n },
  // BondingCurveMarket.sell: success 71,713 (869); SlippageExceeded 31,287 (1); ERC20InsufficientBalance 40,535 (1).
  sellCurve: { success: 71_713n, reverted: 31_287n, insufficientBalance: 40_535n },
  // ConstantProductPool.swapExactIn: success 74,401 (2,829); InsufficientOutput 26,559 (481). A short
  // balance reverts after the checks, as the sale's does: the revert + the sale's 9,248 difference.
  swap: { success: 74_401n, reverted: 26_559n, insufficientBalance: 35_807n },
  // ConstantProductPool.addLiquidity: success 106,251 (54) − 17,100; InsufficientAmount 26,228 (20).
  addLiquidity: { success: 89_151n, reverted: 26_228n, insufficientBalance: 35_476n },
  // ConstantProductPool.removeLiquidity: success 80,397 (51) + 4,800; InsufficientAmount 46,860 (38).
  // A short LP balance fails at the burn, before the amounts: as the minimum-amount revert.
  removeLiquidity: { success: 85_197n, reverted: 46_860n, insufficientBalance: 46_860n },
  // Vesting.releaseAll: success 65,477 (44). No revert in the battles: NothingToRelease reads the same
  // schedules and skips the transfer, estimated as the success less the transfer (~ 30,000).
  releaseVested: { success: 65_477n, reverted: 35_000n, insufficientBalance: 35_000n },
};

/** Gas of the set-up transactions (gas.json of the same runs, behaviour "setup"). */
export const SETUP_GAS = {
  /** QuoteToken.mint to a fresh wallet. */
  mintQuote: 51_284n,
  /** QuoteToken.approve (market, pool). */
  approveQuote: 46_629n,
  /** ArenaToken.approve (pool). */
  approveToken: 46_746n,
  /** BondingCurveMarket.buyExactTokens of the starting tokens (a fresh token balance, maxUint256 limits). */
  buyStartingTokens: 92_082n,
} as const;

/** Gas of a success that wrote `fromZero` balances from zero and emptied `emptied`. */
export function successGas(kind: IntentKind, fromZero: number, emptied: number): bigint {
  return INTENT_GAS[kind].success + FIRST_BALANCE_GAS * BigInt(fromZero) - CLEARED_BALANCE_REFUND * BigInt(emptied);
}
