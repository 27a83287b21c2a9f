// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title QuoteToken
/// @notice "Arena USD" (aUSD): a 6-decimal test stablecoin that anyone may mint, the quote
/// asset of the bonding-curve market and the pool on local chains.
/// @dev FOR LOCAL CHAINS ONLY. `mint` is an open faucet, so this token has no value anywhere;
/// on a real network the genesis names an existing ERC-20 as the quote token instead.
/// Invariant (OpenZeppelin ERC20): the sum of balances equals totalSupply.
contract QuoteToken is ERC20, ERC20Permit {
    constructor() ERC20("Arena USD", "aUSD") ERC20Permit("Arena USD") {}

    /// @notice Six decimals, like the stablecoins it stands in for.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Faucet: mints `amount` (6 decimals) to `to`. Open to anyone.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
