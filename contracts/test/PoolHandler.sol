// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ConstantProductPool} from "../ConstantProductPool.sol";
import {MAX_FEE_BPS, MINIMUM_LIQUIDITY} from "../libraries/Constants.sol";
import {MockParameterStore} from "./MockParameterStore.sol";
import {TestERC20} from "./TestERC20.sol";
import {TestBase} from "./Vm.sol";

/// @notice Invariant-test handler: each function is one agent action against the pool (a trader
/// swapping either way, exact in or exact out, an LP adding or removing, governance retuning the fee), with bounded
/// random amounts. After every action it checks the k properties against the state before it and
/// keeps ghost totals that the invariants compare with the pool.
contract PoolHandler is TestBase {
    ConstantProductPool public immutable pool;
    TestERC20 public immutable token;
    TestERC20 public immutable quote;
    MockParameterStore public immutable store;

    address[] public actors;

    /// @dev Set when an action other than a withdrawal lowered k.
    bool public kDecreasedOutsideRemove;
    /// @dev Set when any action lowered k / totalSupply².
    bool public kPerShareDecreased;
    uint256 public ghostSharesMinted;
    uint256 public ghostSharesBurned;
    mapping(bytes32 action => uint256) public successfulCalls;

    uint256 private constant ACTOR_FUNDS = 1e30;

    /// @dev Funds three actors and makes the first deposit from actor 0 (the fuzzer must not
    /// reach a first deposit: the handler's functions only act on a funded pool).
    constructor(
        ConstantProductPool pool_,
        TestERC20 token_,
        TestERC20 quote_,
        MockParameterStore store_,
        uint256 seedToken,
        uint256 seedQuote
    ) {
        pool = pool_;
        token = token_;
        quote = quote_;
        store = store_;
        for (uint256 i = 0; i < 3; ++i) {
            address actor = address(uint160(0xA11CE + i));
            actors.push(actor);
            token.mint(actor, ACTOR_FUNDS);
            quote.mint(actor, ACTOR_FUNDS);
            vm.startPrank(actor);
            token.approve(address(pool), type(uint256).max);
            quote.approve(address(pool), type(uint256).max);
            vm.stopPrank();
        }
        vm.prank(actors[0]);
        (,, uint256 liquidity) = pool.addLiquidity(seedToken, seedQuote, 0, 0, actors[0], block.timestamp);
        ghostSharesMinted = liquidity + MINIMUM_LIQUIDITY;
    }

    /* ACTIONS */

    function swapTokenForQuote(uint256 actorSeed, uint256 amountIn) external {
        address actor = _actor(actorSeed);
        amountIn = bound(amountIn, 1, token.balanceOf(actor) / 10);
        (uint256 k0, uint256 t0) = _state();
        vm.prank(actor);
        pool.swapExactIn(address(token), amountIn, 0, actor, block.timestamp);
        _afterAction(k0, t0, false, "swapTokenForQuote");
    }

    function swapQuoteForToken(uint256 actorSeed, uint256 amountIn) external {
        address actor = _actor(actorSeed);
        amountIn = bound(amountIn, 1, quote.balanceOf(actor) / 10);
        (uint256 k0, uint256 t0) = _state();
        vm.prank(actor);
        pool.swapExactIn(address(quote), amountIn, 0, actor, block.timestamp);
        _afterAction(k0, t0, false, "swapQuoteForToken");
    }

    function buyTokenExactOut(uint256 actorSeed, uint256 amountOut) external {
        address actor = _actor(actorSeed);
        (uint256 reserveToken,) = pool.getReserves();
        amountOut = bound(amountOut, 1, reserveToken / 10);
        (uint256 k0, uint256 t0) = _state();
        vm.prank(actor);
        pool.swapExactOut(address(token), amountOut, type(uint256).max, actor, block.timestamp);
        _afterAction(k0, t0, false, "buyTokenExactOut");
    }

    function buyQuoteExactOut(uint256 actorSeed, uint256 amountOut) external {
        address actor = _actor(actorSeed);
        (, uint256 reserveQuote) = pool.getReserves();
        amountOut = bound(amountOut, 1, reserveQuote / 10);
        (uint256 k0, uint256 t0) = _state();
        vm.prank(actor);
        pool.swapExactOut(address(quote), amountOut, type(uint256).max, actor, block.timestamp);
        _afterAction(k0, t0, false, "buyQuoteExactOut");
    }

    function addLiquidity(uint256 actorSeed, uint256 amountToken, uint256 amountQuote) external {
        address actor = _actor(actorSeed);
        amountToken = bound(amountToken, 1, token.balanceOf(actor) / 10);
        amountQuote = bound(amountQuote, 1, quote.balanceOf(actor) / 10);
        (uint256 k0, uint256 t0) = _state();
        vm.prank(actor);
        (,, uint256 liquidity) = pool.addLiquidity(amountToken, amountQuote, 0, 0, actor, block.timestamp);
        ghostSharesMinted += liquidity;
        _afterAction(k0, t0, false, "addLiquidity");
    }

    function removeLiquidity(uint256 actorSeed, uint256 shares) external {
        address actor = _actor(actorSeed);
        shares = bound(shares, 1, pool.balanceOf(actor));
        (uint256 k0, uint256 t0) = _state();
        vm.prank(actor);
        pool.removeLiquidity(shares, 0, 0, actor, block.timestamp);
        ghostSharesBurned += shares;
        _afterAction(k0, t0, true, "removeLiquidity");
    }

    function setFee(uint256 feeBps) external {
        feeBps = bound(feeBps, 0, MAX_FEE_BPS);
        (uint256 k0, uint256 t0) = _state();
        store.set(pool.FEE_KEY(), feeBps);
        _afterAction(k0, t0, false, "setFee");
    }

    /* VIEWS FOR THE INVARIANTS */

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    /* INTERNAL */

    function _actor(uint256 actorSeed) private view returns (address) {
        return actors[actorSeed % actors.length];
    }

    function _state() private view returns (uint256 k, uint256 totalShares) {
        (uint256 reserveToken, uint256 reserveQuote) = pool.getReserves();
        return (reserveToken * reserveQuote, pool.totalSupply());
    }

    function _afterAction(uint256 k0, uint256 t0, bool isRemove, bytes32 action) private {
        (uint256 k1, uint256 t1) = _state();
        if (!isRemove && k1 < k0) kDecreasedOutsideRemove = true;
        if (!kPerShareNotBelow(k1, t1, k0, t0)) kPerShareDecreased = true;
        successfulCalls[action] += 1;
    }

    /// @notice k1 / t1² ≥ k0 / t0², compared exactly as k1·t0² ≥ k0·t1² in 512 bits
    /// (k < 2^224 and shares < 2^112, so each square fits in 256 bits).
    function kPerShareNotBelow(uint256 k1, uint256 t1, uint256 k0, uint256 t0) public pure returns (bool) {
        (uint256 leftHigh, uint256 leftLow) = Math.mul512(k1, t0 * t0);
        (uint256 rightHigh, uint256 rightLow) = Math.mul512(k0, t1 * t1);
        return leftHigh > rightHigh || (leftHigh == rightHigh && leftLow >= rightLow);
    }
}
