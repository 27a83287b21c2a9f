// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IParameterConsumer} from "./IParameterStore.sol";

/// @title IBuyback
/// @notice Buyback-and-burn of the token with the treasury's revenue: the market's treasury fees come
/// here (this contract is the market's treasury), `collect` keeps `buyback.shareBps` of them as the
/// buyback's budget and forwards the rest to the Timelock (the treasury proper), and `execute` spends the
/// budget on the venue (the curve or the pool), at most `buyback.capPerPeriod` quote a period and never
/// below `buyback.maxSlippageBps` of the venue's spot price, and burns every token it bought.
interface IBuyback is IParameterConsumer {
    /* TYPES */

    /// @dev Where the buyback buys: on the bonding curve (buyExactQuote) or on the pool (swapExactIn).
    enum Venue {
        Curve,
        Pool
    }

    /* ERRORS */

    /// @dev An address given to the constructor, or the pool bound later, was the zero address.
    error InvalidAddress(address value);
    /// @dev A period of zero seconds, or longer than a year.
    error InvalidPeriod(uint256 periodSeconds);
    /// @dev The pool venue is bound once, by the deployer; `execute` waits for it.
    error VenueNotBound();
    error VenueAlreadyBound(address pool);
    /// @dev The market holds no treasury fees to collect.
    error NothingToCollect();
    /// @dev A spend above the budget the revenue share has given.
    error BudgetExceeded(uint256 quoteIn, uint256 budget);
    /// @dev A spend above what the period's cap leaves.
    error CapExceeded(uint256 quoteIn, uint256 capLeft);
    /// @dev The tokens the venue gives are worth less than (1 − maxSlippageBps) of the quote at its spot price.
    error SlippageExceeded(uint256 tokensOut, uint256 valueQuote, uint256 minValueQuote);
    /// @dev A parameter value outside what the policy can use (a share or slippage above 100%, a cap above 2^128).
    error ParameterOutOfRange(bytes32 key, uint256 value, uint256 max);

    /* EVENTS */

    /// @notice `revenue` quote of treasury fees came in: `toBudget` stays for buybacks, `toTreasury` went to the Timelock.
    event RevenueCollected(uint256 revenue, uint256 toBudget, uint256 toTreasury);
    /// @notice `keeper` spent `quoteIn` of the budget on `tokensBurned` tokens and burned them.
    event BoughtBack(address indexed keeper, uint256 quoteIn, uint256 tokensBurned, uint256 spentInPeriod);
    /// @notice A policy parameter changed (from the store).
    event PolicyParameterUpdated(bytes32 indexed key, uint256 oldValue, uint256 newValue);
    /// @notice The pool became the venue.
    event PoolBound(address indexed pool);

    /* ACTIONS */

    /// @notice Pulls the market's treasury fees; keeps ⌊revenue × shareBps / 1e4⌋ and sends the rest to the Timelock. Anyone may call.
    function collect() external returns (uint256 revenue);
    /// @notice Buys with `quoteIn` of the budget on the venue and burns what it bought. Anyone (a keeper) may call.
    function execute(uint256 quoteIn) external returns (uint256 tokensBurned);
    /// @notice The deployer binds the pool as the venue, once (a pool venue only).
    function bindPool(address pool) external;

    /* VIEWS */

    function token() external view returns (address);
    function market() external view returns (address);
    function quote() external view returns (address);
    function treasury() external view returns (address);
    function venueKind() external view returns (Venue);
    function venue() external view returns (address);
    function periodSeconds() external view returns (uint256);
    /// @notice Everything the twin reads, in one call.
    function state()
        external
        view
        returns (
            uint256 budget,
            uint256 spentInPeriod,
            uint256 period,
            uint256 revenueTotal,
            uint256 spentTotal,
            uint256 burnedTotal,
            uint256 shareBps,
            uint256 capPerPeriod,
            uint256 maxSlippageBps
        );
}
