// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./test/Vm.sol";
import {TestVotesToken} from "./test/TestVotesToken.sol";
import {MockParameterStore} from "./test/MockParameterStore.sol";
import {Staking} from "./Staking.sol";
import {IStaking} from "./interfaces/IStaking.sol";
import {BPS, RATE_CAP_BPS, RATE_FLOOR_BPS} from "./libraries/Constants.sol";

bytes32 constant KEY_REWARD_PER_DAY = "staking.rewardPerDay";
bytes32 constant KEY_TARGET_STAKED = "staking.targetStaked";

/// @dev The rate rule written a second way: rewardPerDay × target/staked per second, held within the floor and cap.
function referenceRate(uint256 rewardPerDay, uint256 target, uint256 staked) pure returns (uint256) {
    uint256 boost = staked == 0 ? RATE_CAP_BPS : target * BPS / staked;
    boost = boost < RATE_FLOOR_BPS ? RATE_FLOOR_BPS : boost > RATE_CAP_BPS ? RATE_CAP_BPS : boost;
    return rewardPerDay * boost / BPS / 86_400;
}

/// @notice Acts like stakers and governance: time passes, stakers stake, unstake and claim random
/// amounts, and the store retunes the rule. Keeps what was paid and counts any payout other than earned.
contract StakingHandler is TestBase {
    Staking public immutable staking;
    TestVotesToken public immutable token;
    MockParameterStore public immutable store;
    address[] public stakers;

    uint256 public ghostPaid;
    uint256 public ghostStaked;
    uint256 public payoutMismatches;

    constructor(Staking staking_, TestVotesToken token_, MockParameterStore store_, address[] memory stakers_) {
        staking = staking_;
        token = token_;
        store = store_;
        stakers = stakers_;
    }

    function stakerCount() external view returns (uint256) {
        return stakers.length;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 30 days));
    }

    function stake(uint256 who, uint256 amount) external {
        address staker = stakers[who % stakers.length];
        amount = bound(amount, 1, 1e25);
        token.mint(staker, amount);
        vm.startPrank(staker);
        token.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
        ghostStaked += amount;
    }

    function unstake(uint256 who, uint256 amount) external {
        address staker = stakers[who % stakers.length];
        uint256 balance = staking.balanceOf(staker);
        (,,, uint256 unlockAt) = staking.accountOf(staker);
        if (balance == 0 || block.timestamp < unlockAt) return;
        amount = bound(amount, 1, balance);
        vm.prank(staker);
        staking.unstake(amount);
        ghostStaked -= amount;
    }

    function claim(uint256 who) external {
        address staker = stakers[who % stakers.length];
        uint256 expected = staking.earned(staker);
        uint256 before = token.balanceOf(staker);
        vm.prank(staker);
        try staking.claim() returns (uint256 reward) {
            ghostPaid += reward;
            if (reward != expected || token.balanceOf(staker) != before + reward) ++payoutMismatches;
        } catch {
            if (expected != 0) ++payoutMismatches;
        }
    }

    function retune(uint256 rewardPerDay, uint256 target, bool which) external {
        if (which) store.set(KEY_REWARD_PER_DAY, bound(rewardPerDay, 0, 1e24));
        else store.set(KEY_TARGET_STAKED, bound(target, 0, 1e26));
    }
}

