// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ParameterStore} from "../contracts/ParameterStore.sol";
import {IParameterStore} from "../contracts/interfaces/IParameterStore.sol";

/// @notice Formal check (scripts/smt-check.ts): whatever definitions and updates the store goes through,
/// every defined parameter holds a value within its bounds. The harness deploys a real store (it is the
/// store's timelock and initializer) and forwards to it, so the checker follows the store's own code
/// (extCalls: trusted). Inheriting the store and reading it through `this.parameter` instead makes CHC
/// report a violation no transaction sequence gives (its model of calls to `this` loses the state).
contract StoreBoundsSmt {
    ParameterStore private immutable store;

    constructor() {
        store = new ParameterStore(address(this));
    }

    function defineParameter(IParameterStore.ParameterInit calldata init) external {
        store.defineParameter(init);
    }

    function set(bytes32 key, uint256 newValue) external {
        store.set(key, newValue);
    }

    function valueWithinBounds(bytes32 key) external view {
        IParameterStore.Parameter memory p = store.parameter(key);
        assert(p.min <= p.value && p.value <= p.max);
    }
}
