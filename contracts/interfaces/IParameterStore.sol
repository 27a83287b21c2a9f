// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A contract that reacts when a parameter it consumes changes (the market re-reads its
/// curve and renormalises, the pool re-reads its fee). Called by the store only.
interface IParameterConsumer {
    function onParameterSet(bytes32 key, uint256 oldValue, uint256 newValue) external;
}

/// @title IParameterStore
/// @notice Named protocol parameters. Each has a value, bounds [min, max], a largest change per
/// update in bps of the current value (of `max` while the value is 0; 0 bps freezes it) and a
/// shortest interval between updates. Only the Timelock writes, except during genesis, when the
/// deployer defines parameters and consumers until it seals the store.
interface IParameterStore {
    struct Parameter {
        uint128 value;
        uint128 min;
        uint128 max;
        uint16 maxStepBps;
        uint32 minIntervalSeconds;
        uint48 updatedAt;
        bool exists;
        address consumer;
    }

    struct ParameterInit {
        bytes32 key;
        uint128 value;
        uint128 min;
        uint128 max;
        uint16 maxStepBps;
        uint32 minIntervalSeconds;
        address consumer;
    }

    /* ERRORS */
    error UnknownParameter(bytes32 key);
    error ParameterAlreadyDefined(bytes32 key);
    error InvalidParameterDefinition(bytes32 key, uint256 value, uint256 min, uint256 max);
    error ParameterOutOfBounds(bytes32 key, uint256 value, uint256 min, uint256 max);
    error ParameterStepTooLarge(bytes32 key, uint256 oldValue, uint256 newValue, uint256 maxDelta);
    error ParameterUpdateTooEarly(bytes32 key, uint256 nextAllowedAt, uint256 timestamp);
    error LengthMismatch(uint256 keys, uint256 values);
    error StoreSealed();

    /* EVENTS */
    event ParameterDefined(bytes32 indexed key, uint256 value, uint256 min, uint256 max, uint16 maxStepBps, uint32 minIntervalSeconds);
    event ParameterSet(bytes32 indexed key, uint256 oldValue, uint256 newValue);
    event ConsumerSet(bytes32 indexed key, address indexed oldConsumer, address indexed newConsumer);
    event GenesisSealed(address indexed initializer);

    /* GENESIS (deployer until sealed) AND GOVERNANCE (Timelock) */
    function defineParameter(ParameterInit calldata init) external;
    function setConsumer(bytes32 key, address consumer) external;
    function seal() external;

    /* GOVERNANCE (Timelock only) */
    function set(bytes32 key, uint256 newValue) external;
    function setMany(bytes32[] calldata keys, uint256[] calldata newValues) external;

    /* VIEWS */
    function timelock() external view returns (address);
    function initializer() external view returns (address);
    function isSealed() external view returns (bool);
    function get(bytes32 key) external view returns (uint256);
    function parameter(bytes32 key) external view returns (Parameter memory);
    function keys() external view returns (bytes32[] memory);
    /// @notice Reverts with the error `set` would raise for this change right now; returns otherwise.
    function checkSet(bytes32 key, uint256 newValue) external view;
}
