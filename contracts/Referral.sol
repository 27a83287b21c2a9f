// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IBondingCurveMarket} from "./interfaces/IBondingCurveMarket.sol";
import {IParameterConsumer, IParameterStore} from "./interfaces/IParameterStore.sol";
import {BPS} from "./libraries/Constants.sol";

/// @title Referral
/// @notice A curve buy that names a referrer: `buyWithReferrer` buys on the bonding-curve market for
/// the caller (the tokens go to the caller) and pays the referrer ⌊ΔS · rewardBps / 1e4⌋ tokens, ΔS
/// being the supply increase the buy causes (the tokens it mints). Rewards are paid from this
/// contract's token balance, a budget funded at genesis; each period (`periodSeconds`, fixed at
/// deployment, counted from deployment) pays at most `referral.capPerPeriod` tokens. `rewardBps` and
/// the cap come from the parameter store: read at construction and then pushed by the store on every
/// change (this contract is their consumer), so governance retunes them and a buy reads one slot.
///
/// Rules: a reward is cut to what the period's cap and the budget have left (possibly zero: the buy
/// still goes through). Self-referral (referrer == caller) and the zero referrer are refused.
/// Distinct addresses of one owner (sybil rings) cannot be told apart on chain.
///
/// Invariants:
/// - paidInPeriod ≤ capPerPeriod at the time of each payment; totalPaid ≤ the budget ever received;
/// - no reward is ever paid to the caller of the buy (self-referral reverts);
/// - the curve's solvency is untouched: rewards are existing tokens, the buy is the market's own;
/// - rounding favours the protocol: the reward rounds down;
/// - the cached rule is the store's: rewardBps = min(store value, BPS), capPerPeriod = the store value.
contract Referral is ReentrancyGuardTransient, IParameterConsumer {
    using SafeERC20 for IERC20;

    bytes32 internal constant KEY_REWARD_BPS = "referral.rewardBps";
    bytes32 internal constant KEY_CAP = "referral.capPerPeriod";

    IBondingCurveMarket public immutable market;
    IERC20 public immutable token;
    IERC20 public immutable quote;
    IParameterStore public immutable store;
    uint256 public immutable periodSeconds;
    uint256 public immutable startTime;

    struct Ledger {
        uint32 period;
        uint112 paidInPeriod;
        uint112 totalPaid;
    }

    /// @dev The store's two parameters, cached (the store pushes every change): one slot per buy.
    struct Rule {
        uint16 rewardBps;
        uint112 capPerPeriod;
    }

    Ledger internal ledger;
    Rule internal rule;

    error SelfReferral(address buyer);
    error Unauthorized(address caller);
    /// @dev A cap the cached rule cannot hold (above uint112).
    error ParameterOutOfRange(bytes32 key, uint256 value, uint256 max);
    error InvalidReferrer(address referrer);
    error InvalidPeriod(uint256 periodSeconds);

    /// @notice A parameter of the reward rule changed (from the store; at construction too).
    event RuleUpdated(bytes32 indexed key, uint256 oldValue, uint256 newValue);

    event ReferralPaid(
        address indexed referrer, address indexed buyer, uint256 supplyIncrease, uint256 reward, uint256 period, uint256 paidInPeriod
    );

    constructor(address market_, address token_, address quote_, address store_, uint256 periodSeconds_) {
        require(periodSeconds_ > 0, InvalidPeriod(periodSeconds_));
        market = IBondingCurveMarket(market_);
        token = IERC20(token_);
        quote = IERC20(quote_);
        store = IParameterStore(store_);
        periodSeconds = periodSeconds_;
        startTime = block.timestamp;
        IERC20(quote_).forceApprove(market_, type(uint256).max);
        _setRule(KEY_REWARD_BPS, IParameterStore(store_).get(KEY_REWARD_BPS));
        _setRule(KEY_CAP, IParameterStore(store_).get(KEY_CAP));
    }

    /// @notice Buys with exactly `quoteIn` (fee included) for the caller, at least `minTokensOut`, and
    /// pays `referrer` its reward. Returns the tokens bought and the reward paid.
    function buyWithReferrer(uint256 quoteIn, uint256 minTokensOut, address referrer, uint256 deadline)
        external
        nonReentrant
        returns (uint256 amount, uint256 reward)
    {
        require(referrer != address(0), InvalidReferrer(referrer));
        require(referrer != msg.sender, SelfReferral(msg.sender));
        quote.safeTransferFrom(msg.sender, address(this), quoteIn);
        amount = market.buyExactQuote(quoteIn, minTokensOut, msg.sender, deadline);

        Ledger memory l = ledger;
        uint256 period = currentPeriod();
        if (period != l.period) {
            l.period = uint32(period);
            l.paidInPeriod = 0;
        }
        Rule memory r = rule;
        reward = amount * r.rewardBps / BPS;
        uint256 cap = r.capPerPeriod;
        uint256 capLeft = cap > l.paidInPeriod ? cap - l.paidInPeriod : 0;
        if (reward > capLeft) reward = capLeft;
        uint256 budget = token.balanceOf(address(this));
        if (reward > budget) reward = budget;
        l.paidInPeriod += uint112(reward);
        l.totalPaid += uint112(reward);
        ledger = l;
        if (reward > 0) token.safeTransfer(referrer, reward);
        emit ReferralPaid(referrer, msg.sender, amount, reward, period, l.paidInPeriod);
    }

    /* GOVERNANCE */

    /// @inheritdoc IParameterConsumer
    /// @dev Only the store calls this, after it changed a parameter; keys other than the rule's are ignored.
    function onParameterSet(bytes32 key, uint256, uint256 newValue) external {
        require(msg.sender == address(store), Unauthorized(msg.sender));
        if (key == KEY_REWARD_BPS || key == KEY_CAP) _setRule(key, newValue);
    }

    /* VIEWS */

    function currentPeriod() public view returns (uint256) {
        return (block.timestamp - startTime) / periodSeconds;
    }

    /// @notice The period the ledger last paid in, what it paid in it, and all rewards ever paid.
    function state() external view returns (uint256 period, uint256 paidInPeriod, uint256 totalPaid) {
        Ledger memory l = ledger;
        return (l.period, l.paidInPeriod, l.totalPaid);
    }

    /// @notice The cached reward rule: the reward in bps of the supply increase (at most BPS), the cap per period.
    function rewardRule() external view returns (uint256 rewardBps, uint256 capPerPeriod) {
        Rule memory r = rule;
        return (r.rewardBps, r.capPerPeriod);
    }

    /* INTERNAL */

    function _setRule(bytes32 key, uint256 value) private {
        uint256 oldValue;
        if (key == KEY_REWARD_BPS) {
            oldValue = rule.rewardBps;
            rule.rewardBps = uint16(value > BPS ? BPS : value);
        } else {
            require(value <= type(uint112).max, ParameterOutOfRange(key, value, type(uint112).max));
            oldValue = rule.capPerPeriod;
            rule.capPerPeriod = uint112(value);
        }
        emit RuleUpdated(key, oldValue, value);
    }
}
