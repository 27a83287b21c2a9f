// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IParameterConsumer} from "./IParameterStore.sol";

/// @title IStaking
/// @notice Stake the token, earn rewards from an emission budget funded at genesis, at a reward rate
/// that adapts to how much is staked (governable through the parameter store). Staked balances are an
/// ERC-20-like position (`balanceOf`, `totalSupply`, Transfer events from and to the zero address) that
/// cannot be transferred.
interface IStaking is IParameterConsumer {
    /* ERRORS */

    /// @dev The token or the store given to the constructor was the zero address.
    error InvalidAddress(address value);
    /// @dev A lock-up longer than MAX_LOCK_SECONDS.
    error LockTooLong(uint256 lockSeconds, uint256 maxLockSeconds);
    /// @dev An unstake of more than the account has staked.
    error InsufficientStake(uint256 staked, uint256 amount);
    /// @dev An unstake before the lock-up of the account's latest stake has passed.
    error StakeLocked(uint256 unlockAt, uint256 timestamp);
    /// @dev A claim with no reward earned.
    error NothingToClaim(address account);
    /// @dev A parameter value the rule cannot use (above what its storage holds).
    error ParameterOutOfRange(bytes32 key, uint256 value, uint256 max);

    /* EVENTS */

    /// @notice `account` staked `amount`; it may unstake from `unlockAt` on.
    event Staked(address indexed account, uint256 amount, uint256 unlockAt);
    /// @notice `account` unstaked `amount`.
    event Unstaked(address indexed account, uint256 amount);
    /// @notice `account` was paid `reward` from the emission budget.
    event RewardPaid(address indexed account, uint256 reward);
    /// @notice The reward rate changed (tokens wei per second shared by all stakers).
    event RewardRateUpdated(uint256 oldRatePerSecond, uint256 newRatePerSecond);
    /// @notice A parameter of the rate rule changed (from the store).
    event RewardParameterUpdated(bytes32 indexed key, uint256 oldValue, uint256 newValue);
    /// @notice The staked position moved (mint on stake, burn on unstake), as an ERC-20's Transfer.
    event Transfer(address indexed from, address indexed to, uint256 value);

    /* STAKING */

    /// @notice Stakes `amount` tokens of the caller (approved before); restarts its lock-up.
    function stake(uint256 amount) external;
    /// @notice Returns `amount` staked tokens to the caller once its lock-up has passed; keeps its rewards.
    function unstake(uint256 amount) external;
    /// @notice Pays the caller every reward it has earned; returns it.
    function claim() external returns (uint256 reward);

    /* VIEWS */

    function token() external view returns (address);
    function parameterStore() external view returns (address);
    /// @notice Tokens set aside for rewards at genesis (minted to this contract).
    function budget() external view returns (uint256);
    /// @notice Seconds each stake stays locked.
    function lockSeconds() external view returns (uint256);
    /// @notice Staked tokens of `account` (the position's balance).
    function balanceOf(address account) external view returns (uint256);
    /// @notice Staked tokens of everyone.
    function totalSupply() external view returns (uint256);
    /// @notice Rewards `account` could claim now.
    function earned(address account) external view returns (uint256);
    /// @notice The global state, as stored (accrual up to `lastUpdate`).
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
        );
    /// @notice One account's state, as stored.
    function accountOf(address account)
        external
        view
        returns (uint256 balance, uint256 rewardPerTokenPaidWad, uint256 rewards, uint256 unlockAt);
}
