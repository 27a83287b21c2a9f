// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IParameterStore, IParameterConsumer} from "./interfaces/IParameterStore.sol";
import {BPS} from "./libraries/Constants.sol";
import {Unauthorized} from "./libraries/Errors.sol";

/// @title ParameterStore
/// @notice Named protocol parameters, written by the Timelock within fixed rails.
/// @dev Invariants:
///  - a parameter is never outside its bounds: min ≤ value ≤ max at all times (checked at
///    definition and on every update);
///  - a parameter never changes by more than its maximum step: |new − old| ≤ maxDelta, where
///    maxDelta = old·maxStepBps/10_000 rounded down, or max·maxStepBps/10_000 while old is 0
///    (so a maxStepBps of 0 freezes the value);
///  - a parameter never changes sooner than its interval: an update at time t requires
///    t ≥ updatedAt + minIntervalSeconds, and updatedAt starts at the definition time, so the
///    first update waits a full interval too;
///  - only the Timelock changes a value. During genesis the initializer may define parameters
///    and register consumers (never set a value); after `seal()` it has no power at all.
/// Setting a value equal to the current one is allowed and counts as an update: it emits
/// ParameterSet, restarts the interval and calls the consumer, exactly like any executed
/// proposal. Re-running a proposal is therefore never silently free of effects.
/// A consumer is called after the value is stored and the event emitted; if it reverts, the whole
/// update reverts, so a proposal that the consumer cannot absorb fails visibly.
contract ParameterStore is IParameterStore {
    /// @dev The timelock given to the constructor was the zero address.
    error InvalidTimelock(address timelock);

    /// @dev Storage layout: slot 0 holds everything `set` writes (value, updatedAt) and the step
    /// rules it reads, so an update is one cold read and one write of that slot plus one read of
    /// the bounds (slot 1) and of the consumer (slot 2).
    struct StoredParameter {
        // slot 0
        uint128 value;
        uint48 updatedAt;
        uint32 minIntervalSeconds;
        uint16 maxStepBps;
        bool exists;
        // slot 1
        uint128 min;
        uint128 max;
        // slot 2
        address consumer;
    }

    /* STORAGE */

    /// @inheritdoc IParameterStore
    address public immutable timelock;
    /// @inheritdoc IParameterStore
    address public immutable initializer;
    /// @inheritdoc IParameterStore
    bool public isSealed;

    mapping(bytes32 key => StoredParameter) private _parameters;
    bytes32[] private _keys;

    /* CONSTRUCTOR */

    constructor(address timelock_) {
        require(timelock_ != address(0), InvalidTimelock(timelock_));
        timelock = timelock_;
        initializer = msg.sender;
    }

    /* MODIFIERS */

    modifier onlyTimelock() {
        require(msg.sender == timelock, Unauthorized(msg.sender));
        _;
    }

    /// @dev The Timelock always; the initializer until the store is sealed.
    modifier onlyGenesisOrTimelock() {
        if (msg.sender != timelock) {
            require(msg.sender == initializer, Unauthorized(msg.sender));
            require(!isSealed, StoreSealed());
        }
        _;
    }

    /* GENESIS AND GOVERNANCE */

    /// @inheritdoc IParameterStore
    function defineParameter(ParameterInit calldata init) external onlyGenesisOrTimelock {
        bytes32 key = init.key;
        StoredParameter storage p = _parameters[key];
        require(!p.exists, ParameterAlreadyDefined(key));
        require(
            init.min <= init.value && init.value <= init.max,
            InvalidParameterDefinition(key, init.value, init.min, init.max)
        );

        p.value = init.value;
        p.updatedAt = uint48(block.timestamp);
        p.minIntervalSeconds = init.minIntervalSeconds;
        p.maxStepBps = init.maxStepBps;
        p.exists = true;
        p.min = init.min;
        p.max = init.max;
        _keys.push(key);
        emit ParameterDefined(key, init.value, init.min, init.max, init.maxStepBps, init.minIntervalSeconds);

        if (init.consumer != address(0)) {
            p.consumer = init.consumer;
            emit ConsumerSet(key, address(0), init.consumer);
        }
    }

    /// @inheritdoc IParameterStore
    /// @dev The zero address removes the consumer.
    function setConsumer(bytes32 key, address consumer) external onlyGenesisOrTimelock {
        StoredParameter storage p = _parameters[key];
        require(p.exists, UnknownParameter(key));

        address oldConsumer = p.consumer;
        p.consumer = consumer;
        emit ConsumerSet(key, oldConsumer, consumer);
    }

    /// @inheritdoc IParameterStore
    function seal() external {
        require(msg.sender == initializer, Unauthorized(msg.sender));
        require(!isSealed, StoreSealed());

        isSealed = true;
        emit GenesisSealed(msg.sender);
    }

    /* GOVERNANCE */

    /// @inheritdoc IParameterStore
    function set(bytes32 key, uint256 newValue) external onlyTimelock {
        _set(key, newValue);
    }

    /// @inheritdoc IParameterStore
    /// @dev Applied in order, each with its own checks and consumer call; a key listed twice is
    /// subject to its own interval on the second write.
    function setMany(bytes32[] calldata keys_, uint256[] calldata newValues) external onlyTimelock {
        require(keys_.length == newValues.length, LengthMismatch(keys_.length, newValues.length));
        for (uint256 i; i < keys_.length; ++i) {
            _set(keys_[i], newValues[i]);
        }
    }

    /* VIEWS */

    /// @inheritdoc IParameterStore
    function get(bytes32 key) external view returns (uint256) {
        StoredParameter storage p = _parameters[key];
        require(p.exists, UnknownParameter(key));
        return p.value;
    }

    /// @inheritdoc IParameterStore
    function parameter(bytes32 key) external view returns (Parameter memory) {
        StoredParameter storage p = _parameters[key];
        require(p.exists, UnknownParameter(key));
        return Parameter({
            value: p.value,
            min: p.min,
            max: p.max,
            maxStepBps: p.maxStepBps,
            minIntervalSeconds: p.minIntervalSeconds,
            updatedAt: p.updatedAt,
            exists: true,
            consumer: p.consumer
        });
    }

    /// @inheritdoc IParameterStore
    function keys() external view returns (bytes32[] memory) {
        return _keys;
    }

    /// @inheritdoc IParameterStore
    function checkSet(bytes32 key, uint256 newValue) external view {
        _checkSet(_parameters[key], key, newValue);
    }

    /// @notice The largest change one update may make to `key` right now.
    function maxDelta(bytes32 key) external view returns (uint256) {
        StoredParameter storage p = _parameters[key];
        require(p.exists, UnknownParameter(key));
        return _maxDelta(p.value, p.max, p.maxStepBps);
    }

    /* INTERNAL */

    function _set(bytes32 key, uint256 newValue) private {
        StoredParameter storage p = _parameters[key];
        uint256 oldValue = _checkSet(p, key, newValue);

        // _checkSet bounded newValue by max (a uint128), so the cast is exact.
        p.value = uint128(newValue);
        p.updatedAt = uint48(block.timestamp);
        emit ParameterSet(key, oldValue, newValue);

        address consumer = p.consumer;
        if (consumer != address(0)) IParameterConsumer(consumer).onParameterSet(key, oldValue, newValue);
    }

    /// @dev Reverts with the first rule `newValue` breaks (existence, bounds, step, interval);
    /// returns the current value otherwise.
    function _checkSet(StoredParameter storage p, bytes32 key, uint256 newValue)
        private
        view
        returns (uint256 oldValue)
    {
        require(p.exists, UnknownParameter(key));
        uint256 min = p.min;
        uint256 max = p.max;
        require(min <= newValue && newValue <= max, ParameterOutOfBounds(key, newValue, min, max));

        oldValue = p.value;
        uint256 delta = newValue > oldValue ? newValue - oldValue : oldValue - newValue;
        uint256 maxDeltaDown = _maxDelta(oldValue, max, p.maxStepBps);
        require(delta <= maxDeltaDown, ParameterStepTooLarge(key, oldValue, newValue, maxDeltaDown));

        uint256 nextAllowedAt = uint256(p.updatedAt) + p.minIntervalSeconds;
        require(block.timestamp >= nextAllowedAt, ParameterUpdateTooEarly(key, nextAllowedAt, block.timestamp));
    }

    /// @dev Rounded down: a step is never larger than the bps allow.
    function _maxDelta(uint256 current, uint256 max, uint256 maxStepBps) private pure returns (uint256) {
        return (current == 0 ? max : current) * maxStepBps / BPS;
    }
}
