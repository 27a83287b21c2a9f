// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./test/Vm.sol";
import {TestERC20} from "./test/TestERC20.sol";
import {TestVotesToken} from "./test/TestVotesToken.sol";
import {MockParameterStore} from "./test/MockParameterStore.sol";
import {ResourceMarket} from "./ResourceMarket.sol";
import {IResourceMarket} from "./interfaces/IResourceMarket.sol";

bytes32 constant KEY_TARGET = "resource.targetUtilisationBps";
bytes32 constant KEY_SPEED = "resource.adjustmentSpeed";
bytes32 constant KEY_FEE = "resource.feeBps";
bytes32 constant KEY_MIN = "resource.minPrice";
bytes32 constant KEY_MAX = "resource.maxPrice";

/// @dev One block's move of the rule written a second way: price × (1 + clamp((d − t)/t, −1, 1)/speed),
/// increases rounded up and decreases down, within the bounds.
function referenceStep(uint256 p, uint256 d, uint256 t, uint256 speed, uint256 lo, uint256 hi) pure returns (uint256) {
    int256 num = t == 0 ? (d == 0 ? -1 : int256(1)) : int256(d) - int256(t);
    int256 den = t == 0 ? int256(1) : int256(t);
    if (num > den) num = den;
    uint256 next;
    if (num >= 0) next = p + (p * uint256(num) + uint256(den) * speed - 1) / (uint256(den) * speed);
    else next = p - p * uint256(-num) / (uint256(den) * speed);
    return next < lo ? lo : next > hi ? hi : next;
}

