// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BondingCurveMarket} from "./BondingCurveMarket.sol";
import {BurnableArenaToken} from "./BurnableArenaToken.sol";
import {Buyback} from "./Buyback.sol";
import {ConstantProductPool} from "./ConstantProductPool.sol";
import {IBondingCurveMarket} from "./interfaces/IBondingCurveMarket.sol";
import {IBuyback} from "./interfaces/IBuyback.sol";
import {IParameterStore} from "./interfaces/IParameterStore.sol";
import {ParameterStore} from "./ParameterStore.sol";
import {QuoteToken} from "./QuoteToken.sol";
import {CurveKind} from "./libraries/CurveTypes.sol";
import {Unauthorized, ZeroAmount} from "./libraries/Errors.sol";
import {TestBase} from "./test/Vm.sol";

/// @dev Quote, store, the buyback (the market's treasury), the burnable token, a linear-curve market with
/// genesis holders, and a seeded pool; the pool venue binds the pool.
abstract contract BuybackSetup is TestBase {
    address internal constant TIMELOCK = address(0x7133);
    address internal constant GUARDIAN = address(0x6A4D);
    uint256 internal constant PERIOD = 1 days;

    QuoteToken internal quote;
    ParameterStore internal store;
    Buyback internal buyback;
    BurnableArenaToken internal token;
    BondingCurveMarket internal market;
    ConstantProductPool internal pool;
    address[] internal holders;

    function deploy(IBuyback.Venue venue, uint256 shareBps, uint256 capPerPeriod, uint256 maxSlippageBps) internal {
        quote = new QuoteToken();
        store = new ParameterStore(TIMELOCK);
        _define("curve.slope", 1e10, 1e8, 1e12);
        _define("curve.basePrice", 0.01e18, 0.001e18, 1e18);
        _define("market.buyFeeBps", 100, 0, 1_000);
        _define("market.sellFeeBps", 150, 0, 1_000);
        _define("market.treasuryShareBps", 5_000, 0, 10_000);
        _define("pool.feeBps", 30, 0, 1_000);
        _define("buyback.shareBps", shareBps, 0, 10_000);
        _define("buyback.capPerPeriod", capPerPeriod, 0, 1e15);
        _define("buyback.maxSlippageBps", maxSlippageBps, 0, 10_000);
        uint256 nonce = vm.getNonce(address(this));
        address tokenAddress = vm.computeCreateAddress(address(this), nonce + 1);
        address marketAddress = vm.computeCreateAddress(address(this), nonce + 2);
        buyback = new Buyback(tokenAddress, marketAddress, address(quote), address(store), TIMELOCK, venue, PERIOD);
        token = new BurnableArenaToken("Arena", "ARENA", marketAddress);
        market = new BondingCurveMarket(
            address(token), address(quote), address(store), CurveKind.Linear, 1e27, address(buyback), TIMELOCK, GUARDIAN
        );
        pool = new ConstantProductPool(address(token), address(quote), address(store));
        bytes32[] memory consumed = market.parameterKeys();
        for (uint256 i; i < consumed.length; ++i) {
            store.setConsumer(consumed[i], address(market));
        }
        store.setConsumer("pool.feeBps", address(pool));
        store.setConsumer("buyback.shareBps", address(buyback));
        store.setConsumer("buyback.capPerPeriod", address(buyback));
        store.setConsumer("buyback.maxSlippageBps", address(buyback));
        store.seal();

        for (uint256 i; i < 3; ++i) {
            holders.push(address(uint160(0xA11CE + i)));
        }
        IBondingCurveMarket.Allocation[] memory allocations = new IBondingCurveMarket.Allocation[](4);
        for (uint256 i; i < 3; ++i) {
            allocations[i] = IBondingCurveMarket.Allocation(holders[i], 100_000e18);
        }
        allocations[3] = IBondingCurveMarket.Allocation(address(this), 200_000e18);
        (uint256 costWithFee, uint256 fee) = market.quoteBuyExactTokens(500_000e18);
        quote.mint(address(this), costWithFee - fee);
        quote.approve(address(market), costWithFee - fee);
        market.genesis(allocations, costWithFee - fee);

        // The pool at about the curve's price: 200,000 tokens against 2,000 quote (0.01 per token).
        quote.mint(address(this), 2_000e6);
        quote.approve(address(pool), type(uint256).max);
        token.approve(address(pool), type(uint256).max);
        pool.addLiquidity(200_000e18, 2_000e6, 0, 0, address(this), block.timestamp);
        if (venue == IBuyback.Venue.Pool) buyback.bindPool(address(pool));
    }

    function _define(bytes32 key, uint256 value, uint256 min, uint256 max) private {
        store.defineParameter(IParameterStore.ParameterInit(key, uint128(value), uint128(min), uint128(max), 10_000, 1 hours, address(0)));
    }

    /// @dev A trader buys `quoteIn` of tokens on the curve (so the market accrues treasury fees).
    function curveBuy(address who, uint256 quoteIn) internal returns (uint256 amount) {
        quote.mint(who, quoteIn);
        vm.startPrank(who);
        quote.approve(address(market), quoteIn);
        amount = market.buyExactQuote(quoteIn, 0, who, block.timestamp);
        vm.stopPrank();
    }

    function budget() internal view returns (uint256 b) {
        (b,,,,,,,,) = buyback.state();
    }

    function spentInPeriod() internal view returns (uint256 s) {
        (, s,,,,,,,) = buyback.state();
    }
}

