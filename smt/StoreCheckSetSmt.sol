// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ParameterStore} from "../contracts/ParameterStore.sol";
import {IParameterStore} from "../contracts/interfaces/IParameterStore.sol";

/// @notice Formal check (scripts/smt-check.ts): a value the store's rails check (checkSet) accepts is
/// within the parameter's bounds.
contract StoreCheckSetSmt is ParameterStore {
    constructor(address timelock_) ParameterStore(timelock_) {}

    function acceptedWithinRails(bytes32 key, uint256 newValue) external view {
        this.checkSet(key, newValue);
        IParameterStore.Parameter memory p = this.parameter(key);
        assert(p.min <= newValue && newValue <= p.max);
    }
}
