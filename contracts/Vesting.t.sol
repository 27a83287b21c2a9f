// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./test/Vm.sol";
import {TestVotesToken} from "./test/TestVotesToken.sol";
import {Vesting} from "./Vesting.sol";
import {IVesting} from "./interfaces/IVesting.sol";

/// @dev The schedule formula written a second way.
function referenceVested(IVesting.ScheduleInit memory s, uint256 t) pure returns (uint256) {
    if (t < uint256(s.start) + s.cliffSeconds) return 0;
    if (t >= uint256(s.start) + s.durationSeconds) return s.amount;
    return uint256(s.amount) * (t - s.start) / s.durationSeconds;
}

/// @notice Acts like beneficiaries and passers-by: time passes, anyone releases a random schedule
/// or all of a beneficiary's, and someone sends the contract tokens it did not ask for. Counts
/// every release that paid other than what the schedule said.
contract VestingHandler is TestBase {
    Vesting public immutable vesting;
    TestVotesToken public immutable token;
    address[] public beneficiaries;

    uint256 public ghostReleased;
    uint256 public donated;
    uint256 public releases;
    /// @dev A release that paid other than vested − released to the beneficiary, or refused to pay it.
    uint256 public payoutMismatches;

    constructor(Vesting vesting_, TestVotesToken token_, address[] memory beneficiaries_) {
        vesting = vesting_;
        token = token_;
        beneficiaries = beneficiaries_;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 60 days));
    }

    function release(uint256 idSeed, address caller) external {
        uint256 id = idSeed % vesting.scheduleCount();
        IVesting.Schedule memory s = vesting.schedule(id);
        uint256 expected = vesting.vestedAmount(id, block.timestamp) - s.released;
        uint256 balanceBefore = token.balanceOf(s.beneficiary);

        vm.prank(caller);
        try vesting.release(id) returns (uint256 amount) {
            ++releases;
            ghostReleased += amount;
            if (amount != expected || amount == 0) ++payoutMismatches;
            if (token.balanceOf(s.beneficiary) != balanceBefore + amount) ++payoutMismatches;
        } catch {
            if (expected != 0) ++payoutMismatches;
        }
    }

    function releaseAll(uint256 beneficiarySeed) external {
        address beneficiary = beneficiaries[beneficiarySeed % beneficiaries.length];
        uint256[] memory ids = vesting.schedulesOf(beneficiary);
        uint256 expected;
        for (uint256 i; i < ids.length; ++i) {
            expected += vesting.claimable(ids[i]);
        }
        uint256 balanceBefore = token.balanceOf(beneficiary);

        try vesting.releaseAll(beneficiary) returns (uint256 amount) {
            ++releases;
            ghostReleased += amount;
            if (amount != expected || token.balanceOf(beneficiary) != balanceBefore + amount) ++payoutMismatches;
        } catch {
            if (expected != 0) ++payoutMismatches;
        }
    }

    function donate(uint256 amount) external {
        amount = bound(amount, 1, 1e24);
        token.mint(address(vesting), amount);
        donated += amount;
    }
}

