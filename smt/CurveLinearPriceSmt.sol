// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Curve, CurveKind} from "../contracts/libraries/CurveTypes.sol";
import {CurveMath} from "../contracts/libraries/CurveMath.sol";

/// @notice Formal check (scripts/smt-check.ts): CurveMath's price on the default genesis's linear curve
/// (slope 1e15, base 1e16 WAD) is non-decreasing in the supply over its whole domain.
contract CurveLinearPriceSmt {
    function priceMonotone(uint256 lower, uint256 upper) external pure {
        Curve memory c = Curve(CurveKind.Linear, 1e15, 1e16, 0, 0, 1e27);
        require(lower <= upper && upper <= c.maxSupply);
        assert(CurveMath.priceWad(c, lower) <= CurveMath.priceWad(c, upper));
    }
}