/// @dev Acts like traders, a keeper and governance: curve buys and sells, pool swaps, collect, execute of
/// random sizes (reverts included), time passing, policy retunes through the Timelock. Records what the
/// invariants need.
contract BuybackHandler is TestBase {
    Buyback internal immutable buyback;
    BondingCurveMarket internal immutable market;
    ConstantProductPool internal immutable pool;
    BurnableArenaToken internal immutable token;
    QuoteToken internal immutable quote;
    ParameterStore internal immutable store;
    address internal immutable timelock;
    address internal constant TRADER = address(0x7EADE5);

    uint256 public toBudgetSum;
    uint256 public boughtSum;
    uint256 public overCap;
    uint256 public slippageFailuresThatSpent;
    uint256 public executes;
    uint256 public slippageRefusals;

    constructor(Buyback buyback_, ConstantProductPool pool_, address timelock_) {
        buyback = buyback_;
        market = BondingCurveMarket(buyback_.market());
        pool = pool_;
        token = BurnableArenaToken(buyback_.token());
        quote = QuoteToken(buyback_.quote());
        store = ParameterStore(address(market.store()));
        timelock = timelock_;
        vm.startPrank(TRADER);
        quote.approve(address(market), type(uint256).max);
        quote.approve(address(pool_), type(uint256).max);
        token.approve(address(pool_), type(uint256).max);
        vm.stopPrank();
    }

    function _state() internal view returns (uint256 budget, uint256 spentInPeriod) {
        (budget, spentInPeriod,,,,,,,) = buyback.state();
    }

    function curveBuy(uint256 quoteIn) external {
        quoteIn = bound(quoteIn, 1e6, 50_000e6);
        quote.mint(TRADER, quoteIn);
        vm.prank(TRADER);
        market.buyExactQuote(quoteIn, 0, TRADER, block.timestamp);
    }

    function curveSell(uint256 fractionBps) external {
        uint256 amount = token.balanceOf(TRADER) * bound(fractionBps, 1, 10_000) / 10_000;
        if (amount == 0) return;
        vm.prank(TRADER);
        market.sell(amount, 0, TRADER, block.timestamp);
    }

    function poolSwap(uint256 amountIn, bool sellToken) external {
        if (sellToken) {
            amountIn = token.balanceOf(TRADER) * bound(amountIn, 1, 5_000) / 10_000;
            if (amountIn == 0) return;
            vm.prank(TRADER);
            pool.swapExactIn(address(token), amountIn, 0, TRADER, block.timestamp);
        } else {
            amountIn = bound(amountIn, 1e6, 500e6);
            quote.mint(TRADER, amountIn);
            vm.prank(TRADER);
            pool.swapExactIn(address(quote), amountIn, 0, TRADER, block.timestamp);
        }
    }

    function collect() external {
        if (market.treasuryAccrued() == 0) return;
        (uint256 before,) = _state();
        buyback.collect();
        (uint256 afterwards,) = _state();
        toBudgetSum += afterwards - before;
    }

    function execute(uint256 quoteIn) external {
        (uint256 budget,) = _state();
        quoteIn = bound(quoteIn, 1, budget + 10e6);
        uint256 balanceBefore = quote.balanceOf(address(buyback));
        try buyback.execute(quoteIn) returns (uint256 burned) {
            boughtSum += burned;
            ++executes;
            (, uint256 spent) = _state();
            (,,,,,,, uint256 cap,) = buyback.state();
            if (spent > cap) ++overCap;
        } catch (bytes memory reason) {
            if (bytes4(reason) == IBuyback.SlippageExceeded.selector) {
                ++slippageRefusals;
                if (quote.balanceOf(address(buyback)) != balanceBefore) ++slippageFailuresThatSpent;
            }
        }
    }

    function wait(uint256 secondsLater) external {
        vm.warp(block.timestamp + bound(secondsLater, 1, 2 days));
    }

    function retune(uint256 keySeed, uint256 valueSeed) external {
        bytes32[3] memory keys = [bytes32("buyback.shareBps"), "buyback.capPerPeriod", "buyback.maxSlippageBps"];
        bytes32 key = keys[keySeed % 3];
        IParameterStore.Parameter memory p = store.parameter(key);
        vm.warp(block.timestamp + p.minIntervalSeconds + 1);
        uint256 maxDelta = store.maxDelta(key);
        uint256 lo = p.value > maxDelta ? p.value - maxDelta : 0;
        uint256 hi = p.value + maxDelta;
        if (lo < p.min) lo = p.min;
        if (hi > p.max) hi = p.max;
        vm.prank(timelock);
        store.set(key, bound(valueSeed, lo, hi));
    }
}

