// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IBondingCurveMarket} from "../interfaces/IBondingCurveMarket.sol";
import {IConstantProductPool} from "../interfaces/IConstantProductPool.sol";
import {IVesting} from "../interfaces/IVesting.sol";

/// @title ArenaLens
/// @notice Read-only views for the agent harness: each mechanism's state, and many accounts' holdings,
/// in one `eth_call` each. The harness keeps its own twins of the mechanisms from the events of the
/// run's receipts and checks them against these views every so often and at the end.
/// Deployed by the harness beside a system; it holds nothing and changes nothing.
contract ArenaLens {
    /// @dev The market's state, field for field what the harness's market twin holds.
    struct MarketState {
        uint256 curvePriceWad;
        uint256 supply;
        uint256 reserve;
        uint256 treasuryAccrued;
        uint256 scaleWad;
        uint256 p1;
        uint256 p2;
        uint256 p3;
        uint256 p4;
        uint256 buyFeeBps;
        uint256 sellFeeBps;
        uint256 treasuryShareBps;
        bool paused;
        /// @dev reserve / gross refund for selling the whole supply (WAD); type(uint256).max with no supply.
        uint256 solvencyWad;
    }

    struct PoolState {
        uint256 reserveToken;
        uint256 reserveQuote;
        uint256 feeBps;
        uint256 priceWad;
        uint256 liquidity;
    }

    struct Holdings {
        uint256 tokens;
        uint256 quote;
        uint256 lp;
        uint256 claimable;
        uint256 locked;
    }

    uint256 private constant WAD = 1e18;

    /// @notice The market as of the block this call runs in.
    function marketState(IBondingCurveMarket market) external view returns (MarketState memory s) {
        s.curvePriceWad = market.priceWad();
        s.supply = market.supply();
        s.reserve = market.reserve();
        s.treasuryAccrued = market.treasuryAccrued();
        s.scaleWad = market.scaleWad();
        (s.p1, s.p2, s.p3, s.p4) = market.curveParameters();
        (s.buyFeeBps, s.sellFeeBps, s.treasuryShareBps) = market.fees();
        s.paused = market.paused();
        s.solvencyWad = type(uint256).max;
        if (s.supply != 0) {
            (uint256 refund, uint256 fee) = market.quoteSell(s.supply);
            uint256 gross = refund + fee;
            if (gross != 0) s.solvencyWad = s.reserve * WAD / gross;
        }
    }

    /// @notice The pool as of the block this call runs in.
    function poolState(IConstantProductPool pool) external view returns (PoolState memory s) {
        (s.reserveToken, s.reserveQuote) = pool.getReserves();
        s.feeBps = pool.feeBps();
        s.priceWad = pool.priceWad();
        s.liquidity = IERC20(address(pool)).totalSupply();
    }

    /// @notice Token, quote and LP balances and vesting of each account.
    function holdings(IERC20 token, IERC20 quote, IERC20 pool, IVesting vesting, address[] calldata accounts)
        external
        view
        returns (Holdings[] memory out)
    {
        out = new Holdings[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            address a = accounts[i];
            out[i].tokens = token.balanceOf(a);
            out[i].quote = quote.balanceOf(a);
            out[i].lp = pool.balanceOf(a);
            (out[i].claimable, out[i].locked) = _vesting(vesting, a);
        }
    }

    /// @notice Claimable and still-locked vesting of each account (all its schedules).
    function vestingOf(IVesting vesting, address[] calldata accounts)
        external
        view
        returns (uint256[] memory claimable, uint256[] memory locked)
    {
        claimable = new uint256[](accounts.length);
        locked = new uint256[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            (claimable[i], locked[i]) = _vesting(vesting, accounts[i]);
        }
    }

    function _vesting(IVesting vesting, address account) private view returns (uint256 claimable, uint256 locked) {
        uint256[] memory ids = vesting.schedulesOf(account);
        for (uint256 j; j < ids.length; ++j) {
            IVesting.Schedule memory sc = vesting.schedule(ids[j]);
            uint256 vested = vesting.vestedAmount(ids[j], block.timestamp);
            claimable += vested - sc.released;
            locked += sc.amount - vested;
        }
    }
}
