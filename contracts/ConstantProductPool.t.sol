// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ConstantProductPool} from "./ConstantProductPool.sol";
import {IConstantProductPool} from "./interfaces/IConstantProductPool.sol";
import {DEAD, MAX_FEE_BPS, MINIMUM_LIQUIDITY} from "./libraries/Constants.sol";
import {MockParameterStore} from "./test/MockParameterStore.sol";
import {PoolHandler} from "./test/PoolHandler.sol";
import {TestERC20} from "./test/TestERC20.sol";
import {TestBase} from "./test/Vm.sol";

abstract contract PoolFixture is TestBase {
    bytes32 internal constant FEE_KEY = bytes32("pool.feeBps");

    TestERC20 internal token;
    TestERC20 internal quote;
    MockParameterStore internal store;
    ConstantProductPool internal pool;

    function _deployPool() internal {
        token = new TestERC20("Arena", "ARENA", 18);
        quote = new TestERC20("Quote", "USDQ", 6);
        store = new MockParameterStore(FEE_KEY, 30);
        pool = new ConstantProductPool(address(token), address(quote), address(store));
        store.setConsumer(FEE_KEY, address(pool));
    }

    function _fundAndApprove(address who, uint256 amountToken, uint256 amountQuote) internal {
        token.mint(who, amountToken);
        quote.mint(who, amountQuote);
        vm.startPrank(who);
        token.approve(address(pool), type(uint256).max);
        quote.approve(address(pool), type(uint256).max);
        vm.stopPrank();
    }

    function _k() internal view returns (uint256) {
        (uint256 reserveToken, uint256 reserveQuote) = pool.getReserves();
        return reserveToken * reserveQuote;
    }
}