contract StakingTest is TestBase {
    uint256 internal constant BUDGET = 1_000_000e18;
    uint256 internal constant PER_DAY = 1_000e18;
    uint256 internal constant TARGET = 100_000e18;
    uint256 internal constant LOCK = 7 days;

    TestVotesToken internal token;
    MockParameterStore internal store;
    Staking internal staking;
    StakingHandler internal handler;
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new TestVotesToken();
        store = new MockParameterStore(KEY_REWARD_PER_DAY, PER_DAY);
        store.set(KEY_TARGET_STAKED, TARGET);
        staking = new Staking(address(token), address(store), BUDGET, LOCK);
        store.setConsumer(KEY_REWARD_PER_DAY, address(staking));
        store.setConsumer(KEY_TARGET_STAKED, address(staking));
        token.mint(address(staking), BUDGET);

        address[] memory stakers = new address[](3);
        stakers[0] = alice;
        stakers[1] = bob;
        stakers[2] = address(0xCA401);
        handler = new StakingHandler(staking, token, store, stakers);
        targetContract(address(handler));
    }

    function _stake(address who, uint256 amount) internal {
        token.mint(who, amount);
        vm.startPrank(who);
        token.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
    }

    function _ratePerSecond() internal view returns (uint256 rate) {
        (,,,, rate,,) = staking.state();
    }

    /* UNIT */

    function test_stake_noRewardBeforeFirstStake() public {
        vm.warp(block.timestamp + 30 days);
        _stake(alice, TARGET);
        vm.warp(block.timestamp + 1 days);
        uint256 rate = referenceRate(PER_DAY, TARGET, TARGET);
        // 30 idle days emitted nothing: one day at the rule's rate, less the per-token rounding.
        assertLe(staking.earned(alice), rate * 1 days, "earned <= one day");
        assertGe(staking.earned(alice) + 1e18, rate * 1 days, "earned ~ one day");
        (, uint256 emitted,,,,,) = staking.state();
        assertEq(emitted, 0, "nothing emitted until an action checkpoints");
    }

    function test_rate_followsTheRule() public {
        assertEq(_ratePerSecond(), referenceRate(PER_DAY, TARGET, 0), "cap with nothing staked");
        _stake(alice, TARGET / 10);
        assertEq(_ratePerSecond(), referenceRate(PER_DAY, TARGET, TARGET / 10), "below target: boosted, capped at 4x");
        _stake(bob, TARGET * 10);
        assertEq(_ratePerSecond(), referenceRate(PER_DAY, TARGET, TARGET * 10 + TARGET / 10), "far above: floor");
        store.set(KEY_TARGET_STAKED, TARGET * 20);
        assertEq(_ratePerSecond(), referenceRate(PER_DAY, TARGET * 20, TARGET * 10 + TARGET / 10), "retuned");
    }

    function test_unstake_revertsWhileLocked() public {
        _stake(alice, 1e18);
        uint256 unlockAt = block.timestamp + LOCK;
        vm.warp(unlockAt - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStaking.StakeLocked.selector, unlockAt, unlockAt - 1));
        staking.unstake(1e18);
        vm.warp(unlockAt);
        vm.prank(alice);
        staking.unstake(1e18);
        assertEq(staking.balanceOf(alice), 0, "unstaked at unlock");
    }

    function test_unstake_revertsAboveBalance() public {
        _stake(alice, 1e18);
        vm.warp(block.timestamp + LOCK);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStaking.InsufficientStake.selector, 1e18, 2e18));
        staking.unstake(2e18);
    }

    function test_claim_revertsWithNothing() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStaking.NothingToClaim.selector, alice));
        staking.claim();
    }

    function test_claim_stopsAtTheBudget() public {
        _stake(alice, 1e18); // far below target: the cap's rate
        vm.warp(block.timestamp + 10_000 days);
        vm.prank(alice);
        uint256 reward = staking.claim();
        assertLe(reward, BUDGET, "paid <= budget");
        assertGe(reward + 1e18, BUDGET, "the whole budget, less rounding");
        vm.warp(block.timestamp + 1 days);
        assertEq(staking.earned(alice), 0, "nothing after the budget ran out");
    }

    function test_constructor_revertsOnLongLock() public {
        vm.expectRevert(abi.encodeWithSelector(IStaking.LockTooLong.selector, 366 days, 365 days));
        new Staking(address(token), address(store), BUDGET, 366 days);
    }

    function test_onParameterSet_onlyTheStore() public {
        vm.expectRevert(abi.encodeWithSignature("Unauthorized(address)", address(this)));
        staking.onParameterSet(KEY_REWARD_PER_DAY, 0, 1);
    }

    /* FUZZ */

    /// @dev Two stakers share one interval's emission in proportion to their stakes, never more than it.
    function testFuzz_sharesNeverExceedEmission(uint256 a, uint256 b, uint256 dt) public {
        a = bound(a, 1, 1e26);
        b = bound(b, 1, 1e26);
        dt = bound(dt, 1, 400 days);
        _stake(alice, a);
        _stake(bob, b);
        uint256 rate = _ratePerSecond();
        vm.warp(block.timestamp + dt);
        uint256 emission = rate * dt;
        if (emission > BUDGET) emission = BUDGET;
        uint256 earnedA = staking.earned(alice);
        uint256 earnedB = staking.earned(bob);
        assertLe(earnedA + earnedB, emission, "shares <= emission");
        // each is its exact share rounded down twice (per token, then per account)
        assertLe(earnedA, emission * a / (a + b), "alice <= her exact share");
        assertLe(earnedB, emission * b / (a + b), "bob <= his exact share");
    }

    /// @dev Stake then unstake at any time after the lock returns exactly the stake.
    function testFuzz_stakeUnstakeReturnsTheStake(uint256 amount, uint256 wait) public {
        amount = bound(amount, 1, 1e27);
        wait = bound(wait, LOCK, 1000 days);
        _stake(alice, amount);
        vm.warp(block.timestamp + wait);
        vm.prank(alice);
        staking.unstake(amount);
        assertEq(token.balanceOf(alice), amount, "stake returned");
        assertEq(staking.totalSupply(), 0, "nothing staked");
    }

    /* INVARIANTS */

    function invariant_paidLeEmittedLeBudget() public view {
        (, uint256 emitted,,,,,) = staking.state();
        assertLe(handler.ghostPaid(), emitted, "paid <= emitted");
        assertLe(emitted, BUDGET, "emitted <= budget");
    }

    function invariant_stakedBalancesSumToTotal() public view {
        uint256 sum;
        for (uint256 i; i < handler.stakerCount(); ++i) {
            sum += staking.balanceOf(handler.stakers(i));
        }
        assertEq(sum, staking.totalSupply(), "sum of balances = total staked");
        assertEq(sum, handler.ghostStaked(), "total staked = staked - unstaked");
    }

    function invariant_roundingFavoursTheProtocol() public view {
        (, uint256 emitted,,,,,) = staking.state();
        uint256 owed;
        for (uint256 i; i < handler.stakerCount(); ++i) {
            owed += staking.earned(handler.stakers(i));
        }
        // what is owed now accrues from what was emitted up to the last checkpoint and since
        (uint256 totalStaked,, uint256 lastUpdate,, uint256 rate,,) = staking.state();
        uint256 since = totalStaked == 0 ? 0 : (block.timestamp - lastUpdate) * rate;
        uint256 cap = emitted + since > BUDGET ? BUDGET : emitted + since;
        assertLe(handler.ghostPaid() + owed, cap, "paid + owed <= emitted");
        assertGe(
            token.balanceOf(address(staking)), totalStaked + BUDGET - handler.ghostPaid(), "balance covers stakes and budget"
        );
        assertEq(handler.payoutMismatches(), 0, "every claim paid what was earned");
    }
}
