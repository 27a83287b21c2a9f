// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Curve, CurveKind} from "../contracts/libraries/CurveTypes.sol";
import {CurveMath} from "../contracts/libraries/CurveMath.sol";

/// @notice Formal check (scripts/smt-check.ts): CurveMath's refundDownWad on a linear curve never pays
/// more than the exact integral ∫ p(s) ds / 1e18 = (slope·n·(2·lo + n) / 2e18 + base·n) / 1e18.
contract CurveLinearRefundSmt {
    function refundAtMostExact(uint256 supply, uint256 amount) external pure {
        Curve memory c = Curve(CurveKind.Linear, 1e15, 1e16, 0, 0, 1e27);
        require(supply <= c.maxSupply && amount <= supply);
        uint256 refund = CurveMath.refundDownWad(c, supply, amount);
        uint256 lo = supply - amount;
        assert(refund * 2e36 <= 1e15 * amount * (2 * lo + amount) + 2e34 * amount);
    }
}
