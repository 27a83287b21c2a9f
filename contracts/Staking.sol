// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IParameterConsumer, IParameterStore} from "./interfaces/IParameterStore.sol";
import {IStaking} from "./interfaces/IStaking.sol";
import {BPS, MAX_LOCK_SECONDS, RATE_CAP_BPS, RATE_FLOOR_BPS, WAD} from "./libraries/Constants.sol";
import {Unauthorized, ZeroAmount} from "./libraries/Errors.sol";

/// @title Staking
/// @notice Synthetix StakingRewards-style staking of the token: rewards accrue per staked token in
/// constant gas per action, from an emission budget minted to this contract at genesis. The reward
/// rate adapts to how much is staked: rewardPerDay × targetStaked / totalStaked, within
/// [RATE_FLOOR_BPS, RATE_CAP_BPS] of rewardPerDay (both parameters from the store, so governance
/// tunes them), and is fixed between actions (recomputed after every stake, unstake and parameter
/// change). Nothing accrues while nothing is staked, so no reward is stranded before the first stake.
/// Each stake restarts the account's lock-up (`lockSeconds`, fixed at construction). Staked tokens
/// are held by this contract, which delegates to no one: they lose their votes while staked.
/// @dev Invariants:
///  - Σ balance over accounts = totalStaked = totalSupply() ≤ token.balanceOf(this) − (budget − paid);
///  - paid ≤ Σ earned ever ≤ emitted ≤ budget: an account's reward rounds down, and the per-token
///    increment emission·WAD/totalStaked rounds down (the dust stays in the contract);
///  - rewardPerTokenWad never decreases, and an account's rewardPerTokenPaidWad ≤ it.
contract Staking is IStaking {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /* KEYS */

    bytes32 internal constant KEY_REWARD_PER_DAY = "staking.rewardPerDay";
    bytes32 internal constant KEY_TARGET_STAKED = "staking.targetStaked";

    /* IMMUTABLES */

    /// @inheritdoc IStaking
    address public immutable token;
    /// @inheritdoc IStaking
    address public immutable parameterStore;
    /// @inheritdoc IStaking
    uint256 public immutable budget;
    /// @inheritdoc IStaking
    uint256 public immutable lockSeconds;

    /* STORAGE */

    /// @dev What every action reads and writes, in two slots.
    struct Totals {
        uint96 staked;
        uint96 emitted;
        uint40 lastUpdate;
    }

    struct Accrual {
        uint160 rewardPerTokenWad;
        uint96 ratePerSecond;
    }

    /// @dev The rate rule's parameters, read only when the rate is recomputed.
    struct RateRule {
        uint128 rewardPerDay;
        uint128 targetStaked;
    }

    /// @dev One account in two slots: what it has staked with its reward checkpoint, and what it earned.
    struct Position {
        uint96 balance;
        uint160 rewardPerTokenPaidWad;
    }

    struct Earnings {
        uint96 rewards;
        uint40 unlockAt;
    }

    Totals private _totals;
    Accrual private _accrual;
    RateRule private _rule;
    mapping(address account => Position) private _positions;
    mapping(address account => Earnings) private _earnings;

    /* CONSTRUCTOR */

    /// @param budget_ the tokens the genesis mints to this contract for rewards.
    constructor(address token_, address store_, uint256 budget_, uint256 lockSeconds_) {
        require(token_ != address(0), InvalidAddress(token_));
        require(store_ != address(0), InvalidAddress(store_));
        require(lockSeconds_ <= MAX_LOCK_SECONDS, LockTooLong(lockSeconds_, MAX_LOCK_SECONDS));
        token = token_;
        parameterStore = store_;
        budget = uint256(budget_.toUint96());
        lockSeconds = lockSeconds_;
        _totals.lastUpdate = uint40(block.timestamp);
        _setParameter(KEY_REWARD_PER_DAY, IParameterStore(store_).get(KEY_REWARD_PER_DAY));
        _setParameter(KEY_TARGET_STAKED, IParameterStore(store_).get(KEY_TARGET_STAKED));
        Accrual memory a;
        _storeRate(a, 0);
    }

    /* STAKING */

    /// @inheritdoc IStaking
    function stake(uint256 amount) external {
        require(amount != 0, ZeroAmount());
        (Totals memory t, Accrual memory a) = _accrued();
        Position memory p = _settle(msg.sender, a);
        uint40 unlockAt = uint40(block.timestamp + lockSeconds);

        p.balance += amount.toUint96();
        t.staked += uint96(amount); // ≤ the token's supply, which fits: p.balance did
        _positions[msg.sender] = p;
        _earnings[msg.sender].unlockAt = unlockAt;
        _totals = t;
        _storeRate(a, t.staked);

        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        emit Staked(msg.sender, amount, unlockAt);
        emit Transfer(address(0), msg.sender, amount);
    }

    /// @inheritdoc IStaking
    function unstake(uint256 amount) external {
        require(amount != 0, ZeroAmount());
        Position storage stored = _positions[msg.sender];
        uint256 balance = stored.balance;
        require(amount <= balance, InsufficientStake(balance, amount));
        uint256 unlockAt = _earnings[msg.sender].unlockAt;
        require(block.timestamp >= unlockAt, StakeLocked(unlockAt, block.timestamp));
        (Totals memory t, Accrual memory a) = _accrued();
        Position memory p = _settle(msg.sender, a);

        p.balance -= uint96(amount);
        t.staked -= uint96(amount);
        _positions[msg.sender] = p;
        _totals = t;
        _storeRate(a, t.staked);

        IERC20(token).safeTransfer(msg.sender, amount);
        emit Unstaked(msg.sender, amount);
        emit Transfer(msg.sender, address(0), amount);
    }

    /// @inheritdoc IStaking
    function claim() external returns (uint256 reward) {
        (Totals memory t, Accrual memory a) = _accrued();
        _totals = t;
        _accrual = a;
        Position memory p = _settle(msg.sender, a);
        _positions[msg.sender].rewardPerTokenPaidWad = p.rewardPerTokenPaidWad;
        Earnings storage e = _earnings[msg.sender];
        reward = e.rewards;
        require(reward != 0, NothingToClaim(msg.sender));
        e.rewards = 0;

        IERC20(token).safeTransfer(msg.sender, reward);
        emit RewardPaid(msg.sender, reward);
    }

    /* GOVERNANCE */

    /// @inheritdoc IParameterConsumer
    /// @dev Only the store calls this, after it changed a parameter: rewards accrue at the old rate up
    /// to now, then the rate follows the new rule. Other keys are ignored.
    function onParameterSet(bytes32 key, uint256, uint256 newValue) external {
        require(msg.sender == parameterStore, Unauthorized(msg.sender));
        if (key != KEY_REWARD_PER_DAY && key != KEY_TARGET_STAKED) return;
        (Totals memory t, Accrual memory a) = _accrued();
        _totals = t;
        _setParameter(key, newValue);
        _storeRate(a, t.staked);
    }

    /* VIEWS */

    /// @inheritdoc IStaking
    function balanceOf(address account) external view returns (uint256) {
        return _positions[account].balance;
    }

    /// @inheritdoc IStaking
    function totalSupply() external view returns (uint256) {
        return _totals.staked;
    }

    /// @inheritdoc IStaking
    function earned(address account) external view returns (uint256) {
        (, Accrual memory a) = _accrued();
        Position memory p = _positions[account];
        return _earnings[account].rewards + _owed(p, a.rewardPerTokenWad);
    }

    /// @inheritdoc IStaking
    function state()
        external
        view
        returns (
            uint256 totalStaked,
            uint256 emitted,
            uint256 lastUpdate,
            uint256 rewardPerTokenWad,
            uint256 rewardRatePerSecond,
            uint256 rewardPerDay,
            uint256 targetStaked
        )
    {
        Totals memory t = _totals;
        Accrual memory a = _accrual;
        RateRule memory r = _rule;
        return (t.staked, t.emitted, t.lastUpdate, a.rewardPerTokenWad, a.ratePerSecond, r.rewardPerDay, r.targetStaked);
    }

    /// @inheritdoc IStaking
    function accountOf(address account)
        external
        view
        returns (uint256 balance, uint256 rewardPerTokenPaidWad, uint256 rewards, uint256 unlockAt)
    {
        Position memory p = _positions[account];
        Earnings memory e = _earnings[account];
        return (p.balance, p.rewardPerTokenPaidWad, e.rewards, e.unlockAt);
    }

    /* INTERNAL */

    /// @dev The accrual up to now: rate × elapsed seconds, never beyond the budget, nothing while nothing is staked.
    function _accrued() private view returns (Totals memory t, Accrual memory a) {
        t = _totals;
        a = _accrual;
        if (block.timestamp == t.lastUpdate) return (t, a);
        if (t.staked != 0) {
            uint256 emission = (block.timestamp - t.lastUpdate) * a.ratePerSecond;
            uint256 left = budget - t.emitted;
            if (emission > left) emission = left;
            if (emission != 0) {
                a.rewardPerTokenWad += (emission * WAD / t.staked).toUint160();
                t.emitted += uint96(emission); // ≤ budget, a uint96
            }
        }
        t.lastUpdate = uint40(block.timestamp);
    }

    /// @dev Moves what `account` earned since its checkpoint into its rewards; returns its position at the new checkpoint.
    function _settle(address account, Accrual memory a) private returns (Position memory p) {
        p = _positions[account];
        uint256 owed = _owed(p, a.rewardPerTokenWad);
        if (owed != 0) _earnings[account].rewards += uint96(owed); // ≤ emitted ≤ budget
        p.rewardPerTokenPaidWad = a.rewardPerTokenWad;
    }

    /// @dev Rounded down: the protocol keeps the dust.
    function _owed(Position memory p, uint256 rewardPerTokenWad) private pure returns (uint256) {
        return uint256(p.balance) * (rewardPerTokenWad - p.rewardPerTokenPaidWad) / WAD;
    }

    /// @dev Stores the accrual `a` with the rule's rate for `staked` tokens: rewardPerDay × clamp(target/staked)
    /// per second, rounded down (the cap with nothing staked, when nothing accrues anyway).
    function _storeRate(Accrual memory a, uint256 staked) private {
        RateRule memory r = _rule;
        uint256 boostBps = staked == 0 ? RATE_CAP_BPS : uint256(r.targetStaked) * BPS / staked;
        if (boostBps < RATE_FLOOR_BPS) boostBps = RATE_FLOOR_BPS;
        if (boostBps > RATE_CAP_BPS) boostBps = RATE_CAP_BPS;
        uint256 oldRate = a.ratePerSecond;
        uint256 newRate = uint256(r.rewardPerDay) * boostBps / (BPS * 1 days);
        a.ratePerSecond = uint96(newRate); // rewardPerDay ≤ 2^96 / 4 (_setParameter)
        _accrual = a;
        if (newRate != oldRate) emit RewardRateUpdated(oldRate, newRate);
    }

    function _setParameter(bytes32 key, uint256 value) private {
        uint256 max = type(uint96).max / (RATE_CAP_BPS / BPS);
        require(value <= max, ParameterOutOfRange(key, value, max));
        uint256 oldValue;
        if (key == KEY_REWARD_PER_DAY) {
            oldValue = _rule.rewardPerDay;
            _rule.rewardPerDay = uint128(value);
        } else {
            oldValue = _rule.targetStaked;
            _rule.targetStaked = uint128(value);
        }
        emit RewardParameterUpdated(key, oldValue, value);
    }
}
