// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FixedPointMathLib as FPM} from "solady/src/utils/FixedPointMathLib.sol";
import {TestBase} from "../test/Vm.sol";
import {CurveMathHarness} from "../test/CurveMathHarness.sol";
import {CurveMath} from "./CurveMath.sol";
import {Curve, CurveKind} from "./CurveTypes.sol";
import {WAD, MAX_SUPPLY, MAX_PRICE_WAD} from "./Constants.sol";

/// @notice Unit tests against closed forms worked out at 60 digits (values in the comments), and
/// fuzz tests of the invariants in CurveMath's header. test/curve-math.test.ts checks the accuracy
/// bounds on random inputs against the decimal.js reference.
contract CurveMathTest is TestBase {
    CurveMathHarness internal harness;

    uint256 internal constant MID = MAX_SUPPLY / 2;

    function setUp() public {
        harness = new CurveMathHarness();
    }

    function linear() internal pure returns (Curve memory) {
        return Curve(CurveKind.Linear, 2e12, 1e15, 0, 0); // 0.001 quote + 2e-6 per token
    }

    function exponential() internal pure returns (Curve memory) {
        return Curve(CurveKind.Exponential, 1e15, 1e10, 0, 0); // 0.001 quote · e^(1e-8 · tokens)
    }

    function sigmoid() internal pure returns (Curve memory) {
        return Curve(CurveKind.Sigmoid, 1e18, 1e11, MID, 1e15); // 1 quote high, k = 1e-7, base 0.001
    }

    /// @dev Asserts exact ≤ cost ≤ exact·(1 + 1e-15) + 2 for an exact value floor(exact) + fraction.
    function assertCostAccurate(uint256 cost, uint256 exactFloor, bool exactIsInteger, string memory what) internal pure {
        assertGe(cost, exactIsInteger ? exactFloor : exactFloor + 1, what);
        assertLe(cost, exactFloor + 1 + exactFloor / 1e15 + 2, what);
    }

    function assertRefundAccurate(uint256 refund, uint256 exactFloor, string memory what) internal pure {
        assertLe(refund, exactFloor, what);
        assertGe(refund + exactFloor / 1e15 + 2, exactFloor, what);
    }

    /* PRICE */

    function test_priceWad_matchesEachFormula() public pure {
        assertEq(CurveMath.priceWad(linear(), 1000e18), 1e15 + 2e15, "linear: p2 + p1*S");
        assertEq(CurveMath.priceWad(exponential(), 0), 1e15, "exponential starts at p1");
        // p1·e^1 = 2718281828459045.23…
        uint256 e1 = CurveMath.priceWad(exponential(), 1e26);
        assertTrue(e1 >= 2718281828459045 - 1 && e1 <= 2718281828459045 + 1, "exponential at k*S = 1");
        assertEq(CurveMath.priceWad(sigmoid(), MID), 0.5e18 + 1e15, "sigmoid: half height at the midpoint");
        assertEq(CurveMath.priceWad(sigmoid(), 0), 1e15, "sigmoid: base price far below the midpoint (K*e^-50 < 1 wei)");
    }

    /* COST AND REFUND */

    function test_costUpWad_linearMatchesClosedForm() public pure {
        // 500 tokens from 1000: 500 · (0.001 + 2e-6 · 1250) = 1.75 quote, exactly
        assertEq(CurveMath.costUpWad(linear(), 1000e18, 500e18), 1.75e18, "linear cost");
        assertEq(CurveMath.refundDownWad(linear(), 1500e18, 500e18), 1.75e18, "linear refund");
        // 1 wei from 0 with p2 = 0: exact cost 1e12 / 2e36 rounds up to 1 wei, the refund down to 0
        Curve memory slopeOnly = Curve(CurveKind.Linear, 1e12, 0, 0, 0);
        assertEq(CurveMath.costUpWad(slopeOnly, 0, 1), 1, "cost rounds up");
        assertEq(CurveMath.refundDownWad(slopeOnly, 1, 1), 0, "refund rounds down");
    }

    function test_costUpWad_exponentialMatchesClosedForm() public pure {
        // (p1/k)(e^1 − 1) = 1e23·(e − 1) = 171828182845904523536028.747…
        assertCostAccurate(CurveMath.costUpWad(exponential(), 0, 1e26), 171828182845904523536028, false, "k*n = 1");
        assertRefundAccurate(CurveMath.refundDownWad(exponential(), 1e26, 1e26), 171828182845904523536028, "k*n = 1");
        // 1e23·e^2·(e^0.01 − 1) = 7426124838854405511933.732… (the series branch of φ)
        assertCostAccurate(CurveMath.costUpWad(exponential(), 2e26, 1e24), 7426124838854405511933, false, "k*n = 0.01");
        assertRefundAccurate(CurveMath.refundDownWad(exponential(), 2e26 + 1e24, 1e24), 7426124838854405511933, "k*n = 0.01");
    }

    function test_costUpWad_sigmoidMatchesClosedForm() public pure {
        // symmetric around the midpoint σ averages 1/2: K·a + p4·2a over [S0 − a, S0 + a] = 1.002e25 exactly
        uint256 a = 1e25;
        assertCostAccurate(CurveMath.costUpWad(sigmoid(), MID - a, 2 * a), 1.002e25, true, "symmetric");
        assertRefundAccurate(CurveMath.refundDownWad(sigmoid(), MID + a, 2 * a), 1.002e25, "symmetric");
        // far in the lower tail (y from −50 to −49): (K/k)·(softplus(−49) − softplus(−50)) = 3314135815.399…
        Curve memory tail = Curve(CurveKind.Sigmoid, 1e24, 1e11, MID, 0);
        assertCostAccurate(CurveMath.costUpWad(tail, 0, 1e25), 3314135815, false, "tail");
        assertRefundAccurate(CurveMath.refundDownWad(tail, 1e25, 1e25), 3314135815, "tail");
    }

    function test_costUpWad_zeroAmountIsFree() public pure {
        assertEq(CurveMath.costUpWad(exponential(), 5e26, 0), 0, "exponential");
        assertEq(CurveMath.costUpWad(sigmoid(), 5e26, 0), 0, "sigmoid");
        assertEq(CurveMath.refundDownWad(sigmoid(), 5e26, 0), 0, "sigmoid refund");
    }

    function test_costUpWad_revertsBeyondMaxSupply() public {
        vm.expectRevert(abi.encodeWithSelector(CurveMath.CurveDomainExceeded.selector, MAX_SUPPLY - 5, 6));
        harness.costUpWad(sigmoid(), MAX_SUPPLY - 5, 6);
        vm.expectRevert(abi.encodeWithSelector(CurveMath.CurveDomainExceeded.selector, MAX_SUPPLY + 1, 0));
        harness.priceWad(linear(), MAX_SUPPLY + 1);
        // the whole supply at once is fine
        harness.costUpWad(exponential(), 0, MAX_SUPPLY);
    }

    function test_refundDownWad_revertsAboveSupply() public {
        vm.expectRevert(abi.encodeWithSelector(CurveMath.CurveDomainExceeded.selector, 10e18, 10e18 + 1));
        harness.refundDownWad(exponential(), 10e18, 10e18 + 1);
    }

    /* INVERSE */

    function test_tokensForQuoteDown_linearIsExact() public pure {
        uint256 n = CurveMath.tokensForQuoteDown(linear(), 1000e18, 1.75e18);
        assertEq(n, 500e18, "1.75 quote buys exactly 500 tokens");
        // one wei of quote less gives up ~250 token wei (price 0.004): the largest affordable amount, exactly
        uint256 m = CurveMath.tokensForQuoteDown(linear(), 1000e18, 1.75e18 - 1);
        assertLe(CurveMath.costUpWad(linear(), 1000e18, m), 1.75e18 - 1, "within budget");
        assertEq(CurveMath.costUpWad(linear(), 1000e18, m + 1), 1.75e18, "one more wei is not");
        assertTrue(m < 500e18 && m > 500e18 - 300, "about 250 token wei less");
    }

    function test_tokensForQuoteDown_invertsEachCurve() public pure {
        Curve[3] memory curves = [linear(), exponential(), sigmoid()];
        for (uint256 i; i < 3; ++i) {
            uint256 cost = CurveMath.costUpWad(curves[i], 3e26, 1e25);
            uint256 n = CurveMath.tokensForQuoteDown(curves[i], 3e26, cost);
            assertLe(CurveMath.costUpWad(curves[i], 3e26, n), cost, "within budget");
            assertGe(n, 1e25 - 1e25 / 1e12, "within 1e-12 of the amount that cost it");
        }
    }

    function test_tokensForQuoteDown_capsAtRemainingSupply() public pure {
        assertEq(CurveMath.tokensForQuoteDown(sigmoid(), MAX_SUPPLY - 7, type(uint256).max), 7, "huge budget");
        uint256 all = CurveMath.costUpWad(exponential(), 0, MAX_SUPPLY);
        assertEq(CurveMath.tokensForQuoteDown(exponential(), 0, all), MAX_SUPPLY, "exact budget for everything");
        assertEq(CurveMath.tokensForQuoteDown(exponential(), 0, 0), 0, "no budget");
        assertEq(CurveMath.tokensForQuoteDown(sigmoid(), MAX_SUPPLY, 1e30), 0, "nothing left");
    }

    /* VALIDATION */

    function test_validate_acceptsTheEdgesOfTheRange() public pure {
        CurveMath.validate(Curve(CurveKind.Linear, 0, MAX_PRICE_WAD, 0, 0));
        CurveMath.validate(Curve(CurveKind.Linear, MAX_PRICE_WAD / 1e9, 0, 0, 0));
        CurveMath.validate(Curve(CurveKind.Exponential, 1, 5.5e10, 0, 0)); // 1 wei · e^55 < 1e24
        CurveMath.validate(Curve(CurveKind.Exponential, 1e15, 2e10, 0, 0)); // 1e15 · e^20 < 1e24
        CurveMath.validate(Curve(CurveKind.Sigmoid, MAX_PRICE_WAD - 1, 2e11, MID, 1));
        CurveMath.validate(Curve(CurveKind.Sigmoid, 1, 1e11, 0, 0));
        CurveMath.validate(Curve(CurveKind.Sigmoid, 1, 1e11, MAX_SUPPLY, 0));
    }

    function test_validate_rejectsOutOfRangeParameters() public {
        Curve[12] memory bad = [
            Curve(CurveKind.Linear, 0, 0, 0, 0), // no price at all
            Curve(CurveKind.Linear, MAX_PRICE_WAD / 1e9 + 1, 0, 0, 0), // price above the cap at MAX_SUPPLY
            Curve(CurveKind.Linear, 1, MAX_PRICE_WAD, 0, 0),
            Curve(CurveKind.Linear, 1, 1, 1, 0), // unused parameter set
            Curve(CurveKind.Exponential, 0, 1e10, 0, 0),
            Curve(CurveKind.Exponential, 1e15, 0, 0, 0),
            Curve(CurveKind.Exponential, 1, 1e11 + 1, 0, 0), // k·MAX_SUPPLY > 100
            Curve(CurveKind.Exponential, 1e15, 3e10, 0, 0), // 1e15·e^30 > 1e24
            Curve(CurveKind.Sigmoid, 1e18, 1e11, MAX_SUPPLY + 1, 0), // midpoint beyond MAX_SUPPLY
            Curve(CurveKind.Sigmoid, 1e18, 2e11 + 1, MID, 0), // |k·(S − S0)| > 100
            Curve(CurveKind.Sigmoid, MAX_PRICE_WAD, 1e11, MID, 1), // K + p4 > MAX_PRICE_WAD
            Curve(CurveKind.Sigmoid, 1e18, 0, MID, 0)
        ];
        for (uint256 i; i < bad.length; ++i) {
            Curve memory c = bad[i];
            vm.expectRevert(abi.encodeWithSelector(CurveMath.InvalidCurve.selector, c.kind, c.p1, c.p2, c.p3, c.p4));
            harness.validate(c);
        }
    }

    /* FUZZ */

    function testFuzz_roundTripNeverProfits(uint8 kind, uint256 a, uint256 b, uint256 c, uint256 d, uint256 s, uint256 n)
        public
        pure
    {
        Curve memory curve = fuzzCurve(kind, a, b, c, d);
        s = logBound(s, 0, MAX_SUPPLY - 1);
        n = logBound(n, 1, MAX_SUPPLY - s);
        assertLe(CurveMath.refundDownWad(curve, s + n, n), CurveMath.costUpWad(curve, s, n), "sell after buy pays more");
    }

    function testFuzz_costAdditive(uint8 kind, uint256 a, uint256 b, uint256 c, uint256 d, uint256 s, uint256 x, uint256 y)
        public
        pure
    {
        Curve memory curve = fuzzCurve(kind, a, b, c, d);
        s = logBound(s, 0, MAX_SUPPLY - 2);
        x = logBound(x, 1, MAX_SUPPLY - s - 1);
        y = logBound(y, 1, MAX_SUPPLY - s - x);
        uint256 whole = CurveMath.costUpWad(curve, s, x + y);
        uint256 split = CurveMath.costUpWad(curve, s, x) + CurveMath.costUpWad(curve, s + x, y);
        // each part is ≥ its exact integral, the whole is ≤ exact·(1 + 1e-15) + 2: splitting a buy never
        // saves more than that; linear costs are exact, so there ceil(a) + ceil(b) ≥ ceil(a + b)
        uint256 tolerance = curve.kind == CurveKind.Linear ? 0 : whole / 1e15 + 2;
        assertGe(split + tolerance, whole, "splitting a buy saves money");
        // and the parts never overcharge by more than the same margins
        assertLe(split, whole + whole / 1e15 + 4, "split overcharges");
    }

    function testFuzz_tokensForQuoteDownWithinBudget(uint8 kind, uint256 a, uint256 b, uint256 c, uint256 d, uint256 s, uint256 q)
        public
        pure
    {
        Curve memory curve = fuzzCurve(kind, a, b, c, d);
        s = logBound(s, 0, MAX_SUPPLY - 1);
        q = logBound(q, 1, 1e34);
        uint256 n = CurveMath.tokensForQuoteDown(curve, s, q);
        assertLe(CurveMath.costUpWad(curve, s, n), q, "over budget");
        if (n < MAX_SUPPLY - s) {
            uint256 more = FPM.min(n + FPM.max(n / 1e12, 1), MAX_SUPPLY - s);
            assertGe(CurveMath.costUpWad(curve, s, more), q + 1, "1e-12 more was affordable too");
        }
    }

    function testFuzz_priceMonotonic(uint8 kind, uint256 a, uint256 b, uint256 c, uint256 d, uint256 s, uint256 t) public pure {
        Curve memory curve = fuzzCurve(kind, a, b, c, d);
        s = logBound(s, 0, MAX_SUPPLY);
        t = logBound(t, s, MAX_SUPPLY);
        assertLe(CurveMath.priceWad(curve, s), CurveMath.priceWad(curve, t), "price fell as supply rose");
        assertLe(CurveMath.priceWad(curve, t), MAX_PRICE_WAD, "price above the cap");
    }

    function testFuzz_validateAcceptsFuzzCurves(uint8 kind, uint256 a, uint256 b, uint256 c, uint256 d) public pure {
        CurveMath.validate(fuzzCurve(kind, a, b, c, d));
    }

    /* HELPERS */

    /// @dev Spreads x over [lo, hi] across orders of magnitude (plain `bound` would pick ~hi almost always).
    function logBound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return bound(x >> (x % 256), lo, hi);
    }

    /// @dev A curve of any kind inside the allowed range, parameters spread over their whole ranges.
    function fuzzCurve(uint8 kind, uint256 a, uint256 b, uint256 c, uint256 d) internal pure returns (Curve memory curve) {
        kind %= 3;
        if (kind == 0) {
            uint256 base = logBound(b, 0, MAX_PRICE_WAD);
            uint256 slope = logBound(a, base == 0 ? 1 : 0, (MAX_PRICE_WAD - base) / 1e9);
            if (slope == 0 && base == 0) base = 1;
            return Curve(CurveKind.Linear, slope, base, 0, 0);
        }
        if (kind == 1) {
            uint256 growth = logBound(b, 1, 5.5e10); // e^55 < 1e24: some initial price fits
            uint256 maxInitial = FPM.fullMulDiv(MAX_PRICE_WAD, WAD, uint256(FPM.expWad(int256(growth * MAX_SUPPLY / WAD))));
            return Curve(CurveKind.Exponential, logBound(a, 1, maxInitial), growth, 0, 0);
        }
        uint256 midpoint = logBound(c, 0, MAX_SUPPLY);
        uint256 reach = FPM.max(midpoint, MAX_SUPPLY - midpoint);
        uint256 height = logBound(a, 1, MAX_PRICE_WAD);
        return Curve(CurveKind.Sigmoid, height, logBound(b, 1, 100e36 / reach), midpoint, logBound(d, 0, MAX_PRICE_WAD - height));
    }
}
