// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CurveKind} from "../libraries/CurveTypes.sol";

/// @title IBondingCurveMarket
/// @notice Buys mint and sells burn the arena token against a reserve of the quote token, at
/// prices from a bonding curve scaled by `scaleWad`. Fees (bps of the curve amount, rounded up)
/// split between the treasury (accrued as the quote balance above the reserve, collected by anyone to
/// the treasury) and the reserve.
/// Invariants: reserve ≥ the refund for selling the whole supply back (solvency), also right
/// after a parameter change (a retune that would break it renormalises the curve: scaleWad =
/// reserve / integral, rounded down); the quote balance ≥ reserve; supply ==
/// token.totalSupply(); a buy followed by a sell of the same amount never returns more than it cost.
interface IBondingCurveMarket {
    struct Allocation {
        address to;
        uint256 amount;
    }

    /* ERRORS */
    error SlippageExceeded(uint256 amount, uint256 limit);
    error MarketPaused();
    error MarketNotPaused();
    error GenesisAlreadyDone();
    error GenesisNotDone();
    error GenesisReserveTooLow(uint256 reserveQuote, uint256 requiredQuote);
    error SupplyCapExceeded(uint256 newSupply, uint256 maxSupply);
    error InsufficientSupply(uint256 amount, uint256 supply);
    error FeeOutOfRange(bytes32 key, uint256 feeBps, uint256 maxFeeBps);
    error NothingToCollect();
    error UnexpectedParameter(bytes32 key);

    /* EVENTS */
    event Genesis(address indexed funder, uint256 reserveQuote, uint256 supply);
    event Bought(address indexed buyer, address indexed to, uint256 amount, uint256 cost, uint256 fee, uint256 supplyAfter, uint256 reserveAfter);
    event Sold(address indexed seller, address indexed to, uint256 amount, uint256 refund, uint256 fee, uint256 supplyAfter, uint256 reserveAfter);
    event ParametersSynced(bytes32 indexed key, uint256 p1, uint256 p2, uint256 p3, uint256 p4, uint256 buyFeeBps, uint256 sellFeeBps, uint256 treasuryShareBps);
    event Renormalised(uint256 oldScaleWad, uint256 newScaleWad, uint256 reserve, uint256 supply);
    event FeesCollected(address indexed treasury, uint256 amount);
    event Paused(address indexed by);
    event Unpaused(address indexed by);

    /* GENESIS (the deployer, once) */
    function genesis(Allocation[] calldata allocations, uint256 reserveQuote) external;

    /* TRADING */
    function buyExactTokens(uint256 amount, uint256 maxCost, address to, uint256 deadline) external returns (uint256 cost);
    function buyExactQuote(uint256 quoteIn, uint256 minTokensOut, address to, uint256 deadline) external returns (uint256 amount);
    function sell(uint256 amount, uint256 minRefund, address to, uint256 deadline) external returns (uint256 refund);
    function collectFees() external returns (uint256 amount);

    /* QUOTES (what the same call would do now, fees included) */
    function quoteBuyExactTokens(uint256 amount) external view returns (uint256 cost, uint256 fee);
    function quoteBuyExactQuote(uint256 quoteIn) external view returns (uint256 amount, uint256 fee);
    function quoteSell(uint256 amount) external view returns (uint256 refund, uint256 fee);
    function priceWad() external view returns (uint256);

    /* GUARDIAN AND GOVERNANCE */
    function pause() external;
    function unpause() external;

    /* STATE */
    function supply() external view returns (uint256);
    function reserve() external view returns (uint256);
    function treasuryAccrued() external view returns (uint256);
    function scaleWad() external view returns (uint256);
    function paused() external view returns (bool);
    function genesisDone() external view returns (bool);
    /// @notice The store keys this market consumes: the curve's (p1..p4 order), then the three fee keys.
    function parameterKeys() external view returns (bytes32[] memory);
    function curveKind() external view returns (CurveKind);
    function curveParameters() external view returns (uint256 p1, uint256 p2, uint256 p3, uint256 p4);
    function fees() external view returns (uint256 buyFeeBps, uint256 sellFeeBps, uint256 treasuryShareBps);
}
