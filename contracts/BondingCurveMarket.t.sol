// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaToken} from "./ArenaToken.sol";
import {BondingCurveMarket} from "./BondingCurveMarket.sol";
import {BurnableArenaToken} from "./BurnableArenaToken.sol";
import {IBondingCurveMarket} from "./interfaces/IBondingCurveMarket.sol";
import {IParameterStore} from "./interfaces/IParameterStore.sol";
import {ParameterStore} from "./ParameterStore.sol";
import {QuoteToken} from "./QuoteToken.sol";
import {CurveKind} from "./libraries/CurveTypes.sol";
import {TestBase} from "./test/Vm.sol";
import {Unauthorized} from "./libraries/Errors.sol";

/// @dev Deploys token, quote, store and market for one curve kind, with genesis holders.
abstract contract MarketSetup is TestBase {
    address internal constant TIMELOCK = address(0x7133);
    address internal constant TREASURY = address(0x7EA5);
    address internal constant GUARDIAN = address(0x6A4D);

    QuoteToken internal quote;
    /// @dev A BurnableArenaToken (ArenaToken and `burnOwn`), so the invariants hold through holders' burns.
    ArenaToken internal token;
    ParameterStore internal store;
    BondingCurveMarket internal market;

    struct CurveParameter {
        bytes32 key;
        uint128 value;
        uint128 min;
        uint128 max;
    }

    function curveKind() internal pure virtual returns (CurveKind);

    /// @dev Each curve parameter the kind uses, with its store bounds (every value inside keeps the curve valid).
    function curveParameters() internal pure virtual returns (CurveParameter[] memory);

    /// @dev The market's maximum supply (the curve's domain), token wei.
    function maxSupply() internal pure virtual returns (uint256);

    function deployMarket(address[] memory holders, uint256 eachHolds) internal {
        quote = new QuoteToken();
        store = new ParameterStore(TIMELOCK);
        CurveParameter[] memory curve = curveParameters();
        for (uint256 i; i < curve.length; ++i) {
            store.defineParameter(IParameterStore.ParameterInit(curve[i].key, curve[i].value, curve[i].min, curve[i].max, 2_000, 1 hours, address(0)));
        }
        store.defineParameter(IParameterStore.ParameterInit("market.buyFeeBps", 100, 0, 1_000, 5_000, 1 hours, address(0)));
        store.defineParameter(IParameterStore.ParameterInit("market.sellFeeBps", 150, 0, 1_000, 5_000, 1 hours, address(0)));
        store.defineParameter(IParameterStore.ParameterInit("market.treasuryShareBps", 5_000, 0, 10_000, 5_000, 1 hours, address(0)));
        // The token names the market as its minter, so it is deployed just before it, at a known address.
        address marketAddress = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        token = new BurnableArenaToken("Arena", "ARENA", marketAddress);
        market = new BondingCurveMarket(address(token), address(quote), address(store), curveKind(), maxSupply(), TREASURY, TIMELOCK, GUARDIAN);
        bytes32[] memory consumed = market.parameterKeys();
        for (uint256 i; i < consumed.length; ++i) {
            store.setConsumer(consumed[i], address(market));
        }
        store.seal();

        IBondingCurveMarket.Allocation[] memory allocations = new IBondingCurveMarket.Allocation[](holders.length);
        for (uint256 i; i < holders.length; ++i) {
            allocations[i] = IBondingCurveMarket.Allocation(holders[i], eachHolds);
        }
        // Fund the reserve with exactly the curve cost of the allocated supply, so solvency is tight.
        (uint256 costWithFee, uint256 fee) = market.quoteBuyExactTokens(holders.length * eachHolds);
        uint256 required = costWithFee - fee;
        quote.mint(address(this), required);
        quote.approve(address(market), required);
        market.genesis(allocations, required);
    }
}

