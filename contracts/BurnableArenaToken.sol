// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaToken} from "./ArenaToken.sol";

/// @title BurnableArenaToken
/// @notice The protocol's token with one more function: any holder may destroy its own tokens for
/// nothing (`burnOwn`, the buyback's burn). A genesis with a `buyback` section deploys this token in
/// place of ArenaToken; every other genesis keeps ArenaToken, whose bytecode (and so every gas figure
/// and every recorded run without a buyback) stays as it was.
///
/// Burns and the curve: the market counts its own supply (`market.supply()`, where its curve is) and a
/// holder's burn does not move it. So after burns market.supply() = totalSupply + Σ burned, the curve's
/// price stays where the market's supply puts it, and the reserve, which covers selling the market's
/// whole supply back (≥ ∫₀^supply p), covers selling every token that still exists with room to spare:
/// tokens sold back come off the top of the curve, ∫_{supply−totalSupply}^{supply} p ≤ ∫₀^supply p.
/// What the burned tokens paid stays in the reserve for good. Burning through the market instead
/// (lowering its supply) would free that part of the reserve for no one and lower the curve's price for
/// every holder; this way a burn only takes tokens out of circulation.
///
/// Invariants (with ArenaToken's): market.supply() = totalSupply + Σ burned ≥ totalSupply; the reserve
/// covers selling the circulating supply back (`BondingCurveMarket.t.sol`: the market invariants with a
/// burning actor, and `BurnSolvencyTest`).
contract BurnableArenaToken is ArenaToken {
    constructor(string memory name_, string memory symbol_, address minter_) ArenaToken(name_, symbol_, minter_) {}

    /// @notice Destroys `amount` of the caller's own tokens, with no refund: the circulating supply falls,
    /// the curve's supply does not. Emits Transfer(caller, 0, amount); the caller's delegate loses the votes.
    function burnOwn(uint256 amount) external {
        _burn(msg.sender, amount);
    }
}
