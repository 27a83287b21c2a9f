// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./test/Vm.sol";
import {RecordingConsumer} from "./test/RecordingConsumer.sol";
import {ParameterStore} from "./ParameterStore.sol";
import {IParameterStore} from "./interfaces/IParameterStore.sol";
import {BPS} from "./libraries/Constants.sol";
import {Unauthorized} from "./libraries/Errors.sol";

/// @dev The store's rules written a second way: the error `set` must raise for `newValue` at
/// time `nowSeconds`, or empty bytes when it must succeed.
function expectedSetError(bytes32 key, IParameterStore.Parameter memory p, uint256 newValue, uint256 nowSeconds)
    pure
    returns (bytes memory)
{
    if (newValue < p.min || newValue > p.max) {
        return abi.encodeWithSelector(IParameterStore.ParameterOutOfBounds.selector, key, newValue, p.min, p.max);
    }
    uint256 base = p.value == 0 ? p.max : p.value;
    uint256 maxDelta = base * p.maxStepBps / BPS;
    uint256 delta = newValue > p.value ? newValue - p.value : p.value - newValue;
    if (delta > maxDelta) {
        return abi.encodeWithSelector(IParameterStore.ParameterStepTooLarge.selector, key, p.value, newValue, maxDelta);
    }
    uint256 nextAllowedAt = uint256(p.updatedAt) + p.minIntervalSeconds;
    if (nowSeconds < nextAllowedAt) {
        return abi.encodeWithSelector(IParameterStore.ParameterUpdateTooEarly.selector, key, nextAllowedAt, nowSeconds);
    }
    return "";
}

