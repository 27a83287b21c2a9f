// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FixedPointMathLib as FPM} from "solady/src/utils/FixedPointMathLib.sol";
import {WAD} from "./Constants.sol";

/// @title ExpMath
/// @notice The cancellation-free pieces the curve integrals are built from, all in WAD:
/// φ(x) = expm1(x)/x, ψ(z) = log1p(z)/z, the logistic σ(y) as the ratio WAD / (WAD + e^(−y)),
/// and softplus(y) = ln(1 + e^y). Each keeps its RELATIVE precision (≈ 1e-17 or better) over
/// the whole range the curves use, where the naive forms (e^x − 1, ln(1 + z), 1/(1 + e^(−y)) in
/// WAD) would lose all digits for small x, small z or very negative y.
/// @dev Built on Solady's expWad/lnWad (errors of about a wei in WAD, monotonic). Below their
/// cutoffs the small-argument functions use truncated Taylor/atanh series whose remainders are
/// < 4e-19; above them the closed forms lose at most ~1e-17 relative.
library ExpMath {
    /// @dev Below 1/8, φ uses its series (remainder x^11/12! < 3e-19).
    uint256 internal constant PHI_SERIES_CUTOFF_WAD = 0.125e18;
    /// @dev Below 1/4, ψ uses its atanh series (remainder u^18/19 < 4e-19 with u = z/(2 + z) < 1/9).
    uint256 internal constant PSI_SERIES_CUTOFF_WAD = 0.25e18;

    /// @notice φ(x) = (e^x − 1)/x in WAD for x in WAD, 0 ≤ x < 135e18 (φ(0) = 1).
    function expm1OverX(uint256 x) internal pure returns (uint256 phi) {
        if (x >= PHI_SERIES_CUTOFF_WAD) {
            return mulWadDiv(uint256(FPM.expWad(int256(x))) - WAD, x);
        }
        // φ(x) = 1 + x/2·(1 + x/3·(1 + x/4·(…(1 + x/11)))), inside out; each step truncates < 1e-18.
        unchecked {
            phi = WAD + x / 11;
            phi = WAD + (x * phi) / 10e18;
            phi = WAD + (x * phi) / 9e18;
            phi = WAD + (x * phi) / 8e18;
            phi = WAD + (x * phi) / 7e18;
            phi = WAD + (x * phi) / 6e18;
            phi = WAD + (x * phi) / 5e18;
            phi = WAD + (x * phi) / 4e18;
            phi = WAD + (x * phi) / 3e18;
            phi = WAD + (x * phi) / 2e18;
        }
    }

    /// @notice ψ(z) = ln(1 + z)/z in WAD for z in WAD, 0 ≤ z < PSI_SERIES_CUTOFF_WAD (ψ(0) = 1).
    /// @dev ln(1 + z) = 2·atanh(u), u = z/(2 + z), so ψ(z) = 2/(2 + z) · Σ u^(2j)/(2j + 1).
    function log1pOverX(uint256 z) internal pure returns (uint256) {
        unchecked {
            uint256 twoPlusZ = 2 * WAD + z;
            uint256 u = (z * WAD) / twoPlusZ;
            uint256 q = (u * u) / WAD;
            uint256 s = WAD / 17;
            s = WAD / 15 + (q * s) / WAD;
            s = WAD / 13 + (q * s) / WAD;
            s = WAD / 11 + (q * s) / WAD;
            s = WAD / 9 + (q * s) / WAD;
            s = WAD / 7 + (q * s) / WAD;
            s = WAD / 5 + (q * s) / WAD;
            s = WAD / 3 + (q * s) / WAD;
            s = WAD + (q * s) / WAD;
            return (2 * WAD * s) / twoPlusZ;
        }
    }

    /// @notice ln(1 + w) in WAD for any w in WAD (w < 2^255 / 1e18), precise to ~1e-17 relative.
    function log1p(uint256 w) internal pure returns (uint256) {
        if (w < PSI_SERIES_CUTOFF_WAD) return (w * log1pOverX(w)) / WAD;
        return uint256(FPM.lnWad(int256(WAD + w)));
    }

    /// @notice The denominator b = WAD·(1 + e^(−y)) of the logistic σ(y) = WAD / b, for y in WAD,
    /// |y| < 135e18. For y < 0, e^(−y) is a large exponential with full relative precision, so a
    /// tiny σ keeps its relative precision; for y ≥ 0 only b's absolute precision matters.
    /// Non-increasing in y (expWad is monotonic), so σ is non-decreasing.
    function logisticDenominator(int256 y) internal pure returns (uint256) {
        return WAD + uint256(FPM.expWad(-y));
    }

    /// @notice softplus(y) = ln(1 + e^y) = max(y, 0) + ln(1 + e^(−|y|)) in WAD, never overflowing.
    function softplus(int256 y) internal pure returns (uint256) {
        uint256 absY = FPM.abs(y);
        uint256 tail = uint256(FPM.lnWad(int256(WAD + uint256(FPM.expWad(-int256(absY))))));
        return y > 0 ? absY + tail : tail;
    }

    /// @notice softplus⁻¹(u) = ln(e^u − 1) = u + ln(1 − e^(−u)) in WAD, for u ≥ PHI_SERIES_CUTOFF_WAD.
    function softplusInverse(uint256 u) internal pure returns (int256) {
        return int256(u) + FPM.lnWad(int256(WAD - uint256(FPM.expWad(-int256(u)))));
    }

    /// @notice x·WAD/d for d ≥ WAD, rounded down, to within 2^−68 relative (exact when x < 2^196),
    /// without the 512-bit division of fullMulDiv (~500 gas) for the large exponentials.
    function mulWadDiv(uint256 x, uint256 d) internal pure returns (uint256) {
        if (x < 1 << 196) return (x * WAD) / d;
        if (d >= 1 << 128) return x / (d / WAD);
        return (x / d) * WAD;
    }
}
