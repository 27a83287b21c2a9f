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

/// @notice A curve's shape and its parameters (unused ones are 0).
struct Curve {
    CurveKind kind;
    uint256 p1;
    uint256 p2;
    uint256 p3;
    uint256 p4;
}