/// @notice Acts like governance and like everyone else: the Timelock proposes random changes at
/// random times (some valid, some just past a rule, some wild), strangers and the sealed
/// initializer try to write. It keeps its own record of every change that went through and
/// counts anything the rules did not predict; the invariants read those counts.
contract ParameterStoreHandler is TestBase {
    ParameterStore public immutable store;
    RecordingConsumer public immutable consumer;
    address public immutable timelock;
    address public immutable initializer;
    bytes32[] public keyList;

    mapping(bytes32 key => uint256) public ghostValue;
    mapping(bytes32 key => uint256) public ghostUpdatedAt;

    uint256 public successfulSets;
    uint256 public rejectedSets;
    /// @dev A change that broke the step or interval rule, or bounds, yet went through.
    uint256 public ruleViolations;
    /// @dev A change the rules allow that reverted, or a revert with another error than predicted.
    uint256 public modelMismatches;
    /// @dev A write by anyone but the Timelock that went through.
    uint256 public unauthorizedSuccesses;
    /// @dev A consumer call that did not carry (key, old, new) of the change.
    uint256 public consumerMismatches;

    constructor(ParameterStore store_, RecordingConsumer consumer_, bytes32[] memory keys_) {
        store = store_;
        consumer = consumer_;
        timelock = store_.timelock();
        initializer = store_.initializer();
        keyList = keys_;
        for (uint256 i; i < keys_.length; ++i) {
            IParameterStore.Parameter memory p = store_.parameter(keys_[i]);
            ghostValue[keys_[i]] = p.value;
            ghostUpdatedAt[keys_[i]] = p.updatedAt;
        }
    }

    function keyCount() external view returns (uint256) {
        return keyList.length;
    }

    /* GOVERNANCE */

    function set(uint256 keySeed, uint256 valueSeed, uint256 warpSeconds) external {
        bytes32 key = keyList[keySeed % keyList.length];
        _warp(key, warpSeconds);
        IParameterStore.Parameter memory before = store.parameter(key);
        uint256 newValue = _pickValue(before, valueSeed);
        bytes memory expected = expectedSetError(key, before, newValue, block.timestamp);
        uint256 callsBefore = consumer.callCount();

        vm.prank(timelock);
        try store.set(key, newValue) {
            _recordSuccess(key, before, newValue, expected);
            if (before.consumer == address(consumer)) _checkConsumerCall(callsBefore, key, before.value, newValue);
        } catch (bytes memory reason) {
            _recordRejection(expected, reason);
        }
    }

    function setMany(uint256 keySeed, uint256 valueSeedA, uint256 valueSeedB, uint256 warpSeconds) external {
        bytes32[] memory keys_ = new bytes32[](2);
        uint256[] memory values = new uint256[](2);
        keys_[0] = keyList[keySeed % keyList.length];
        keys_[1] = keyList[(keySeed >> 128) % keyList.length];
        _warp(keys_[(keySeed >> 64) % 2], warpSeconds);

        // Predict sequentially: the second change sees the first one's effects.
        IParameterStore.Parameter memory first = store.parameter(keys_[0]);
        values[0] = _pickValue(first, valueSeedA);
        bytes memory expected = expectedSetError(keys_[0], first, values[0], block.timestamp);
        IParameterStore.Parameter memory second = store.parameter(keys_[1]);
        if (keys_[1] == keys_[0]) {
            second.value = uint128(values[0]);
            second.updatedAt = uint48(block.timestamp);
        }
        values[1] = _pickValue(second, valueSeedB);
        if (expected.length == 0) expected = expectedSetError(keys_[1], second, values[1], block.timestamp);

        vm.prank(timelock);
        try store.setMany(keys_, values) {
            _recordSuccess(keys_[0], first, values[0], expected);
            _recordSuccess(keys_[1], second, values[1], expected);
        } catch (bytes memory reason) {
            _recordRejection(expected, reason);
        }
    }

    /* EVERYONE ELSE */

    function writeAsStranger(uint256 callerSeed, uint256 action, uint256 keySeed, uint256 value) external {
        address caller = callerSeed % 4 == 0 ? initializer : address(uint160(bound(callerSeed, 1, type(uint160).max)));
        if (caller == timelock) return;
        bytes32 key = keyList[keySeed % keyList.length];

        vm.prank(caller);
        bool ok;
        action %= 5;
        if (action == 0) {
            try store.set(key, value) {
                ok = true;
            } catch {}
        } else if (action == 1) {
            bytes32[] memory keys_ = new bytes32[](1);
            uint256[] memory values = new uint256[](1);
            keys_[0] = key;
            values[0] = value;
            try store.setMany(keys_, values) {
                ok = true;
            } catch {}
        } else if (action == 2) {
            try store.defineParameter(
                IParameterStore.ParameterInit({
                    key: bytes32(value),
                    value: 1,
                    min: 0,
                    max: 2,
                    maxStepBps: 10_000,
                    minIntervalSeconds: 0,
                    consumer: address(0)
                })
            ) {
                ok = true;
            } catch {}
        } else if (action == 3) {
            try store.setConsumer(key, caller) {
                ok = true;
            } catch {}
        } else {
            try store.seal() {
                ok = true;
            } catch {}
        }
        if (ok) ++unauthorizedSuccesses;
    }

    /* INTERNAL */

    /// @dev A quarter of the time to the last second before `key` may change, a quarter to the
    /// first second it may, otherwise up to two days on.
    function _warp(bytes32 key, uint256 seed) private {
        IParameterStore.Parameter memory p = store.parameter(key);
        uint256 nextAllowedAt = uint256(p.updatedAt) + p.minIntervalSeconds;
        uint256 mode = seed % 4;
        if (mode < 2 && nextAllowedAt > block.timestamp + 1) {
            vm.warp(mode == 0 ? nextAllowedAt - 1 : nextAllowedAt);
        } else {
            vm.warp(block.timestamp + bound(seed >> 2, 0, 2 days));
        }
    }

    /// @dev Half inside the step, a quarter just past it, an eighth anywhere in the bounds, an
    /// eighth anywhere at all.
    function _pickValue(IParameterStore.Parameter memory p, uint256 seed) private pure returns (uint256) {
        uint256 maxDelta = (p.value == 0 ? p.max : p.value) * p.maxStepBps / BPS;
        uint256 mode = seed % 8;
        seed >>= 3;
        bool up = seed % 2 == 0;
        seed >>= 1;
        if (mode < 4) {
            uint256 delta = bound(seed, 0, maxDelta);
            return up ? p.value + delta : (p.value >= delta ? p.value - delta : 0);
        }
        if (mode < 6) {
            return up ? p.value + maxDelta + 1 : (p.value > maxDelta ? p.value - maxDelta - 1 : p.value + maxDelta + 1);
        }
        if (mode == 6) return bound(seed, p.min, p.max);
        return seed;
    }

    function _recordSuccess(bytes32 key, IParameterStore.Parameter memory before, uint256 newValue, bytes memory expected)
        private
    {
        ++successfulSets;
        if (expected.length != 0) ++modelMismatches;
        // The rules checked again on what actually happened.
        uint256 maxDelta = (before.value == 0 ? before.max : before.value) * before.maxStepBps / BPS;
        uint256 delta = newValue > before.value ? newValue - before.value : before.value - newValue;
        if (delta > maxDelta) ++ruleViolations;
        if (block.timestamp < uint256(before.updatedAt) + before.minIntervalSeconds) ++ruleViolations;
        if (newValue < before.min || newValue > before.max) ++ruleViolations;
        ghostValue[key] = newValue;
        ghostUpdatedAt[key] = block.timestamp;
    }

    function _recordRejection(bytes memory expected, bytes memory reason) private {
        ++rejectedSets;
        if (expected.length == 0 || keccak256(reason) != keccak256(expected)) ++modelMismatches;
    }

    function _checkConsumerCall(uint256 callsBefore, bytes32 key, uint256 oldValue, uint256 newValue) private {
        if (consumer.callCount() != callsBefore + 1) {
            ++consumerMismatches;
            return;
        }
        RecordingConsumer.Call memory call = consumer.callAt(callsBefore);
        if (call.caller != address(store) || call.key != key || call.oldValue != oldValue || call.newValue != newValue) {
            ++consumerMismatches;
        }
    }
}

