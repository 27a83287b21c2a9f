// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title ArenaTimelock
/// @notice OpenZeppelin's TimelockController: the only writer of the parameter store, the holder of
/// the treasury, and the only account that can unpause the market. The Governor is its proposer
/// and canceller; anyone may execute a proposal once its delay has passed.
contract ArenaTimelock is TimelockController {
    constructor(uint256 minDelaySeconds, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelaySeconds, proposers, executors, admin)
    {}
}
