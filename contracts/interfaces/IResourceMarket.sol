// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IParameterConsumer} from "./IParameterStore.sol";

/// @title IResourceMarket
/// @notice A market for a scarce resource (compute credits, say GPU-hours, in wei units of 1e-18 of a
/// credit). Providers bond the arena token one wei per credit wei of capacity per block and share the
/// payments; consumers request credits at the block's price, paid in the quote token, and use (burn)
/// them. The price per credit moves once per block by an EIP-1559-style rule (Optimism's
/// ResourceMetering): by price × clamp((demand − target)/target, −1, 1) / adjustmentSpeed, where demand
/// is what was requested in the last block and target a share of the capacity; empty blocks decay it by
/// (1 − 1/adjustmentSpeed) each; always within [minPrice, maxPrice]. The resource's block is a period
/// of `periodSeconds` (block.timestamp / periodSeconds), set to the chain's block time: by the clock, so
/// a twin that knows only block timestamps follows it. Every rule parameter is in the
/// parameter store, so governance tunes it.
interface IResourceMarket is IParameterConsumer {
    /* ERRORS */

    /// @dev A zero address given to the constructor.
    error InvalidAddress(address value);
    /// @dev A block length of zero or above MAX_PERIOD_SECONDS given to the constructor.
    error PeriodOutOfRange(uint256 periodSeconds, uint256 maxPeriodSeconds);
    /// @dev A request at a price above the consumer's limit (whole quote per whole credit, WAD).
    error PriceAboveLimit(uint256 priceWad, uint256 maxPriceWad);
    /// @dev A withdrawal of more capacity than the provider bonded.
    error InsufficientCapacity(uint256 provided, uint256 amount);
    /// @dev A withdrawal that would leave less capacity than this block already allocated.
    error CapacityInUse(uint256 allocated, uint256 capacityAfter);
    /// @dev A use of more credits than the consumer holds.
    error InsufficientCredits(uint256 credits, uint256 amount);
    /// @dev A claim with no earnings.
    error NothingToClaim(address provider);
    /// @dev A fee collection with no fees accrued.
    error NothingToCollect();
    /// @dev A rule parameter outside what the rule can use (from the constructor or the store).
    error ParameterOutOfRange(bytes32 key, uint256 value, uint256 min, uint256 max);
    /// @dev Bounds of the price that cross (minPrice above maxPrice), or a start price outside them.
    error PriceOutOfBounds(uint256 priceWad, uint256 minPriceWad, uint256 maxPriceWad);

    /* EVENTS */

    /// @notice The price moved at the first transaction of block `blockNumber` (block.timestamp / periodSeconds), by the demand and target
    /// of the last active block (and the empty blocks since).
    event PriceUpdated(uint256 indexed blockNumber, uint256 oldPriceWad, uint256 newPriceWad, uint256 demand, uint256 target);
    /// @notice `consumer` requested `quantity` credits at `priceWad`, was allocated `filled` and paid `cost` (quote wei).
    event Requested(address indexed consumer, uint256 quantity, uint256 filled, uint256 priceWad, uint256 cost);
    /// @notice `consumer` used (burned) `amount` credits.
    event CreditsUsed(address indexed consumer, uint256 amount);
    /// @notice `provider` bonded `amount` tokens, adding as much capacity per block; `capacity` is everyone's after it.
    event Provided(address indexed provider, uint256 amount, uint256 capacity);
    /// @notice `provider` withdrew `amount` capacity and got its bond back; `capacity` is everyone's after it.
    event Withdrawn(address indexed provider, uint256 amount, uint256 capacity);
    /// @notice `provider` was paid `amount` quote wei of its share of payments.
    event EarningsPaid(address indexed provider, uint256 amount);
    /// @notice The treasury's fees (`amount` quote wei) were sent to it.
    event FeesCollected(address indexed treasury, uint256 amount);
    /// @notice A parameter of the price rule changed (from the store, or at construction).
    event ResourceParameterUpdated(bytes32 indexed key, uint256 oldValue, uint256 newValue);

    /* CONSUMERS */

    /// @notice Requests `quantity` credits at this block's price if it is at most `maxPriceWad`: allocates
    /// what is left of this block's capacity up to `quantity` (requests are served in the block's
    /// transaction order), charges ⌈filled × price / 1e18⌉ in quote units, rounded up (approved before), and counts the whole
    /// quantity in the block's demand. Returns the credits allocated and the quote paid.
    function request(uint256 quantity, uint256 maxPriceWad) external returns (uint256 filled, uint256 cost);
    /// @notice Uses (burns) `amount` of the caller's credits.
    function use(uint256 amount) external;

    /* PROVIDERS */

    /// @notice Bonds `amount` tokens (approved before), adding `amount` credits of capacity per block from now.
    function provide(uint256 amount) external;
    /// @notice Withdraws `amount` of the caller's capacity and returns its bond; keeps its earnings.
    function withdraw(uint256 amount) external;
    /// @notice Pays the caller its share of payments; returns it.
    function claimEarnings() external returns (uint256 amount);
    /// @notice Sends the treasury's fees to it. Anyone may call.
    function collectFees() external returns (uint256 amount);

    /* VIEWS */

    function quote() external view returns (address);
    function token() external view returns (address);
    function parameterStore() external view returns (address);
    function treasury() external view returns (address);
    /// @notice Seconds of one of the resource's blocks: capacity, demand and the price are per block.timestamp / periodSeconds.
    function periodSeconds() external view returns (uint256);
    /// @notice The price a request in this block pays (the stored price moved by the rule if this block has not acted yet).
    function currentPriceWad() external view returns (uint256);
    /// @notice The market as stored: the price of block `lastBlock`, that block's demand and allocation,
    /// everyone's capacity, the treasury's fees, and the earnings accumulator.
    function state()
        external
        view
        returns (
            uint256 priceWad,
            uint256 lastBlock,
            uint256 demand,
            uint256 allocated,
            uint256 capacity,
            uint256 feesAccrued,
            uint256 earningsPerCapacityWad
        );
    /// @notice The price rule's parameters.
    function rule()
        external
        view
        returns (
            uint256 targetUtilisationBps,
            uint256 adjustmentSpeed,
            uint256 feeBps,
            uint256 minPriceWad,
            uint256 maxPriceWad
        );
    /// @notice One provider as stored: its capacity, its earnings checkpoint and its unpaid earnings.
    function providerOf(address provider)
        external
        view
        returns (uint256 capacity, uint256 earningsPerCapacityPaidWad, uint256 earnings);
    /// @notice Earnings `provider` could claim now.
    function earned(address provider) external view returns (uint256);
    /// @notice Credits `consumer` holds.
    function creditsOf(address consumer) external view returns (uint256);
}
