// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IBatchAuction} from "./interfaces/IBatchAuction.sol";
import {IParameterConsumer, IParameterStore} from "./interfaces/IParameterStore.sol";
import {BPS, MAX_BATCH_SECONDS, MAX_FEE_BPS, MAX_HINT_STEPS, MAX_PRICE_WAD, WAD} from "./libraries/Constants.sol";
import {Unauthorized, ZeroAmount} from "./libraries/Errors.sol";

/// @title BatchAuction
/// @notice A uniform-price batch auction (market clearing) of the token against the quote token.
///
/// What is sold: the auction's own inventory (tokens minted to it at genesis), offered by the issuer
/// at `auction.issuePerBatch` tokens a batch at a reserve price `auction.reservePriceWad` (a sell order
/// owned by the treasury, placed when the batch opens, so a launch sells its supply batch by batch
/// the way a bonding curve sells it trade by trade), and any agent's sell orders beside it.
///
/// A batch opens with its first order and takes orders for `auction.batchSeconds` (a window in
/// seconds rather than blocks: the arena's steps are times, and one step may span several blocks).
/// Prices are WAD whole quote per whole token, as the market's (1e18: one quote per token, whatever
/// the quote's decimals); amounts are token wei and quote units. Orders are limit orders: a buy
/// escrows quote with a maximum price, a sell escrows tokens with a minimum price. Each is inserted
/// into the batch's one list, sorted by price ascending, after an insertion hint (an order of the
/// batch priced at most as high) and at most MAX_HINT_STEPS orders further: the gas of an order does
/// not grow with the batch (Gnosis EasyAuction's linked list). An order is one storage slot; its
/// owner is kept as an account number, given on its first order.
///
/// Once the window has closed anyone settles the batch with `settle(batchId, maxOrders)`, which
/// walks at most `maxOrders` orders a call, in price order, keeping the buyers' quote B(p) of orders
/// priced at least p and the sellers' tokens S(p) priced below it; the batch clears at the first
/// price where B ≤ p·S (in quote units): strictly between two levels (every order on either side fills), at a
/// sellers' level (its sells fill pro rata) or at a buyers' level (its buys fill pro rata). The
/// batch then records what matched — quote U for tokens V, the clearing price U/V — and pays its fee,
/// ⌈U·feeBps/1e4⌉ (from the sellers' proceeds), to the treasury. Each order is then claimed on its
/// own (`claim`, by anyone, paid to the order's owner): the buyer's tokens ⌊used·V/U⌋ and unspent
/// quote, the seller's quote ⌊used·(U − fee)/V⌋ and unsold tokens.
///
/// @dev Invariants (fuzzed in BatchAuction.t.sol):
///  - no order fills beyond its limit: a buy fills only if its max price ≥ the clearing price U/V
///    less one wei of token rounding, a sell only if its min price ≤ U/V (before the fee); a buy gets
///    at least the tokens its quote used buys at its max price, less 2 wei;
///  - conservation: per batch, Σ buyers' quote used ≥ U ≥ Σ sellers' quote + fee, and Σ sellers'
///    tokens used ≥ V ≥ Σ buyers' tokens; so the auction's balances always cover every claim still
///    owed plus the inventory (rounding dust stays in the contract);
///  - every filled buy pays the clearing price, no more: its tokens are its quote used × V/U rounded
///    down, and the quote used of a marginal buy exceeds its exact pro-rata share by under one wei;
///  - a settled batch cannot be settled again, an order is claimed once, and an open batch never settles.
contract BatchAuction is IBatchAuction {
    using SafeERC20 for IERC20;

    /* KEYS */

    bytes32 internal constant KEY_BATCH_SECONDS = "auction.batchSeconds";
    bytes32 internal constant KEY_FEE_BPS = "auction.feeBps";
    bytes32 internal constant KEY_ISSUE_PER_BATCH = "auction.issuePerBatch";
    bytes32 internal constant KEY_RESERVE_PRICE = "auction.reservePriceWad";

    uint8 internal constant OPEN = 0;
    uint8 internal constant SETTLING = 1;
    uint8 internal constant SETTLED = 2;

    /* IMMUTABLES */

    /// @inheritdoc IBatchAuction
    address public immutable token;
    /// @inheritdoc IBatchAuction
    address public immutable quote;
    /// @inheritdoc IBatchAuction
    address public immutable parameterStore;
    /// @inheritdoc IBatchAuction
    address public immutable treasury;
    /// @dev WAD × quote WAD per quote unit: a price times tokens over this is quote units.
    uint256 internal immutable VALUE_SCALE;

    /* STORAGE */

    /// @dev An order in one slot (the list walk and a claim read one slot; an order writes one from
    /// zero): its owner by account number (_accounts), since an address does not fit beside the rest.
    struct Order {
        uint88 amount;
        uint80 priceWad;
        uint32 next;
        uint24 batch;
        uint24 owner;
        bool sell;
    }

    /// @dev The last batch also counts the orders (nextOrder): an order writes this one slot besides its own.
    struct Batch {
        uint32 head;
        uint32 nextOrder;
        uint40 closesAt;
        uint8 status;
        uint128 totalBuyQuote;
    }

    /// @dev A batch's walk between settle calls: B (buy quote priced ≥ the level), S (sell tokens
    /// priced below it), the last level passed and its buys, the level being summed.
    struct Walk {
        uint32 cursor;
        uint128 buyQuote;
        uint128 sellTokens;
        uint80 prev;
        uint128 prevLevelBuy;
        uint80 level;
        uint128 levelBuy;
        uint128 levelSell;
    }

    /// @dev A settled batch: buys priced above buyLevel and sells below sellLevel fill fully; orders at
    /// a level fill pro rata (matched/level); U quote matched V tokens; the fee.
    struct Clearing {
        uint80 buyLevel;
        uint96 sellLevel;
        uint128 matchedQuote;
        uint128 matchedTokens;
        uint128 buyLevelQuote;
        uint128 buyMatchedQuote;
        uint128 sellLevelTokens;
        uint128 sellMatchedTokens;
        uint128 feeQuote;
    }

    /// @dev Read only when a batch opens or a new account orders.
    struct Counters {
        uint96 inventory;
        uint24 accounts;
    }

    /// @dev The store's rule and the last batch opened: what every order reads, in one slot.
    struct Rule {
        uint32 batchSeconds;
        uint16 feeBps;
        uint96 issuePerBatch;
        uint80 reservePriceWad;
        uint24 lastBatch;
    }

    Counters private _counters;
    Rule private _rule;
    mapping(uint256 orderId => Order) private _orders;
    /// @dev Every account that placed an order, by number (from 1), and each one's number.
    mapping(uint256 number => address) private _accounts;
    mapping(address account => uint256) private _accountNumbers;
    mapping(uint256 batchId => Batch) private _batches;
    mapping(uint256 batchId => Walk) private _walks;
    mapping(uint256 batchId => Clearing) private _clearings;

    /* CONSTRUCTOR */

    /// @param inventory_ the tokens the genesis mints to this contract for the issuer to offer.
    constructor(address token_, address quote_, address store_, address treasury_, uint256 inventory_) {
        require(token_ != address(0), InvalidAddress(token_));
        require(quote_ != address(0), InvalidAddress(quote_));
        require(store_ != address(0), InvalidAddress(store_));
        require(treasury_ != address(0), InvalidAddress(treasury_));
        require(inventory_ <= type(uint96).max, AmountTooLarge(inventory_, type(uint96).max));
        _accounts[1] = treasury_; // the issuer's orders
        token = token_;
        quote = quote_;
        parameterStore = store_;
        treasury = treasury_;
        VALUE_SCALE = WAD * 10 ** (18 - IERC20Metadata(quote_).decimals());
        _counters = Counters({inventory: uint96(inventory_), accounts: 1});
        _accountNumbers[treasury_] = 1;
        _setParameter(KEY_BATCH_SECONDS, IParameterStore(store_).get(KEY_BATCH_SECONDS));
        _setParameter(KEY_FEE_BPS, IParameterStore(store_).get(KEY_FEE_BPS));
        _setParameter(KEY_ISSUE_PER_BATCH, IParameterStore(store_).get(KEY_ISSUE_PER_BATCH));
        _setParameter(KEY_RESERVE_PRICE, IParameterStore(store_).get(KEY_RESERVE_PRICE));
    }

    /* ORDERS */

    /// @inheritdoc IBatchAuction
    function placeBuy(uint256 quoteAmount, uint256 maxPriceWad, uint256 hint) external returns (uint256 orderId) {
        orderId = _place(false, quoteAmount, maxPriceWad, hint);
        IERC20(quote).safeTransferFrom(msg.sender, address(this), quoteAmount);
    }

    /// @inheritdoc IBatchAuction
    function placeSell(uint256 tokenAmount, uint256 minPriceWad, uint256 hint) external returns (uint256 orderId) {
        orderId = _place(true, tokenAmount, minPriceWad, hint);
        IERC20(token).safeTransferFrom(msg.sender, address(this), tokenAmount);
    }

    /* SETTLEMENT */

    /// @inheritdoc IBatchAuction
    function settle(uint256 batchId, uint256 maxOrders) external returns (bool settled) {
        require(maxOrders != 0, ZeroOrders());
        uint256 last = _rule.lastBatch;
        require(batchId != 0 && batchId <= last, UnknownBatch(batchId, last));
        Batch memory b = _batches[batchId];
        require(b.status != SETTLED, BatchAlreadySettled(batchId));
        require(block.timestamp >= b.closesAt, BatchStillOpen(batchId, b.closesAt, block.timestamp));
        Walk memory w;
        if (b.status == OPEN) {
            w.cursor = b.head;
            w.buyQuote = b.totalBuyQuote;
        } else {
            w = _walks[batchId];
        }

        uint256 processed;
        Clearing memory c;
        for (;;) {
            if (w.cursor == 0) {
                if (w.level == 0 || !_closeLevel(w)) {
                    settled = true;
                    c = _cross(w, type(uint96).max);
                } else {
                    settled = true;
                    c = _atSellLevel(w);
                }
                break;
            }
            if (processed == maxOrders) break;
            Order memory o = _orders[w.cursor];
            if (w.level != 0 && o.priceWad != w.level) {
                if (_closeLevel(w)) {
                    settled = true;
                    c = _atSellLevel(w);
                    break;
                }
            }
            if (w.level == 0) {
                if (w.sellTokens != 0 && uint256(w.buyQuote) * VALUE_SCALE < uint256(o.priceWad) * w.sellTokens) {
                    settled = true;
                    c = _cross(w, o.priceWad);
                    break;
                }
                w.level = o.priceWad;
            }
            if (o.sell) w.levelSell += o.amount;
            else w.levelBuy += o.amount;
            w.cursor = o.next;
            ++processed;
        }

        if (!settled) {
            if (b.status == OPEN) _batches[batchId].status = SETTLING;
            _walks[batchId] = w;
            emit BatchSettling(batchId, processed, w.cursor);
            return false;
        }
        c.feeQuote = uint128(Math.mulDiv(c.matchedQuote, _rule.feeBps, BPS, Math.Rounding.Ceil));
        _batches[batchId].status = SETTLED;
        _clearings[batchId] = c;
        if (b.status == SETTLING) delete _walks[batchId];
        if (c.feeQuote != 0) IERC20(quote).safeTransfer(treasury, c.feeQuote);
        emit BatchSettling(batchId, processed, 0);
        emit BatchSettled(batchId, _clearingPrice(c), c.matchedQuote, c.matchedTokens, c.feeQuote);
    }

    /// @inheritdoc IBatchAuction
    function claim(uint256 orderId) external returns (uint256 tokens, uint256 quoteOut) {
        Order memory o = _orders[orderId];
        require(o.amount != 0, UnknownOrder(orderId));
        address owner = _accounts[o.owner];
        require(_batches[o.batch].status == SETTLED, BatchNotSettled(o.batch));
        (tokens, quoteOut) = _payout(o, _clearings[o.batch]); // reads only the slots this order needs
        delete _orders[orderId];

        if (tokens != 0) IERC20(token).safeTransfer(owner, tokens);
        if (quoteOut != 0) IERC20(quote).safeTransfer(owner, quoteOut);
        emit OrderClaimed(orderId, owner, tokens, quoteOut);
    }

    /* GOVERNANCE */

    /// @inheritdoc IParameterConsumer
    /// @dev Only the store calls this, after it changed a parameter; other keys are ignored. A new
    /// window applies from the next batch; a new fee from the next settlement; a new issue and reserve
    /// from the next batch's issuer order.
    function onParameterSet(bytes32 key, uint256, uint256 newValue) external {
        require(msg.sender == parameterStore, Unauthorized(msg.sender));
        if (key != KEY_BATCH_SECONDS && key != KEY_FEE_BPS && key != KEY_ISSUE_PER_BATCH && key != KEY_RESERVE_PRICE) {
            return;
        }
        _setParameter(key, newValue);
    }

    /* VIEWS */

    /// @inheritdoc IBatchAuction
    function inventory() external view returns (uint256) {
        return _counters.inventory;
    }

    /// @inheritdoc IBatchAuction
    function counters() external view returns (uint256 lastBatchId, uint256 nextOrderId, uint256 inventoryTokens) {
        uint256 last = _rule.lastBatch;
        return (last, last == 0 ? 1 : _batches[last].nextOrder, _counters.inventory);
    }

    /// @inheritdoc IBatchAuction
    function parameters()
        external
        view
        returns (uint256 batchSeconds, uint256 feeBps, uint256 issuePerBatch, uint256 reservePriceWad)
    {
        Rule memory r = _rule;
        return (r.batchSeconds, r.feeBps, r.issuePerBatch, r.reservePriceWad);
    }

    /// @inheritdoc IBatchAuction
    function batchOf(uint256 batchId)
        external
        view
        returns (uint256 head, uint256 closesAt, uint256 status, uint256 totalBuyQuote)
    {
        Batch memory b = _batches[batchId];
        return (b.head, b.closesAt, b.status, b.totalBuyQuote);
    }

    /// @inheritdoc IBatchAuction
    function clearingOf(uint256 batchId)
        external
        view
        returns (
            uint256 buyLevelWad,
            uint256 sellLevelWad,
            uint256 matchedQuote,
            uint256 matchedTokens,
            uint256 buyLevelQuote,
            uint256 buyMatchedQuote,
            uint256 sellLevelTokens,
            uint256 sellMatchedTokens,
            uint256 feeQuote
        )
    {
        Clearing memory c = _clearings[batchId];
        return (
            c.buyLevel,
            c.sellLevel,
            c.matchedQuote,
            c.matchedTokens,
            c.buyLevelQuote,
            c.buyMatchedQuote,
            c.sellLevelTokens,
            c.sellMatchedTokens,
            c.feeQuote
        );
    }

    /// @inheritdoc IBatchAuction
    function orderOf(uint256 orderId)
        external
        view
        returns (address owner, bool sell, uint256 amount, uint256 priceWad, uint256 next, uint256 batchId)
    {
        Order memory o = _orders[orderId];
        return (_accounts[o.owner], o.sell, o.amount, o.priceWad, o.next, o.batch);
    }

    /* INTERNAL */

    /// @dev Checks an order, opens a batch when none is open, links the order into the batch's list.
    function _place(bool sell, uint256 amount, uint256 priceWad, uint256 hint) private returns (uint256 orderId) {
        require(amount != 0, ZeroAmount());
        require(amount <= type(uint88).max, AmountTooLarge(amount, type(uint88).max));
        require(priceWad != 0 && priceWad <= MAX_PRICE_WAD, PriceOutOfRange(priceWad, MAX_PRICE_WAD));
        Rule memory r = _rule;
        uint256 batchId = r.lastBatch;
        Batch memory b = _batches[batchId];
        if (batchId == 0 || block.timestamp >= b.closesAt) {
            batchId = ++r.lastBatch;
            _rule.lastBatch = r.lastBatch;
            b = Batch({
                head: 0,
                nextOrder: batchId == 1 ? 1 : b.nextOrder,
                closesAt: uint40(block.timestamp + r.batchSeconds),
                status: OPEN,
                totalBuyQuote: 0
            });
            uint256 inventoryLeft = _counters.inventory;
            uint256 issued = Math.min(Math.min(r.issuePerBatch, inventoryLeft), type(uint88).max);
            uint256 issuerOrder;
            if (issued != 0) {
                issuerOrder = b.nextOrder++;
                _counters.inventory = uint96(inventoryLeft - issued);
                _orders[issuerOrder] = Order({
                    amount: uint88(issued),
                    priceWad: r.reservePriceWad,
                    next: 0,
                    batch: uint24(batchId),
                    owner: 1,
                    sell: true
                });
                b.head = uint32(issuerOrder);
            }
            emit BatchOpened(batchId, b.closesAt, issuerOrder, issued);
            if (issued != 0) emit SellPlaced(issuerOrder, treasury, issued, r.reservePriceWad);
        }
        orderId = b.nextOrder++;
        (uint256 prev, uint256 next) = _placeOf(b.head, batchId, priceWad, hint);
        uint256 owner = _accountNumbers[msg.sender];
        if (owner == 0) {
            owner = ++_counters.accounts;
            _accountNumbers[msg.sender] = owner;
            _accounts[owner] = msg.sender;
        }
        _orders[orderId] = Order({
            amount: uint88(amount),
            priceWad: uint80(priceWad),
            next: uint32(next),
            batch: uint24(batchId),
            owner: uint24(owner),
            sell: sell
        });
        if (prev == 0) b.head = uint32(orderId);
        else _orders[prev].next = uint32(orderId);
        if (!sell) b.totalBuyQuote += uint128(amount);
        _batches[batchId] = b;
        if (sell) emit SellPlaced(orderId, msg.sender, amount, priceWad);
        else emit BuyPlaced(orderId, msg.sender, amount, priceWad);
    }

    /// @dev Where an order priced `priceWad` goes: after every order of the batch priced at most as high,
    /// found from `hint` (0: the head) within MAX_HINT_STEPS orders.
    function _placeOf(uint256 head, uint256 batchId, uint256 priceWad, uint256 hint)
        private
        view
        returns (uint256 prev, uint256 next)
    {
        prev = hint;
        if (hint == 0) {
            next = head;
        } else {
            Order memory h = _orders[hint];
            require(h.batch == batchId && h.priceWad <= priceWad, InvalidHint(hint, batchId));
            next = h.next;
        }
        uint256 steps;
        while (next != 0) {
            Order memory n = _orders[next];
            if (n.priceWad > priceWad) break;
            require(++steps <= MAX_HINT_STEPS, HintTooFar(hint, steps));
            prev = next;
            next = n.next;
        }
    }

    /// @dev Ends the level being summed: true when the batch clears at it (its sells are enough for the
    /// buyers' quote at its price); otherwise its buys leave the demand and its sells join the supply.
    function _closeLevel(Walk memory w) private view returns (bool) {
        if (uint256(w.buyQuote) * VALUE_SCALE <= uint256(w.level) * (uint256(w.sellTokens) + w.levelSell)) return true;
        w.buyQuote -= w.levelBuy;
        w.sellTokens += w.levelSell;
        w.prev = w.level;
        w.prevLevelBuy = w.levelBuy;
        w.level = 0;
        w.levelBuy = 0;
        w.levelSell = 0;
        return false;
    }

    /// @dev Clears at the level being summed: its buys and those above fill, its sells pro rata.
    function _atSellLevel(Walk memory w) private view returns (Clearing memory c) {
        uint256 tokens = uint256(w.buyQuote) * VALUE_SCALE / w.level; // ≤ S + the level's sells (_closeLevel)
        c.buyLevel = w.prev;
        c.sellLevel = w.level;
        c.matchedQuote = w.buyQuote;
        c.matchedTokens = uint128(tokens);
        c.sellLevelTokens = w.levelSell;
        c.sellMatchedTokens = uint128(tokens - w.sellTokens);
    }

    /// @dev Clears below the level priced `nextPriceWad` (max: past the last order): between the levels
    /// when the buyers' quote is worth at least the sellers' tokens at the last level passed, else at
    /// that level with its buys pro rata. No trade without sells.
    function _cross(Walk memory w, uint256 nextPriceWad) private view returns (Clearing memory c) {
        c.buyLevel = w.prev;
        c.sellLevel = uint96(nextPriceWad);
        if (w.sellTokens == 0) return c;
        c.matchedTokens = w.sellTokens;
        if (uint256(w.buyQuote) * VALUE_SCALE >= uint256(w.prev) * w.sellTokens) {
            c.matchedQuote = w.buyQuote;
        } else {
            uint256 paid = Math.mulDiv(w.prev, w.sellTokens, VALUE_SCALE, Math.Rounding.Ceil);
            c.matchedQuote = uint128(paid);
            c.buyLevelQuote = w.prevLevelBuy;
            c.buyMatchedQuote = uint128(paid - w.buyQuote);
        }
    }

    /// @dev What a claimed order gets: (tokens, quote), fills rounded down, refunds of the rest.
    function _payout(Order memory o, Clearing storage c) private view returns (uint256 tokens, uint256 quoteOut) {
        uint256 amount = o.amount;
        uint256 v = c.matchedTokens;
        if (!o.sell) {
            if (v == 0 || o.priceWad < c.buyLevel) return (0, amount);
            if (o.priceWad > c.buyLevel) return (Math.mulDiv(amount, v, c.matchedQuote), 0);
            if (c.buyLevelQuote == 0) return (0, amount);
            uint256 share = Math.mulDiv(amount, c.buyMatchedQuote, c.buyLevelQuote);
            uint256 refund = Math.mulDiv(amount, c.buyLevelQuote - c.buyMatchedQuote, c.buyLevelQuote);
            return (Math.mulDiv(share, v, c.matchedQuote), refund);
        }
        uint256 proceeds = uint256(c.matchedQuote) - c.feeQuote;
        if (v == 0 || o.priceWad > c.sellLevel) return (amount, 0);
        if (o.priceWad < c.sellLevel) return (0, Math.mulDiv(amount, proceeds, v));
        if (c.sellLevelTokens == 0) return (amount, 0);
        uint256 sold = Math.mulDiv(amount, c.sellMatchedTokens, c.sellLevelTokens);
        uint256 unsold = Math.mulDiv(amount, c.sellLevelTokens - c.sellMatchedTokens, c.sellLevelTokens);
        return (unsold, Math.mulDiv(sold, proceeds, v));
    }

    /// @dev U/V, rounded up (0 without a trade).
    function _clearingPrice(Clearing memory c) private view returns (uint256) {
        return c.matchedTokens == 0 ? 0 : Math.mulDiv(c.matchedQuote, VALUE_SCALE, c.matchedTokens, Math.Rounding.Ceil);
    }

    function _setParameter(bytes32 key, uint256 value) private {
        uint256 oldValue;
        if (key == KEY_BATCH_SECONDS) {
            require(value != 0 && value <= MAX_BATCH_SECONDS, ParameterOutOfRange(key, value, MAX_BATCH_SECONDS));
            oldValue = _rule.batchSeconds;
            _rule.batchSeconds = uint32(value);
        } else if (key == KEY_FEE_BPS) {
            require(value <= MAX_FEE_BPS, ParameterOutOfRange(key, value, MAX_FEE_BPS));
            oldValue = _rule.feeBps;
            _rule.feeBps = uint16(value);
        } else if (key == KEY_ISSUE_PER_BATCH) {
            require(value <= type(uint96).max, ParameterOutOfRange(key, value, type(uint96).max));
            oldValue = _rule.issuePerBatch;
            _rule.issuePerBatch = uint96(value);
        } else {
            require(value != 0 && value <= MAX_PRICE_WAD, ParameterOutOfRange(key, value, MAX_PRICE_WAD));
            oldValue = _rule.reservePriceWad;
            _rule.reservePriceWad = uint80(value); // ≤ MAX_PRICE_WAD < 2^80
        }
        emit ParameterUpdated(key, oldValue, value);
    }
}
