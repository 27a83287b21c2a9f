// The bounds the contracts enforce, mirrored from contracts/libraries/Constants.sol so that a genesis
// file is rejected before anything is deployed. test/genesis.test.ts checks they still agree.

import { WAD } from "./units.ts";

export const MAX_SUPPLY = 10n ** 27n;
export const MAX_PRICE_WAD = 10n ** 24n;
export const MAX_EXPONENT_WAD = 100n * WAD;
export const MAX_SIGMOID_EXPONENT_WAD = 100n * WAD;
export const MAX_FEE_BPS = 1_000n;
export const MINIMUM_LIQUIDITY = 1_000n;
export const RATE_FLOOR_BPS = 2_500n;
export const RATE_CAP_BPS = 40_000n;
export const MAX_LOCK_SECONDS = 365n * 86_400n;
