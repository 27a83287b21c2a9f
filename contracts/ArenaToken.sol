// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {IArenaToken} from "./interfaces/IArenaToken.sol";
import {Unauthorized} from "./libraries/Errors.sol";

/// @title ArenaToken
/// @notice The protocol's token: ERC-20 with permit (EIP-2612) and votes (ERC-5805, block-number
/// clock). Supply moves only through the bonding-curve market: it alone mints (buys) and burns
/// (sells), and it is set once by the deployer.
///
/// Design note: OpenZeppelin's ERC20Votes writes a total-supply checkpoint on every mint and burn
/// (a fresh storage slot per block, ~29k gas), which alone would push a curve trade past 100k gas.
/// Delegated votes keep their exact per-block checkpoints here, but the total supply is not
/// checkpointed: the Governor records the supply when a proposal is created and takes its quorum
/// from that (see ArenaGovernor). `getPastTotalSupply` therefore reverts.
///
/// Invariants: Σ balances == totalSupply; only the minter changes totalSupply; the minter never
/// changes once set; Σ delegated votes ≤ totalSupply.
contract ArenaToken is ERC20, ERC20Permit, ERC20Votes, IArenaToken {
    /* STORAGE */

    address private immutable deployer;
    address public minter;

    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) ERC20Permit(name_) {
        deployer = msg.sender;
    }

    /* SET-UP */

    /// @notice Names the market as the only minter. Callable once, by the deployer.
    function setMinter(address newMinter) external {
        require(msg.sender == deployer, Unauthorized(msg.sender));
        require(minter == address(0), MinterAlreadySet(minter));
        minter = newMinter;
        emit MinterSet(newMinter);
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
    function _transferVotingUnits(address from, address to, uint256 amount) internal override {
        _moveDelegateVotes(delegates(from), delegates(to), amount);
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