/// @notice Fuzz tests of single actions on a pool seeded with random reserves.
contract ConstantProductPoolFuzzTest is PoolFixture {
    address internal constant SEEDER = address(0x5EED);
    address internal constant TRADER = address(0x7EADE5);

    function setUp() public {
        _deployPool();
    }

    function _seed(uint256 reserveToken, uint256 reserveQuote) internal {
        _fundAndApprove(SEEDER, reserveToken, reserveQuote);
        vm.prank(SEEDER);
        pool.addLiquidity(reserveToken, reserveQuote, 0, 0, SEEDER, block.timestamp);
    }

    function testFuzz_swapNeverDecreasesK(uint256 reserveToken, uint256 reserveQuote, uint256 amountIn, bool sellToken, uint256 feeBps)
        public
    {
        reserveToken = bound(reserveToken, 1e4, 1e30);
        reserveQuote = bound(reserveQuote, 1e4, 1e30);
        amountIn = bound(amountIn, 1, 1e31);
        feeBps = bound(feeBps, 0, MAX_FEE_BPS);
        _seed(reserveToken, reserveQuote);
        store.set(FEE_KEY, feeBps);
        TestERC20 tokenIn = sellToken ? token : quote;
        _fundAndApprove(TRADER, amountIn, amountIn);

        (uint256 reserveIn, uint256 reserveOut) = sellToken ? (reserveToken, reserveQuote) : (reserveQuote, reserveToken);
        uint256 expectedOut = pool.getAmountOut(amountIn, reserveIn, reserveOut);
        uint256 kBefore = _k();
        if (expectedOut == 0) {
            // Too small to buy a single unit: the pool refuses rather than take the input for nothing.
            vm.expectRevert(abi.encodeWithSelector(IConstantProductPool.InsufficientOutput.selector, 0, 0));
            vm.prank(TRADER);
            pool.swapExactIn(address(tokenIn), amountIn, 0, TRADER, block.timestamp);
            return;
        }
        vm.prank(TRADER);
        uint256 amountOut = pool.swapExactIn(address(tokenIn), amountIn, 0, TRADER, block.timestamp);

        assertEq(amountOut, expectedOut, "amountOut");
        assertGe(_k(), kBefore, "k after swap");
        (uint256 rToken, uint256 rQuote) = pool.getReserves();
        assertEq(rToken, token.balanceOf(address(pool)), "token reserve");
        assertEq(rQuote, quote.balanceOf(address(pool)), "quote reserve");
        // Buying back what was just sold costs at least what the sale paid: no free round trip.
        uint256 buyBackCost = pool.getAmountIn(amountIn, sellToken ? rQuote : rToken, sellToken ? rToken : rQuote);
        assertGe(buyBackCost, amountOut, "buy-back cost");
    }

    function testFuzz_swapExactOutNeverDecreasesK(
        uint256 reserveToken,
        uint256 reserveQuote,
        uint256 amountOut,
        bool buyToken,
        uint256 feeBps
    ) public {
        reserveToken = bound(reserveToken, 1e4, 1e30);
        reserveQuote = bound(reserveQuote, 1e4, 1e30);
        feeBps = bound(feeBps, 0, MAX_FEE_BPS);
        _seed(reserveToken, reserveQuote);
        store.set(FEE_KEY, feeBps);
        (uint256 reserveIn, uint256 reserveOut) = buyToken ? (reserveQuote, reserveToken) : (reserveToken, reserveQuote);
        // At most half the reserve out: the input then stays within the uint112 reserves.
        amountOut = bound(amountOut, 1, reserveOut / 2);
        (TestERC20 tokenIn, TestERC20 tokenOut) = buyToken ? (quote, token) : (token, quote);
        uint256 quotedIn = pool.getAmountIn(amountOut, reserveIn, reserveOut);
        _fundAndApprove(TRADER, quotedIn, quotedIn);

        // One unit under the quote is refused, with both amounts.
        vm.expectRevert(abi.encodeWithSelector(IConstantProductPool.ExcessiveInput.selector, quotedIn, quotedIn - 1));
        vm.prank(TRADER);
        pool.swapExactOut(address(tokenOut), amountOut, quotedIn - 1, TRADER, block.timestamp);

        uint256 kBefore = _k();
        uint256 inBefore = tokenIn.balanceOf(TRADER);
        uint256 outBefore = tokenOut.balanceOf(TRADER);
        vm.prank(TRADER);
        uint256 amountIn = pool.swapExactOut(address(tokenOut), amountOut, quotedIn, TRADER, block.timestamp);

        assertEq(amountIn, quotedIn, "amountIn == getAmountIn");
        assertEq(inBefore - tokenIn.balanceOf(TRADER), amountIn, "paid exactly amountIn");
        assertEq(tokenOut.balanceOf(TRADER) - outBefore, amountOut, "received exactly amountOut");
        // Rounded up: at least the exact formula's input Rin·out·1e4 / ((Rout − out)·(1e4 − fee)), less than one unit over it.
        uint256 denominator = (reserveOut - amountOut) * (10_000 - feeBps);
        assertGe(amountIn * denominator, reserveIn * amountOut * 10_000, "input >= exact formula");
        assertLe((amountIn - 1) * denominator, reserveIn * amountOut * 10_000, "input < exact formula + 1");
        assertGe(_k(), kBefore, "k after exact-out swap");
        (uint256 rToken, uint256 rQuote) = pool.getReserves();
        assertEq(rToken, token.balanceOf(address(pool)), "token reserve");
        assertEq(rQuote, quote.balanceOf(address(pool)), "quote reserve");
    }

    function test_swapExactOut_refusesOtherTokens() public {
        _seed(1e24, 1e12);
        vm.expectRevert(abi.encodeWithSelector(IConstantProductPool.InvalidToken.selector, address(0xBEEF)));
        pool.swapExactOut(address(0xBEEF), 1, type(uint256).max, TRADER, block.timestamp);
    }

    function test_swapExactOut_refusesTheWholeReserve() public {
        _seed(1e24, 1e12);
        vm.expectRevert(abi.encodeWithSelector(IConstantProductPool.InsufficientLiquidity.selector, 1e12, 1e24));
        pool.swapExactOut(address(token), 1e24, type(uint256).max, TRADER, block.timestamp);
    }

    function testFuzz_addRemoveNeverProfits(
        uint256 reserveToken,
        uint256 reserveQuote,
        uint256 amountToken,
        uint256 amountQuote,
        uint256 skewIn
    ) public {
        reserveToken = bound(reserveToken, 1e4, 1e30);
        reserveQuote = bound(reserveQuote, 1e4, 1e30);
        amountToken = bound(amountToken, 1, 1e30);
        amountQuote = bound(amountQuote, 1, 1e30);
        _seed(reserveToken, reserveQuote);
        // A swap first, so the reserves' ratio and k per share are not the seeded ones.
        skewIn = bound(skewIn, 0, reserveToken);
        if (skewIn != 0 && pool.getAmountOut(skewIn, reserveToken, reserveQuote) != 0) {
            _fundAndApprove(TRADER, skewIn, 0);
            vm.prank(TRADER);
            pool.swapExactIn(address(token), skewIn, 0, TRADER, block.timestamp);
        }

        address lp = address(0x11);
        _fundAndApprove(lp, amountToken, amountQuote);
        vm.prank(lp);
        (bool added, bytes memory result) = address(pool).call(
            abi.encodeCall(pool.addLiquidity, (amountToken, amountQuote, 0, 0, lp, block.timestamp))
        );
        if (!added) {
            // The only refusal allowed here: a deposit too small for one share at this ratio.
            assertEq(uint32(bytes4(result)), uint32(IConstantProductPool.InsufficientLiquidityMinted.selector), "add error");
            return;
        }
        (uint256 depositedToken, uint256 depositedQuote, uint256 liquidity) = abi.decode(result, (uint256, uint256, uint256));
        assertLe(depositedToken, amountToken, "token used <= desired");
        assertLe(depositedQuote, amountQuote, "quote used <= desired");

        vm.prank(lp);
        (bool removed, bytes memory removeResult) =
            address(pool).call(abi.encodeCall(pool.removeLiquidity, (liquidity, 0, 0, lp, block.timestamp)));
        if (!removed) {
            // A share too small to be worth one unit of either token: nothing is paid out.
            assertEq(
                uint32(bytes4(removeResult)), uint32(IConstantProductPool.InsufficientLiquidityBurned.selector), "remove error"
            );
            return;
        }
        (uint256 withdrawnToken, uint256 withdrawnQuote) = abi.decode(removeResult, (uint256, uint256));
        assertLe(withdrawnToken, depositedToken, "token back <= deposited");
        assertLe(withdrawnQuote, depositedQuote, "quote back <= deposited");
        assertEq(pool.balanceOf(lp), 0, "shares burned");
    }

    function testFuzz_firstDepositorCannotWithdrawMore(uint256 amountToken, uint256 amountQuote) public {
        amountToken = bound(amountToken, 1e4, 1e30);
        amountQuote = bound(amountQuote, 1e4, 1e30);
        _seed(amountToken, amountQuote);
        uint256 shares = pool.balanceOf(SEEDER);
        assertEq(pool.totalSupply(), shares + MINIMUM_LIQUIDITY, "locked shares");
        assertEq(pool.balanceOf(DEAD), MINIMUM_LIQUIDITY, "DEAD holds the minimum");

        vm.prank(SEEDER);
        (uint256 withdrawnToken, uint256 withdrawnQuote) = pool.removeLiquidity(shares, 0, 0, SEEDER, block.timestamp);
        assertLe(withdrawnToken, amountToken, "token back");
        assertLe(withdrawnQuote, amountQuote, "quote back");
        (uint256 reserveToken, uint256 reserveQuote) = pool.getReserves();
        assertGe(reserveToken, 1, "token reserve stays funded");
        assertGe(reserveQuote, 1, "quote reserve stays funded");
    }
}

