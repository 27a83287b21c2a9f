// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IParameterConsumer} from "../interfaces/IParameterStore.sol";

/// @notice Test double of the parameter store: `get` and `set`, which, like the real store,
/// notifies the key's consumer after the change (a consumer's revert reverts the set). No bounds,
/// steps, intervals or access control: tests set whatever value they need.
contract MockParameterStore {
    mapping(bytes32 key => uint256) public values;
    mapping(bytes32 key => address) public consumers;

    constructor(bytes32 key, uint256 value) {
        values[key] = value;
    }

    function get(bytes32 key) external view returns (uint256) {
        return values[key];
    }

    function setConsumer(bytes32 key, address consumer) external {
        consumers[key] = consumer;
    }

    function set(bytes32 key, uint256 newValue) external {
        uint256 oldValue = values[key];
        values[key] = newValue;
        address consumer = consumers[key];
        if (consumer != address(0)) IParameterConsumer(consumer).onParameterSet(key, oldValue, newValue);
    }
}
