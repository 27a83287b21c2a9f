// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Errors shared by several contracts. Each carries the values that broke it.

/// @dev A trade's deadline (unix seconds) has passed.
error DeadlineExpired(uint256 deadline, uint256 timestamp);
/// @dev An amount that must be positive was zero.
error ZeroAmount();
/// @dev The caller may not call this function.
error Unauthorized(address caller);
