// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {IArenaToken} from "./interfaces/IArenaToken.sol";
import {IBondingCurveMarket} from "./interfaces/IBondingCurveMarket.sol";
import {IParameterConsumer, IParameterStore} from "./interfaces/IParameterStore.sol";
import {BPS, MAX_FEE_BPS, MAX_SUPPLY, WAD} from "./libraries/Constants.sol";
import {CurveMath} from "./libraries/CurveMath.sol";
import {Curve, CurveKind} from "./libraries/CurveTypes.sol";
import {DeadlineExpired, Unauthorized, ZeroAmount} from "./libraries/Errors.sol";

/// @title BondingCurveMarket
/// @notice Buys mint and sells burn the arena token against a reserve of the quote token, at the
/// prices of a bonding curve (linear, exponential or sigmoid; see CurveTypes.sol) multiplied by
/// `scaleWad`. Curve parameters and fees live in the parameter store; the store pushes every change
/// here (`onParameterSet`), so a trade reads only this contract's packed cache.
///
/// Money flow. Buy: the buyer pays cost = curveCost (rounded up) + fee (⌈curveCost·buyFeeBps/1e4⌉).
/// Sell: the seller receives curveRefund (rounded down) − fee (⌈curveRefund·sellFeeBps/1e4⌉).
/// Of each fee, ⌊fee·treasuryShareBps/1e4⌋ accrues to the treasury and the rest to the reserve. The
/// treasury's accrual is not stored: it is the quote balance above the reserve (so a trade writes one
/// slot less), and `collectFees` sends it to the treasury.
///
/// Invariants:
/// - solvency: reserve ≥ scale·∫₀^supply p(s) ds (true value, in quote units), so the reserve always
///   covers selling the entire supply back. Buys add at least the true integral, sells remove at most
///   it, fees only add. A curve retune that would break it renormalises: scaleWad = min(1e18,
///   ⌊reserve / ∫₀^supply p'⌋), the integral rounded up.
/// - quote.balanceOf(this) ≥ reserve (the difference is the treasury's accrual); supply == token.totalSupply().
/// - no free money: a buy followed by a sell of the same amount never returns more than it cost.
contract BondingCurveMarket is IBondingCurveMarket, IParameterConsumer, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /* KEYS */

    bytes32 internal constant KEY_SLOPE = "curve.slope";
    bytes32 internal constant KEY_BASE_PRICE = "curve.basePrice";
    bytes32 internal constant KEY_INITIAL_PRICE = "curve.initialPrice";
    bytes32 internal constant KEY_GROWTH_RATE = "curve.growthRate";
    bytes32 internal constant KEY_MAX_PRICE = "curve.maxPrice";
    bytes32 internal constant KEY_STEEPNESS = "curve.steepness";
    bytes32 internal constant KEY_MIDPOINT = "curve.midpoint";
    bytes32 internal constant KEY_BUY_FEE = "market.buyFeeBps";
    bytes32 internal constant KEY_SELL_FEE = "market.sellFeeBps";
    bytes32 internal constant KEY_TREASURY_SHARE = "market.treasuryShareBps";

    /* IMMUTABLES */

    IArenaToken public immutable token;
    IERC20 public immutable quote;
    IParameterStore public immutable store;
    CurveKind public immutable curveKind;
    address public immutable treasury;
    address public immutable timelock;
    address public immutable guardian;
    address public immutable deployer;
    /// @notice The largest supply this market's curve may reach (token wei), fixed at deployment.
    uint256 public immutable maxSupply;
    /// @dev Quote WAD per quote unit: 10^(18 − quote decimals).
    uint256 internal immutable quoteUnitWad;

    /* STORAGE (packed so a trade touches three slots, four on a sigmoid) */

    struct Reserves {
        uint128 supply;
        uint128 reserve;
    }

    struct Config {
        uint16 buyFeeBps;
        uint16 sellFeeBps;
        uint16 treasuryShareBps;
        bool paused;
        bool genesisDone;
        uint64 scaleWad;
    }

    struct Params {
        uint128 p1;
        uint128 p2;
        uint128 p3;
        uint128 p4;
    }

    Reserves internal reserves;
    Config internal config;
    Params internal params;

    constructor(
        address token_,
        address quote_,
        address store_,
        CurveKind kind,
        uint256 maxSupply_,
        address treasury_,
        address timelock_,
        address guardian_
    ) {
        token = IArenaToken(token_);
        quote = IERC20(quote_);
        store = IParameterStore(store_);
        curveKind = kind;
        require(maxSupply_ > 0 && maxSupply_ <= MAX_SUPPLY, SupplyCapExceeded(maxSupply_, MAX_SUPPLY));
        maxSupply = maxSupply_;
        treasury = treasury_;
        timelock = timelock_;
        guardian = guardian_;
        deployer = msg.sender;
        quoteUnitWad = 10 ** (18 - IERC20Metadata(quote_).decimals());
        config.scaleWad = uint64(WAD);
        _syncFromStore(bytes32(0));
    }

    /* MODIFIERS */

    modifier whenTrading(uint256 deadline) {
        require(block.timestamp <= deadline, DeadlineExpired(deadline, block.timestamp));
        Config storage cfg = config;
        require(cfg.genesisDone, GenesisNotDone());
        require(!cfg.paused, MarketPaused());
        _;
    }

    /* GENESIS */

    /// @notice Mints the genesis allocations and funds the reserve from the deployer. Once.
    /// The reserve must cover selling the allocated supply back to the curve.
    function genesis(Allocation[] calldata allocations, uint256 reserveQuote) external nonReentrant {
        require(msg.sender == deployer, Unauthorized(msg.sender));
        require(!config.genesisDone, GenesisAlreadyDone());
        uint256 newSupply;
        for (uint256 i; i < allocations.length; ++i) {
            newSupply += allocations[i].amount;
        }
        require(newSupply <= maxSupply, SupplyCapExceeded(newSupply, maxSupply));
        uint256 required = newSupply == 0 ? 0 : _toQuoteUp(CurveMath.costUpWad(_curve(), 0, newSupply));
        require(reserveQuote >= required, GenesisReserveTooLow(reserveQuote, required));

        reserves = Reserves(uint128(newSupply), uint128(reserveQuote));
        config.genesisDone = true;

        if (reserveQuote > 0) quote.safeTransferFrom(msg.sender, address(this), reserveQuote);
        for (uint256 i; i < allocations.length; ++i) {
            if (allocations[i].amount > 0) token.mint(allocations[i].to, allocations[i].amount);
        }
        emit Genesis(msg.sender, reserveQuote, newSupply);
    }

    /* TRADING */

    /// @notice Buys exactly `amount` tokens for at most `maxCost` quote (fee included).
    function buyExactTokens(uint256 amount, uint256 maxCost, address to, uint256 deadline)
        external
        nonReentrant
        whenTrading(deadline)
        returns (uint256 cost)
    {
        require(amount > 0, ZeroAmount());
        Reserves memory r = reserves;
        Config memory cfg = config;
        (uint256 curveCost, uint256 fee) = _buyCost(cfg, r.supply, amount);
        cost = curveCost + fee;
        require(cost <= maxCost, SlippageExceeded(cost, maxCost));
        _settleBuy(r, cfg, amount, cost, fee, to);
    }

    /// @notice Spends exactly `quoteIn` (fee included) on as many tokens as it buys, at least `minTokensOut`.
    /// What rounding leaves of `quoteIn` after the curve cost and the fee goes to the reserve.
    function buyExactQuote(uint256 quoteIn, uint256 minTokensOut, address to, uint256 deadline)
        external
        nonReentrant
        whenTrading(deadline)
        returns (uint256 amount)
    {
        Reserves memory r = reserves;
        Config memory cfg = config;
        uint256 fee;
        (amount, fee) = _tokensForQuote(cfg, r.supply, quoteIn);
        require(amount > 0, ZeroAmount());
        require(amount >= minTokensOut, SlippageExceeded(amount, minTokensOut));
        _settleBuy(r, cfg, amount, quoteIn, fee, to);
    }

    /// @notice Sells `amount` tokens of the caller for at least `minRefund` quote (after the fee), paid to `to`.
    function sell(uint256 amount, uint256 minRefund, address to, uint256 deadline)
        external
        nonReentrant
        whenTrading(deadline)
        returns (uint256 refund)
    {
        require(amount > 0, ZeroAmount());
        Reserves memory r = reserves;
        Config memory cfg = config;
        (uint256 curveRefund, uint256 fee) = _sellRefund(cfg, r.supply, amount);
        refund = curveRefund - fee;
        require(refund >= minRefund, SlippageExceeded(refund, minRefund));

        uint256 feeToTreasury = fee * cfg.treasuryShareBps / BPS;
        r.supply -= uint128(amount);
        // Solvency keeps curveRefund ≤ reserve; the reserve keeps the fee's non-treasury part.
        r.reserve = uint128(r.reserve - curveRefund + (fee - feeToTreasury));
        reserves = r;

        token.burn(msg.sender, amount);
        if (refund > 0) quote.safeTransfer(to, refund);
        emit Sold(msg.sender, to, amount, refund, fee, r.supply, r.reserve);
    }

    /// @notice Sends the fees accrued to the treasury. Anyone may call.
    function collectFees() external nonReentrant returns (uint256 amount) {
        amount = treasuryAccrued();
        require(amount > 0, NothingToCollect());
        quote.safeTransfer(treasury, amount);
        emit FeesCollected(treasury, amount);
    }

    /* QUOTES */

    function quoteBuyExactTokens(uint256 amount) external view returns (uint256 cost, uint256 fee) {
        uint256 curveCost;
        (curveCost, fee) = _buyCost(config, reserves.supply, amount);
        cost = curveCost + fee;
    }

    function quoteBuyExactQuote(uint256 quoteIn) external view returns (uint256 amount, uint256 fee) {
        return _tokensForQuote(config, reserves.supply, quoteIn);
    }

    function quoteSell(uint256 amount) external view returns (uint256 refund, uint256 fee) {
        uint256 curveRefund;
        (curveRefund, fee) = _sellRefund(config, reserves.supply, amount);
        refund = curveRefund - fee;
    }

    /// @notice The spot price in WAD quote per whole token, scale included.
    function priceWad() external view returns (uint256) {
        return FixedPointMathLib.mulDiv(CurveMath.priceWad(_curve(), reserves.supply), config.scaleWad, WAD);
    }

    /* GUARDIAN AND GOVERNANCE */

    /// @notice Stops trading. The guardian or the Timelock.
    function pause() external {
        require(msg.sender == guardian || msg.sender == timelock, Unauthorized(msg.sender));
        require(!config.paused, MarketPaused());
        config.paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Resumes trading. The Timelock only, so only a governance proposal undoes a guardian's pause.
    function unpause() external {
        require(msg.sender == timelock, Unauthorized(msg.sender));
        require(config.paused, MarketNotPaused());
        config.paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice The store reports a change of one of our parameters: re-read them all, and renormalise
    /// the curve if its shape changed.
    function onParameterSet(bytes32 key, uint256, uint256) external {
        require(msg.sender == address(store), Unauthorized(msg.sender));
        _syncFromStore(key);
    }

    /* STATE */

    function supply() external view returns (uint256) {
        return reserves.supply;
    }

    function reserve() external view returns (uint256) {
        return reserves.reserve;
    }

    /// @notice Fees owed to the treasury: the quote balance above the reserve.
    function treasuryAccrued() public view returns (uint256) {
        return quote.balanceOf(address(this)) - reserves.reserve;
    }

    function scaleWad() external view returns (uint256) {
        return config.scaleWad;
    }

    function paused() external view returns (bool) {
        return config.paused;
    }

    function genesisDone() external view returns (bool) {
        return config.genesisDone;
    }

    function curveParameters() external view returns (uint256 p1, uint256 p2, uint256 p3, uint256 p4) {
        Params memory p = params;
        return (p.p1, p.p2, p.p3, p.p4);
    }

    function fees() external view returns (uint256 buyFeeBps, uint256 sellFeeBps, uint256 treasuryShareBps) {
        Config memory cfg = config;
        return (cfg.buyFeeBps, cfg.sellFeeBps, cfg.treasuryShareBps);
    }

    /// @notice The parameter keys this market consumes, curve first (p1..p4 order), then the fees.
    function parameterKeys() public view returns (bytes32[] memory keys) {
        bytes32[4] memory curveKeys = _curveKeys();
        uint256 count = curveKind == CurveKind.Sigmoid ? 4 : 2;
        keys = new bytes32[](count + 3);
        for (uint256 i; i < count; ++i) {
            keys[i] = curveKeys[i];
        }
        keys[count] = KEY_BUY_FEE;
        keys[count + 1] = KEY_SELL_FEE;
        keys[count + 2] = KEY_TREASURY_SHARE;
    }

    /* INTERNAL: PRICING */

    function _curve() internal view returns (Curve memory c) {
        Params storage p = params;
        c.kind = curveKind;
        c.maxSupply = maxSupply;
        c.p1 = p.p1;
        c.p2 = p.p2;
        if (curveKind == CurveKind.Sigmoid) {
            c.p3 = p.p3;
            c.p4 = p.p4;
        }
    }

    function _buyCost(Config memory cfg, uint256 currentSupply, uint256 amount)
        internal
        view
        returns (uint256 curveCost, uint256 fee)
    {
        uint256 newSupply = currentSupply + amount;
        require(newSupply <= maxSupply, SupplyCapExceeded(newSupply, maxSupply));
        uint256 costWad = CurveMath.costUpWad(_curve(), currentSupply, amount);
        curveCost = _toQuoteUp(_scaleUp(costWad, cfg.scaleWad));
        fee = FixedPointMathLib.mulDivUp(curveCost, cfg.buyFeeBps, BPS);
    }

    function _sellRefund(Config memory cfg, uint256 currentSupply, uint256 amount)
        internal
        view
        returns (uint256 curveRefund, uint256 fee)
    {
        require(amount <= currentSupply, InsufficientSupply(amount, currentSupply));
        uint256 refundWad = CurveMath.refundDownWad(_curve(), currentSupply, amount);
        curveRefund = FixedPointMathLib.mulDiv(refundWad, cfg.scaleWad, WAD) / quoteUnitWad;
        fee = FixedPointMathLib.mulDivUp(curveRefund, cfg.sellFeeBps, BPS);
    }

    /// @dev The most tokens `quoteIn` buys with the fee on top: the curve gets ⌊quoteIn·1e4/(1e4+fee)⌋
    /// at most, so curveCost + ⌈curveCost·fee/1e4⌉ ≤ quoteIn.
    function _tokensForQuote(Config memory cfg, uint256 currentSupply, uint256 quoteIn)
        internal
        view
        returns (uint256 amount, uint256 fee)
    {
        uint256 curveBudget = quoteIn * BPS / (BPS + cfg.buyFeeBps);
        uint256 rawBudgetWad = FixedPointMathLib.mulDiv(curveBudget * quoteUnitWad, WAD, cfg.scaleWad);
        uint256 costWad;
        (amount, costWad) = CurveMath.tokensForQuoteDownWithCost(_curve(), currentSupply, rawBudgetWad);
        // The library keeps the raw cost within the raw budget (and the amount within the supply left), so
        // curveCost ≤ curveBudget and curveCost + fee ≤ quoteIn; what is left over goes to the reserve
        // (_settleBuy). The fee is _buyCost's, from the cost the library's last check computed.
        fee = FixedPointMathLib.mulDivUp(_toQuoteUp(_scaleUp(costWad, cfg.scaleWad)), cfg.buyFeeBps, BPS);
    }

    function _settleBuy(Reserves memory r, Config memory cfg, uint256 amount, uint256 paid, uint256 fee, address to)
        internal
    {
        uint256 feeToTreasury = fee * cfg.treasuryShareBps / BPS;
        r.supply += uint128(amount);
        r.reserve += uint128(paid - feeToTreasury);
        reserves = r;

        quote.safeTransferFrom(msg.sender, address(this), paid);
        token.mint(to, amount);
        emit Bought(msg.sender, to, amount, paid, fee, r.supply, r.reserve);
    }

    function _scaleUp(uint256 valueWad, uint256 scale) internal pure returns (uint256) {
        return scale == WAD ? valueWad : FixedPointMathLib.mulDivUp(valueWad, scale, WAD);
    }

    function _toQuoteUp(uint256 valueWad) internal view returns (uint256) {
        return FixedPointMathLib.divUp(valueWad, quoteUnitWad);
    }

    /* INTERNAL: PARAMETERS */

    function _curveKeys() internal view returns (bytes32[4] memory keys) {
        if (curveKind == CurveKind.Linear) return [KEY_SLOPE, KEY_BASE_PRICE, bytes32(0), bytes32(0)];
        if (curveKind == CurveKind.Exponential) return [KEY_INITIAL_PRICE, KEY_GROWTH_RATE, bytes32(0), bytes32(0)];
        return [KEY_MAX_PRICE, KEY_STEEPNESS, KEY_MIDPOINT, KEY_BASE_PRICE];
    }

    /// @dev Reads every parameter from the store (the constructor and every change go through here),
    /// validates them, and renormalises when `changedKey` reshapes the curve.
    function _syncFromStore(bytes32 changedKey) internal {
        bytes32[4] memory curveKeys = _curveKeys();
        uint256[4] memory p;
        bool curveChanged;
        for (uint256 i; i < 4; ++i) {
            if (curveKeys[i] == bytes32(0)) continue;
            p[i] = store.get(curveKeys[i]);
            if (curveKeys[i] == changedKey) curveChanged = true;
        }
        Curve memory c = Curve(curveKind, p[0], p[1], p[2], p[3], maxSupply);
        CurveMath.validate(c);
        uint256 buyFee = _feeFromStore(KEY_BUY_FEE, MAX_FEE_BPS);
        uint256 sellFee = _feeFromStore(KEY_SELL_FEE, MAX_FEE_BPS);
        uint256 treasuryShare = _feeFromStore(KEY_TREASURY_SHARE, BPS);
        bool feeChanged = changedKey == KEY_BUY_FEE || changedKey == KEY_SELL_FEE || changedKey == KEY_TREASURY_SHARE;
        require(changedKey == bytes32(0) || curveChanged || feeChanged, UnexpectedParameter(changedKey));

        params = Params(uint128(p[0]), uint128(p[1]), uint128(p[2]), uint128(p[3]));
        Config storage cfg = config;
        cfg.buyFeeBps = uint16(buyFee);
        cfg.sellFeeBps = uint16(sellFee);
        cfg.treasuryShareBps = uint16(treasuryShare);
        emit ParametersSynced(changedKey, p[0], p[1], p[2], p[3], buyFee, sellFee, treasuryShare);

        if (curveChanged) _renormalise(c);
    }

    function _feeFromStore(bytes32 key, uint256 maxBps) internal view returns (uint256 feeBps) {
        feeBps = store.get(key);
        require(feeBps <= maxBps, FeeOutOfRange(key, feeBps, maxBps));
    }

    /// @dev Keeps solvency across a retune: scale = min(1, reserve / ∫₀^supply p'), the integral rounded
    /// up and the ratio rounded down, so the new curve's true integral never exceeds the reserve.
    function _renormalise(Curve memory c) internal {
        Reserves memory r = reserves;
        uint256 oldScale = config.scaleWad;
        uint256 newScale = WAD;
        if (r.supply > 0) {
            uint256 integralWad = CurveMath.costUpWad(c, 0, r.supply);
            uint256 reserveWad = uint256(r.reserve) * quoteUnitWad;
            if (integralWad > reserveWad) newScale = FixedPointMathLib.mulDiv(reserveWad, WAD, integralWad);
        }
        config.scaleWad = uint64(newScale);
        emit Renormalised(oldScale, newScale, r.reserve, r.supply);
    }
}
