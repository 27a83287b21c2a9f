// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IParameterConsumer, IParameterStore} from "./interfaces/IParameterStore.sol";
import {IResourceMarket} from "./interfaces/IResourceMarket.sol";
import {
    BPS,
    MAX_ADJUSTMENT_SPEED,
    MAX_EMPTY_BLOCKS,
    MAX_FEE_BPS,
    MAX_PERIOD_SECONDS,
    MAX_PRICE_WAD,
    WAD
} from "./libraries/Constants.sol";
import {Unauthorized, ZeroAmount} from "./libraries/Errors.sol";

/// @title ResourceMarket
/// @notice Compute credits with a capacity per block and an EIP-1559-style price (after Optimism's
/// ResourceMetering), in whole quote per whole credit (WAD, as the curve's price). Providers bond the arena token, one wei per credit wei of capacity per block,
/// and share every payment in proportion to their capacity (a Synthetix-style accumulator, constant
/// gas per action); the treasury takes `feeBps` of each payment. A consumer's request is allocated at
/// once against what is left of the block's capacity, in the block's transaction order (first come,
/// first served: on a chain ordered by priority fee, the consumer who bids more gas is served first),
/// and pays for what it got at the block's one price; its whole quantity counts in the block's demand,
/// so unmet demand raises the price. Credits are used (burned) by `use`.
///
/// The price rule: at the first transaction of a block, the price of the last active block moves by
/// price × clamp((demand − target) / target, −1, +1) / adjustmentSpeed, where target is
/// `targetUtilisationBps` of the capacity (a block with no capacity moves by +1/speed with demand,
/// −1/speed without); each empty block since then decays it by (1 − 1/speed) (at most
/// MAX_EMPTY_BLOCKS of them); the result is held within [minPrice, maxPrice]. Increases round up and
/// decreases round down (the price stays the higher: the protocol's side). All five rule parameters
/// come from the parameter store, which pushes their changes here.
/// @dev Invariants:
///  - the allocation of a block never exceeds its capacity: allocated ≤ capacity at every moment of
///    the block (a withdrawal that would break it reverts with CapacityInUse);
///  - minPrice ≤ price ≤ maxPrice, and outside governance moving the bounds, one block's update moves
///    it by at most ⌈price / adjustmentSpeed⌉;
///  - payments are conserved: Σ costs paid by consumers = feesAccrued + fees collected + Σ provider
///    earnings (paid and owed) + dust, where the dust (the accumulator's rounding down) stays here;
///    so quote.balanceOf(this) ≥ feesAccrued + Σ earned(provider);
///  - Σ provider capacity = capacity ≤ token.balanceOf(this) (the bonds).
contract ResourceMarket is IResourceMarket {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /* KEYS */

    bytes32 internal constant KEY_TARGET_UTILISATION = "resource.targetUtilisationBps";
    bytes32 internal constant KEY_ADJUSTMENT_SPEED = "resource.adjustmentSpeed";
    bytes32 internal constant KEY_FEE = "resource.feeBps";
    bytes32 internal constant KEY_MIN_PRICE = "resource.minPrice";
    bytes32 internal constant KEY_MAX_PRICE = "resource.maxPrice";

    /* IMMUTABLES */

    /// @inheritdoc IResourceMarket
    address public immutable quote;
    /// @inheritdoc IResourceMarket
    address public immutable token;
    /// @inheritdoc IResourceMarket
    address public immutable parameterStore;
    /// @inheritdoc IResourceMarket
    address public immutable treasury;
    /// @inheritdoc IResourceMarket
    uint256 public immutable periodSeconds;
    /// @dev Quote WAD per quote unit: 10^(18 − quote decimals); a cost in quote units is credits × priceWad / (1e18 · this).
    uint256 internal immutable quoteUnitWad;

    /* STORAGE */

    /// @dev The price of block `lastBlock` (a block is a period of `periodSeconds`: block.timestamp /
    /// periodSeconds; 0: no block has acted yet, the price has not started moving).
    struct Market {
        uint96 priceWad;
        uint64 lastBlock;
    }

    /// @dev Credits requested and allocated in block `lastBlock`.
    struct BlockUse {
        uint128 demand;
        uint128 allocated;
    }

    struct Supply {
        uint128 capacity;
        uint128 feesAccrued;
    }

    struct Rule {
        uint16 targetUtilisationBps;
        uint16 feeBps;
        uint32 adjustmentSpeed;
        uint96 minPriceWad;
        uint96 maxPriceWad;
    }

    struct Provider {
        uint128 capacity;
        uint128 earnings;
    }

    Market private _market;
    BlockUse private _use;
    Supply private _supply;
    uint256 private _earningsPerCapacityWad;
    Rule private _rule;
    mapping(address provider => Provider) private _providers;
    mapping(address provider => uint256) private _paidPerCapacityWad;
    mapping(address consumer => uint256) private _credits;

    /* CONSTRUCTOR */

    /// @param startPriceWad the price (whole quote per whole credit, WAD) the first active block pays.
    /// @param periodSeconds_ the length of the resource's block (the chain's block time: one period per chain block).
    constructor(
        address quote_,
        address token_,
        address store_,
        address treasury_,
        uint256 startPriceWad,
        uint256 periodSeconds_
    ) {
        require(quote_ != address(0), InvalidAddress(quote_));
        require(token_ != address(0), InvalidAddress(token_));
        require(store_ != address(0), InvalidAddress(store_));
        require(treasury_ != address(0), InvalidAddress(treasury_));
        quote = quote_;
        token = token_;
        parameterStore = store_;
        treasury = treasury_;
        require(
            periodSeconds_ != 0 && periodSeconds_ <= MAX_PERIOD_SECONDS,
            PeriodOutOfRange(periodSeconds_, MAX_PERIOD_SECONDS)
        );
        periodSeconds = periodSeconds_;
        quoteUnitWad = 10 ** (18 - IERC20Metadata(quote_).decimals());
        IParameterStore store = IParameterStore(store_);
        _setParameter(KEY_TARGET_UTILISATION, store.get(KEY_TARGET_UTILISATION));
        _setParameter(KEY_ADJUSTMENT_SPEED, store.get(KEY_ADJUSTMENT_SPEED));
        _setParameter(KEY_FEE, store.get(KEY_FEE));
        _setParameter(KEY_MIN_PRICE, store.get(KEY_MIN_PRICE));
        _setParameter(KEY_MAX_PRICE, store.get(KEY_MAX_PRICE));
        Rule memory r = _rule;
        require(r.minPriceWad <= r.maxPriceWad, PriceOutOfBounds(startPriceWad, r.minPriceWad, r.maxPriceWad));
        require(
            startPriceWad >= r.minPriceWad && startPriceWad <= r.maxPriceWad,
            PriceOutOfBounds(startPriceWad, r.minPriceWad, r.maxPriceWad)
        );
        _market.priceWad = uint96(startPriceWad); // ≤ maxPrice ≤ MAX_PRICE_WAD
    }

    /* CONSUMERS */

    /// @inheritdoc IResourceMarket
    function request(uint256 quantity, uint256 maxPriceWad) external returns (uint256 filled, uint256 cost) {
        require(quantity != 0, ZeroAmount());
        (uint256 priceWad, BlockUse memory u) = _roll();
        require(priceWad <= maxPriceWad, PriceAboveLimit(priceWad, maxPriceWad));
        Supply memory s = _supply;
        uint256 left = uint256(s.capacity) - u.allocated; // allocated ≤ capacity (withdraw keeps it)
        filled = quantity < left ? quantity : left;
        u.demand = (uint256(u.demand) + quantity).toUint128();
        u.allocated += uint128(filled); // ≤ capacity, a uint128
        _use = u;
        if (filled != 0) {
            uint256 unit = WAD * quoteUnitWad;
            cost = (filled * priceWad + unit - 1) / unit; // rounded up: the consumer pays the dust
            uint256 fee = cost * _rule.feeBps / BPS;
            s.feesAccrued = (uint256(s.feesAccrued) + fee).toUint128();
            _supply = s;
            // capacity ≥ filled > 0; the division's remainder stays here
            _earningsPerCapacityWad += (cost - fee) * WAD / s.capacity;
            _credits[msg.sender] += filled;
            IERC20(quote).safeTransferFrom(msg.sender, address(this), cost);
        }
        emit Requested(msg.sender, quantity, filled, priceWad, cost);
    }

    /// @inheritdoc IResourceMarket
    function use(uint256 amount) external {
        require(amount != 0, ZeroAmount());
        uint256 credits = _credits[msg.sender];
        require(amount <= credits, InsufficientCredits(credits, amount));
        _credits[msg.sender] = credits - amount;
        emit CreditsUsed(msg.sender, amount);
    }

    /* PROVIDERS */

    /// @inheritdoc IResourceMarket
    function provide(uint256 amount) external {
        require(amount != 0, ZeroAmount());
        _roll();
        Provider memory p = _settle(msg.sender);
        Supply memory s = _supply;
        s.capacity = (uint256(s.capacity) + amount).toUint128();
        p.capacity += uint128(amount); // ≤ s.capacity
        _supply = s;
        _providers[msg.sender] = p;

        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        emit Provided(msg.sender, amount, s.capacity);
    }

    /// @inheritdoc IResourceMarket
    function withdraw(uint256 amount) external {
        require(amount != 0, ZeroAmount());
        uint256 provided = _providers[msg.sender].capacity;
        require(amount <= provided, InsufficientCapacity(provided, amount));
        (, BlockUse memory u) = _roll();
        Supply memory s = _supply;
        uint256 after_ = s.capacity - amount;
        require(after_ >= u.allocated, CapacityInUse(u.allocated, after_));
        Provider memory p = _settle(msg.sender);
        p.capacity -= uint128(amount);
        s.capacity = uint128(after_);
        _supply = s;
        _providers[msg.sender] = p;

        IERC20(token).safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount, after_);
    }

    /// @inheritdoc IResourceMarket
    function claimEarnings() external returns (uint256 amount) {
        Provider memory p = _settle(msg.sender);
        amount = p.earnings;
        require(amount != 0, NothingToClaim(msg.sender));
        p.earnings = 0;
        _providers[msg.sender] = p;

        IERC20(quote).safeTransfer(msg.sender, amount);
        emit EarningsPaid(msg.sender, amount);
    }

    /// @inheritdoc IResourceMarket
    function collectFees() external returns (uint256 amount) {
        amount = _supply.feesAccrued;
        require(amount != 0, NothingToCollect());
        _supply.feesAccrued = 0;

        IERC20(quote).safeTransfer(treasury, amount);
        emit FeesCollected(treasury, amount);
    }

    /* GOVERNANCE */

    /// @inheritdoc IParameterConsumer
    /// @dev Only the store calls this, after it changed a parameter: the price first moves for this block
    /// by the old rule, then the rule changes, and a price outside new bounds is brought inside them.
    function onParameterSet(bytes32 key, uint256, uint256 newValue) external {
        require(msg.sender == parameterStore, Unauthorized(msg.sender));
        if (
            key != KEY_TARGET_UTILISATION && key != KEY_ADJUSTMENT_SPEED && key != KEY_FEE && key != KEY_MIN_PRICE
                && key != KEY_MAX_PRICE
        ) return;
        _roll();
        _setParameter(key, newValue);
        Rule memory r = _rule;
        require(r.minPriceWad <= r.maxPriceWad, PriceOutOfBounds(_market.priceWad, r.minPriceWad, r.maxPriceWad));
        uint256 oldPrice = _market.priceWad;
        uint256 price = _clamp(oldPrice, r);
        if (price != oldPrice) {
            _market.priceWad = uint96(price);
            emit PriceUpdated(_market.lastBlock, oldPrice, price, _use.demand, _target(_supply.capacity, r));
        }
    }

    /* VIEWS */

    /// @inheritdoc IResourceMarket
    function currentPriceWad() external view returns (uint256 priceWad) {
        (priceWad,) = _moved(_market, _rule);
    }

    /// @inheritdoc IResourceMarket
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
        )
    {
        Market memory m = _market;
        BlockUse memory u = _use;
        Supply memory s = _supply;
        return (m.priceWad, m.lastBlock, u.demand, u.allocated, s.capacity, s.feesAccrued, _earningsPerCapacityWad);
    }

    /// @inheritdoc IResourceMarket
    function rule()
        external
        view
        returns (
            uint256 targetUtilisationBps,
            uint256 adjustmentSpeed,
            uint256 feeBps,
            uint256 minPriceWad,
            uint256 maxPriceWad
        )
    {
        Rule memory r = _rule;
        return (r.targetUtilisationBps, r.adjustmentSpeed, r.feeBps, r.minPriceWad, r.maxPriceWad);
    }

    /// @inheritdoc IResourceMarket
    function providerOf(address provider)
        external
        view
        returns (uint256 capacity, uint256 earningsPerCapacityPaidWad, uint256 earnings)
    {
        Provider memory p = _providers[provider];
        return (p.capacity, _paidPerCapacityWad[provider], p.earnings);
    }

    /// @inheritdoc IResourceMarket
    function earned(address provider) external view returns (uint256) {
        Provider memory p = _providers[provider];
        return p.earnings + _owed(p.capacity, _paidPerCapacityWad[provider]);
    }

    /// @inheritdoc IResourceMarket
    function creditsOf(address consumer) external view returns (uint256) {
        return _credits[consumer];
    }

    /* PRICE RULE */

    /// @dev Moves the market to this block (once per block): stores the moved price and an empty block use.
    function _roll() private returns (uint256 priceWad, BlockUse memory u) {
        Market memory m = _market;
        uint256 current = block.timestamp / periodSeconds;
        if (m.lastBlock == current) return (m.priceWad, _use);
        Rule memory r = _rule;
        uint256 target;
        (priceWad, target) = _moved(m, r);
        uint256 demand = _use.demand;
        _market = Market({priceWad: uint96(priceWad), lastBlock: uint64(current)});
        _use = u; // zeros
        emit PriceUpdated(current, m.priceWad, priceWad, demand, target);
    }

    /// @dev The price of this block: the stored one if this block acted already or no block has yet; else
    /// the stored one moved by the last active block's demand against its target, decayed over the empty
    /// blocks since, held within the bounds. Also returns the target it moved against.
    function _moved(Market memory m, Rule memory r) private view returns (uint256 priceWad, uint256 target) {
        priceWad = m.priceWad;
        target = _target(_supply.capacity, r);
        uint256 current = block.timestamp / periodSeconds;
        if (m.lastBlock == 0 || m.lastBlock == current) return (priceWad, target);
        uint256 demand = _use.demand;
        uint256 speed = r.adjustmentSpeed;
        if (target == 0 ? demand != 0 : demand >= target) {
            uint256 excess = target == 0 ? 1 : demand - target;
            uint256 scale = target == 0 ? 1 : target;
            if (excess > scale) excess = scale;
            priceWad += (priceWad * excess + scale * speed - 1) / (scale * speed);
        } else {
            uint256 shortfall = target == 0 ? 1 : target - demand;
            uint256 scale = target == 0 ? 1 : target;
            priceWad -= priceWad * shortfall / (scale * speed);
        }
        uint256 empty = current - m.lastBlock - 1;
        if (empty != 0) {
            if (empty > MAX_EMPTY_BLOCKS) empty = MAX_EMPTY_BLOCKS;
            uint256 factorWad = ((speed - 1) * WAD + speed - 1) / speed;
            priceWad = (priceWad * _powWadUp(factorWad, empty) + WAD - 1) / WAD;
        }
        priceWad = _clamp(priceWad, r);
    }

    /// @dev x^n in WAD by squaring, each product rounded up (x ≤ WAD, so nothing overflows).
    function _powWadUp(uint256 xWad, uint256 n) private pure returns (uint256 resultWad) {
        resultWad = WAD;
        while (n != 0) {
            if (n & 1 != 0) resultWad = (resultWad * xWad + WAD - 1) / WAD;
            n >>= 1;
            if (n != 0) xWad = (xWad * xWad + WAD - 1) / WAD;
        }
    }

    function _clamp(uint256 priceWad, Rule memory r) private pure returns (uint256) {
        if (priceWad < r.minPriceWad) return r.minPriceWad;
        if (priceWad > r.maxPriceWad) return r.maxPriceWad;
        return priceWad;
    }

    /// @dev The demand the price is steady at: targetUtilisationBps of the capacity, rounded down.
    function _target(uint256 capacity, Rule memory r) private pure returns (uint256) {
        return capacity * r.targetUtilisationBps / BPS;
    }

    /* EARNINGS */

    /// @dev Moves what `provider` earned since its checkpoint into its earnings; returns it at the new checkpoint.
    function _settle(address provider) private returns (Provider memory p) {
        p = _providers[provider];
        uint256 acc = _earningsPerCapacityWad;
        uint256 owed = _owed(p.capacity, _paidPerCapacityWad[provider]);
        if (owed != 0) p.earnings += owed.toUint128();
        if (_paidPerCapacityWad[provider] != acc) _paidPerCapacityWad[provider] = acc;
    }

    /// @dev Rounded down: the dust stays in the contract.
    function _owed(uint256 capacity, uint256 paidWad) private view returns (uint256) {
        return capacity * (_earningsPerCapacityWad - paidWad) / WAD;
    }

    /* PARAMETERS */

    function _setParameter(bytes32 key, uint256 value) private {
        uint256 oldValue;
        if (key == KEY_TARGET_UTILISATION) {
            _check(key, value, 1, BPS);
            oldValue = _rule.targetUtilisationBps;
            _rule.targetUtilisationBps = uint16(value);
        } else if (key == KEY_ADJUSTMENT_SPEED) {
            _check(key, value, 1, MAX_ADJUSTMENT_SPEED);
            oldValue = _rule.adjustmentSpeed;
            _rule.adjustmentSpeed = uint32(value);
        } else if (key == KEY_FEE) {
            _check(key, value, 0, MAX_FEE_BPS);
            oldValue = _rule.feeBps;
            _rule.feeBps = uint16(value);
        } else if (key == KEY_MIN_PRICE) {
            _check(key, value, 1, MAX_PRICE_WAD);
            oldValue = _rule.minPriceWad;
            _rule.minPriceWad = uint96(value);
        } else {
            _check(key, value, 1, MAX_PRICE_WAD);
            oldValue = _rule.maxPriceWad;
            _rule.maxPriceWad = uint96(value);
        }
        emit ResourceParameterUpdated(key, oldValue, value);
    }

    function _check(bytes32 key, uint256 value, uint256 min, uint256 max) private pure {
        require(value >= min && value <= max, ParameterOutOfRange(key, value, min, max));
    }
}