/// @notice Acts like consumers, providers and governance: blocks pass, consumers request and use
/// credits, providers provide, withdraw and claim, anyone collects fees, the store retunes the rule.
/// Keeps what consumers paid and what left the contract, and counts any block whose price moved
/// beyond the rule's rate or whose allocation passed its capacity.
contract ResourceHandler is TestBase {
    ResourceMarket public immutable market;
    TestERC20 public immutable quote;
    TestVotesToken public immutable token;
    MockParameterStore public immutable store;
    address[] public actors;

    uint256 public ghostCosts;
    uint256 public ghostEarningsPaid;
    uint256 public ghostFeesCollected;
    uint256 public ghostBonded;
    uint256 public rateViolations;
    uint256 public capacityViolations;
    bool internal retunedThisBlock;

    constructor(
        ResourceMarket market_,
        TestERC20 quote_,
        TestVotesToken token_,
        MockParameterStore store_,
        address[] memory actors_
    ) {
        market = market_;
        quote = quote_;
        token = token_;
        store = store_;
        actors = actors_;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function nextBlocks(uint256 blocks) external {
        vm.warp(block.timestamp + bound(blocks, 1, 3) * 12);
        retunedThisBlock = false;
    }

    function _checkMove(uint256 before, uint256 lastBlockBefore) internal {
        (uint256 price, uint256 lastBlock,, uint256 allocated, uint256 capacity,,) = market.state();
        if (allocated > capacity) ++capacityViolations;
        // one block after the last active one, without a retune in between: at most ⌈p/speed⌉
        if (lastBlock == lastBlockBefore + 1 && lastBlockBefore != 0 && !retunedThisBlock) {
            (,uint256 speed,,,) = market.rule();
            uint256 bound_ = (before + speed - 1) / speed;
            uint256 moved = price > before ? price - before : before - price;
            if (moved > bound_) ++rateViolations;
        }
    }

    function request(uint256 who, uint256 quantity) external {
        address consumer = actors[who % actors.length];
        quantity = bound(quantity, 1, 1e24);
        (uint256 before, uint256 lastBlock,,,,,) = market.state();
        uint256 price = market.currentPriceWad();
        quote.mint(consumer, quantity * price / 1e30 + 1);
        vm.startPrank(consumer);
        quote.approve(address(market), type(uint256).max);
        (, uint256 cost) = market.request(quantity, price);
        vm.stopPrank();
        ghostCosts += cost;
        _checkMove(before, lastBlock);
    }

    function use(uint256 who, uint256 amount) external {
        address consumer = actors[who % actors.length];
        uint256 credits = market.creditsOf(consumer);
        if (credits == 0) return;
        vm.prank(consumer);
        market.use(bound(amount, 1, credits));
    }

    function provide(uint256 who, uint256 amount) external {
        address provider = actors[who % actors.length];
        amount = bound(amount, 1, 1e24);
        (uint256 before, uint256 lastBlock,,,,,) = market.state();
        token.mint(provider, amount);
        vm.startPrank(provider);
        token.approve(address(market), amount);
        market.provide(amount);
        vm.stopPrank();
        ghostBonded += amount;
        _checkMove(before, lastBlock);
    }

    function withdraw(uint256 who, uint256 amount) external {
        address provider = actors[who % actors.length];
        (uint256 provided,,) = market.providerOf(provider);
        if (provided == 0) return;
        amount = bound(amount, 1, provided);
        vm.prank(provider);
        try market.withdraw(amount) {
            ghostBonded -= amount;
        } catch (bytes memory reason) {
            // the only refusal left: this block allocated more than would remain
            require(bytes4(reason) == IResourceMarket.CapacityInUse.selector, "unexpected withdraw revert");
        }
    }

    function claim(uint256 who) external {
        address provider = actors[who % actors.length];
        if (market.earned(provider) == 0) return;
        vm.prank(provider);
        ghostEarningsPaid += market.claimEarnings();
    }

    function collect() external {
        (,,,,, uint256 fees,) = market.state();
        if (fees == 0) return;
        ghostFeesCollected += market.collectFees();
    }

    function retune(uint256 which, uint256 value) external {
        which = which % 4;
        if (which == 0) store.set(KEY_SPEED, bound(value, 1, 1_000));
        else if (which == 1) store.set(KEY_TARGET, bound(value, 1, 10_000));
        else if (which == 2) store.set(KEY_FEE, bound(value, 0, 1_000));
        else store.set(KEY_MAX, bound(value, 1e15, 1e21));
        retunedThisBlock = true;
    }
}

contract ResourceMarketTest is TestBase {
    uint256 internal constant START = 1e18; // one quote per credit
    uint256 internal constant MIN = 1e15;
    uint256 internal constant MAX = 1e21;
    uint256 internal constant SPEED = 8;
    uint256 internal constant PERIOD = 12;
    uint256 internal constant TARGET_BPS = 5_000;
    uint256 internal constant FEE_BPS = 500;
    address internal constant TREASURY = address(0x7AEA);

    TestERC20 internal quote;
    TestVotesToken internal token;
    MockParameterStore internal store;
    ResourceMarket internal market;
    ResourceHandler internal handler;
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);
    address internal carol = address(0xCA401);

    function setUp() public {
        vm.warp(1_700_000_004); // a period boundary: 12 | 1_700_000_004
        quote = new TestERC20("Quote", "Q", 6);
        token = new TestVotesToken();
        store = new MockParameterStore(KEY_TARGET, TARGET_BPS);
        store.set(KEY_SPEED, SPEED);
        store.set(KEY_FEE, FEE_BPS);
        store.set(KEY_MIN, MIN);
        store.set(KEY_MAX, MAX);
        market = new ResourceMarket(address(quote), address(token), address(store), TREASURY, START, PERIOD);
        store.setConsumer(KEY_TARGET, address(market));
        store.setConsumer(KEY_SPEED, address(market));
        store.setConsumer(KEY_FEE, address(market));
        store.setConsumer(KEY_MIN, address(market));
        store.setConsumer(KEY_MAX, address(market));

        address[] memory actors = new address[](3);
        actors[0] = alice;
        actors[1] = bob;
        actors[2] = carol;
        handler = new ResourceHandler(market, quote, token, store, actors);
        targetContract(address(handler));
    }

    function _provide(address who, uint256 amount) internal {
        token.mint(who, amount);
        vm.startPrank(who);
        token.approve(address(market), amount);
        market.provide(amount);
        vm.stopPrank();
    }

    function _request(address who, uint256 quantity) internal returns (uint256 filled, uint256 cost) {
        quote.mint(who, 1e30);
        vm.startPrank(who);
        quote.approve(address(market), type(uint256).max);
        (filled, cost) = market.request(quantity, type(uint256).max);
        vm.stopPrank();
    }

    function _price() internal view returns (uint256 price) {
        (price,,,,,,) = market.state();
    }

    /* UNIT */

    function test_request_allocatesWhatIsLeftAndCountsAllDemand() public {
        _provide(carol, 100e18);
        (uint256 filledA, uint256 costA) = _request(alice, 70e18);
        (uint256 filledB, uint256 costB) = _request(bob, 70e18);
        assertEq(filledA, 70e18, "first request filled");
        assertEq(filledB, 30e18, "second gets what is left");
        assertEq(costA, 70e6, "70 credits at 1 quote");
        assertEq(costB, 30e6, "pays only for what it got");
        (,, uint256 demand, uint256 allocated, uint256 capacity,,) = market.state();
        assertEq(demand, 140e18, "all demand counts");
        assertEq(allocated, capacity, "capacity used up");
        assertEq(market.creditsOf(alice), 70e18, "alice's credits");
        (uint256 filledC, uint256 costC) = _request(bob, 1e18);
        assertEq(filledC + costC, 0, "nothing left: nothing allocated, nothing paid");
    }

    function test_price_risesByAtMostOneSpeedthPerBlock() public {
        _provide(carol, 100e18); // target 50
        _request(alice, 1_000e18); // far beyond target: the clamp at +1
        vm.warp(block.timestamp + 1 * PERIOD);
        assertEq(market.currentPriceWad(), START + START / SPEED, "+1/speed at most");
        _request(alice, 75e18); // moves the price; this block: 75 of target 50
        vm.warp(block.timestamp + 1 * PERIOD);
        uint256 p = START + START / SPEED;
        assertEq(market.currentPriceWad(), referenceStep(p, 75e18, 50e18, SPEED, MIN, MAX), "half of the way up");
    }

    function test_price_fallsWithLowDemandAndDecaysOverEmptyBlocks() public {
        _provide(carol, 100e18);
        _request(alice, 10e18); // 10 of target 50
        vm.warp(block.timestamp + 1 * PERIOD);
        uint256 expected = referenceStep(START, 10e18, 50e18, SPEED, MIN, MAX);
        assertEq(market.currentPriceWad(), expected, "down by 0.8/speed");
        vm.warp(block.timestamp + 3 * PERIOD); // 3 empty blocks after the first
        uint256 p = market.currentPriceWad();
        uint256 stepwise = expected;
        for (uint256 i; i < 3; ++i) {
            stepwise = referenceStep(stepwise, 0, 50e18, SPEED, MIN, MAX);
        }
        // the power is rounded up, the step-by-step decay down: they agree to a few wei in 1e18
        assertGe(p, stepwise, "decay no faster than block by block");
        assertLe(p - stepwise, 1e3, "and within rounding of it");
        vm.warp(block.timestamp + 100_000 * PERIOD);
        assertEq(market.currentPriceWad(), MIN, "held at the floor");
    }

    function test_price_heldAtTheCeiling() public {
        _provide(carol, 1e18);
        store.set(KEY_MAX, START + 1);
        _request(alice, 1e18);
        vm.warp(block.timestamp + 1 * PERIOD);
        assertEq(market.currentPriceWad(), START + 1, "capped");
    }

    function test_request_revertsAbovePriceLimit() public {
        vm.expectRevert(abi.encodeWithSelector(IResourceMarket.PriceAboveLimit.selector, START, START - 1));
        market.request(1e18, START - 1);
        vm.expectRevert(abi.encodeWithSignature("ZeroAmount()"));
        market.request(0, START);
    }

    function test_withdraw_refusedWhileTheBlockUsesIt() public {
        _provide(carol, 100e18);
        _request(alice, 60e18);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IResourceMarket.CapacityInUse.selector, 60e18, 50e18));
        market.withdraw(50e18);
        vm.prank(carol);
        market.withdraw(40e18);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IResourceMarket.InsufficientCapacity.selector, 60e18, 61e18));
        market.withdraw(61e18);
        vm.warp(block.timestamp + 1 * PERIOD);
        vm.prank(carol);
        market.withdraw(60e18);
        assertEq(token.balanceOf(carol), 100e18, "bond returned");
    }

    function test_earnings_sharedByCapacityAndFeesToTreasury() public {
        _provide(bob, 30e18);
        _provide(carol, 10e18);
        (, uint256 cost) = _request(alice, 40e18);
        uint256 fee = cost * FEE_BPS / 10_000;
        assertLe(market.earned(bob) + market.earned(carol) + fee, cost, "never more than paid");
        assertEq(market.earned(bob), (cost - fee) * 3 / 4, "bob's three quarters");
        vm.prank(bob);
        assertEq(market.claimEarnings(), (cost - fee) * 3 / 4, "paid");
        assertEq(market.collectFees(), fee, "fee collected");
        assertEq(quote.balanceOf(TREASURY), fee, "to the treasury");
        vm.expectRevert(abi.encodeWithSelector(IResourceMarket.NothingToCollect.selector));
        market.collectFees();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IResourceMarket.NothingToClaim.selector, bob));
        market.claimEarnings();
    }

    function test_use_burnsCredits() public {
        _provide(carol, 10e18);
        _request(alice, 4e18);
        vm.prank(alice);
        market.use(3e18);
        assertEq(market.creditsOf(alice), 1e18, "one left");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IResourceMarket.InsufficientCredits.selector, 1e18, 2e18));
        market.use(2e18);
    }

    function test_onParameterSet_checksAndClamps() public {
        vm.expectRevert(abi.encodeWithSignature("Unauthorized(address)", address(this)));
        market.onParameterSet(KEY_SPEED, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IResourceMarket.ParameterOutOfRange.selector, KEY_SPEED, 0, 1, 1_000));
        store.set(KEY_SPEED, 0);
        vm.expectRevert(abi.encodeWithSelector(IResourceMarket.PriceOutOfBounds.selector, START, 2e21, MAX));
        store.set(KEY_MIN, 2e21);
        store.set(KEY_MIN, 2e18);
        assertEq(_price(), 2e18, "a price below new bounds is brought inside them");
    }

    function test_constructor_refusesAStartOutsideBounds() public {
        vm.expectRevert(abi.encodeWithSelector(IResourceMarket.PriceOutOfBounds.selector, MAX + 1, MIN, MAX));
        new ResourceMarket(address(quote), address(token), address(store), TREASURY, MAX + 1, PERIOD);
    }

    function test_constructor_refusesAZeroPeriod() public {
        vm.expectRevert(abi.encodeWithSelector(IResourceMarket.PeriodOutOfRange.selector, 0, 86_400));
        new ResourceMarket(address(quote), address(token), address(store), TREASURY, START, 0);
    }

    function test_price_movesOncePerPeriodNotPerChainBlock() public {
        _provide(carol, 100e18);
        _request(alice, 100e18); // 100 of target 50: up next period
        vm.roll(block.number + 1); // a new chain block in the same period
        vm.warp(block.timestamp + 1);
        assertEq(market.currentPriceWad(), START, "same period, same price");
        vm.warp(block.timestamp + PERIOD - 1);
        assertEq(market.currentPriceWad(), START + START / SPEED, "next period: moved");
    }

    /* FUZZ */

    /// @dev One block's move is the rule's, within ⌈p/speed⌉ and the bounds, whatever the demand.
    function testFuzz_priceMoveBoundedPerBlock(uint256 capacity, uint256 demand, uint256 speed) public {
        capacity = bound(capacity, 0, 1e27);
        demand = bound(demand, 1, 1e27);
        speed = bound(speed, 1, 1_000);
        store.set(KEY_SPEED, speed);
        if (capacity != 0) _provide(carol, capacity);
        _request(alice, demand);
        uint256 p = _price();
        vm.warp(block.timestamp + 1 * PERIOD);
        uint256 next = market.currentPriceWad();
        uint256 target = capacity * TARGET_BPS / 10_000;
        assertEq(next, referenceStep(p, demand, target, speed, MIN, MAX), "the rule");
        uint256 moved = next > p ? next - p : p - next;
        assertLe(moved, (p + speed - 1) / speed, "rate bound");
    }

    /// @dev What a consumer pays is its credits at the price, rounded up, split between treasury and
    /// providers' earnings with nothing created.
    function testFuzz_paymentConserved(uint256 capacity, uint256 quantity, uint256 share) public {
        capacity = bound(capacity, 1, 1e27);
        quantity = bound(quantity, 1, 1e27);
        share = bound(share, 1, capacity);
        _provide(bob, share);
        if (capacity > share) _provide(carol, capacity - share);
        (uint256 filled, uint256 cost) = _request(alice, quantity);
        assertEq(filled, quantity < capacity ? quantity : capacity, "filled");
        assertEq(cost, (filled * START + 1e30 - 1) / 1e30, "cost rounded up");
        (,,,,, uint256 fees,) = market.state();
        assertLe(fees + market.earned(bob) + market.earned(carol), cost, "no more than was paid");
        assertEq(quote.balanceOf(address(market)), cost, "all of it held");
    }

    /* INVARIANTS */

    function invariant_allocatedWithinCapacityAndPriceWithinRule() public view {
        (uint256 price,,, uint256 allocated, uint256 capacity,,) = market.state();
        (,,, uint256 lo, uint256 hi) = market.rule();
        assertLe(allocated, capacity, "allocated <= capacity");
        assertGe(price, lo, "price >= min");
        assertLe(price, hi, "price <= max");
        assertEq(handler.capacityViolations(), 0, "no block allocated beyond capacity");
        assertEq(handler.rateViolations(), 0, "no block moved beyond the rate");
    }

    function invariant_paymentsConserved() public view {
        (,,,,, uint256 fees,) = market.state();
        uint256 owed;
        for (uint256 i; i < handler.actorCount(); ++i) {
            owed += market.earned(handler.actors(i));
        }
        uint256 out = handler.ghostFeesCollected() + handler.ghostEarningsPaid();
        assertEq(quote.balanceOf(address(market)) + out, handler.ghostCosts(), "paid in = held + paid out");
        assertLe(fees + owed + out, handler.ghostCosts(), "fees + earnings <= payments (dust stays)");
        assertEq(quote.balanceOf(TREASURY), handler.ghostFeesCollected(), "treasury got the fees");
    }

    function invariant_bondsCoverCapacity() public view {
        uint256 sum;
        for (uint256 i; i < handler.actorCount(); ++i) {
            (uint256 c,,) = market.providerOf(handler.actors(i));
            sum += c;
        }
        (,,,, uint256 capacity,,) = market.state();
        assertEq(sum, capacity, "sum of capacities = capacity");
        assertEq(capacity, handler.ghostBonded(), "capacity = bonded - withdrawn");
        assertEq(token.balanceOf(address(market)), capacity, "bonds held");
    }
}