/// @dev Acts like traders and governance: buys, sells, exact-quote buys, round trips, retunes and
/// fee changes through the Timelock, fee collection. Records what the invariants need.
contract MarketHandler is TestBase {
    BondingCurveMarket internal immutable market;
    BurnableArenaToken internal immutable token;
    QuoteToken internal immutable quote;
    ParameterStore internal immutable store;
    address internal immutable timelock;
    address[] internal actors;
    bytes32[] internal tunableKeys;

    uint256 public profitableRoundTrips;
    uint256 public retunes;
    uint256 public trades;
    uint256 public burned;

    constructor(BondingCurveMarket market_, address timelock_, address[] memory actors_) {
        market = market_;
        token = BurnableArenaToken(address(market_.token()));
        quote = QuoteToken(address(market_.quote()));
        store = ParameterStore(address(market_.store()));
        timelock = timelock_;
        actors = actors_;
        tunableKeys = market_.parameterKeys();
        for (uint256 i; i < actors_.length; ++i) {
            vm.prank(actors_[i]);
            quote.approve(address(market_), type(uint256).max);
        }
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function actor(uint256 i) external view returns (address) {
        return actors[i];
    }

    /// @dev A trade size inside what is left of the curve's domain (0 when it is full).
    function room(uint256 amount) internal view returns (uint256) {
        uint256 left = market.maxSupply() - market.supply();
        if (left == 0) return 0;
        return bound(amount, 1, left < 5_000_000e18 ? left : 5_000_000e18);
    }

    function buy(uint256 actorSeed, uint256 amount) external {
        address who = actors[actorSeed % actors.length];
        amount = room(amount);
        if (amount == 0) return;
        (uint256 cost,) = market.quoteBuyExactTokens(amount);
        quote.mint(who, cost);
        vm.prank(who);
        market.buyExactTokens(amount, cost, who, block.timestamp);
        ++trades;
    }

    function buyExactQuote(uint256 actorSeed, uint256 quoteIn) external {
        address who = actors[actorSeed % actors.length];
        quoteIn = bound(quoteIn, 1e6, 1_000_000e6);
        (uint256 amount,) = market.quoteBuyExactQuote(quoteIn);
        if (amount == 0 || market.supply() + amount > market.maxSupply()) return;
        quote.mint(who, quoteIn);
        vm.prank(who);
        market.buyExactQuote(quoteIn, amount, who, block.timestamp);
        ++trades;
    }

    function sell(uint256 actorSeed, uint256 fractionBps) external {
        address who = actors[actorSeed % actors.length];
        uint256 amount = token.balanceOf(who) * bound(fractionBps, 1, 10_000) / 10_000;
        if (amount == 0) return;
        (uint256 refund,) = market.quoteSell(amount);
        vm.prank(who);
        market.sell(amount, refund, who, block.timestamp);
        ++trades;
    }

    /// @dev A holder destroys part of its tokens (the buyback's burn): the market's supply stays put.
    function burnOwn(uint256 actorSeed, uint256 fractionBps) external {
        address who = actors[actorSeed % actors.length];
        uint256 amount = token.balanceOf(who) * bound(fractionBps, 1, 10_000) / 10_000;
        if (amount == 0) return;
        vm.prank(who);
        token.burnOwn(amount);
        burned += amount;
    }

    /// @dev Buy then sell the same amount at once: the seller must never get back more than they paid.
    function roundTrip(uint256 actorSeed, uint256 amount) external {
        address who = actors[actorSeed % actors.length];
        amount = room(amount);
        if (amount == 0) return;
        (uint256 cost,) = market.quoteBuyExactTokens(amount);
        quote.mint(who, cost);
        vm.startPrank(who);
        market.buyExactTokens(amount, cost, who, block.timestamp);
        uint256 refund = market.sell(amount, 0, who, block.timestamp);
        vm.stopPrank();
        if (refund > cost) ++profitableRoundTrips;
        trades += 2;
    }

    /// @dev A governance retune: any value the store accepts (inside bounds and step), after the interval.
    function retune(uint256 keySeed, uint256 valueSeed) external {
        bytes32 key = tunableKeys[keySeed % tunableKeys.length];
        IParameterStore.Parameter memory p = store.parameter(key);
        vm.warp(block.timestamp + p.minIntervalSeconds + 1);
        uint256 current = p.value;
        uint256 maxDelta = store.maxDelta(key);
        uint256 lo = current > maxDelta ? current - maxDelta : 0;
        uint256 hi = current + maxDelta;
        if (lo < p.min) lo = p.min;
        if (hi > p.max) hi = p.max;
        uint256 newValue = bound(valueSeed, lo, hi);
        vm.prank(timelock);
        store.set(key, newValue);
        ++retunes;
    }

    function collectFees() external {
        if (market.treasuryAccrued() == 0) return;
        market.collectFees();
    }
}

abstract contract MarketInvariants is MarketSetup {
    MarketHandler internal handler;
    address[] internal holders;

    function setUp() public {
        for (uint256 i; i < 4; ++i) {
            holders.push(address(uint160(0xA11CE + i)));
        }
        deployMarket(holders, 100_000e18);
        handler = new MarketHandler(market, TIMELOCK, holders);
        targetContract(address(handler));
    }

    /// @notice The reserve covers selling the entire supply back to the curve.
    function invariant_solvency() public view {
        uint256 supply = market.supply();
        if (supply == 0) return;
        (uint256 refund, uint256 fee) = market.quoteSell(supply);
        assertGe(market.reserve(), refund + fee, "reserve < refund for the whole supply");
    }

    function invariant_quoteBalanceCoversReserve() public view {
        assertGe(quote.balanceOf(address(market)), market.reserve(), "quote balance < reserve");
    }

    /// @notice Burns take tokens out of circulation, not off the curve: the market's supply is what was
    /// minted less what was sold back, the token's total that less what was burned.
    function invariant_supplyCoversToken() public view {
        assertEq(market.supply(), token.totalSupply() + handler.burned(), "market supply != token supply + burned");
    }

    /// @notice Every token that still exists can be sold back: the reserve covers selling the whole
    /// circulating supply, whatever was burned.
    function invariant_solvencyThroughBurns() public view {
        uint256 circulating = token.totalSupply();
        if (circulating == 0) return;
        (uint256 refund, uint256 fee) = market.quoteSell(circulating);
        assertGe(market.reserve(), refund + fee, "reserve < refund for the circulating supply");
    }

    function invariant_balancesSumToSupply() public view {
        uint256 sum;
        for (uint256 i; i < holders.length; ++i) {
            sum += token.balanceOf(holders[i]);
        }
        assertEq(sum, token.totalSupply(), "sum of balances != total supply");
    }

    function invariant_noFreeMoney() public view {
        assertEq(handler.profitableRoundTrips(), 0, "a round trip returned more than it cost");
    }

    function invariant_parametersWithinBounds() public view {
        bytes32[] memory keys = store.keys();
        for (uint256 i; i < keys.length; ++i) {
            IParameterStore.Parameter memory p = store.parameter(keys[i]);
            assertGe(p.value, p.min, "parameter below min");
            assertLe(p.value, p.max, "parameter above max");
        }
    }

    function invariant_scaleNeverAboveOne() public view {
        assertLe(market.scaleWad(), 1e18, "scale above 1");
    }
}

/// @dev 0.01 quote + 1e-8 per token sold, up to a billion tokens.
abstract contract LinearCurve is MarketSetup {
    function curveKind() internal pure override returns (CurveKind) {
        return CurveKind.Linear;
    }

    function maxSupply() internal pure override returns (uint256) {
        return 1e27;
    }

    function curveParameters() internal pure override returns (CurveParameter[] memory p) {
        p = new CurveParameter[](2);
        p[0] = CurveParameter("curve.slope", 1e10, 1e8, 1e12);
        p[1] = CurveParameter("curve.basePrice", 0.01e18, 0.001e18, 1e18);
    }
}

/// @dev 0.01 quote, e-folding every million tokens, up to ten million tokens (the price ends near 220).
abstract contract ExponentialCurve is MarketSetup {
    function curveKind() internal pure override returns (CurveKind) {
        return CurveKind.Exponential;
    }

    function maxSupply() internal pure override returns (uint256) {
        return 10_000_000e18;
    }

    function curveParameters() internal pure override returns (CurveParameter[] memory p) {
        p = new CurveParameter[](2);
        p[0] = CurveParameter("curve.initialPrice", 0.01e18, 0.001e18, 0.02e18);
        p[1] = CurveParameter("curve.growthRate", 1e12, 1e11, 1.5e12);
    }
}

/// @dev From 0.001 to 2.001 quote around a midpoint of a million tokens, up to ten million tokens.
abstract contract SigmoidCurve is MarketSetup {
    function curveKind() internal pure override returns (CurveKind) {
        return CurveKind.Sigmoid;
    }

    function maxSupply() internal pure override returns (uint256) {
        return 10_000_000e18;
    }

    function curveParameters() internal pure override returns (CurveParameter[] memory p) {
        p = new CurveParameter[](4);
        p[0] = CurveParameter("curve.maxPrice", 2e18, 0.1e18, 10e18);
        p[1] = CurveParameter("curve.steepness", 0.8e13, 1e12, 1e13);
        p[2] = CurveParameter("curve.midpoint", 1_000_000e18, 100_000e18, 1_000_000e18);
        p[3] = CurveParameter("curve.basePrice", 0.001e18, 0, 0.1e18);
    }
}

contract LinearMarketInvariantTest is MarketInvariants, LinearCurve {}

/// @dev Buys, burns a share of what was bought, then every holder sells everything left: each sale
/// is paid in full, and the reserve left over covers the curve below the burned tokens.
contract BurnSolvencyTest is LinearCurve {
    function setUp() public {
        deployMarket(new address[](0), 0);
    }

    function testFuzz_burnOwn_keepsTheCurveSolvent(uint256 seed, uint256 burnBps) public {
        burnBps = bound(burnBps, 0, 10_000);
        address[3] memory buyers = [address(0xB1), address(0xB2), address(0xB3)];
        uint256 totalBurned;
        for (uint256 i; i < buyers.length; ++i) {
            uint256 amount = bound(uint256(keccak256(abi.encode(seed, i))), 1e18, 2_000_000e18);
            (uint256 cost,) = market.quoteBuyExactTokens(amount);
            quote.mint(buyers[i], cost);
            vm.startPrank(buyers[i]);
            quote.approve(address(market), cost);
            market.buyExactTokens(amount, cost, buyers[i], block.timestamp);
            uint256 burnAmount = amount * burnBps / 10_000;
            BurnableArenaToken(address(token)).burnOwn(burnAmount);
            vm.stopPrank();
            totalBurned += burnAmount;
        }
        assertEq(market.supply(), token.totalSupply() + totalBurned, "the burn moved the market's supply");
        uint256 priceBefore = market.priceWad();
        for (uint256 i; i < buyers.length; ++i) {
            uint256 held = token.balanceOf(buyers[i]);
            if (held == 0) continue;
            (uint256 refund,) = market.quoteSell(held);
            vm.prank(buyers[i]);
            assertEq(market.sell(held, refund, buyers[i], block.timestamp), refund, "a sale was not paid in full");
        }
        assertEq(token.totalSupply(), 0, "tokens left after every holder sold");
        assertEq(market.supply(), totalBurned, "the curve's supply is not the burned tokens");
        assertGe(quote.balanceOf(address(market)), market.reserve(), "quote balance < reserve");
        assertLe(market.priceWad(), priceBefore, "the price rose after the sales");
        if (totalBurned > 0) {
            (uint256 refund, uint256 fee) = market.quoteSell(totalBurned);
            assertGe(market.reserve(), refund + fee, "the reserve left does not cover the curve below the burned tokens");
        }
    }

    function test_burnOwn_moreThanHeldReverts() public {
        vm.expectRevert();
        BurnableArenaToken(address(token)).burnOwn(1);
    }
}

contract ExponentialMarketInvariantTest is MarketInvariants, ExponentialCurve {}

contract SigmoidMarketInvariantTest is MarketInvariants, SigmoidCurve {}

/// @dev Genesis, pause and parameter-callback rules, one case each.
contract MarketGenesisTest is LinearCurve {
    function setUp() public {
        deployMarket(new address[](0), 0);
    }

    function test_genesis_refusesASecondGenesis() public {
        vm.expectRevert(abi.encodeWithSelector(IBondingCurveMarket.GenesisAlreadyDone.selector));
        market.genesis(new IBondingCurveMarket.Allocation[](0), 0);
    }

    function test_genesis_refusesAReserveBelowTheCurveCost() public {
        address marketAddress = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        ArenaToken freshToken = new ArenaToken("Arena", "ARENA", marketAddress);
        BondingCurveMarket fresh =
            new BondingCurveMarket(address(freshToken), address(quote), address(store), CurveKind.Linear, maxSupply(), TREASURY, TIMELOCK, GUARDIAN);
        IBondingCurveMarket.Allocation[] memory allocations = new IBondingCurveMarket.Allocation[](1);
        allocations[0] = IBondingCurveMarket.Allocation(address(0xA11CE), 1_000e18);
        // 1,000 tokens from zero: 0.01·1000 + 1e-8·1000²/2 = 10.005 quote.
        vm.expectRevert(abi.encodeWithSelector(IBondingCurveMarket.GenesisReserveTooLow.selector, 10_004_999, 10_005_000));
        fresh.genesis(allocations, 10_004_999);
    }

    function test_genesis_onlyTheDeployer() public {
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, address(0xBAD)));
        market.genesis(new IBondingCurveMarket.Allocation[](0), 0);
    }

    function test_pause_onlyGuardianOrTimelock_unpause_onlyTimelock() public {
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, address(0xBAD)));
        market.pause();
        vm.prank(GUARDIAN);
        market.pause();
        vm.prank(GUARDIAN);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, GUARDIAN));
        market.unpause();
        vm.prank(TIMELOCK);
        market.unpause();
        assertTrue(!market.paused(), "still paused");
        vm.prank(TIMELOCK);
        vm.expectRevert(abi.encodeWithSelector(IBondingCurveMarket.MarketNotPaused.selector));
        market.unpause();
    }

    function test_onParameterSet_onlyTheStore() public {
        vm.prank(TIMELOCK);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, TIMELOCK));
        market.onParameterSet("curve.slope", 0, 0);
    }

    function test_onParameterSet_unknownKeyRevertsTheChange() public {
        vm.startPrank(TIMELOCK);
        store.defineParameter(IParameterStore.ParameterInit("market.extra", 1, 0, 10, 10_000, 0, address(market)));
        vm.warp(block.timestamp + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(IBondingCurveMarket.UnexpectedParameter.selector, bytes32("market.extra")));
        store.set("market.extra", 2);
        vm.stopPrank();
    }
}