abstract contract BuybackInvariants is BuybackSetup {
    BuybackHandler internal handler;

    function venue() internal pure virtual returns (IBuyback.Venue);

    function setUp() public {
        deploy(venue(), 5_000, 200e6, 300);
        handler = new BuybackHandler(buyback, pool, TIMELOCK);
        targetContract(address(handler));
    }

    /// @notice budget + spent = Σ ⌊revenue × share⌋ ≤ revenue; the buyback holds its budget.
    function invariant_spentWithinTheRevenueShare() public view {
        (uint256 b,,, uint256 revenueTotal, uint256 spentTotal,,,,) = buyback.state();
        assertEq(b + spentTotal, handler.toBudgetSum(), "budget + spent != the revenue's share");
        assertLe(spentTotal, revenueTotal, "spent more than the revenue");
        assertGe(quote.balanceOf(address(buyback)), b, "quote balance < budget");
    }

    function invariant_spentWithinTheCap() public view {
        assertEq(handler.overCap(), 0, "a period spent more than its cap");
    }

    /// @notice Burned = bought: the buyback keeps no tokens, and the curve's supply is the circulating plus the burned.
    function invariant_burnedEqualsBought() public view {
        (,,,,, uint256 burnedTotal,,,) = buyback.state();
        assertEq(burnedTotal, handler.boughtSum(), "burned != bought");
        assertEq(token.balanceOf(address(buyback)), 0, "the buyback holds tokens");
        assertEq(market.supply(), token.totalSupply() + burnedTotal, "market supply != circulating + burned");
    }

    /// @notice The reserve covers selling every token still in circulation.
    function invariant_curveSolventThroughBurns() public view {
        (uint256 refund, uint256 fee) = market.quoteSell(token.totalSupply());
        assertGe(market.reserve(), refund + fee, "reserve < refund for the circulating supply");
        assertGe(quote.balanceOf(address(market)), market.reserve(), "quote balance < reserve");
    }

    function invariant_noSpendWhenTheSlippageCheckFails() public view {
        assertEq(handler.slippageFailuresThatSpent(), 0, "a refused execute spent");
    }
}

contract CurveBuybackInvariantTest is BuybackInvariants {
    function venue() internal pure override returns (IBuyback.Venue) {
        return IBuyback.Venue.Curve;
    }
}

contract PoolBuybackInvariantTest is BuybackInvariants {
    function venue() internal pure override returns (IBuyback.Venue) {
        return IBuyback.Venue.Pool;
    }
}