/// @notice Invariants under random sequences of trader, LP and governance actions.
contract ConstantProductPoolInvariantTest is PoolFixture {
    PoolHandler internal handler;
    uint256 internal genesisK;
    uint256 internal genesisSupply;

    function setUp() public {
        _deployPool();
        handler = new PoolHandler(pool, token, quote, store, 1_000_000e18, 2_000_000e6);
        genesisK = _k();
        genesisSupply = pool.totalSupply();
        targetContract(address(handler));
    }

    function invariant_reservesMatchBalances() public view {
        (uint256 reserveToken, uint256 reserveQuote) = pool.getReserves();
        assertEq(reserveToken, token.balanceOf(address(pool)), "token reserve == balance");
        assertEq(reserveQuote, quote.balanceOf(address(pool)), "quote reserve == balance");
    }

    function invariant_kNeverDecreasesExceptOnRemove() public view {
        assertTrue(!handler.kDecreasedOutsideRemove(), "k fell on a swap, deposit or fee change");
        assertTrue(!handler.kPerShareDecreased(), "k / totalSupply^2 fell");
        assertTrue(handler.kPerShareNotBelow(_k(), pool.totalSupply(), genesisK, genesisSupply), "k per share vs genesis");
    }

    function invariant_lpSupplyConsistent() public view {
        uint256 supply = pool.totalSupply();
        uint256 held = pool.balanceOf(DEAD);
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            held += pool.balanceOf(handler.actors(i));
        }
        assertEq(held, supply, "sum of share balances == totalSupply");
        assertEq(handler.ghostSharesMinted() - handler.ghostSharesBurned(), supply, "minted - burned == totalSupply");
        assertEq(pool.balanceOf(DEAD), MINIMUM_LIQUIDITY, "locked shares");
    }
}
