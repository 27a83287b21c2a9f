// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {IArenaToken} from "./interfaces/IArenaToken.sol";

/// @title ArenaToken
/// @notice The protocol's token: ERC-20 with permit (EIP-2612) and votes (ERC-5805, block-number
/// clock). Supply moves only through the bonding-curve market: it alone mints (buys) and burns
/// (sells). The minter is fixed at construction (the deployer passes the market's address, computed
/// ahead of its deployment), so that a trade's mint or burn reads no storage to authorise it.
///
/// Design note: OpenZeppelin's ERC20Votes writes a total-supply checkpoint on every mint and burn
/// (a fresh storage slot per block, ~29k gas), which alone would push a curve trade past 100k gas.
/// Delegated votes keep their exact per-block checkpoints here, but the total supply is not
/// checkpointed: the Governor records the supply when a proposal is created and takes its quorum
/// from that (see ArenaGovernor). `getPastTotalSupply` therefore reverts.
///
/// Invariants: Σ balances == totalSupply; only the minter changes totalSupply; the minter never
/// changes; Σ delegated votes ≤ totalSupply.
contract ArenaToken is ERC20, ERC20Permit, ERC20Votes, IArenaToken {
    /* IMMUTABLES */

    address public immutable minter;

    constructor(string memory name_, string memory symbol_, address minter_) ERC20(name_, symbol_) ERC20Permit(name_) {
        require(minter_ != address(0), InvalidMinter(minter_));
        minter = minter_;
        emit MinterSet(minter_);
    }

    /* SUPPLY (market only) */

    function mint(address to, uint256 amount) external {
        require(msg.sender == minter, NotMinter(msg.sender, minter));
        _mint(to, amount);
    }

    /// @dev The market burns a seller's tokens without an allowance: selling is a call the seller makes to the market.
    function burn(address from, uint256 amount) external {
        require(msg.sender == minter, NotMinter(msg.sender, minter));
        _burn(from, amount);
    }

    /* VOTES */

    /// @dev Moves delegated votes only; see the design note for why the total is not checkpointed.
    /// Address zero (the other side of a mint or burn) never delegates, so its lookup is skipped.
    function _transferVotingUnits(address from, address to, uint256 amount) internal override {
        address fromDelegate = from == address(0) ? address(0) : delegates(from);
        address toDelegate = to == address(0) ? address(0) : delegates(to);
        _moveDelegateVotes(fromDelegate, toDelegate, amount);
    }

    /// @notice Not kept: quorums come from the supply the Governor records at proposal time.
    function getPastTotalSupply(uint256 timepoint) public pure override returns (uint256) {
        revert TotalSupplyNotCheckpointed(timepoint);
    }

    /* REQUIRED OVERRIDES */

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
