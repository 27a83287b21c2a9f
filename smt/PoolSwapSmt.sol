// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ConstantProductPool} from "../contracts/ConstantProductPool.sol";

/// @notice Formal check (scripts/smt-check.ts): a swap priced by the pool's own quotes never lowers
/// k = reserveIn · reserveOut, at any fee the store can set, for reserves that fit the pool's uint112
/// slots: exact-in (getAmountOut rounds the output down) and exact-out (getAmountIn rounds the input
/// up). The pool's code is reached through `this` (extCalls: trusted). Both properties share one
/// harness because solc-js spends most of a check encoding the pool itself (~40 s on 2 busy cores).
contract PoolSwapSmt is ConstantProductPool {
    constructor(address token_, address quote_, address store_) ConstantProductPool(token_, quote_, store_) {}

    function exactInKeepsK(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) external view {
        require(reserveIn < 2 ** 112 && reserveOut < 2 ** 112 && amountIn < 2 ** 112);
        uint256 amountOut = this.getAmountOut(amountIn, reserveIn, reserveOut);
        assert((reserveIn + amountIn) * (reserveOut - amountOut) >= reserveIn * reserveOut);
    }

    function exactOutKeepsK(uint256 amountOut, uint256 reserveIn, uint256 reserveOut) external view {
        require(reserveIn < 2 ** 112 && reserveOut < 2 ** 112);
        uint256 amountIn = this.getAmountIn(amountOut, reserveIn, reserveOut);
        assert((reserveIn + amountIn) * (reserveOut - amountOut) >= reserveIn * reserveOut);
    }
}
