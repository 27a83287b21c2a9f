// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FixedPointMathLib as FPM} from "solady/src/utils/FixedPointMathLib.sol";
import {Curve, CurveKind} from "./CurveTypes.sol";
import {WAD, MAX_SUPPLY, MAX_PRICE_WAD, MAX_EXPONENT_WAD, MAX_SIGMOID_EXPONENT_WAD} from "./Constants.sol";
import {ExpMath} from "./ExpMath.sol";

/// @title CurveMath
/// @notice Price, exact cost to buy, exact refund to sell and the inverse (tokens for a budget) of
/// the three bonding curves of CurveTypes.sol. Supplies and amounts are token wei (18 decimals);
/// prices and quote amounts are WAD (18-decimal quote value). cost = ∫ p(s) ds / 1e18 over token wei.
///
/// Allowed range (`validate`; every other function assumes it passed). Each curve has its own domain
/// [0, D] with D = c.maxSupply, 0 < D ≤ MAX_SUPPLY, and its parameters are checked on that domain only,
/// so a steep curve on a small domain is as valid as a flat one on the global range:
/// - every kind: the price never exceeds MAX_PRICE_WAD on [0, D], so no cost exceeds
///   MAX_PRICE_WAD · D / 1e18 ≤ 1e33 WAD; supply + amount ≤ D (else CurveDomainExceeded);
/// - Linear (p1 slope, p2 base): p1 + p2 > 0, p2 + p1·D/1e18 ≤ MAX_PRICE_WAD, p3 = p4 = 0;
/// - Exponential (p1 initial price, p2 growth): p1 > 0, 0 < p2·D/1e18 ≤ MAX_EXPONENT_WAD
///   (k·D ≤ 100), p1·e^(k·D) ≤ MAX_PRICE_WAD, p3 = p4 = 0;
/// - Sigmoid (p1 height K, p2 steepness, p3 midpoint S0, p4 base): K > 0, p2 > 0, S0 ≤ D,
///   p2·max(S0, D − S0)/1e18 ≤ MAX_SIGMOID_EXPONENT_WAD (|k·(S − S0)| ≤ 100 on [0, D]), K + p4 ≤ MAX_PRICE_WAD.
/// This covers prices from 1e-18 to 1e6 quote per token and domains from 1 token wei to 1e9 tokens.
/// The bounds the arithmetic relies on follow from these with D ≤ MAX_SUPPLY = 1e27, as they did when
/// every curve had the global domain: every supply lo + n ≤ D ≤ 1e27; p1, p4 ≤ 1e24 and p1·D ≤ 1e42
/// (linear slope); p2 itself is no longer small (up to 1e38 at D = 1 wei) but is only ever multiplied
/// by a supply in [0, D]: p2·D ≤ 1e38 (exponential) and ≤ 2e38 (sigmoid, k·D ≤ 2·k·max(S0, D − S0)),
/// so every exponent k·s stays ≤ 200 (WAD 2e20); budgets below the cap are < 2e6·D.
///
/// Invariants (tested against a 60-digit reference and by fuzzing):
/// - rounding in the protocol's favour: true ≤ costUpWad ≤ true·(1 + 1e-15) + 2 wei and
///   true·(1 − 1e-15) − 2 wei ≤ refundDownWad ≤ true; linear curves are exact to the wei;
/// - no free money: costUpWad(S, n) ≥ refundDownWad(S + n, n);
/// - the price is non-decreasing in the supply;
/// - costs are additive up to rounding in the protocol's favour:
///   costUpWad(S, a) + costUpWad(S + a, b) ≥ costUpWad(S, a + b) − (1e-15 · cost + 2 wei);
/// - costUpWad(S, tokensForQuoteDown(S, q)) ≤ q, and one more 1e-12 of the amount (or one more
///   wei, for amounts below 2^50 wei) costs more than q.
/// @dev Exponential and sigmoid integrals are computed in 1e-36-quote units ("scaled", cost·1e18)
/// from cancellation-free forms (ExpMath), then widened by SAFETY_MARGIN before rounding, because
/// expWad/lnWad are not directional. Their measured relative error is below 1e-16.
library CurveMath {
    /// @notice The parameters or the domain are outside the allowed range stated in this library's header.
    error InvalidCurve(CurveKind kind, uint256 p1, uint256 p2, uint256 p3, uint256 p4, uint256 maxSupply);
    /// @notice supply + amount > the curve's maxSupply (buys, prices, quotes) or amount > supply (sells).
    error CurveDomainExceeded(uint256 supply, uint256 amount);

    /// @dev Relative safety margin on exp/ln-based integrals: 1 / 1e16 = 1e-16.
    uint256 internal constant SAFETY_MARGIN_DIVISOR = 1e16;
    /// @dev Absolute safety margin in scaled units (1e-36 quote): the truncations of the fullMulDiv chain.
    uint256 internal constant SAFETY_MARGIN_SCALED = 3;
    /// @dev A budget of this many quote wei per token wei of the curve's domain buys whatever supply is
    /// left: 2 · MAX_PRICE_WAD / 1e18 · maxSupply is twice the largest full integral on that domain.
    /// Budgets below it are < 2e6 · maxSupply ≤ 2e33, which bounds the products in the inverses.
    uint256 internal constant QUOTE_CAP_WAD_PER_TOKEN_WEI = 2 * (MAX_PRICE_WAD / WAD);
    /// @dev Newton steps of the sigmoid inverse: from its closed-form start it needs 1–2, up to 6 on
    /// steep sigmoids whose base price is comparable to their height (tested); beyond the cap,
    /// _settleDown still guarantees the budget.
    uint256 internal constant NEWTON_MAX_STEPS = 12;

    uint256 private constant WAD_SQUARED = 1e36;
    /// @dev Above this k·n, sigmoid integrals avoid e^(k·n) (expWad overflows at 135).
    uint256 private constant SIGMOID_DIRECT_DELTA_WAD = 130e18;

    /* PRICE */

    /// @notice The marginal price at `supply`, WAD quote per whole token, rounded down.
    function priceWad(Curve memory c, uint256 supply) internal pure returns (uint256) {
        if (supply > c.maxSupply) revert CurveDomainExceeded(supply, 0);
        if (c.kind == CurveKind.Linear) return c.p2 + (c.p1 * supply) / WAD;
        if (c.kind == CurveKind.Exponential) return (c.p1 * _growthWad(c, supply)) / WAD;
        return c.p4 + FPM.fullMulDiv(c.p1, WAD, ExpMath.logisticDenominator(_sigmoidExponentWad(c, supply)));
    }

    /* COST AND REFUND */

    /// @notice Exact cost of buying `amount` tokens at supply `supply`: ∫_S^{S+n} p(s) ds / 1e18, rounded up.
    function costUpWad(Curve memory c, uint256 supply, uint256 amount) internal pure returns (uint256) {
        if (supply > c.maxSupply || amount > c.maxSupply - supply) revert CurveDomainExceeded(supply, amount);
        if (c.kind == CurveKind.Linear) return FPM.divUp(_linearIntegralTimes2e36(c, supply, amount), 2 * WAD_SQUARED);
        return FPM.divUp(_costScaledUp(c, supply, amount), WAD);
    }

    /// @notice Exact refund for selling `amount` ≤ `supply` tokens at supply `supply`:
    /// ∫_{S−n}^{S} p(s) ds / 1e18, rounded down.
    function refundDownWad(Curve memory c, uint256 supply, uint256 amount) internal pure returns (uint256) {
        if (supply > c.maxSupply || amount > supply) revert CurveDomainExceeded(supply, amount);
        if (c.kind == CurveKind.Linear) return _linearIntegralTimes2e36(c, supply - amount, amount) / (2 * WAD_SQUARED);
        if (amount == 0) return 0;
        uint256 scaled = _integralScaled(c, supply - amount, amount);
        return FPM.zeroFloorSub(scaled, _safetyMargin(scaled)) / WAD;
    }

    /* INVERSE */

    /// @notice The largest n (to within 1e-12 of it, see the header) with costUpWad(c, supply, n) ≤ quoteWad,
    /// capped at the supply left (c.maxSupply − supply).
    function tokensForQuoteDown(Curve memory c, uint256 supply, uint256 quoteWad) internal pure returns (uint256 n) {
        (n,) = tokensForQuoteDownWithCost(c, supply, quoteWad);
    }

    /// @notice tokensForQuoteDown's amount n and costUpWad(c, supply, n), the cost its last check
    /// computed: a buyer that pays the exact cost needs no second evaluation of the integral.
    function tokensForQuoteDownWithCost(Curve memory c, uint256 supply, uint256 quoteWad)
        internal
        pure
        returns (uint256 n, uint256 costWad)
    {
        if (supply > c.maxSupply) revert CurveDomainExceeded(supply, 0);
        uint256 room = c.maxSupply - supply;
        if (quoteWad == 0 || room == 0) return (0, costUpWad(c, supply, 0));
        if (quoteWad >= QUOTE_CAP_WAD_PER_TOKEN_WEI * c.maxSupply) return (room, costUpWad(c, supply, room));
        if (c.kind == CurveKind.Linear) return _linearTokensForQuote(c, supply, quoteWad, room);
        uint256 estimate = c.kind == CurveKind.Exponential
            ? _exponentialTokensEstimate(c, supply, quoteWad)
            : _sigmoidTokensEstimate(c, supply, quoteWad, room);
        return _settleDown(c, supply, quoteWad, estimate, room);
    }

    /// @dev Linear: the root of p1·n² + 2·B·n = 2e36·Q (B = 1e18 × price at S) in the
    /// cancellation-free form n = 2e36·Q / (B + √(B² + 2e36·p1·Q)), the square root taken at ≥ 126
    /// significant bits after scaling both terms by 2^−2s. The result is within one wei of the
    /// largest amount; one comparison each way makes it exact.
    /// B ≤ 1e18·MAX_PRICE_WAD = 1e42 and p1·Q < p1·2e6·D ≤ 2e48 (p1·D ≤ 1e42); the slope alone can
    /// reach 1e42 on a tiny domain, so 2e36·p1·Q (< 4e84) only ever exists inside fullMulDiv.
    function _linearTokensForQuote(Curve memory c, uint256 supply, uint256 quoteWad, uint256 room)
        private
        pure
        returns (uint256 n, uint256 costWad)
    {
        uint256 b = WAD * c.p2 + c.p1 * supply;
        uint256 slopeQuote = c.p1 * quoteWad;
        uint256 shift = FPM.max(
            FPM.zeroFloorSub(_bitLength(b), 126),
            FPM.zeroFloorSub(_bitLength(2 * WAD_SQUARED) + _bitLength(slopeQuote), 251) / 2
        );
        uint256 bShifted = b >> shift;
        uint256 root = FPM.sqrt(bShifted * bShifted + FPM.fullMulDiv(2 * WAD_SQUARED, slopeQuote, 1 << (2 * shift))) << shift;
        n = FPM.min(FPM.fullMulDiv(2 * WAD_SQUARED, quoteWad, b + root), room);
        // The computed root exceeds the largest affordable amount by at most one wei: this loop runs at most once.
        costWad = costUpWad(c, supply, n);
        while (costWad > quoteWad) costWad = costUpWad(c, supply, --n);
        if (n < room) {
            uint256 next = costUpWad(c, supply, n + 1);
            if (next <= quoteWad) (n, costWad) = (n + 1, next);
        }
    }

    /// @dev Exponential: cost(n) = price(S)·expm1(k·n)/k, so k·n = log1p(w) with w = Q·k/price(S).
    /// For small w, n = Q·ψ(w)/price(S) keeps the relative precision that Δ = log1p(w) would lose.
    /// Q·p2 < 2e6·D·p2 ≤ 2e44 (Q below the cap, p2·D ≤ 1e38), so w < 2e44 is inside log1p's range.
    function _exponentialTokensEstimate(Curve memory c, uint256 supply, uint256 quoteWad) private pure returns (uint256) {
        uint256 priceScaled = c.p1 * _growthWad(c, supply); // 1e18 × price(S), ≤ 1e42
        uint256 w = FPM.fullMulDiv(quoteWad * c.p2, WAD, priceScaled);
        if (w < ExpMath.PSI_SERIES_CUTOFF_WAD) return FPM.fullMulDiv(quoteWad * ExpMath.log1pOverX(w), WAD, priceScaled);
        return (ExpMath.log1p(w) * WAD) / c.p2;
    }

    /// @dev Sigmoid: start from the smaller of the closed-form amounts the height alone and the base
    /// price alone would give (both ≥ the answer, and the cost there is ≤ 2·Q), then Newton steps on
    /// the exact (margined) cost with the marginal price as the derivative.
    function _sigmoidTokensEstimate(Curve memory c, uint256 supply, uint256 quoteWad, uint256 room)
        private
        pure
        returns (uint256 n)
    {
        n = FPM.min(_sigmoidHeightOnlyTokens(c, supply, quoteWad), room);
        if (c.p4 != 0) n = FPM.min(n, (quoteWad * WAD) / c.p4);
        uint256 target = quoteWad * WAD;
        for (uint256 i; i < NEWTON_MAX_STEPS; ++i) {
            uint256 costScaled = _costScaledUp(c, supply, n);
            // d(cost·1e18)/dn = price in WAD; taken at 36 decimals, so tiny prices still give exact steps
            uint256 marginalPriceScaled = FPM.max(_sigmoidPriceScaled(c, supply + n), 1);
            uint256 step;
            if (costScaled > target) {
                step = FPM.fullMulDiv(costScaled - target, WAD, marginalPriceScaled) + 1;
                n = FPM.zeroFloorSub(n, step);
            } else {
                step = FPM.min(FPM.fullMulDiv(target - costScaled, WAD, marginalPriceScaled), room - n);
                n += step;
            }
            // Newton's error after a step d is ≤ (f''/2f')·d² ≤ k·d²/2 (p'/p ≤ k): for d ≤ n/2^30 and
            // k·n ≤ 200 that is < n/2^53, below _settleDown's first step, so no further evaluation is needed.
            if (step <= n >> 30) break;
        }
    }

    /// @dev The amount Q buys on the sigmoid's height term alone: softplus must rise by v = Q·k/K.
    /// Small v: log1p(z) = v, z = σ(y0)·expm1(k·n), solved through φ and ψ without cancellation.
    /// Q·p2 < 2e6·D·p2 ≤ 4e44 (Q below the cap, p2·D ≤ 2e38), so v and softplus(y0) + v fit easily.
    function _sigmoidHeightOnlyTokens(Curve memory c, uint256 supply, uint256 quoteWad) private pure returns (uint256) {
        int256 y0 = _sigmoidExponentWad(c, supply);
        uint256 v = (quoteWad * c.p2) / c.p1;
        if (v < ExpMath.PHI_SERIES_CUTOFF_WAD) {
            uint256 phiV = ExpMath.expm1OverX(v);
            uint256 b0 = ExpMath.logisticDenominator(y0);
            // expm1(k·n) = expm1(v)/σ(y0), from Q itself: v's own WAD digits vanish when σ(y0) is tiny
            uint256 w = FPM.fullMulDiv(quoteWad * c.p2 * phiV, b0, c.p1 * WAD_SQUARED);
            if (w < ExpMath.PSI_SERIES_CUTOFF_WAD) {
                return FPM.fullMulDiv(FPM.fullMulDiv(quoteWad * phiV, ExpMath.log1pOverX(w), c.p1), b0, WAD_SQUARED);
            }
            return (ExpMath.log1p(w) * WAD) / c.p2;
        }
        int256 y1 = ExpMath.softplusInverse(ExpMath.softplus(y0) + v);
        return y1 > y0 ? (uint256(y1 - y0) * WAD) / c.p2 : 0;
    }

    /// @dev From an estimate within ~1e-16 of the answer: step below it by 2^−50 of it (or not at all
    /// for amounts < 2^50 wei), step down further (doubling) while the cost exceeds the budget, and
    /// for small amounts take back the one wei an exact estimate may have given up.
    function _settleDown(Curve memory c, uint256 supply, uint256 quoteWad, uint256 n, uint256 room)
        private
        pure
        returns (uint256, uint256 costWad)
    {
        if (n >= room) {
            costWad = costUpWad(c, supply, room);
            if (costWad <= quoteWad) return (room, costWad);
            n = room;
        }
        uint256 step = n >> 50;
        bool small = step == 0;
        n -= step;
        bool firstTry = true;
        costWad = costUpWad(c, supply, n);
        for (step = step + 1; costWad > quoteWad; step <<= 1) {
            n = FPM.zeroFloorSub(n, step);
            costWad = costUpWad(c, supply, n);
            firstTry = false;
        }
        if (small && firstTry && n < room) {
            uint256 next = costUpWad(c, supply, n + 1);
            if (next <= quoteWad) (n, costWad) = (n + 1, next);
        }
        return (n, costWad);
    }

    /* VALIDATION */

    /// @notice Reverts InvalidCurve unless the domain and the parameters are inside the range in this
    /// library's header.
    function validate(Curve memory c) internal pure {
        if (!_isValid(c)) revert InvalidCurve(c.kind, c.p1, c.p2, c.p3, c.p4, c.maxSupply);
    }

    function _isValid(Curve memory c) private pure returns (bool) {
        uint256 domain = c.maxSupply;
        if (domain == 0 || domain > MAX_SUPPLY) return false;
        if (c.kind == CurveKind.Linear) {
            return c.p3 == 0 && c.p4 == 0 && (c.p1 | c.p2) != 0 && c.p2 <= MAX_PRICE_WAD
                && c.p1 <= ((MAX_PRICE_WAD - c.p2) * WAD) / domain;
        }
        if (c.kind == CurveKind.Exponential) {
            if (c.p3 != 0 || c.p4 != 0 || c.p1 == 0 || c.p1 > MAX_PRICE_WAD) return false;
            if (c.p2 == 0 || c.p2 > (MAX_EXPONENT_WAD * WAD) / domain) return false;
            return FPM.fullMulDiv(c.p1, _growthWad(c, domain), WAD) <= MAX_PRICE_WAD;
        }
        if (c.p1 == 0 || c.p1 > MAX_PRICE_WAD || c.p4 > MAX_PRICE_WAD - c.p1) return false;
        if (c.p2 == 0 || c.p3 > domain) return false;
        return c.p2 <= (MAX_SIGMOID_EXPONENT_WAD * WAD) / FPM.max(c.p3, domain - c.p3);
    }

    /* INTERNAL MATH */

    /// @dev 2e36 × the linear integral, exact: p1·n·(2·lo + n) + 2e18·p2·n. Unchecked: lo + n ≤ D, so
    /// p1·n·(2·lo + n) ≤ 2·p1·D·D ≤ 2e42·1e27 and 2e18·p2·n ≤ 2e18·1e24·1e27: the sum < 4e69 < 2^233.
    function _linearIntegralTimes2e36(Curve memory c, uint256 lo, uint256 n) private pure returns (uint256) {
        unchecked {
            return c.p1 * n * (2 * lo + n) + 2 * WAD * c.p2 * n;
        }
    }

    /// @dev The exp/sigmoid integral over [lo, lo + n] in scaled units, widened up by the safety margin.
    function _costScaledUp(Curve memory c, uint256 lo, uint256 n) private pure returns (uint256) {
        if (n == 0) return 0;
        uint256 scaled = _integralScaled(c, lo, n);
        unchecked {
            return scaled + _safetyMargin(scaled); // scaled ≲ MAX_PRICE_WAD·D ≤ 1e51 in range
        }
    }

    function _safetyMargin(uint256 scaled) private pure returns (uint256) {
        unchecked {
            return scaled / SAFETY_MARGIN_DIVISOR + SAFETY_MARGIN_SCALED;
        }
    }

    /// @dev ∫_lo^{lo+n} p(s) ds (p in WAD, s in wei) for exponential and sigmoid curves, i.e. cost·1e18,
    /// to ~1e-16 relative (not directional). Unchecked: in range lo + n ≤ D ≤ 1e27, so p2·n ≤ p2·D ≤ 2e38
    /// (k·n ≤ 200) and p1·n, p4·n ≤ 1e24·1e27.
    function _integralScaled(Curve memory c, uint256 lo, uint256 n) private pure returns (uint256) {
        unchecked {
            uint256 delta = (c.p2 * n) / WAD; // k·n, WAD
            if (c.kind == CurveKind.Exponential) {
                // p1·(e^(k(lo+n)) − e^(k·lo))/k = p1·n·e^(k·lo)·φ(k·n)
                return FPM.fullMulDiv(FPM.fullMulDiv(c.p1 * n, _growthWad(c, lo), WAD), ExpMath.expm1OverX(delta), WAD);
            }
            return c.p4 * n + _sigmoidHeightIntegralScaled(c, _sigmoidExponentWad(c, lo), delta, n);
        }
    }

    /// @dev (K/k)·(softplus(y0 + Δ) − softplus(y0)), scaled, via softplus(y0 + Δ) − softplus(y0) =
    /// log1p(z) with z = σ(y0)·expm1(Δ). While z < 1/4 (always when Δ < 1/8) it is K·n·σ(y0)·φ(Δ)·ψ(z),
    /// exact in relative terms even for tiny n or tiny σ; beyond, log1p(z) ≥ ln(5/4) loses nothing to
    /// cancellation. For Δ ≥ 130 (e^Δ near expWad's limit), log1p(z) = Δ + ln(b1) − ln(b0).
    /// Unchecked: n ≤ D, so p1·n ≤ 1e51 and Δ = k·n ≤ 200 (p2·D ≤ 2e38); y0 + Δ ≤ k·(lo + n − S0) + 1 wei
    /// ≤ 100; z < e^130 < 2^188; softplusRise ≤ Δ + ln 2 < 201, so softplusRise·1e18 < 2^128.
    function _sigmoidHeightIntegralScaled(Curve memory c, int256 y0, uint256 delta, uint256 n)
        private
        pure
        returns (uint256)
    {
        uint256 b0 = ExpMath.logisticDenominator(y0); // σ(y0) = WAD / b0
        uint256 softplusRise;
        unchecked {
        if (delta < ExpMath.PHI_SERIES_CUTOFF_WAD) {
            uint256 phi = ExpMath.expm1OverX(delta);
            uint256 z = FPM.fullMulDiv(delta, phi, b0);
            return FPM.fullMulDiv(FPM.fullMulDiv(c.p1 * n, phi, b0), ExpMath.log1pOverX(z), WAD);
        } else if (delta < SIGMOID_DIRECT_DELTA_WAD) {
            uint256 expm1Delta = uint256(FPM.expWad(int256(delta))) - WAD;
            uint256 z = ExpMath.mulWadDiv(expm1Delta, b0);
            if (z < ExpMath.PSI_SERIES_CUTOFF_WAD) {
                uint256 phi = ExpMath.mulWadDiv(expm1Delta, delta);
                return FPM.fullMulDiv(FPM.fullMulDiv(c.p1 * n, phi, b0), ExpMath.log1pOverX(z), WAD);
            }
            softplusRise = uint256(FPM.lnWad(int256(WAD + z)));
        } else {
            uint256 b1 = ExpMath.logisticDenominator(y0 + int256(delta));
            softplusRise = uint256(int256(delta) + FPM.lnWad(int256(b1)) - FPM.lnWad(int256(b0)));
        }
        return FPM.fullMulDiv(c.p1, softplusRise * WAD, c.p2);
        }
    }

    /// @dev The sigmoid's price at s with 36 decimals: p4·1e18 + K·σ(y)·1e18.
    function _sigmoidPriceScaled(Curve memory c, uint256 s) private pure returns (uint256) {
        return c.p4 * WAD + FPM.fullMulDiv(c.p1, WAD_SQUARED, ExpMath.logisticDenominator(_sigmoidExponentWad(c, s)));
    }

    /// @dev e^(k·s) in WAD for the exponential curve. Unchecked: s ≤ D, so p2·s ≤ p2·D ≤ 1e38 (k·s ≤ 100).
    function _growthWad(Curve memory c, uint256 s) private pure returns (uint256) {
        unchecked {
            return uint256(FPM.expWad(int256((c.p2 * s) / WAD)));
        }
    }

    /// @dev y = k·(s − S0) in WAD for the sigmoid, truncated toward zero. Unchecked: s, S0 ∈ [0, D], so
    /// |p2·(s − S0)| ≤ p2·max(S0, D − S0) ≤ 1e38 (|y| ≤ 100) and p2 ≤ 1e38 < 2^255.
    function _sigmoidExponentWad(Curve memory c, uint256 s) private pure returns (int256) {
        unchecked {
            return (int256(c.p2) * (int256(s) - int256(c.p3))) / int256(WAD);
        }
    }

    function _bitLength(uint256 x) private pure returns (uint256) {
        return x == 0 ? 0 : FPM.log2(x) + 1;
    }
}
