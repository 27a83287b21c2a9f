// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The three curve shapes. Price p(S) in WAD quote per whole token at supply S (token wei):
/// - Linear:      p = p1·S/1e18 + p2                       (p1 slope, p2 base price)
/// - Exponential: p = p1·e^(p2·S/1e36)                     (p1 initial price, p2 growth per token, WAD)
/// - Sigmoid:     p = p1 / (1 + e^(−p2·(S − p3)/1e36)) + p4 (p1 height K, p2 steepness per token,
///                                                          p3 midpoint supply S0, p4 base price)
enum CurveKind {
    Linear,
    Exponential,
    Sigmoid
}

/// @notice A curve's shape, its parameters (unused ones are 0) and its domain [0, maxSupply].
/// @dev maxSupply (token wei) is the largest supply the curve may reach: 0 < maxSupply ≤ MAX_SUPPLY.
/// CurveMath validates the parameters against this domain only (so a steep curve on a small domain is
/// allowed) and refuses any price, cost or quote beyond it. The market sets it from the genesis and it
/// is immutable per market.
struct Curve {
    CurveKind kind;
    uint256 p1;
    uint256 p2;
    uint256 p3;
    uint256 p4;
    uint256 maxSupply;
}
