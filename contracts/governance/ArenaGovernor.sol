// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title ArenaGovernor
/// @notice OpenZeppelin Governor with adjustable settings, for/against/abstain counting, voting power
/// from the arena token's checkpoints (block-number clock), a quorum as a fraction of the past total
/// supply, and execution through the Timelock. Proposals target the parameter store (and the market's
/// unpause); the Governor itself holds nothing.
///
/// Quorum: the arena token does not checkpoint its total supply (that would cost every curve trade
/// ~29k gas; see ArenaToken). Instead, when a proposal is created the Governor records the token's
/// supply against the proposal's snapshot timepoint, and `quorum(snapshot)` is that supply times the
/// quorum fraction in force at the snapshot. Voting power itself is the exact delegated balance at
/// the snapshot, as usual. `quorum` reverts for a timepoint no proposal snapshots.
contract ArenaGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    constructor(
        IVotes token,
        TimelockController timelock,
        uint48 votingDelayBlocks,
        uint32 votingPeriodBlocks,
        uint256 proposalThresholdVotes,
        uint256 quorumPercent
    )
        Governor("Arena Governor")
        GovernorSettings(votingDelayBlocks, votingPeriodBlocks, proposalThresholdVotes)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(quorumPercent)
        GovernorTimelockControl(timelock)
    {}

    /* QUORUM */

    struct SupplySnapshot {
        bool recorded;
        uint248 supply;
    }

    error NoSupplySnapshot(uint256 timepoint);

    event SupplySnapshotRecorded(uint256 indexed timepoint, uint256 supply);

    mapping(uint256 timepoint => SupplySnapshot) private supplyAtSnapshot;

    /// @notice The votes needed at `timepoint`: the supply recorded for it times the quorum fraction.
    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        SupplySnapshot memory snapshot = supplyAtSnapshot[timepoint];
        require(snapshot.recorded, NoSupplySnapshot(timepoint));
        return snapshot.supply * quorumNumerator(timepoint) / quorumDenominator();
    }

    /// @dev Records the supply for the new proposal's snapshot (the first proposal of a timepoint sets it).
    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override returns (uint256 proposalId) {
        proposalId = super._propose(targets, values, calldatas, description, proposer);
        uint256 snapshot = proposalSnapshot(proposalId);
        if (!supplyAtSnapshot[snapshot].recorded) {
            uint256 supply = IERC20(address(token())).totalSupply();
            supplyAtSnapshot[snapshot] = SupplySnapshot(true, uint248(supply));
            emit SupplySnapshotRecorded(snapshot, supply);
        }
    }

    /* REQUIRED OVERRIDES */

    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (bool) {
        return super.proposalNeedsQueuing(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash)
        internal
        override(Governor, GovernorTimelockControl)
        returns (uint256)
    {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
