// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The cheatcodes our Solidity tests use (forge-std is not available here). Hardhat's
/// Solidity test runner serves them at the conventional address.
interface Vm {
    function warp(uint256 timestamp) external;
    function roll(uint256 blockNumber) external;
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function deal(address account, uint256 balance) external;
    function assume(bool condition) external pure;
    function expectRevert() external;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function expectEmit() external;
    function label(address account, string calldata newLabel) external;
    function addr(uint256 privateKey) external pure returns (address);
    function getNonce(address account) external view returns (uint64);
    function computeCreateAddress(address deployer, uint256 nonce) external pure returns (address);
    function snapshotState() external returns (uint256 snapshotId);
    function revertToState(uint256 snapshotId) external returns (bool success);
    function snapshotGasLastCall(string calldata name) external returns (uint256 gasUsed);
}

/// @notice Base for Solidity tests: the cheatcodes, assertions that print the values that
/// differed, bounded inputs, and the hooks the invariant runner reads.
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    address[] private targetedContracts;

    error AssertionFailed(string what, uint256 left, uint256 right);
    error AssertionFailedInt(string what, int256 left, int256 right);
    error AssertionFailedAddress(string what, address left, address right);

    function assertEq(uint256 left, uint256 right, string memory what) internal pure {
        if (left != right) revert AssertionFailed(what, left, right);
    }

    function assertEq(int256 left, int256 right, string memory what) internal pure {
        if (left != right) revert AssertionFailedInt(what, left, right);
    }

    function assertEq(address left, address right, string memory what) internal pure {
        if (left != right) revert AssertionFailedAddress(what, left, right);
    }

    function assertLe(uint256 left, uint256 right, string memory what) internal pure {
        if (left > right) revert AssertionFailed(what, left, right);
    }

    function assertGe(uint256 left, uint256 right, string memory what) internal pure {
        if (left < right) revert AssertionFailed(what, left, right);
    }

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what, 0, 1);
    }

    /// @dev Maps any x into [lo, hi] (inclusive) without discarding runs.
    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        require(lo <= hi, "bound: lo > hi");
        if (x >= lo && x <= hi) return x;
        uint256 size = hi - lo;
        if (size == type(uint256).max) return x;
        return lo + (x % (size + 1));
    }

    /// @dev Invariant tests call this in setUp for each handler whose functions the fuzzer calls.
    function targetContract(address target) internal {
        targetedContracts.push(target);
    }

    /// @dev Read by the invariant runner (the forge-std convention).
    function targetContracts() public view returns (address[] memory) {
        return targetedContracts;
    }
}
