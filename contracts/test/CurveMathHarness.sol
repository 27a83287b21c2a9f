// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Curve} from "../libraries/CurveTypes.sol";
import {CurveMath} from "../libraries/CurveMath.sol";

/// @notice External wrappers around CurveMath, for the Solidity tests (revert expectations need an
/// external call) and the mocha tests against the decimal.js reference. The *Gas variants report
/// the gas of the library call alone (the struct is copied to memory before measuring).
contract CurveMathHarness {
    function priceWad(Curve memory c, uint256 supply) external pure returns (uint256) {
        return CurveMath.priceWad(c, supply);
    }

    function costUpWad(Curve memory c, uint256 supply, uint256 amount) external pure returns (uint256) {
        return CurveMath.costUpWad(c, supply, amount);
    }

    function refundDownWad(Curve memory c, uint256 supply, uint256 amount) external pure returns (uint256) {
        return CurveMath.refundDownWad(c, supply, amount);
    }

    function tokensForQuoteDown(Curve memory c, uint256 supply, uint256 quoteWad) external pure returns (uint256) {
        return CurveMath.tokensForQuoteDown(c, supply, quoteWad);
    }

    function validate(Curve memory c) external pure {
        CurveMath.validate(c);
    }

    function costUpWadGas(Curve memory c, uint256 supply, uint256 amount)
        external
        view
        returns (uint256 cost, uint256 gasUsed)
    {
        uint256 before = gasleft();
        cost = CurveMath.costUpWad(c, supply, amount);
        gasUsed = before - gasleft();
    }

    function refundDownWadGas(Curve memory c, uint256 supply, uint256 amount)
        external
        view
        returns (uint256 refund, uint256 gasUsed)
    {
        uint256 before = gasleft();
        refund = CurveMath.refundDownWad(c, supply, amount);
        gasUsed = before - gasleft();
    }

    function tokensForQuoteDownGas(Curve memory c, uint256 supply, uint256 quoteWad)
        external
        view
        returns (uint256 amount, uint256 gasUsed)
    {
        uint256 before = gasleft();
        amount = CurveMath.tokensForQuoteDown(c, supply, quoteWad);
        gasUsed = before - gasleft();
    }
}