contract VestingTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant BENEFICIARIES = 5;
    uint256 internal constant SCHEDULES_EACH = 3;

    TestVotesToken internal token;
    Vesting internal vesting;
    VestingHandler internal handler;
    address[] internal beneficiaries;

    function setUp() public {
        vm.warp(T0);
        token = new TestVotesToken();
        IVesting.ScheduleInit[] memory inits = new IVesting.ScheduleInit[](BENEFICIARIES * SCHEDULES_EACH);
        uint256 total;
        for (uint256 i; i < BENEFICIARIES; ++i) {
            address beneficiary = address(uint160(0xBE0000 + i));
            beneficiaries.push(beneficiary);
            for (uint256 j; j < SCHEDULES_EACH; ++j) {
                uint256 k = i * SCHEDULES_EACH + j;
                uint32 duration = uint32(1 + uint256(keccak256(abi.encode("duration", k))) % 730 days);
                inits[k] = IVesting.ScheduleInit({
                    beneficiary: beneficiary,
                    // Some started a year ago, some start within the next 100 days.
                    start: uint64(T0 - 365 days + uint256(keccak256(abi.encode("start", k))) % 465 days),
                    cliffSeconds: uint32(uint256(keccak256(abi.encode("cliff", k))) % (uint256(duration) + 1)),
                    durationSeconds: duration,
                    amount: uint128(1 + uint256(keccak256(abi.encode("amount", k))) % 1e27)
                });
                total += inits[k].amount;
            }
        }
        vesting = new Vesting(address(token), inits);
        token.mint(address(vesting), total);

        handler = new VestingHandler(vesting, token, beneficiaries);
        targetContract(address(handler));
    }

    /* INVARIANTS */

    function invariant_releasedLeVestedLeAllocated() public view {
        uint256 count = vesting.scheduleCount();
        uint256 sumReleased;
        uint256 sumAmount;
        for (uint256 id; id < count; ++id) {
            IVesting.Schedule memory s = vesting.schedule(id);
            uint256 vested = vesting.vestedAmount(id, block.timestamp);
            assertLe(s.released, vested, "released <= vested");
            assertLe(vested, s.amount, "vested <= amount");
            assertEq(vesting.claimable(id), vested - s.released, "claimable = vested - released");
            sumReleased += s.released;
            sumAmount += s.amount;
        }
        assertEq(sumReleased, vesting.totalReleased(), "sum of released = totalReleased");
        assertEq(sumAmount, vesting.totalAllocated(), "sum of amounts = totalAllocated");
        assertLe(vesting.totalReleased(), vesting.totalAllocated(), "totalReleased <= totalAllocated");
        assertEq(handler.ghostReleased(), vesting.totalReleased(), "every release seen by the handler");
        assertEq(handler.payoutMismatches(), 0, "releases that paid other than the schedule");
    }

    function invariant_balanceCoversUnreleased() public view {
        uint256 unreleased = vesting.totalAllocated() - vesting.totalReleased();
        assertGe(token.balanceOf(address(vesting)), unreleased, "balance covers what is still owed");
        assertEq(token.balanceOf(address(vesting)), unreleased + handler.donated(), "only releases move tokens out");
        uint256 paid;
        for (uint256 i; i < beneficiaries.length; ++i) {
            paid += token.balanceOf(beneficiaries[i]);
        }
        assertEq(paid, vesting.totalReleased(), "beneficiaries hold exactly what was released");
    }

    /* FUZZ */

    function testFuzz_vestedNeverExceedsAmount(
        uint128 amount,
        uint64 start,
        uint32 cliff,
        uint32 duration,
        uint256 t1,
        uint256 t2
    ) public {
        IVesting.ScheduleInit memory s = _boundedSchedule(amount, start, cliff, duration);
        Vesting single = _deploySingle(s);
        t1 = bound(t1, 0, uint256(s.start) + uint256(s.durationSeconds) * 2);
        t2 = bound(t2, t1, type(uint256).max);

        uint256 v1 = single.vestedAmount(0, t1);
        uint256 v2 = single.vestedAmount(0, t2);
        assertEq(v1, referenceVested(s, t1), "vested follows the formula");
        assertLe(v1, s.amount, "vested <= amount");
        assertLe(v2, s.amount, "vested <= amount, any time");
        assertLe(v1, v2, "vested never decreases");
        // Rounded down: never more than the exact linear share.
        if (t1 >= s.start) assertLe(v1 * s.durationSeconds, uint256(s.amount) * (t1 - s.start), "rounded down");
        assertEq(single.vestedAmount(0, uint256(s.start) + s.durationSeconds), s.amount, "all vested at the end");
    }

    function testFuzz_releaseMonotonic(uint128 amount, uint32 cliff, uint32 duration, uint256 seed) public {
        IVesting.ScheduleInit memory s = _boundedSchedule(amount, uint64(block.timestamp), cliff, duration);
        Vesting single = _deploySingle(s);
        token.mint(address(single), s.amount);

        uint256 releasedBefore;
        for (uint256 step; step < 8; ++step) {
            seed = uint256(keccak256(abi.encode(seed, step)));
            vm.warp(block.timestamp + bound(seed, 0, uint256(s.durationSeconds) / 4 + 1));
            uint256 claimable = single.claimable(0);
            if (claimable == 0) {
                vm.expectRevert(abi.encodeWithSelector(IVesting.NothingToRelease.selector, 0, block.timestamp));
                single.release(0);
                continue;
            }
            uint256 balanceBefore = token.balanceOf(s.beneficiary);
            uint256 released = single.release(0);

            uint256 releasedAfter = single.schedule(0).released;
            assertEq(released, claimable, "release pays what was claimable");
            assertEq(releasedAfter, releasedBefore + released, "released grows by the payout");
            assertEq(releasedAfter, single.vestedAmount(0, block.timestamp), "released catches up with vested");
            assertEq(token.balanceOf(s.beneficiary), balanceBefore + released, "beneficiary paid");
            assertEq(single.claimable(0), 0, "nothing left to claim this second");
            releasedBefore = releasedAfter;
        }
        vm.warp(uint256(s.start) + s.durationSeconds);
        if (single.claimable(0) != 0) single.release(0);
        assertEq(single.schedule(0).released, s.amount, "everything released by the end");
        assertEq(token.balanceOf(address(single)), 0, "contract emptied");
    }

    /* HELPERS */

    function _boundedSchedule(uint128 amount, uint64 start, uint32 cliff, uint32 duration)
        internal
        pure
        returns (IVesting.ScheduleInit memory s)
    {
        s.beneficiary = address(0xBEEF);
        s.start = start;
        s.durationSeconds = uint32(bound(duration, 1, type(uint32).max));
        s.cliffSeconds = uint32(bound(cliff, 0, s.durationSeconds));
        s.amount = uint128(bound(amount, 1, type(uint128).max));
    }

    function _deploySingle(IVesting.ScheduleInit memory s) internal returns (Vesting) {
        IVesting.ScheduleInit[] memory inits = new IVesting.ScheduleInit[](1);
        inits[0] = s;
        return new Vesting(address(token), inits);
    }
}
