// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FixedPointMathLib as FPM} from "solady/src/utils/FixedPointMathLib.sol";
import {TestBase} from "../test/Vm.sol";
import {CurveMathHarness} from "../test/CurveMathHarness.sol";
import {CurveMath} from "./CurveMath.sol";
import {Curve, CurveKind} from "./CurveTypes.sol";
import {WAD, MAX_SUPPLY, MAX_PRICE_WAD} from "./Constants.sol";

/// @notice Unit tests against closed forms worked out at 60 digits (values in the comments), and
/// fuzz tests of the invariants in CurveMath's header on curves whose domains (maxSupply) range from
/// 1e3 tokens to MAX_SUPPLY, with steep curves on small domains, and on tiny domains down to 1 wei.
/// test/curve-math.test.ts checks the accuracy bounds on random inputs against the decimal.js reference.
contract CurveMathTest is TestBase {
    CurveMathHarness internal harness;

    uint256 internal constant MID = MAX_SUPPLY / 2;
    /// @dev The domain of the launch examples: ten million tokens.
    uint256 internal constant LAUNCH_SUPPLY = 1e25;

    function setUp() public {
        harness = new CurveMathHarness();
    }

    function linear() internal pure returns (Curve memory) {
        return Curve(CurveKind.Linear, 2e12, 1e15, 0, 0, MAX_SUPPLY); // 0.001 quote + 2e-6 per token
    }

    function exponential() internal pure returns (Curve memory) {
        return Curve(CurveKind.Exponential, 1e15, 1e10, 0, 0, MAX_SUPPLY); // 0.001 quote · e^(1e-8 · tokens)
    }

    function sigmoid() internal pure returns (Curve memory) {
        return Curve(CurveKind.Sigmoid, 1e18, 1e11, MID, 1e15, MAX_SUPPLY); // 1 quote high, k = 1e-7, base 0.001
    }

    /// @dev A realistic launch, steep on its own domain: 1 quote high, midpoint one million tokens,
    /// k = 1e-5 per token (|k·(S − S0)| ≤ 90 on ten million tokens), base 0.001.
    function sigmoidLaunch(uint256 domain) internal pure returns (Curve memory) {
        return Curve(CurveKind.Sigmoid, 1e18, 1e13, 1e24, 1e15, domain);
    }

    /// @dev A realistic launch: 0.01 quote, e-folding every million tokens (k·S ≤ 10 on ten million tokens).
    function exponentialLaunch(uint256 domain) internal pure returns (Curve memory) {
        return Curve(CurveKind.Exponential, 1e16, 1e12, 0, 0, domain);
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

    /// @dev Asserts |price − exact| ≤ exact·1e-15 + 1 for an exact price within one wei of `exactFloor`.
    function assertPriceAccurate(uint256 price, uint256 exactFloor, string memory what) internal pure {
        assertLe(price, exactFloor + 1 + exactFloor / 1e15 + 1, what);
        assertGe(price + exactFloor / 1e15 + 1, exactFloor, what);
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

    function test_priceWad_launchCurvesOnTheirDomain() public pure {
        Curve memory s = sigmoidLaunch(LAUNCH_SUPPLY);
        // K/(1 + e^10) + p4 = 1045397868702434.394…; K/(1 + e^−1) + p4 = 732058578630004879.251…
        assertPriceAccurate(CurveMath.priceWad(s, 0), 1045397868702434, "sigmoid launch at 0");
        assertEq(CurveMath.priceWad(s, 1e24), 0.501e18, "sigmoid launch at its midpoint");
        assertPriceAccurate(CurveMath.priceWad(s, 1.1e24), 732058578630004879, "sigmoid launch at 1.1e6 tokens");
        // K/(1 + e^−90) + p4 = 1.001e18 − 8e-22
        assertPriceAccurate(CurveMath.priceWad(s, LAUNCH_SUPPLY), 1.001e18 - 1, "sigmoid launch at the end of its domain");
        Curve memory e = exponentialLaunch(LAUNCH_SUPPLY);
        // 0.01·e = 27182818284590452.353…; 0.01·e^10 = 220264657948067165169.579…
        assertEq(CurveMath.priceWad(e, 0), 1e16, "exponential launch at 0");
        assertPriceAccurate(CurveMath.priceWad(e, 1e24), 27182818284590452, "exponential launch at 1e6 tokens");
        assertPriceAccurate(CurveMath.priceWad(e, LAUNCH_SUPPLY), 220264657948067165169, "exponential launch at the end");
    }

    /* COST AND REFUND */

    function test_costUpWad_linearMatchesClosedForm() public pure {
        // 500 tokens from 1000: 500 · (0.001 + 2e-6 · 1250) = 1.75 quote, exactly
        assertEq(CurveMath.costUpWad(linear(), 1000e18, 500e18), 1.75e18, "linear cost");
        assertEq(CurveMath.refundDownWad(linear(), 1500e18, 500e18), 1.75e18, "linear refund");
        // 1 wei from 0 with p2 = 0: exact cost 1e12 / 2e36 rounds up to 1 wei, the refund down to 0
        Curve memory slopeOnly = Curve(CurveKind.Linear, 1e12, 0, 0, 0, MAX_SUPPLY);
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
        Curve memory tail = Curve(CurveKind.Sigmoid, 1e24, 1e11, MID, 0, MAX_SUPPLY);
        assertCostAccurate(CurveMath.costUpWad(tail, 0, 1e25), 3314135815, false, "tail");
        assertRefundAccurate(CurveMath.refundDownWad(tail, 1e25, 1e25), 3314135815, "tail");
    }

    function test_costUpWad_launchCurvesMatchClosedForms() public pure {
        Curve memory s = sigmoidLaunch(LAUNCH_SUPPLY);
        // symmetric around S0: K·a + p4·2a, exactly 1.002e24 over [0, 2e6] tokens and 1.002e23 over [9e5, 1.1e6]
        assertCostAccurate(CurveMath.costUpWad(s, 0, 2e24), 1.002e24, true, "sigmoid launch, [0, 2e6]");
        assertRefundAccurate(CurveMath.refundDownWad(s, 2e24, 2e24), 1.002e24, "sigmoid launch, [0, 2e6]");
        assertCostAccurate(CurveMath.costUpWad(s, 9e23, 2e23), 1.002e23, true, "sigmoid launch, [9e5, 1.1e6]");
        // (K/k)·(softplus(0) − softplus(−10)) + p4·1e6 = 70310178166072844477046.263…
        assertCostAccurate(CurveMath.costUpWad(s, 0, 1e24), 70310178166072844477046, false, "sigmoid launch, [0, 1e6]");
        // the whole domain: (K/k)·(softplus(90) − softplus(−10)) + p4·1e7 = 9009995460110078313535323.051…
        assertCostAccurate(CurveMath.costUpWad(s, 0, LAUNCH_SUPPLY), 9009995460110078313535323, false, "sigmoid launch, all");
        assertRefundAccurate(
            CurveMath.refundDownWad(s, LAUNCH_SUPPLY, LAUNCH_SUPPLY), 9009995460110078313535323, "sigmoid launch, all"
        );
        Curve memory e = exponentialLaunch(LAUNCH_SUPPLY);
        // (p1/k)·(e − 1) = 17182818284590452353602.874…; (p1/k)·(e^10 − 1) = 220254657948067165169579006.452…
        assertCostAccurate(CurveMath.costUpWad(e, 0, 1e24), 17182818284590452353602, false, "exponential launch, [0, 1e6]");
        assertCostAccurate(CurveMath.costUpWad(e, 0, LAUNCH_SUPPLY), 220254657948067165169579006, false, "exponential, all");
        assertRefundAccurate(
            CurveMath.refundDownWad(e, LAUNCH_SUPPLY, LAUNCH_SUPPLY), 220254657948067165169579006, "exponential, all"
        );
        // one token at five million: (p1/k)·e^5·(e^1e-6 − 1) = 1484132333091808902.421…
        assertCostAccurate(CurveMath.costUpWad(e, 5e24, 1e18), 1484132333091808902, false, "exponential launch, one token");
        assertRefundAccurate(CurveMath.refundDownWad(e, 5e24 + 1e18, 1e18), 1484132333091808902, "exponential, one token");
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

    function test_costUpWad_revertsBeyondTheCurveDomain() public {
        Curve memory s = sigmoidLaunch(LAUNCH_SUPPLY);
        vm.expectRevert(abi.encodeWithSelector(CurveMath.CurveDomainExceeded.selector, LAUNCH_SUPPLY - 5, 6));
        harness.costUpWad(s, LAUNCH_SUPPLY - 5, 6);
        vm.expectRevert(abi.encodeWithSelector(CurveMath.CurveDomainExceeded.selector, LAUNCH_SUPPLY + 1, 0));
        harness.priceWad(exponentialLaunch(LAUNCH_SUPPLY), LAUNCH_SUPPLY + 1);
        vm.expectRevert(abi.encodeWithSelector(CurveMath.CurveDomainExceeded.selector, LAUNCH_SUPPLY + 1, 1));
        harness.refundDownWad(s, LAUNCH_SUPPLY + 1, 1);
        vm.expectRevert(abi.encodeWithSelector(CurveMath.CurveDomainExceeded.selector, LAUNCH_SUPPLY + 1, 0));
        harness.tokensForQuoteDown(s, LAUNCH_SUPPLY + 1, 1e18);
        // the whole domain at once, and its last wei, are fine
        assertGe(harness.costUpWad(s, 0, LAUNCH_SUPPLY), 9e24, "whole domain");
        assertGe(harness.costUpWad(s, LAUNCH_SUPPLY - 1, 1), 1, "last wei");
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

    function test_tokensForQuoteDown_capsAtTheCurveDomain() public pure {
        Curve memory s = sigmoidLaunch(LAUNCH_SUPPLY);
        Curve memory e = exponentialLaunch(LAUNCH_SUPPLY);
        assertEq(CurveMath.tokensForQuoteDown(s, LAUNCH_SUPPLY - 7, type(uint256).max), 7, "huge budget");
        // 1e30 is below the global quote cap but far above everything this domain can sell (≈ 9.01e24)
        assertEq(CurveMath.tokensForQuoteDown(s, 0, 1e30), LAUNCH_SUPPLY, "budget above the whole domain");
        uint256 all = CurveMath.costUpWad(e, 0, LAUNCH_SUPPLY);
        assertEq(CurveMath.tokensForQuoteDown(e, 0, all), LAUNCH_SUPPLY, "exact budget for the whole domain");
        assertTrue(CurveMath.tokensForQuoteDown(e, 0, all - 1) < LAUNCH_SUPPLY, "one wei short of it");
        assertEq(CurveMath.tokensForQuoteDown(e, LAUNCH_SUPPLY, 1e30), 0, "nothing left");
    }

    function test_tokensForQuoteDown_invertsTheLaunchCurves() public pure {
        Curve[2] memory curves = [sigmoidLaunch(LAUNCH_SUPPLY), exponentialLaunch(LAUNCH_SUPPLY)];
        uint256[3] memory supplies = [uint256(0), 1e24, 5e24];
        for (uint256 i; i < 2; ++i) {
            for (uint256 j; j < 3; ++j) {
                uint256 cost = CurveMath.costUpWad(curves[i], supplies[j], 1e24);
                uint256 n = CurveMath.tokensForQuoteDown(curves[i], supplies[j], cost);
                assertLe(CurveMath.costUpWad(curves[i], supplies[j], n), cost, "within budget");
                assertGe(n, 1e24 - 1e24 / 1e12, "within 1e-12 of the amount that cost it");
                assertLe(n, 1e24, "no more than the amount that cost it");
            }
        }
        // symmetric around the midpoint: 1.002e24 buys (just under) two million tokens from 0
        uint256 m = CurveMath.tokensForQuoteDown(curves[0], 0, 1.002e24);
        assertTrue(m <= 2e24 && m >= 2e24 - 2e24 / 1e12, "sigmoid launch, [0, 2e6]");
    }

    /* VALIDATION */

    function test_validate_acceptsTheEdgesOfTheRange() public pure {
        CurveMath.validate(Curve(CurveKind.Linear, 0, MAX_PRICE_WAD, 0, 0, MAX_SUPPLY));
        CurveMath.validate(Curve(CurveKind.Linear, MAX_PRICE_WAD / 1e9, 0, 0, 0, MAX_SUPPLY));
        CurveMath.validate(Curve(CurveKind.Exponential, 1, 5.5e10, 0, 0, MAX_SUPPLY)); // 1 wei · e^55 < 1e24
        CurveMath.validate(Curve(CurveKind.Exponential, 1e15, 2e10, 0, 0, MAX_SUPPLY)); // 1e15 · e^20 < 1e24
        CurveMath.validate(Curve(CurveKind.Sigmoid, MAX_PRICE_WAD - 1, 2e11, MID, 1, MAX_SUPPLY));
        CurveMath.validate(Curve(CurveKind.Sigmoid, 1, 1e11, 0, 0, MAX_SUPPLY));
        CurveMath.validate(Curve(CurveKind.Sigmoid, 1, 1e11, MAX_SUPPLY, 0, MAX_SUPPLY));
        // the same edges on a domain of one thousand tokens: a thousandfold slope and steepness
        CurveMath.validate(Curve(CurveKind.Linear, MAX_PRICE_WAD / 1e3, 0, 0, 0, 1e21));
        CurveMath.validate(Curve(CurveKind.Exponential, 1, 5.5e16, 0, 0, 1e21));
        CurveMath.validate(Curve(CurveKind.Sigmoid, 1, 2e17, 5e20, 0, 1e21));
        CurveMath.validate(Curve(CurveKind.Sigmoid, 1, 1e17, 1e21, 0, 1e21));
        // and on the smallest domain, one token wei
        CurveMath.validate(Curve(CurveKind.Linear, MAX_PRICE_WAD * 1e18, 0, 0, 0, 1));
        CurveMath.validate(Curve(CurveKind.Exponential, 1, 55e36, 0, 0, 1));
        CurveMath.validate(Curve(CurveKind.Sigmoid, 1e18, 100e36, 1, 0, 1));
    }

    function test_validate_acceptsTheLaunchCurvesOnlyOnTheirDomain() public {
        CurveMath.validate(sigmoidLaunch(LAUNCH_SUPPLY));
        CurveMath.validate(exponentialLaunch(LAUNCH_SUPPLY));
        // sigmoid: k·(D − S0) = 1e-5·(1e7 − 1e6) = 90 ≤ 100, but 9990 on a billion tokens
        CurveMath.validate(sigmoidLaunch(1.1e25));
        expectInvalid(sigmoidLaunch(1.1e25 + 1)); // one more token wei: k·(D − S0) > 100
        expectInvalid(sigmoidLaunch(MAX_SUPPLY));
        // exponential: 0.01·e^(k·D) ≈ 220 quote on ten million tokens; the price cap of 1e6 quote is reached
        // at k·D = ln(1e8) ≈ 18.42 (D ≈ 1.842e7 tokens); k·D = 1000 on a billion tokens
        CurveMath.validate(exponentialLaunch(1.84e25));
        expectInvalid(exponentialLaunch(1.85e25));
        expectInvalid(exponentialLaunch(MAX_SUPPLY));
    }

    function test_validate_rejectsOutOfRangeParameters() public {
        Curve[19] memory bad = [
            Curve(CurveKind.Linear, 0, 0, 0, 0, MAX_SUPPLY), // no price at all
            Curve(CurveKind.Linear, MAX_PRICE_WAD / 1e9 + 1, 0, 0, 0, MAX_SUPPLY), // price above the cap at MAX_SUPPLY
            Curve(CurveKind.Linear, 1, MAX_PRICE_WAD, 0, 0, MAX_SUPPLY),
            Curve(CurveKind.Linear, 1, 1, 1, 0, MAX_SUPPLY), // unused parameter set
            Curve(CurveKind.Linear, MAX_PRICE_WAD / 1e3, 0, 0, 0, 1e21 + 1), // price above the cap at its maxSupply
            Curve(CurveKind.Exponential, 0, 1e10, 0, 0, MAX_SUPPLY),
            Curve(CurveKind.Exponential, 1e15, 0, 0, 0, MAX_SUPPLY),
            Curve(CurveKind.Exponential, 1, 1e11 + 1, 0, 0, MAX_SUPPLY), // k·MAX_SUPPLY > 100
            Curve(CurveKind.Exponential, 1e15, 3e10, 0, 0, MAX_SUPPLY), // 1e15·e^30 > 1e24
            Curve(CurveKind.Exponential, 1, 1e17 + 1, 0, 0, 1e21), // k·maxSupply > 100
            Curve(CurveKind.Sigmoid, 1e18, 1e11, MAX_SUPPLY + 1, 0, MAX_SUPPLY), // midpoint beyond MAX_SUPPLY
            Curve(CurveKind.Sigmoid, 1e18, 1e11, 1e21 + 1, 0, 1e21), // midpoint beyond its maxSupply
            Curve(CurveKind.Sigmoid, 1e18, 2e11 + 1, MID, 0, MAX_SUPPLY), // |k·(S − S0)| > 100
            Curve(CurveKind.Sigmoid, 1e18, 2e17 + 1, 5e20, 0, 1e21), // |k·(S − S0)| > 100 on its domain
            Curve(CurveKind.Sigmoid, MAX_PRICE_WAD, 1e11, MID, 1, MAX_SUPPLY), // K + p4 > MAX_PRICE_WAD
            Curve(CurveKind.Sigmoid, 1e18, 0, MID, 0, MAX_SUPPLY),
            Curve(CurveKind.Linear, 0, 1e18, 0, 0, 0), // empty domain
            Curve(CurveKind.Exponential, 1e15, 1, 0, 0, MAX_SUPPLY + 1), // domain beyond MAX_SUPPLY
            Curve(CurveKind.Sigmoid, 1e18, 1, 0, 0, MAX_SUPPLY + 1)
        ];
        for (uint256 i; i < bad.length; ++i) {
            expectInvalid(bad[i]);
        }
    }

    /* FUZZ */

    /// @dev Curves on domains from 1e3 tokens to MAX_SUPPLY; testFuzz_tinyDomains covers 1 wei to 1e3 tokens.
    uint256 internal constant SMALL_DOMAIN = 1e21;

    function testFuzz_roundTripNeverProfits(uint8 kind, uint256 m, uint256 a, uint256 b, uint256 c, uint256 d, uint256 s, uint256 n)
        public
        pure
    {
        Curve memory curve = fuzzCurve(kind, logBound(m, SMALL_DOMAIN, MAX_SUPPLY), a, b, c, d);
        s = logBound(s, 0, curve.maxSupply - 1);
        n = logBound(n, 1, curve.maxSupply - s);
        assertLe(CurveMath.refundDownWad(curve, s + n, n), CurveMath.costUpWad(curve, s, n), "sell after buy pays more");
    }

    function testFuzz_costAdditive(uint8 kind, uint256 m, uint256 a, uint256 b, uint256 c, uint256 d, uint256 s, uint256 x, uint256 y)
        public
        pure
    {
        Curve memory curve = fuzzCurve(kind, logBound(m, SMALL_DOMAIN, MAX_SUPPLY), a, b, c, d);
        s = logBound(s, 0, curve.maxSupply - 2);
        x = logBound(x, 1, curve.maxSupply - s - 1);
        y = logBound(y, 1, curve.maxSupply - s - x);
        uint256 whole = CurveMath.costUpWad(curve, s, x + y);
        uint256 split = CurveMath.costUpWad(curve, s, x) + CurveMath.costUpWad(curve, s + x, y);
        // each part is ≥ its exact integral, the whole is ≤ exact·(1 + 1e-15) + 2: splitting a buy never
        // saves more than that; linear costs are exact, so there ceil(a) + ceil(b) ≥ ceil(a + b)
        uint256 tolerance = curve.kind == CurveKind.Linear ? 0 : whole / 1e15 + 2;
        assertGe(split + tolerance, whole, "splitting a buy saves money");
        // and the parts never overcharge by more than the same margins
        assertLe(split, whole + whole / 1e15 + 4, "split overcharges");
    }

    function testFuzz_tokensForQuoteDownWithinBudget(uint8 kind, uint256 m, uint256 a, uint256 b, uint256 c, uint256 d, uint256 s, uint256 q)
        public
        pure
    {
        Curve memory curve = fuzzCurve(kind, logBound(m, SMALL_DOMAIN, MAX_SUPPLY), a, b, c, d);
        s = logBound(s, 0, curve.maxSupply - 1);
        q = logBound(q, 1, 1e34);
        assertInverseWithinBudget(curve, s, q);
    }

    function testFuzz_priceMonotonic(uint8 kind, uint256 m, uint256 a, uint256 b, uint256 c, uint256 d, uint256 s, uint256 t)
        public
        pure
    {
        Curve memory curve = fuzzCurve(kind, logBound(m, SMALL_DOMAIN, MAX_SUPPLY), a, b, c, d);
        s = logBound(s, 0, curve.maxSupply);
        t = logBound(t, s, curve.maxSupply);
        assertLe(CurveMath.priceWad(curve, s), CurveMath.priceWad(curve, t), "price fell as supply rose");
        assertLe(CurveMath.priceWad(curve, t), MAX_PRICE_WAD, "price above the cap");
    }

    function testFuzz_validateAcceptsFuzzCurves(uint8 kind, uint256 m, uint256 a, uint256 b, uint256 c, uint256 d) public pure {
        CurveMath.validate(fuzzCurve(kind, logBound(m, 1, MAX_SUPPLY), a, b, c, d));
    }

    /// @dev Domains below a thousand tokens, down to one wei, where slopes and steepness reach their largest
    /// values (up to 1e42 and 1e38): no overflow, no free money, the inverse within budget, prices monotonic.
    function testFuzz_tinyDomains(uint8 kind, uint256 m, uint256 a, uint256 b, uint256 c, uint256 d, uint256 s, uint256 n)
        public
        pure
    {
        Curve memory curve = fuzzCurve(kind, logBound(m, 1, SMALL_DOMAIN), a, b, c, d);
        s = logBound(s, 0, curve.maxSupply - 1);
        n = logBound(n, 1, curve.maxSupply - s);
        uint256 cost = CurveMath.costUpWad(curve, s, n);
        assertLe(CurveMath.refundDownWad(curve, s + n, n), cost, "sell after buy pays more");
        assertLe(CurveMath.priceWad(curve, s), CurveMath.priceWad(curve, s + n), "price fell as supply rose");
        assertInverseWithinBudget(curve, s, cost);
        assertInverseWithinBudget(curve, s, logBound(a ^ b, 1, 1e34));
    }

    /* HELPERS */

    function expectInvalid(Curve memory c) internal {
        vm.expectRevert(
            abi.encodeWithSelector(CurveMath.InvalidCurve.selector, c.kind, c.p1, c.p2, c.p3, c.p4, c.maxSupply)
        );
        harness.validate(c);
    }

    /// @dev Spreads x over [lo, hi] across orders of magnitude above lo (plain `bound` would pick ~hi
    /// almost always): lo plus an offset whose bit length is uniform.
    function logBound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return lo + bound(x >> (x % 256), 0, hi - lo);
    }

    /// @dev costUpWad(tokensForQuoteDown(q)) ≤ q, and 1e-12 more (or one more wei) would cost more than q.
    function assertInverseWithinBudget(Curve memory curve, uint256 s, uint256 q) internal pure {
        uint256 n = CurveMath.tokensForQuoteDown(curve, s, q);
        assertLe(CurveMath.costUpWad(curve, s, n), q, "over budget");
        if (n < curve.maxSupply - s) {
            uint256 more = FPM.min(n + FPM.max(n / 1e12, 1), curve.maxSupply - s);
            assertGe(CurveMath.costUpWad(curve, s, more), q + 1, "1e-12 more was affordable too");
        }
    }

    /// @dev A curve of any kind valid on [0, domain], parameters spread over their whole ranges for that
    /// domain, so steep curves (k·D up to 100) are as likely on small domains as on the global one.
    function fuzzCurve(uint8 kind, uint256 domain, uint256 a, uint256 b, uint256 c, uint256 d)
        internal
        pure
        returns (Curve memory curve)
    {
        kind %= 3;
        if (kind == 0) {
            uint256 base = logBound(b, 0, MAX_PRICE_WAD);
            uint256 slope = logBound(a, base == 0 ? 1 : 0, ((MAX_PRICE_WAD - base) * WAD) / domain);
            if (slope == 0 && base == 0) base = 1;
            return Curve(CurveKind.Linear, slope, base, 0, 0, domain);
        }
        if (kind == 1) {
            uint256 growth = logBound(b, 1, 55e36 / domain); // k·D ≤ 55, e^55 < 1e24: some initial price fits
            uint256 maxInitial = FPM.fullMulDiv(MAX_PRICE_WAD, WAD, uint256(FPM.expWad(int256(growth * domain / WAD))));
            return Curve(CurveKind.Exponential, logBound(a, 1, maxInitial), growth, 0, 0, domain);
        }
        uint256 midpoint = logBound(c, 0, domain);
        uint256 reach = FPM.max(midpoint, domain - midpoint);
        uint256 height = logBound(a, 1, MAX_PRICE_WAD);
        uint256 floorPrice = logBound(d, 0, MAX_PRICE_WAD - height);
        return Curve(CurveKind.Sigmoid, height, logBound(b, 1, 100e36 / reach), midpoint, floorPrice, domain);
    }
}
