// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IVesting
/// @notice Many cliff + linear schedules in one contract, all fixed in the constructor and funded
/// at genesis. Nothing vests before the cliff; after it, the amount vested grows linearly from
/// `start` to `start + duration` (so the cliff releases what accrued since start).
/// Invariant: released ≤ vested ≤ amount for every schedule; Σ amount = totalAllocated.
interface IVesting {
    struct Schedule {
        address beneficiary;
        uint64 start;
        uint32 cliffSeconds;
        uint32 durationSeconds;
        uint128 amount;
        uint128 released;
    }

    /// @notice One schedule as the constructor takes it (nothing released yet).
    struct ScheduleInit {
        address beneficiary;
        uint64 start;
        uint32 cliffSeconds;
        uint32 durationSeconds;
        uint128 amount;
    }

    error UnknownSchedule(uint256 scheduleId, uint256 scheduleCount);
    error InvalidSchedule(uint256 index, address beneficiary, uint256 amount, uint256 cliffSeconds, uint256 durationSeconds);
    error NothingToRelease(uint256 scheduleId, uint256 timestamp);

    event ScheduleCreated(uint256 indexed scheduleId, address indexed beneficiary, uint256 amount, uint64 start, uint32 cliffSeconds, uint32 durationSeconds);
    event Released(uint256 indexed scheduleId, address indexed beneficiary, uint256 amount);

    function token() external view returns (address);
    function totalAllocated() external view returns (uint256);
    function totalReleased() external view returns (uint256);
    function scheduleCount() external view returns (uint256);
    function schedule(uint256 scheduleId) external view returns (Schedule memory);
    function schedulesOf(address beneficiary) external view returns (uint256[] memory);
    function vestedAmount(uint256 scheduleId, uint256 timestamp) external view returns (uint256);
    function claimable(uint256 scheduleId) external view returns (uint256);
    /// @notice Sends what has vested and not been released to the schedule's beneficiary. Anyone may call.
    function release(uint256 scheduleId) external returns (uint256 amount);
    /// @notice Releases every schedule of `beneficiary` that has something claimable.
    function releaseAll(address beneficiary) external returns (uint256 amount);
}
