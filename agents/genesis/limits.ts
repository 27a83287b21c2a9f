// The bounds the contracts enforce, mirrored from contracts/libraries/Constants.sol so that a genesis
// file is rejected before anything is deployed. test/genesis.test.ts checks they still agree.

export const WAD = 10n ** 18n;
export const BPS = 10_000n;
export const MAX_SUPPLY = 10n ** 27n;
export const MAX_PRICE_WAD = 10n ** 24n;
export const MAX_EXPONENT_WAD = 100n * WAD;
export const MAX_SIGMOID_EXPONENT_WAD = 100n * WAD;
export const MAX_FEE_BPS = 1_000n;
export const MINIMUM_LIQUIDITY = 1_000n;

export const TOKEN_DECIMALS = 18;
export const QUOTE_DECIMALS = 6;

export const MAX_UINT16 = 2n ** 16n - 1n;
export const MAX_UINT32 = 2n ** 32n - 1n;
export const MAX_UINT48 = 2n ** 48n - 1n;
export const MAX_UINT64 = 2n ** 64n - 1n;
export const MAX_UINT128 = 2n ** 128n - 1n;
