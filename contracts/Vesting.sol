// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVesting} from "./interfaces/IVesting.sol";

/// @title Vesting
/// @notice Many cliff + linear schedules in one contract, fixed in the constructor. The genesis
/// funds it by minting Σ amounts to it; the constructor moves no tokens.
/// @dev Invariants:
///  - for every schedule: released ≤ vested(now) ≤ amount, and released never decreases;
///  - Σ released over all schedules = totalReleased ≤ totalAllocated = Σ amount;
///  - once funded, token.balanceOf(this) ≥ totalAllocated − totalReleased (only releases move
///    tokens out, and each moves exactly what it adds to totalReleased).
/// vested(t) = 0 before start + cliff, amount·(t − start)/duration rounded down (in the
/// protocol's favour) until start + duration, amount from then on.
contract Vesting is IVesting {
    using SafeERC20 for IERC20;

    /// @dev The token given to the constructor was the zero address.
    error InvalidToken(address token);

    /// @dev Storage layout for a cheap first release: `released` shares its slot with the non-zero
    /// `amount`, so the first release rewrites a non-zero slot instead of creating one.
    struct StoredSchedule {
        // slot 0
        address beneficiary;
        uint64 start;
        uint32 cliffSeconds;
        // slot 1
        uint128 amount;
        uint128 released;
        // slot 2
        uint32 durationSeconds;
    }

    /// @dev One slot: totalAllocated is non-zero whenever a release can happen, so updating
    /// totalReleased never writes a fresh slot.
    struct Totals {
        uint128 allocated;
        uint128 released;
    }

    /* STORAGE */

    IERC20 private immutable _token;
    /// @inheritdoc IVesting
    uint256 public immutable scheduleCount;

    Totals private _totals;
    mapping(uint256 scheduleId => StoredSchedule) private _schedules;
    mapping(address beneficiary => uint256[]) private _schedulesOf;

    /* CONSTRUCTOR */

    constructor(address token_, ScheduleInit[] memory schedules) {
        require(token_ != address(0), InvalidToken(token_));
        _token = IERC20(token_);
        scheduleCount = schedules.length;

        uint256 allocated;
        for (uint256 id; id < schedules.length; ++id) {
            ScheduleInit memory s = schedules[id];
            require(
                s.beneficiary != address(0) && s.amount != 0 && s.durationSeconds != 0
                    && s.cliffSeconds <= s.durationSeconds,
                InvalidSchedule(id, s.beneficiary, s.amount, s.cliffSeconds, s.durationSeconds)
            );

            _schedules[id] = StoredSchedule({
                beneficiary: s.beneficiary,
                start: s.start,
                cliffSeconds: s.cliffSeconds,
                amount: s.amount,
                released: 0,
                durationSeconds: s.durationSeconds
            });
            _schedulesOf[s.beneficiary].push(id);
            allocated += s.amount;
            emit ScheduleCreated(id, s.beneficiary, s.amount, s.start, s.cliffSeconds, s.durationSeconds);
        }
        _totals.allocated = SafeCast.toUint128(allocated);
    }

    /* RELEASES */

    /// @inheritdoc IVesting
    function release(uint256 scheduleId) external returns (uint256 amount) {
        StoredSchedule storage s = _schedule(scheduleId);
        amount = _vestedAmount(s, block.timestamp) - s.released;
        require(amount != 0, NothingToRelease(scheduleId, block.timestamp));

        address beneficiary = s.beneficiary;
        // amount ≤ vested ≤ s.amount (a uint128), and Σ released ≤ Σ amount fits the allocated uint128.
        s.released += uint128(amount);
        _totals.released += uint128(amount);

        _token.safeTransfer(beneficiary, amount);
        emit Released(scheduleId, beneficiary, amount);
    }

    /// @inheritdoc IVesting
    /// @dev One token transfer for all of the beneficiary's schedules; one Released event each.
    function releaseAll(address beneficiary) external returns (uint256 amount) {
        uint256[] storage ids = _schedulesOf[beneficiary];
        uint256 count = ids.length;
        uint256[] memory amounts = new uint256[](count);

        for (uint256 i; i < count; ++i) {
            StoredSchedule storage s = _schedules[ids[i]];
            uint256 claimable_ = _vestedAmount(s, block.timestamp) - s.released;
            if (claimable_ == 0) continue;
            s.released += uint128(claimable_);
            amounts[i] = claimable_;
            amount += claimable_;
        }
        require(amount != 0, NothingToRelease(type(uint256).max, block.timestamp));
        _totals.released += uint128(amount);

        _token.safeTransfer(beneficiary, amount);
        for (uint256 i; i < count; ++i) {
            if (amounts[i] != 0) emit Released(ids[i], beneficiary, amounts[i]);
        }
    }

    /* VIEWS */

    /// @inheritdoc IVesting
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IVesting
    function totalAllocated() external view returns (uint256) {
        return _totals.allocated;
    }

    /// @inheritdoc IVesting
    function totalReleased() external view returns (uint256) {
        return _totals.released;
    }

    /// @inheritdoc IVesting
    function schedule(uint256 scheduleId) external view returns (Schedule memory) {
        StoredSchedule storage s = _schedule(scheduleId);
        return Schedule({
            beneficiary: s.beneficiary,
            start: s.start,
            cliffSeconds: s.cliffSeconds,
            durationSeconds: s.durationSeconds,
            amount: s.amount,
            released: s.released
        });
    }

    /// @inheritdoc IVesting
    function schedulesOf(address beneficiary) external view returns (uint256[] memory) {
        return _schedulesOf[beneficiary];
    }

    /// @inheritdoc IVesting
    function vestedAmount(uint256 scheduleId, uint256 timestamp) external view returns (uint256) {
        return _vestedAmount(_schedule(scheduleId), timestamp);
    }

    /// @inheritdoc IVesting
    function claimable(uint256 scheduleId) external view returns (uint256) {
        StoredSchedule storage s = _schedule(scheduleId);
        return _vestedAmount(s, block.timestamp) - s.released;
    }

    /* INTERNAL */

    function _schedule(uint256 scheduleId) private view returns (StoredSchedule storage) {
        require(scheduleId < scheduleCount, UnknownSchedule(scheduleId, scheduleCount));
        return _schedules[scheduleId];
    }

    /// @dev Rounded down, so a release never runs ahead of the linear schedule.
    function _vestedAmount(StoredSchedule storage s, uint256 timestamp) private view returns (uint256) {
        uint256 start = s.start;
        if (timestamp < start + s.cliffSeconds) return 0;
        uint256 duration = s.durationSeconds;
        uint256 amount = s.amount;
        if (timestamp >= start + duration) return amount;
        return amount * (timestamp - start) / duration;
    }
}
