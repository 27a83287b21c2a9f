// Gas on the fast model: no EVM runs, so each transaction is charged a typical figure for its kind,
// which each mechanism states beside its intents (measured on the chain battles of the ready-made
// scenarios: medians per function and status).
//
// A transaction's gas varies by a few dozen units with its calldata (zero bytes are cheaper) and by
// two storage effects the model does reproduce:
// - a balance slot written from zero (the agent's first tokens, quote or LP shares) costs
//   FIRST_BALANCE_GAS more (SSTORE 20,000 instead of 2,900; measured: max − median of every kind);
// - a balance emptied to zero earns CLEARED_BALANCE_REFUND back (EIP-3529; measured: median − min).
// Not modelled: vote checkpoints of accounts that delegated (genesis allocations with delegate: true),
// calldata bytes, cold/warm slot differences between the first and later transactions of a block.

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

/** Gas of a success that wrote `fromZero` balances from zero and emptied `emptied`. */
export function successGas(gas: IntentGas, fromZero: number, emptied: number): bigint {
  return gas.success + FIRST_BALANCE_GAS * BigInt(fromZero) - CLEARED_BALANCE_REFUND * BigInt(emptied);
}

/** The gas a reverted intent pays on the model: a short balance reverts in the transfer, anything else at the check. */
export function revertGas(gas: IntentGas, errorName: string): bigint {
  return errorName === "ERC20InsufficientBalance" ? gas.insufficientBalance : gas.reverted;
}
