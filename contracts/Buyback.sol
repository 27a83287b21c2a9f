// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {BurnableArenaToken} from "./BurnableArenaToken.sol";
import {IBondingCurveMarket} from "./interfaces/IBondingCurveMarket.sol";
import {IBuyback} from "./interfaces/IBuyback.sol";
import {IConstantProductPool} from "./interfaces/IConstantProductPool.sol";
import {IParameterConsumer, IParameterStore} from "./interfaces/IParameterStore.sol";
import {BPS, WAD} from "./libraries/Constants.sol";
import {Unauthorized, ZeroAmount} from "./libraries/Errors.sol";

/// @title Buyback
/// @notice Buyback-and-burn with the treasury's revenue, as a governable policy. This contract is the
/// market's treasury: the market's treasury fees come here. `collect` (anyone) pulls them, keeps
/// ⌊revenue × shareBps / 1e4⌋ as the buyback's budget and sends the rest to the Timelock (the treasury
/// proper): the treasury keeps the rounding dust. `execute(quoteIn)` (anyone: a keeper) spends quoteIn of
/// the budget on the venue fixed at deployment (the bonding curve, or the pool the deployer binds once),
/// at most capPerPeriod quote per period, and only when the tokens the venue's own exact quote gives are
/// worth at least (1 − maxSlippageBps) of quoteIn at the venue's spot price (that value rounded down, the
/// bound rounded up: the check errs on refusing); it then burns every token it bought (BurnableArenaToken.
/// burnOwn: the circulating supply falls, the curve's does not, so the curve stays solvent). The three
/// policy values are parameters of the store, read at construction and pushed by the store after each
/// change (it is their consumer): governance tunes them through the Timelock.
/// @dev Invariants:
///  - budget + spentTotal = Σ over collections of ⌊revenue × shareBps / 1e4⌋ ≤ revenueTotal: the buyback
///    never spends more than its share of the revenue, and quote.balanceOf(this) ≥ budget;
///  - spentInPeriod ≤ capPerPeriod after every execute (a cap lowered mid-period stops spending until the
///    next period);
///  - burnedTotal = Σ tokens bought, and nothing else leaves: this contract holds no tokens after execute;
///  - market.supply() = token.totalSupply() + Σ burned ≥ token.totalSupply(), and the reserve covers
///    selling the circulating supply back;
///  - an execute whose slippage check fails spends nothing (it reverts).
contract Buyback is IBuyback {
    using SafeERC20 for IERC20;

    /* KEYS */

    bytes32 internal constant KEY_SHARE = "buyback.shareBps";
    bytes32 internal constant KEY_CAP = "buyback.capPerPeriod";
    bytes32 internal constant KEY_SLIPPAGE = "buyback.maxSlippageBps";

    /// @dev Longest period the cap may count over.
    uint256 internal constant MAX_PERIOD_SECONDS = 365 days;

    /* IMMUTABLES */

    /// @inheritdoc IBuyback
    address public immutable token;
    /// @inheritdoc IBuyback
    address public immutable market;
    /// @inheritdoc IBuyback
    address public immutable quote;
    /// @inheritdoc IBuyback
    address public immutable treasury;
    address public immutable parameterStore;
    address internal immutable deployer;
    /// @inheritdoc IBuyback
    Venue public immutable venueKind;
    /// @inheritdoc IBuyback
    uint256 public immutable periodSeconds;
    /// @dev 10^(18 − quote decimals): a quote unit in WAD.
    uint256 internal immutable quoteUnitWad;

    /* STORAGE */

    /// @dev What every execute reads and writes, in one slot.
    struct Ledger {
        uint128 budget;
        uint96 spentInPeriod;
        uint32 period;
    }

    struct Totals {
        uint128 spentTotal;
        uint128 burnedTotal;
    }

    struct Policy {
        uint96 capPerPeriod;
        uint16 shareBps;
        uint16 maxSlippageBps;
    }

    Ledger private _ledger;
    Totals private _totals;
    Policy private _policy;
    uint256 private _revenueTotal;
    address private _pool;

    /* CONSTRUCTOR */

    /// @param token_ the BurnableArenaToken; @param market_ its market (this contract is the market's treasury);
    /// @param treasury_ where the revenue's other part goes (the Timelock).
    constructor(
        address token_,
        address market_,
        address quote_,
        address store_,
        address treasury_,
        Venue venue_,
        uint256 periodSeconds_
    ) {
        require(token_ != address(0), InvalidAddress(token_));
        require(market_ != address(0), InvalidAddress(market_));
        require(quote_ != address(0), InvalidAddress(quote_));
        require(store_ != address(0), InvalidAddress(store_));
        require(treasury_ != address(0), InvalidAddress(treasury_));
        require(periodSeconds_ != 0 && periodSeconds_ <= MAX_PERIOD_SECONDS, InvalidPeriod(periodSeconds_));
        token = token_;
        market = market_;
        quote = quote_;
        parameterStore = store_;
        treasury = treasury_;
        deployer = msg.sender;
        venueKind = venue_;
        periodSeconds = periodSeconds_;
        quoteUnitWad = 10 ** (18 - IERC20Metadata(quote_).decimals());
        _ledger.period = uint32(block.timestamp / periodSeconds_);
        _setParameter(KEY_SHARE, IParameterStore(store_).get(KEY_SHARE));
        _setParameter(KEY_CAP, IParameterStore(store_).get(KEY_CAP));
        _setParameter(KEY_SLIPPAGE, IParameterStore(store_).get(KEY_SLIPPAGE));
        if (venue_ == Venue.Curve) IERC20(quote_).forceApprove(market_, type(uint256).max);
    }

    /// @inheritdoc IBuyback
    function bindPool(address pool) external {
        require(msg.sender == deployer, Unauthorized(msg.sender));
        require(venueKind == Venue.Pool && _pool == address(0), VenueAlreadyBound(venue()));
        require(pool != address(0), InvalidAddress(pool));
        _pool = pool;
        IERC20(quote).forceApprove(pool, type(uint256).max);
        emit PoolBound(pool);
    }

    /* REVENUE */

    /// @inheritdoc IBuyback
    function collect() external returns (uint256 revenue) {
        revenue = IBondingCurveMarket(market).treasuryAccrued();
        require(revenue != 0, NothingToCollect());
        uint256 toBudget = revenue * _policy.shareBps / BPS;
        uint256 toTreasury = revenue - toBudget;
        _ledger.budget += uint128(toBudget); // ≤ the quote token's supply
        _revenueTotal += revenue;

        IBondingCurveMarket(market).collectFees();
        if (toTreasury != 0) IERC20(quote).safeTransfer(treasury, toTreasury);
        emit RevenueCollected(revenue, toBudget, toTreasury);
    }

    /* BUYBACK */

    /// @inheritdoc IBuyback
    function execute(uint256 quoteIn) external returns (uint256 tokensBurned) {
        require(quoteIn != 0, ZeroAmount());
        Ledger memory l = _ledger;
        require(quoteIn <= l.budget, BudgetExceeded(quoteIn, l.budget));
        uint32 period = uint32(block.timestamp / periodSeconds);
        if (period != l.period) {
            l.period = period;
            l.spentInPeriod = 0;
        }
        Policy memory p = _policy;
        uint256 capLeft = p.capPerPeriod > l.spentInPeriod ? p.capPerPeriod - l.spentInPeriod : 0;
        require(quoteIn <= capLeft, CapExceeded(quoteIn, capLeft));

        address venue_ = venue();
        require(venue_ != address(0), VenueNotBound());
        (uint256 tokensOut, uint256 spotPriceWad) = _venueQuote(venue_, quoteIn);
        uint256 valueQuote = tokensOut * spotPriceWad / WAD / quoteUnitWad;
        uint256 minValueQuote = (quoteIn * (BPS - p.maxSlippageBps) + BPS - 1) / BPS;
        require(valueQuote >= minValueQuote, SlippageExceeded(tokensOut, valueQuote, minValueQuote));

        l.budget -= uint128(quoteIn);
        l.spentInPeriod += uint96(quoteIn); // ≤ capPerPeriod, a uint96
        _ledger = l;
        Totals memory t = _totals;
        t.spentTotal += uint128(quoteIn);
        t.burnedTotal += uint128(tokensOut);
        _totals = t;

        if (venueKind == Venue.Curve) {
            IBondingCurveMarket(venue_).buyExactQuote(quoteIn, tokensOut, address(this), block.timestamp);
        } else {
            IConstantProductPool(venue_).swapExactIn(quote, quoteIn, tokensOut, address(this), block.timestamp);
        }
        BurnableArenaToken(token).burnOwn(tokensOut);
        tokensBurned = tokensOut;
        emit BoughtBack(msg.sender, quoteIn, tokensOut, l.spentInPeriod);
    }

    /* GOVERNANCE */

    /// @inheritdoc IParameterConsumer
    /// @dev Only the store calls this, after it changed a parameter; other keys are ignored.
    function onParameterSet(bytes32 key, uint256, uint256 newValue) external {
        require(msg.sender == parameterStore, Unauthorized(msg.sender));
        if (key != KEY_SHARE && key != KEY_CAP && key != KEY_SLIPPAGE) return;
        _setParameter(key, newValue);
    }

    /* VIEWS */

    /// @inheritdoc IBuyback
    function venue() public view returns (address) {
        return venueKind == Venue.Curve ? market : _pool;
    }

    /// @inheritdoc IBuyback
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
        )
    {
        Ledger memory l = _ledger;
        Totals memory t = _totals;
        Policy memory p = _policy;
        return (
            l.budget,
            l.spentInPeriod,
            l.period,
            _revenueTotal,
            t.spentTotal,
            t.burnedTotal,
            p.shareBps,
            p.capPerPeriod,
            p.maxSlippageBps
        );
    }

    /* INTERNAL */

    /// @dev The tokens the venue's own exact quote gives for quoteIn, and its spot price (WAD quote per token).
    function _venueQuote(address venue_, uint256 quoteIn) private view returns (uint256 tokensOut, uint256 priceWad) {
        if (venueKind == Venue.Curve) {
            (tokensOut,) = IBondingCurveMarket(venue_).quoteBuyExactQuote(quoteIn);
            priceWad = IBondingCurveMarket(venue_).priceWad();
        } else {
            (uint256 reserveToken, uint256 reserveQuote) = IConstantProductPool(venue_).getReserves();
            tokensOut = IConstantProductPool(venue_).getAmountOut(quoteIn, reserveQuote, reserveToken);
            priceWad = IConstantProductPool(venue_).priceWad();
        }
    }

    function _setParameter(bytes32 key, uint256 value) private {
        uint256 oldValue;
        if (key == KEY_CAP) {
            require(value <= type(uint96).max, ParameterOutOfRange(key, value, type(uint96).max));
            oldValue = _policy.capPerPeriod;
            _policy.capPerPeriod = uint96(value);
        } else {
            require(value <= BPS, ParameterOutOfRange(key, value, BPS));
            if (key == KEY_SHARE) {
                oldValue = _policy.shareBps;
                _policy.shareBps = uint16(value);
            } else {
                oldValue = _policy.maxSlippageBps;
                _policy.maxSlippageBps = uint16(value);
            }
        }
        emit PolicyParameterUpdated(key, oldValue, value);
    }
}
