// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IParameterConsumer} from "../interfaces/IParameterStore.sol";

/// @notice Test only: records every onParameterSet call (with its caller) and can be told to
/// revert, to show a consumer's revert undoes the whole update.
contract RecordingConsumer is IParameterConsumer {
    struct Call {
        address caller;
        bytes32 key;
        uint256 oldValue;
        uint256 newValue;
    }

    error ConsumerRejected(bytes32 key, uint256 newValue);

    Call[] private _calls;
    bool public rejecting;

    function setRejecting(bool rejecting_) external {
        rejecting = rejecting_;
    }

    function onParameterSet(bytes32 key, uint256 oldValue, uint256 newValue) external {
        require(!rejecting, ConsumerRejected(key, newValue));
        _calls.push(Call({caller: msg.sender, key: key, oldValue: oldValue, newValue: newValue}));
    }

    function callCount() external view returns (uint256) {
        return _calls.length;
    }

    function callAt(uint256 index) external view returns (Call memory) {
        return _calls[index];
    }
}
