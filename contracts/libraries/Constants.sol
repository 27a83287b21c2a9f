// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Constants
/// @notice Every bound the protocol enforces, with its unit in its name. One file, so that the
/// Solidity contracts, the TypeScript fast model and the genesis validator agree.

/// @dev 1e18: the fixed-point unit of prices, curve parameters and scale factors.
uint256 constant WAD = 1e18;
/// @dev 100% in basis points.
uint256 constant BPS = 10_000;

/// @dev Largest maximum supply a market may be given: one billion tokens (18 decimals).
uint256 constant MAX_SUPPLY = 1e27;
/// @dev Largest price, or price parameter, a curve may express: one million quote per token.
uint256 constant MAX_PRICE_WAD = 1e24;
/// @dev Largest exponent k·S (WAD) an exponential curve may reach at its own maximum supply; keeps e^(k·S) finite.
uint256 constant MAX_EXPONENT_WAD = 100e18;
/// @dev Largest |k·(S − S0)| (WAD) a sigmoid may reach over [0, its own maximum supply].
uint256 constant MAX_SIGMOID_EXPONENT_WAD = 100e18;

/// @dev Largest fee on a curve trade or a pool swap.
uint256 constant MAX_FEE_BPS = 1_000;

/// @dev The resource market's price moves by at most 1/adjustmentSpeed of itself per block; the
/// slowest rule a governance may set, and the most empty blocks one price update decays over (the
/// decay is (1 − 1/speed)^n, which for n beyond this is below 1e-28 of the price at any allowed speed).
uint256 constant MAX_ADJUSTMENT_SPEED = 1_000;
uint256 constant MAX_EMPTY_BLOCKS = 65_535;
/// @dev Longest block of the resource market (its capacity and price are per period of this many seconds at most).
uint256 constant MAX_PERIOD_SECONDS = 86_400;

/// @dev Uniswap V2's LP shares locked forever on the first deposit.
uint256 constant MINIMUM_LIQUIDITY = 1_000;

/// @dev Where permanently locked tokens go (OpenZeppelin's ERC20 refuses address(0)).
address constant DEAD = 0x000000000000000000000000000000000000dEaD;

/// @dev Staking's reward rate is rewardPerDay × (targetStaked / totalStaked), held within
/// [RATE_FLOOR_BPS, RATE_CAP_BPS] of rewardPerDay: a quarter of it at the least, four times at most.
uint256 constant RATE_FLOOR_BPS = 2_500;
uint256 constant RATE_CAP_BPS = 40_000;
/// @dev Longest lock-up a stake may be given.
uint256 constant MAX_LOCK_SECONDS = 31_536_000;

/// @dev Longest batch window of the batch auction (one day), and the most orders an insertion hint may be off by.
uint256 constant MAX_BATCH_SECONDS = 86_400;
uint256 constant MAX_HINT_STEPS = 64;
