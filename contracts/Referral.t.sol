// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IParameterStore} from "./interfaces/IParameterStore.sol";
import {IBondingCurveMarket} from "./interfaces/IBondingCurveMarket.sol";
import {LinearCurve} from "./BondingCurveMarket.t.sol";
import {Referral} from "./Referral.sol";
import {ParameterStore} from "./ParameterStore.sol";
import {BondingCurveMarket} from "./BondingCurveMarket.sol";
import {ArenaToken} from "./ArenaToken.sol";
import {QuoteToken} from "./QuoteToken.sol";
import {TestBase} from "./test/Vm.sol";

/// @notice Buyers buying with referrers (themselves sometimes), time passing. Counts rewards that
/// broke the rule: more than ⌊ΔS·bps/1e4⌋, more than the period's cap, or paid to the buyer.
contract ReferralHandler is TestBase {
    Referral internal immutable referral;
    QuoteToken internal immutable quote;
    ArenaToken internal immutable token;
    address[] internal actors;
    uint256 internal immutable bps;
    uint256 internal immutable cap;

    uint256 public ghostPaid;
    uint256 public violations;
    mapping(uint256 period => uint256) public paidIn;

    constructor(Referral referral_, QuoteToken quote_, ArenaToken token_, address[] memory actors_, uint256 bps_, uint256 cap_) {
        referral = referral_;
        quote = quote_;
        token = token_;
        actors = actors_;
        bps = bps_;
        cap = cap_;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 3 days));
    }

    function buy(uint256 buyerSeed, uint256 referrerSeed, uint256 quoteIn) external {
        address buyer = actors[buyerSeed % actors.length];
        address referrer = actors[referrerSeed % actors.length];
        quoteIn = bound(quoteIn, 1, 50_000e6);
        quote.mint(buyer, quoteIn);
        uint256 before = token.balanceOf(referrer);
        vm.startPrank(buyer);
        quote.approve(address(referral), quoteIn);
        try referral.buyWithReferrer(quoteIn, 0, referrer, block.timestamp) returns (uint256 amount, uint256 reward) {
            if (referrer == buyer) ++violations;
            if (reward > amount * bps / 10_000) ++violations;
            if (token.balanceOf(referrer) != before + reward) ++violations;
            uint256 period = referral.currentPeriod();
            paidIn[period] += reward;
            if (paidIn[period] > cap) ++violations;
            ghostPaid += reward;
        } catch {}
        vm.stopPrank();
    }
}

