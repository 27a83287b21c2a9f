// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IBondingCurveMarket} from "./interfaces/IBondingCurveMarket.sol";
import {IParameterStore} from "./interfaces/IParameterStore.sol";
import {BPS} from "./libraries/Constants.sol";

/// @title Referral
/// @notice A curve buy that names a referrer: `buyWithReferrer` buys on the bonding-curve market for
/// the caller (the tokens go to the caller) and pays the referrer ⌊ΔS · rewardBps / 1e4⌋ tokens, ΔS
/// being the supply increase the buy causes (the tokens it mints). Rewards are paid from this
/// contract's token balance, a budget funded at genesis; each period (`periodSeconds`, fixed at
/// deployment, counted from deployment) pays at most `referral.capPerPeriod` tokens. `rewardBps` and
/// the cap are read from the parameter store on every buy, so governance retunes them.
///
/// Rules: a reward is cut to what the period's cap and the budget have left (possibly zero: the buy
/// still goes through). Self-referral (referrer == caller) and the zero referrer are refused.
/// Distinct addresses of one owner (sybil rings) cannot be told apart on chain.
///
/// Invariants:
/// - paidInPeriod ≤ capPerPeriod at the time of each payment; totalPaid ≤ the budget ever received;
/// - no reward is ever paid to the caller of the buy (self-referral reverts);
/// - the curve's solvency is untouched: rewards are existing tokens, the buy is the market's own;
/// - rounding favours the protocol: the reward rounds down.
contract Referral is ReentrancyGuardTransient {
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

    Ledger internal ledger;

    error SelfReferral(address buyer);
    error InvalidReferrer(address referrer);
    error InvalidPeriod(uint256 periodSeconds);

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
        uint256 bps = store.get(KEY_REWARD_BPS);
        if (bps > BPS) bps = BPS;
        reward = amount * bps / BPS;
        uint256 cap = store.get(KEY_CAP);
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

    /* VIEWS */

    function currentPeriod() public view returns (uint256) {
        return (block.timestamp - startTime) / periodSeconds;
    }

    /// @notice The period the ledger last paid in, what it paid in it, and all rewards ever paid.
    function state() external view returns (uint256 period, uint256 paidInPeriod, uint256 totalPaid) {
        Ledger memory l = ledger;
        return (l.period, l.paidInPeriod, l.totalPaid);
    }
}
