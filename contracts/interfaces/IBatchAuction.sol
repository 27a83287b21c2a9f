// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IParameterConsumer} from "./IParameterStore.sol";

/// @title IBatchAuction
/// @notice A uniform-price batch auction of the token against the quote token. Limit orders are
/// collected over a batch window; once it has closed, anyone settles the batch (in as many calls as
/// it takes) at one clearing price where the buyers' quote meets the sellers' tokens; each order is
/// then claimed on its own: the tokens or quote it bought, and what it did not spend.
interface IBatchAuction is IParameterConsumer {
    /* ERRORS */

    /// @dev A token, quote, store or treasury address given to the constructor was the zero address.
    error InvalidAddress(address value);
    /// @dev An order's limit price was 0 or above MAX_PRICE_WAD.
    error PriceOutOfRange(uint256 priceWad, uint256 maxPriceWad);
    /// @dev An order's amount above what an order holds (uint88: 3.09e26 wei).
    error AmountTooLarge(uint256 amount, uint256 max);
    /// @dev An insertion hint that is no order of the open batch, or priced above the new order.
    error InvalidHint(uint256 hint, uint256 batchId);
    /// @dev The hint is more than MAX_HINT_STEPS orders before the new order's place.
    error HintTooFar(uint256 hint, uint256 steps);
    /// @dev A settle of a batch that does not exist.
    error UnknownBatch(uint256 batchId, uint256 lastBatchId);
    /// @dev A settle before the batch's window closed.
    error BatchStillOpen(uint256 batchId, uint256 closesAt, uint256 timestamp);
    /// @dev A settle of a batch already settled.
    error BatchAlreadySettled(uint256 batchId);
    /// @dev A claim of an order whose batch is not settled yet.
    error BatchNotSettled(uint256 batchId);
    /// @dev A claim of an order that does not exist or was claimed already.
    error UnknownOrder(uint256 orderId);
    /// @dev A settle asked to process no order.
    error ZeroOrders();
    /// @dev A parameter value the auction cannot use.
    error ParameterOutOfRange(bytes32 key, uint256 value, uint256 max);

    /* EVENTS */

    /// @notice A batch opened with its first order; it takes orders until `closesAt`. The issuer's
    /// offer (tokens of the auction's inventory, proceeds to the treasury) is order `issuerOrderId`.
    event BatchOpened(uint256 indexed batchId, uint256 closesAt, uint256 issuerOrderId, uint256 issuerTokens);
    /// @notice A buy joined the open batch (the last BatchOpened), after every order of the batch priced
    /// at most as high: `quoteAmount` escrowed, at a clearing price of at most `maxPriceWad`.
    event BuyPlaced(uint256 indexed orderId, address indexed owner, uint256 quoteAmount, uint256 maxPriceWad);
    /// @notice A sell joined the open batch likewise: `tokenAmount` escrowed, at a clearing price of at least `minPriceWad`.
    event SellPlaced(uint256 indexed orderId, address indexed owner, uint256 tokenAmount, uint256 minPriceWad);
    /// @notice A settle call walked `processed` more orders of the batch; `cursor` is the next (0: none).
    event BatchSettling(uint256 indexed batchId, uint256 processed, uint256 cursor);
    /// @notice The batch cleared: buyers paid `matchedQuote` for `matchedTokens` (the clearing price,
    /// rounded up, is their ratio); `feeQuote` of it went to the treasury.
    event BatchSettled(
        uint256 indexed batchId, uint256 clearingPriceWad, uint256 matchedQuote, uint256 matchedTokens, uint256 feeQuote
    );
    /// @notice An order was claimed: its owner received `tokens` and `quote` (fills and refunds).
    event OrderClaimed(uint256 indexed orderId, address indexed owner, uint256 tokens, uint256 quote);
    /// @notice A parameter of the auction changed (from the store; at construction too).
    event ParameterUpdated(bytes32 indexed key, uint256 oldValue, uint256 newValue);

    /* ORDERS */

    /// @notice A buy of tokens with `quoteAmount` quote (approved before) at a clearing price of at
    /// most `maxPriceWad`, inserted after order `hint` of the open batch (0: from the head).
    function placeBuy(uint256 quoteAmount, uint256 maxPriceWad, uint256 hint) external returns (uint256 orderId);
    /// @notice A sale of `tokenAmount` tokens (approved before) at a clearing price of at least `minPriceWad`.
    function placeSell(uint256 tokenAmount, uint256 minPriceWad, uint256 hint) external returns (uint256 orderId);
    /// @notice Walks at most `maxOrders` orders of closed batch `batchId` towards its clearing price;
    /// true once the batch is settled (then the fee is paid to the treasury).
    function settle(uint256 batchId, uint256 maxOrders) external returns (bool settled);
    /// @notice Pays order `orderId`'s owner what it bought and what it did not spend; anyone may call it.
    function claim(uint256 orderId) external returns (uint256 tokens, uint256 quote);

    /* VIEWS */

    function token() external view returns (address);
    function quote() external view returns (address);
    function parameterStore() external view returns (address);
    function treasury() external view returns (address);
    /// @notice The auction's own tokens left to offer (minted to it at genesis).
    function inventory() external view returns (uint256);
    /// @notice The last batch opened (0: none yet) and the next order's id.
    function counters() external view returns (uint256 lastBatchId, uint256 nextOrderId, uint256 inventoryTokens);
    /// @notice The cached parameters.
    function parameters()
        external
        view
        returns (uint256 batchSeconds, uint256 feeBps, uint256 issuePerBatch, uint256 reservePriceWad);
    /// @notice One batch: its list's head, when it closes, its status (0 open, 1 settling, 2 settled), its buyers' quote.
    function batchOf(uint256 batchId)
        external
        view
        returns (uint256 head, uint256 closesAt, uint256 status, uint256 totalBuyQuote);
    /// @notice A settled batch's clearing: the classifying levels, what matched, and the marginal levels' shares.
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
        );
    /// @notice One order as stored (zeros once claimed).
    function orderOf(uint256 orderId)
        external
        view
        returns (address owner, bool sell, uint256 amount, uint256 priceWad, uint256 next, uint256 batchId);
}