contract ReferralTest is LinearCurve {
    uint256 internal constant BUDGET = 50_000e18;
    uint256 internal constant CAP = 1_000e18;
    Referral internal referral;
    ReferralHandler internal handler;
    address[] internal actors;

    function setUp() public {
        vm.warp(1_700_000_000);
        address[] memory holders = new address[](1);
        holders[0] = address(0xB0D6E7);
        deployMarketWithReferral(holders);
        for (uint256 i; i < 4; ++i) {
            actors.push(address(uint160(0xA11CE + i)));
        }
        handler = new ReferralHandler(referral, quote, token, actors, 500, CAP);
        targetContract(address(handler));
    }

    /// @dev The market setup with the referral keys defined before the store is sealed, and the budget
    /// given to the referral contract as a genesis holder's transfer.
    function deployMarketWithReferral(address[] memory holders) internal {
        deployMarketWithExtraKeys(holders, BUDGET);
        vm.prank(holders[0]);
        token.transfer(address(referral), BUDGET);
    }

    function deployMarketWithExtraKeys(address[] memory holders, uint256 eachHolds) internal {
        quote = new QuoteToken();
        store = new ParameterStore(TIMELOCK);
        CurveParameter[] memory curve = curveParameters();
        for (uint256 i; i < curve.length; ++i) {
            store.defineParameter(IParameterStore.ParameterInit(curve[i].key, curve[i].value, curve[i].min, curve[i].max, 2_000, 1 hours, address(0)));
        }
        store.defineParameter(IParameterStore.ParameterInit("market.buyFeeBps", 100, 0, 1_000, 5_000, 1 hours, address(0)));
        store.defineParameter(IParameterStore.ParameterInit("market.sellFeeBps", 150, 0, 1_000, 5_000, 1 hours, address(0)));
        store.defineParameter(IParameterStore.ParameterInit("market.treasuryShareBps", 5_000, 0, 10_000, 5_000, 1 hours, address(0)));
        store.defineParameter(IParameterStore.ParameterInit("referral.rewardBps", 500, 0, 10_000, 5_000, 1 hours, address(0)));
        store.defineParameter(IParameterStore.ParameterInit("referral.capPerPeriod", uint128(CAP), 0, 1e27, 5_000, 1 hours, address(0)));
        address marketAddress = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        token = new ArenaToken("Arena", "ARENA", marketAddress);
        market = new BondingCurveMarket(address(token), address(quote), address(store), curveKind(), maxSupply(), TREASURY, TIMELOCK, GUARDIAN);
        bytes32[] memory consumed = market.parameterKeys();
        for (uint256 i; i < consumed.length; ++i) {
            store.setConsumer(consumed[i], address(market));
        }
        // The referral contract reads its rule at construction and is told of every change after.
        referral = new Referral(address(market), address(token), address(quote), address(store), 1 days);
        store.setConsumer("referral.rewardBps", address(referral));
        store.setConsumer("referral.capPerPeriod", address(referral));
        store.seal();
        IBondingCurveMarket.Allocation[] memory allocations = new IBondingCurveMarket.Allocation[](holders.length);
        for (uint256 i; i < holders.length; ++i) {
            allocations[i] = IBondingCurveMarket.Allocation(holders[i], eachHolds);
        }
        (uint256 costWithFee, uint256 fee) = market.quoteBuyExactTokens(holders.length * eachHolds);
        quote.mint(address(this), costWithFee - fee);
        quote.approve(address(market), costWithFee - fee);
        market.genesis(allocations, costWithFee - fee);
    }

    function invariant_rewardsFollowTheRule() public view {
        assertEq(handler.violations(), 0, "rewards over the rule, the cap, or to the buyer");
    }

    function invariant_paidWithinBudget() public view {
        (,, uint256 totalPaid) = referral.state();
        assertEq(totalPaid, handler.ghostPaid(), "totalPaid = rewards seen");
        assertEq(token.balanceOf(address(referral)), BUDGET - totalPaid, "budget left = budget - paid");
    }

    function invariant_curveSolvent() public view {
        (uint256 refund, uint256 fee) = market.quoteSell(market.supply());
        assertGe(market.reserve(), refund + fee, "reserve < refund for the whole supply");
    }

    function test_buyPaysFivePercentOfTheSupplyIncrease() public {
        address buyer = actors[0];
        quote.mint(buyer, 100e6);
        vm.startPrank(buyer);
        quote.approve(address(referral), 100e6);
        (uint256 amount, uint256 reward) = referral.buyWithReferrer(100e6, 0, actors[1], block.timestamp);
        vm.stopPrank();
        assertEq(reward, amount * 500 / 10_000, "reward = 5% of tokens minted");
        assertEq(token.balanceOf(actors[1]), reward, "referrer holds the reward");
        assertEq(token.balanceOf(buyer), amount, "buyer holds the tokens");
    }

    function test_selfReferralRefused() public {
        quote.mint(actors[0], 100e6);
        vm.startPrank(actors[0]);
        quote.approve(address(referral), 100e6);
        vm.expectRevert(abi.encodeWithSelector(Referral.SelfReferral.selector, actors[0]));
        referral.buyWithReferrer(100e6, 0, actors[0], block.timestamp);
        vm.stopPrank();
    }

    function test_ruleIsCachedAndFollowsTheStore() public {
        (uint256 bps, uint256 cap) = referral.rewardRule();
        assertEq(bps, 500, "rewardBps read at construction");
        assertEq(cap, CAP, "cap read at construction");
        vm.warp(block.timestamp + 1 hours);
        vm.prank(TIMELOCK);
        store.set("referral.rewardBps", 250);
        (bps,) = referral.rewardRule();
        assertEq(bps, 250, "the store pushed the new rewardBps");
        quote.mint(actors[0], 100e6);
        vm.startPrank(actors[0]);
        quote.approve(address(referral), 100e6);
        (uint256 amount, uint256 reward) = referral.buyWithReferrer(100e6, 0, actors[1], block.timestamp);
        vm.stopPrank();
        assertEq(reward, amount * 250 / 10_000, "the buy pays the new rule");
    }

    function test_onlyTheStoreSetsTheRule() public {
        vm.expectRevert(abi.encodeWithSelector(Referral.Unauthorized.selector, address(this)));
        referral.onParameterSet("referral.rewardBps", 500, 10_000);
    }

    function test_capStopsRewardsUntilTheNextPeriod() public {
        quote.mint(actors[0], 300_000e6);
        vm.startPrank(actors[0]);
        quote.approve(address(referral), 300_000e6);
        (, uint256 first) = referral.buyWithReferrer(100_000e6, 0, actors[1], block.timestamp);
        (, uint256 second) = referral.buyWithReferrer(100_000e6, 0, actors[1], block.timestamp);
        assertEq(first + second, CAP, "the period pays exactly its cap");
        vm.warp(block.timestamp + 1 days);
        (, uint256 third) = referral.buyWithReferrer(100_000e6, 0, actors[1], block.timestamp);
        vm.stopPrank();
        assertTrue(third > 0, "a new period pays again");
    }
}
