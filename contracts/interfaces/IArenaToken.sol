// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IArenaToken
/// @notice ERC-20 with permit and votes. Only the market mints and burns; it is fixed at construction.
interface IArenaToken {
    error NotMinter(address caller, address minter);
    error InvalidMinter(address minter);
    error TotalSupplyNotCheckpointed(uint256 timepoint);

    event MinterSet(address indexed minter);

    function minter() external view returns (address);
    function mint(address to, uint256 amount) external;
    function burn(address from, uint256 amount) external;
}
