// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./test/Vm.sol";
import {TestERC20} from "./test/TestERC20.sol";
import {TestVotesToken} from "./test/TestVotesToken.sol";
import {MockParameterStore} from "./test/MockParameterStore.sol";
import {BatchAuction} from "./BatchAuction.sol";
import {IBatchAuction} from "./interfaces/IBatchAuction.sol";
import {MAX_PRICE_WAD, WAD} from "./libraries/Constants.sol";

bytes32 constant KEY_BATCH_SECONDS = "auction.batchSeconds";
bytes32 constant KEY_FEE_BPS = "auction.feeBps";
bytes32 constant KEY_ISSUE_PER_BATCH = "auction.issuePerBatch";
bytes32 constant KEY_RESERVE_PRICE = "auction.reservePriceWad";

contract BatchAuctionTest is TestBase {
    uint256 internal constant WINDOW = 60;
    uint256 internal constant INVENTORY = 1_000e18;

    TestVotesToken internal token;
    TestERC20 internal quote;
    MockParameterStore internal store;
    BatchAuction internal auction;
    address internal treasury = address(0x7EA5);
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);
    address internal carol = address(0xCA401);

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new TestVotesToken();
        quote = new TestERC20("Quote", "Q", 18);
        store = new MockParameterStore(KEY_BATCH_SECONDS, WINDOW);
        store.set(KEY_FEE_BPS, 0);
        store.set(KEY_ISSUE_PER_BATCH, 0);
        store.set(KEY_RESERVE_PRICE, 1e18);
        auction = new BatchAuction(address(token), address(quote), address(store), treasury, INVENTORY);
        store.setConsumer(KEY_BATCH_SECONDS, address(auction));
        store.setConsumer(KEY_FEE_BPS, address(auction));
        store.setConsumer(KEY_ISSUE_PER_BATCH, address(auction));
        store.setConsumer(KEY_RESERVE_PRICE, address(auction));
        token.mint(address(auction), INVENTORY);
    }

    function _buy(address who, uint256 quoteAmount, uint256 maxPriceWad) internal returns (uint256 id) {
        quote.mint(who, quoteAmount);
        vm.startPrank(who);
        quote.approve(address(auction), quoteAmount);
        id = auction.placeBuy(quoteAmount, maxPriceWad, 0);
        vm.stopPrank();
    }

    function _sell(address who, uint256 tokenAmount, uint256 minPriceWad) internal returns (uint256 id) {
        token.mint(who, tokenAmount);
        vm.startPrank(who);
        token.approve(address(auction), tokenAmount);
        id = auction.placeSell(tokenAmount, minPriceWad, 0);
        vm.stopPrank();
    }

    function _close() internal {
        vm.warp(block.timestamp + WINDOW);
    }

    function _matched(uint256 batchId) internal view returns (uint256 u, uint256 v, uint256 fee) {
        (,, u, v,,,,, fee) = auction.clearingOf(batchId);
    }

    /* UNIT: where the batch clears */

    function test_settle_betweenLevels_everyOrderFills() public {
        uint256 s = _sell(alice, 100e18, 1e18);
        uint256 b = _buy(bob, 150e18, 2e18);
        _close();
        assertTrue(auction.settle(1, 10), "settled in one call");
        (uint256 u, uint256 v,) = _matched(1);
        assertEq(u, 150e18, "the buyer's quote");
        assertEq(v, 100e18, "the seller's tokens");
        (uint256 tokens, uint256 refund) = auction.claim(b);
        assertEq(tokens, 100e18, "buyer gets every token at 1.5");
        assertEq(refund, 0, "nothing left to refund");
        (uint256 unsold, uint256 proceeds) = auction.claim(s);
        assertEq(unsold, 0, "all sold");
        assertEq(proceeds, 150e18, "seller gets the clearing price 1.5");
    }

    function test_settle_atASellLevel_sellsFillProRata() public {
        uint256 s1 = _sell(alice, 100e18, 1e18);
        uint256 s2 = _sell(carol, 100e18, 1e18);
        uint256 b = _buy(bob, 100e18, 2e18);
        _close();
        auction.settle(1, 10);
        (uint256 tokens,) = auction.claim(b);
        assertEq(tokens, 100e18, "100 tokens at the sellers' price 1");
        (uint256 unsold1, uint256 got1) = auction.claim(s1);
        (uint256 unsold2, uint256 got2) = auction.claim(s2);
        assertEq(unsold1, 50e18, "half of alice's tokens back");
        assertEq(unsold2, 50e18, "half of carol's tokens back");
        assertEq(got1 + got2, 100e18, "the sellers share the buyer's quote");
        assertEq(got1, got2, "pro rata");
    }

    function test_settle_atABuyLevel_buysFillProRata() public {
        uint256 b1 = _buy(alice, 100e18, 1e18);
        uint256 b2 = _buy(carol, 100e18, 1e18);
        uint256 s = _sell(bob, 100e18, 0.5e18);
        _close();
        auction.settle(1, 10);
        (uint256 u, uint256 v,) = _matched(1);
        assertEq(u * WAD / v, 1e18, "clears at the buyers' price 1");
        (uint256 t1, uint256 r1) = auction.claim(b1);
        (uint256 t2, uint256 r2) = auction.claim(b2);
        assertEq(t1, 50e18, "half the tokens each");
        assertEq(t2, 50e18, "half the tokens each");
        assertEq(r1 + r2, 100e18, "half of each buyer's quote back");
        (, uint256 proceeds) = auction.claim(s);
        assertEq(proceeds, 100e18, "seller gets 1 a token, above its 0.5");
    }

    function test_settle_noCross_refundsEverything() public {
        uint256 s = _sell(alice, 100e18, 3e18);
        uint256 b = _buy(bob, 100e18, 2e18);
        _close();
        auction.settle(1, 10);
        (uint256 tokens, uint256 refund) = auction.claim(b);
        assertEq(tokens, 0, "no tokens below the seller's price");
        assertEq(refund, 100e18, "buyer refunded");
        (uint256 unsold,) = auction.claim(s);
        assertEq(unsold, 100e18, "seller keeps its tokens");
    }

    function test_issuer_sellsItsOfferAndPaysTheTreasury() public {
        store.set(KEY_ISSUE_PER_BATCH, 100e18);
        store.set(KEY_FEE_BPS, 100);
        uint256 b = _buy(bob, 300e18, 2e18); // opens batch 1: the issuer's order is order 1
        _close();
        auction.settle(1, 10);
        (uint256 u, uint256 v, uint256 fee) = _matched(1);
        assertEq(v, 100e18, "the issuer's 100 tokens");
        assertEq(u, 200e18, "short supply clears at the highest bid, 2");
        assertEq(fee, 2e18, "1% fee");
        assertEq(quote.balanceOf(treasury), 2e18, "fee paid at settlement");
        (uint256 tokens, uint256 refund) = auction.claim(b);
        assertEq(tokens, 100e18, "buyer gets the offer");
        assertEq(refund, 100e18, "and a third of its quote back");
        auction.claim(1);
        assertEq(quote.balanceOf(treasury), 200e18, "the treasury gets the proceeds and the fee");
        assertEq(auction.inventory(), INVENTORY - 100e18, "inventory offered once");
    }

    function test_settle_inSeveralCallsEqualsOneCall() public {
        for (uint256 i; i < 24; ++i) {
            uint256 price = 0.5e18 + (i * 7919 % 13) * 0.1e18;
            if (i % 3 == 0) _sell(alice, (i + 1) * 1e18, price);
            else _buy(bob, (i + 2) * 1e18, price);
        }
        _close();
        uint256 snapshot = vm.snapshotState();
        auction.settle(1, 100);
        (uint256 u1, uint256 v1,) = _matched(1);
        vm.revertToState(snapshot);
        uint256 calls;
        while (!auction.settle(1, 5)) ++calls;
        (uint256 u2, uint256 v2,) = _matched(1);
        assertTrue(calls >= 2, "5 orders a call: several calls before the walk reaches the clearing price");
        assertEq(u2, u1, "same quote matched");
        assertEq(v2, v1, "same tokens matched");
        assertTrue(v1 != 0, "the batch traded");
    }

    function test_placeOrder_newBatchAfterTheWindow() public {
        _buy(bob, 1e18, 1e18);
        (, uint256 closesAt,,) = auction.batchOf(1);
        assertEq(closesAt, block.timestamp + WINDOW, "window from the first order");
        vm.warp(closesAt);
        _buy(bob, 1e18, 1e18);
        (uint256 lastBatch,,) = auction.counters();
        assertEq(lastBatch, 2, "an order after the window opens the next batch");
    }

    /* UNIT: reverts */

    function test_settle_revertsWhileOpen() public {
        _buy(bob, 1e18, 1e18);
        uint256 closesAt = block.timestamp + WINDOW;
        vm.expectRevert(abi.encodeWithSelector(IBatchAuction.BatchStillOpen.selector, 1, closesAt, block.timestamp));
        auction.settle(1, 10);
    }

    function test_settle_revertsOnceSettled() public {
        _buy(bob, 1e18, 1e18);
        _close();
        auction.settle(1, 10);
        vm.expectRevert(abi.encodeWithSelector(IBatchAuction.BatchAlreadySettled.selector, 1));
        auction.settle(1, 10);
    }

    function test_settle_revertsOnUnknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(IBatchAuction.UnknownBatch.selector, 1, 0));
        auction.settle(1, 10);
    }

    function test_claim_revertsBeforeSettlementAndTwice() public {
        uint256 b = _buy(bob, 1e18, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IBatchAuction.BatchNotSettled.selector, 1));
        auction.claim(b);
        _close();
        auction.settle(1, 10);
        auction.claim(b);
        vm.expectRevert(abi.encodeWithSelector(IBatchAuction.UnknownOrder.selector, b));
        auction.claim(b);
    }

    function test_placeOrder_revertsOnBadHintAndPrice() public {
        uint256 first = _buy(bob, 1e18, 2e18);
        quote.mint(bob, 2e18);
        vm.startPrank(bob);
        quote.approve(address(auction), 2e18);
        vm.expectRevert(abi.encodeWithSelector(IBatchAuction.InvalidHint.selector, first, 1));
        auction.placeBuy(1e18, 1e18, first); // the hint is priced above the order
        vm.expectRevert(abi.encodeWithSelector(IBatchAuction.PriceOutOfRange.selector, 0, MAX_PRICE_WAD));
        auction.placeBuy(1e18, 0, 0);
        auction.placeBuy(1e18, 3e18, first); // a good hint
        vm.stopPrank();
        (uint256 head,,,) = auction.batchOf(1);
        (,,,, uint256 next,) = auction.orderOf(head);
        assertEq(head, first, "cheapest first");
        assertEq(next, first + 1, "then the dearer order");
    }

    function test_placeOrder_revertsWhenTheHintIsTooFar() public {
        for (uint256 i; i < 65; ++i) _buy(bob, 1e18, 1e18);
        quote.mint(bob, 1e18);
        vm.startPrank(bob);
        quote.approve(address(auction), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IBatchAuction.HintTooFar.selector, 0, 65));
        auction.placeBuy(1e18, 2e18, 0);
        auction.placeBuy(1e18, 2e18, 60); // a hint near the place
        vm.stopPrank();
    }

    function test_onParameterSet_onlyTheStoreAndWithinRange() public {
        vm.expectRevert(abi.encodeWithSignature("Unauthorized(address)", address(this)));
        auction.onParameterSet(KEY_FEE_BPS, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IBatchAuction.ParameterOutOfRange.selector, KEY_FEE_BPS, 1001, 1000));
        store.set(KEY_FEE_BPS, 1001);
    }

    /* FUZZ */

    struct Placed {
        uint256 id;
        bool sell;
        uint256 amount;
        uint256 priceWad;
    }

    /// @dev Random batches of random orders (levels shared, the issuer's offer beside them, a fee),
    /// settled in random chunks and claimed: every invariant of the header.
    function testFuzz_batchKeepsItsInvariants(uint256 seed, uint8 count, uint16 feeBps, uint8 chunk) public {
        uint256 n = bound(count, 1, 16);
        store.set(KEY_FEE_BPS, bound(feeBps, 0, 1000));
        store.set(KEY_ISSUE_PER_BATCH, seed % 3 == 0 ? 50e18 : 0);
        Placed[] memory orders = new Placed[](n + 1);
        uint256 quoteIn;
        uint256 tokensIn;
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            bool sell = r % 2 == 0;
            uint256 amount = bound(r >> 8, 1, 1e24);
            uint256 priceWad = 0.5e18 + ((r >> 100) % 8) * 0.25e18 + ((r >> 200) % 3 == 0 ? (r >> 120) % 1e12 : 0);
            uint256 id = sell ? _sell(alice, amount, priceWad) : _buy(bob, amount, priceWad);
            orders[i] = Placed(id, sell, amount, priceWad);
            if (sell) tokensIn += amount;
            else quoteIn += amount;
        }
        (, uint256 issuerTokens,,,) = _issuerOffer();
        if (issuerTokens != 0) {
            orders[n] = Placed(1, true, issuerTokens, 1e18);
            tokensIn += issuerTokens;
        }
        _close();
        uint256 perCall = bound(chunk, 1, 20);
        while (!auction.settle(1, perCall)) {}
        vm.expectRevert(abi.encodeWithSelector(IBatchAuction.BatchAlreadySettled.selector, 1));
        auction.settle(1, perCall);

        (uint256 u, uint256 v, uint256 fee) = _matched(1);
        uint256 quoteOut = fee;
        uint256 tokensOut;
        uint256 soldTokens;
        uint256 boughtTokens;
        uint256 maxRefundedBuy;
        uint256 minUnsoldSell = type(uint256).max;
        for (uint256 i; i <= n; ++i) {
            Placed memory o = orders[i];
            if (o.amount == 0) continue;
            (uint256 tokens, uint256 quoteBack) = auction.claim(o.id);
            quoteOut += quoteBack;
            tokensOut += tokens;
            if (!o.sell) {
                uint256 used = o.amount - quoteBack;
                boughtTokens += tokens;
                // no buy fills beyond its limit, and each pays the clearing price U/V, rounded for the protocol
                if (tokens != 0) assertGe(tokens + 2, used * WAD / o.priceWad, "buy above its max price");
                assertLe(tokens * u, used * v, "buy got more than the clearing price gives");
                if (quoteBack != 0 && o.priceWad > maxRefundedBuy) maxRefundedBuy = o.priceWad;
            } else {
                uint256 sold = o.amount - tokens;
                soldTokens += sold;
                if (sold > 1) assertGe((quoteBack + fee + 1) * WAD + o.priceWad, (sold - 1) * o.priceWad, "sell below its min");
                if (tokens != 0 && o.priceWad < minUnsoldSell) minUnsoldSell = o.priceWad;
            }
        }
        // conservation: nothing paid out beyond what came in, each side within what matched
        assertLe(quoteOut, quoteIn, "quote paid out <= quote in");
        assertLe(tokensOut, tokensIn, "tokens paid out <= tokens in");
        assertLe(boughtTokens, v, "buyers' tokens <= matched tokens");
        assertGe(soldTokens, v, "sellers' tokens used >= matched tokens");
        assertEq(quote.balanceOf(address(auction)), quoteIn - quoteOut, "quote: only the dust stays");
        assertEq(token.balanceOf(address(auction)), INVENTORY - issuerTokens + (tokensIn - tokensOut), "tokens: inventory + dust");
        // market clearing: no buy left wanting is priced at or above a sell left unsold
        if (maxRefundedBuy != 0 && minUnsoldSell != type(uint256).max) {
            assertTrue(maxRefundedBuy < minUnsoldSell, "a crossing pair left unmatched");
        }
    }

    function _issuerOffer() internal view returns (uint256, uint256, uint256, uint256, uint256) {
        (address owner, bool sell, uint256 amount, uint256 priceWad, uint256 next,) = auction.orderOf(1);
        if (owner != treasury || !sell) return (0, 0, 0, 0, 0);
        return (0, amount, priceWad, next, 0);
    }
}