contract ParameterStoreTest is TestBase {
    address internal constant TIMELOCK = address(0x7110C4);
    bytes32 internal constant FEE = "pool.feeBps";
    bytes32 internal constant SLOPE = "curve.slopeWad";
    bytes32 internal constant FROZEN = "market.frozen";
    bytes32 internal constant BIG = "curve.maxPriceWad";
    bytes32 internal constant TINY = "pool.tiny";

    ParameterStore internal store;
    RecordingConsumer internal consumer;
    ParameterStoreHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        store = new ParameterStore(TIMELOCK);
        consumer = new RecordingConsumer();
        _define(FEE, 30, 5, 1_000, 2_000, 1 days, address(consumer));
        _define(SLOPE, 0, 0, 1e18, 1_000, 0, address(0));
        _define(FROZEN, 7, 0, 100, 0, 1 hours, address(0));
        _define(BIG, 1e24, 1e20, type(uint128).max, type(uint16).max, 12 hours, address(0));
        _define(TINY, 1, 0, 10, 5_000, 0, address(0)); // 1·50% rounds down to 0: stuck at 1
        store.seal();

        handler = new ParameterStoreHandler(store, consumer, store.keys());
        targetContract(address(handler));
    }

    /* INVARIANTS */

    function invariant_valueWithinBounds() public view {
        bytes32[] memory keys = store.keys();
        for (uint256 i; i < keys.length; ++i) {
            IParameterStore.Parameter memory p = store.parameter(keys[i]);
            assertGe(p.value, p.min, "value >= min");
            assertLe(p.value, p.max, "value <= max");
        }
    }

    function invariant_stepsRespected() public view {
        assertEq(handler.ruleViolations(), 0, "changes that broke step, interval or bounds");
        assertEq(handler.modelMismatches(), 0, "outcomes the rules did not predict");
        assertEq(handler.consumerMismatches(), 0, "consumer calls without (key, old, new)");
        assertEq(store.get(TINY), 1, "a step that rounds down to 0 freezes");
        assertEq(store.get(FROZEN), 7, "0 bps freezes");
    }

    function invariant_onlyTimelockWrites() public view {
        assertEq(handler.unauthorizedSuccesses(), 0, "writes by others than the timelock");
        bytes32[] memory keys = store.keys();
        assertEq(keys.length, 5, "no parameter defined after genesis");
        for (uint256 i; i < keys.length; ++i) {
            // Every change the store holds is one the handler made as the Timelock.
            IParameterStore.Parameter memory p = store.parameter(keys[i]);
            assertEq(p.value, handler.ghostValue(keys[i]), "value equals the last timelock write");
            assertEq(p.updatedAt, handler.ghostUpdatedAt(keys[i]), "updatedAt equals the last timelock write");
        }
        assertEq(store.parameter(FEE).consumer, address(consumer), "consumer unchanged");
    }

    /* FUZZ */

    function testFuzz_set_matchesTheRules(uint128 value, uint128 max, uint16 maxStepBps, uint32 interval, uint256 newValue, uint32 wait)
        public
    {
        max = uint128(bound(max, 1, type(uint128).max));
        value = uint128(bound(value, 0, max));
        bytes32 key = "fuzz";
        vm.prank(TIMELOCK);
        _define(key, value, 0, max, maxStepBps, interval, address(consumer));
        vm.warp(block.timestamp + wait);
        newValue = _nearOrAnywhere(value, max, maxStepBps, newValue);

        IParameterStore.Parameter memory before = store.parameter(key);
        bytes memory expected = expectedSetError(key, before, newValue, block.timestamp);
        if (expected.length != 0) vm.expectRevert(expected);
        vm.prank(TIMELOCK);
        store.set(key, newValue);

        if (expected.length == 0) {
            assertEq(store.get(key), newValue, "value stored");
            assertEq(store.parameter(key).updatedAt, block.timestamp, "updatedAt stored");
            RecordingConsumer.Call memory call = consumer.callAt(consumer.callCount() - 1);
            assertEq(call.oldValue, value, "consumer got old");
            assertEq(call.newValue, newValue, "consumer got new");
        }
    }

    function testFuzz_checkSet_revertsLikeSet(uint256 keySeed, uint256 newValue, uint32 wait) public {
        vm.warp(block.timestamp + wait);
        bytes32[] memory keys = store.keys();
        bytes32 key = keys[keySeed % keys.length];
        IParameterStore.Parameter memory p = store.parameter(key);
        newValue = _nearOrAnywhere(p.value, p.max, p.maxStepBps, newValue);

        bytes memory checkReason;
        try store.checkSet(key, newValue) {} catch (bytes memory reason) {
            checkReason = reason;
        }
        bytes memory setReason;
        vm.prank(TIMELOCK);
        try store.set(key, newValue) {} catch (bytes memory reason) {
            setReason = reason;
        }
        assertTrue(keccak256(checkReason) == keccak256(setReason), "checkSet raises what set raises");
        assertTrue(
            keccak256(checkReason) == keccak256(expectedSetError(key, p, newValue, block.timestamp)),
            "and what the rules say"
        );
    }

    function testFuzz_set_onlyTimelock(address caller, uint256 newValue) public {
        vm.assume(caller != TIMELOCK);
        vm.warp(block.timestamp + 1 days);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, caller));
        vm.prank(caller);
        store.set(FEE, bound(newValue, 24, 36));
    }

    function testFuzz_defineParameter_rejectsValuesOutsideBounds(uint128 value, uint128 min, uint128 max) public {
        vm.assume(value < min || value > max);
        vm.expectRevert(
            abi.encodeWithSelector(IParameterStore.InvalidParameterDefinition.selector, bytes32("x"), value, min, max)
        );
        vm.prank(TIMELOCK);
        _define("x", value, min, max, 100, 0, address(0));
    }

    /* HELPERS */

    function _define(bytes32 key, uint128 value, uint128 min, uint128 max, uint16 stepBps, uint32 interval, address consumer_)
        internal
    {
        store.defineParameter(
            IParameterStore.ParameterInit({
                key: key,
                value: value,
                min: min,
                max: max,
                maxStepBps: stepBps,
                minIntervalSeconds: interval,
                consumer: consumer_
            })
        );
    }

    /// @dev Half the runs land within a few maxDeltas of the value, where the step rule decides.
    function _nearOrAnywhere(uint256 value, uint256 max, uint256 stepBps, uint256 seed) internal pure returns (uint256) {
        if (seed % 2 == 0) return seed;
        uint256 maxDelta = (value == 0 ? max : value) * stepBps / BPS;
        uint256 delta = bound(seed >> 1, 0, 2 * maxDelta + 2);
        return (seed >> 255) == 0 ? value + delta : (value > delta ? value - delta : 0);
    }
}