/// @dev One case per rule, on the curve venue (half the revenue, 100 quote a period, 3% slippage).
contract BuybackTest is BuybackSetup {
    address internal constant KEEPER = address(0x6EE9);
    address internal constant BUYER = address(0xB0B);

    function setUp() public {
        deploy(IBuyback.Venue.Curve, 5_000, 100e6, 300);
        curveBuy(BUYER, 20_000e6); // a 1% fee: 200 quote, half of it the treasury's
    }

    function test_collect_splitsTheRevenue() public {
        uint256 accrued = market.treasuryAccrued(); // half the fee of a 20,000-quote buy: 99.009901 quote
        assertEq(accrued, 99_009_901, "treasury fees of the buy");
        vm.expectEmit();
        emit IBuyback.RevenueCollected(accrued, 49_504_950, 49_504_951);
        assertEq(buyback.collect(), accrued, "revenue");
        assertEq(budget(), 49_504_950, "budget: the share rounded down");
        assertEq(quote.balanceOf(TIMELOCK), 49_504_951, "the treasury's part keeps the dust");
        assertEq(quote.balanceOf(address(buyback)), 49_504_950, "the buyback holds its budget");
        vm.expectRevert(abi.encodeWithSelector(IBuyback.NothingToCollect.selector));
        buyback.collect();
    }

    function test_execute_buysAndBurns() public {
        buyback.collect();
        (uint256 expected,) = market.quoteBuyExactQuote(30e6);
        uint256 supplyBefore = token.totalSupply();
        vm.expectEmit();
        emit IBuyback.BoughtBack(KEEPER, 30e6, expected, 30e6);
        vm.prank(KEEPER);
        assertEq(buyback.execute(30e6), expected, "burned");
        assertEq(token.totalSupply(), supplyBefore, "a buyback burns what it bought: circulation as before");
        assertEq(market.supply(), token.totalSupply() + expected, "the curve counts the burned tokens");
        assertEq(budget(), 49_504_950 - 30e6, "budget left");
        assertEq(spentInPeriod(), 30e6, "spent in the period");
        assertEq(token.balanceOf(address(buyback)), 0, "tokens kept");
    }

    function test_execute_refusesZeroAndAboveTheBudget() public {
        vm.expectRevert(abi.encodeWithSelector(ZeroAmount.selector));
        buyback.execute(0);
        vm.expectRevert(abi.encodeWithSelector(IBuyback.BudgetExceeded.selector, 1, 0));
        buyback.execute(1);
        buyback.collect();
        vm.expectRevert(abi.encodeWithSelector(IBuyback.BudgetExceeded.selector, 49_504_951, 49_504_950));
        buyback.execute(49_504_951);
    }

    function test_execute_capPerPeriod_andItsReset() public {
        curveBuy(BUYER, 40_000e6);
        buyback.collect(); // about 148.5 quote of budget
        buyback.execute(80e6);
        vm.expectRevert(abi.encodeWithSelector(IBuyback.CapExceeded.selector, 30e6, 20e6));
        buyback.execute(30e6);
        vm.warp((block.timestamp / PERIOD + 1) * PERIOD);
        buyback.execute(30e6);
        assertEq(spentInPeriod(), 30e6, "a new period starts from nothing");
    }

    function test_execute_slippage_refusesAndSpendsNothing() public {
        buyback.collect();
        vm.warp(block.timestamp + 1 hours);
        vm.prank(TIMELOCK);
        store.set("buyback.maxSlippageBps", 50); // below the curve's 1% buy fee
        (uint256 tokensOut,) = market.quoteBuyExactQuote(30e6);
        uint256 valueQuote = tokensOut * market.priceWad() / 1e18 / 1e12;
        uint256 spend = 30e6;
        uint256 minValue = (spend * 9_950 + 9_999) / 10_000;
        vm.expectRevert(abi.encodeWithSelector(IBuyback.SlippageExceeded.selector, tokensOut, valueQuote, minValue));
        buyback.execute(30e6);
        assertEq(budget(), 49_504_950, "a refused buyback spent");
        assertEq(spentInPeriod(), 0, "a refused buyback counted against the cap");
    }

    function test_policy_followsTheStore() public {
        vm.warp(block.timestamp + 1 hours);
        vm.expectEmit();
        emit IBuyback.PolicyParameterUpdated("buyback.shareBps", 5_000, 8_000);
        vm.prank(TIMELOCK);
        store.set("buyback.shareBps", 8_000);
        buyback.collect();
        assertEq(budget(), 79_207_920, "the new share: 80% of 99.009901 quote, rounded down");
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, address(this)));
        buyback.onParameterSet("buyback.shareBps", 0, 1);
    }

    function test_bindPool_onlyOnAPoolVenue() public {
        vm.expectRevert(abi.encodeWithSelector(IBuyback.VenueAlreadyBound.selector, address(market)));
        buyback.bindPool(address(pool));
    }

    function test_constructor_refusesABadPeriod() public {
        vm.expectRevert(abi.encodeWithSelector(IBuyback.InvalidPeriod.selector, 0));
        new Buyback(address(token), address(market), address(quote), address(store), TIMELOCK, IBuyback.Venue.Curve, 0);
    }
}

/// @dev The pool venue: bound once by the deployer, buys on the pool.
contract PoolBuybackTest is BuybackSetup {
    function setUp() public {
        deploy(IBuyback.Venue.Pool, 10_000, 100e6, 500);
        curveBuy(address(0xB0B), 2_000e6);
        buyback.collect(); // 10 quote
    }

    function test_execute_buysOnThePool() public {
        (uint256 reserveToken, uint256 reserveQuote) = pool.getReserves();
        uint256 expected = pool.getAmountOut(5e6, reserveQuote, reserveToken);
        assertEq(buyback.execute(5e6), expected, "burned the pool's exact output");
        (uint256 reserveTokenAfter,) = pool.getReserves();
        assertEq(reserveToken - reserveTokenAfter, expected, "bought from the pool");
    }

    function test_bindPool_onceAndOnlyTheDeployer() public {
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, address(0xBAD)));
        buyback.bindPool(address(pool));
        vm.expectRevert(abi.encodeWithSelector(IBuyback.VenueAlreadyBound.selector, address(pool)));
        buyback.bindPool(address(pool));
    }
}
