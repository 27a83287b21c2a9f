// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IConstantProductPool} from "./interfaces/IConstantProductPool.sol";
import {IParameterConsumer, IParameterStore} from "./interfaces/IParameterStore.sol";
import {BPS, DEAD, MAX_FEE_BPS, MINIMUM_LIQUIDITY} from "./libraries/Constants.sol";
import {DeadlineExpired, Unauthorized, ZeroAmount} from "./libraries/Errors.sol";

/// @title ConstantProductPool
/// @notice x·y = k market between the arena token and the quote token. It is Uniswap V2's router
/// and pair in one contract: callers deposit, withdraw and swap directly, the pool pulls what it
/// is owed with `transferFrom`, and the pool itself is the LP share token ("Arena LP", ALP).
/// The swap fee is the parameter `pool.feeBps`, read once from the parameter store and re-cached
/// whenever the store reports a change.
///
/// Invariants (tested by fuzzing in ConstantProductPool.t.sol):
/// - reserves == the pool's balances of both tokens at the end of every call (the reserves are
///   re-read from the balances, as V2's `_update`, so tokens sent to the pool directly are
///   absorbed for the LPs by the next call);
/// - k = reserveToken·reserveQuote never decreases on a swap: an exact input's output is rounded
///   down, an exact output's input rounded up (at least the exact formula's input), and the fee
///   stays in the pool;
/// - the LP shares' total supply only grows with deposits and only shrinks with withdrawals, and
///   k per share² (k / totalSupply²) never decreases: shares minted and tokens paid out round
///   down, so rounding always favours the pool and its remaining LPs;
/// - MINIMUM_LIQUIDITY shares are locked at DEAD on the first deposit, so once funded the
///   reserves never return to zero.
///
/// Every entry point runs the same steps: checks (deadline, inputs, amounts against the stored
/// reserves, slippage limits), share mint or burn, token transfers, reserves re-read from the
/// balances, events. The reserve update follows the transfers as in V2's pair; the transient
/// reentrancy guard covers that window, and the reserve views refuse to answer inside it.
contract ConstantProductPool is IConstantProductPool, IParameterConsumer, ERC20, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /* CONSTANTS */

    /// @notice The parameter-store key of the swap fee.
    bytes32 public constant FEE_KEY = bytes32("pool.feeBps");
    /// @notice Largest decimals either token may have (keeps the price scale factors in range).
    uint256 public constant MAX_DECIMALS = 36;
    /// @dev priceWad is a WAD: 18 decimals.
    uint256 private constant WAD_DECIMALS = 18;

    /* ERRORS (this implementation's own; the shared ones live in the interface) */

    /// @dev The token and the quote token must be two distinct non-zero addresses.
    error IdenticalTokens(address token);
    /// @dev A token's decimals are above MAX_DECIMALS.
    error UnsupportedDecimals(address token, uint256 decimals, uint256 maxDecimals);

    /* IMMUTABLES */

    /// @inheritdoc IConstantProductPool
    address public immutable token;
    /// @inheritdoc IConstantProductPool
    address public immutable quote;
    /// @notice The parameter store the fee comes from; the only caller of `onParameterSet`.
    address public immutable parameterStore;

    /// @dev priceWad = reserveQuote·PRICE_NUMERATOR / (reserveToken·PRICE_DENOMINATOR); one of the
    /// two is 1, the other 10^|18 + tokenDecimals − quoteDecimals|.
    uint256 private immutable PRICE_NUMERATOR;
    uint256 private immutable PRICE_DENOMINATOR;

    /* STORAGE */

    /// @dev One slot: a swap reads both reserves and the fee with one SLOAD.
    struct Slot0 {
        uint112 reserveToken;
        uint112 reserveQuote;
        uint32 feeBps;
    }

    Slot0 private slot0;

    /* CONSTRUCTOR */

    constructor(address token_, address quote_, address store_) ERC20("Arena LP", "ALP") {
        require(token_ != address(0), InvalidToken(token_));
        require(quote_ != address(0), InvalidToken(quote_));
        require(token_ != quote_, IdenticalTokens(token_));
        token = token_;
        quote = quote_;
        parameterStore = store_;

        uint256 tokenDecimals = _decimalsOf(token_);
        uint256 quoteDecimals = _decimalsOf(quote_);
        if (WAD_DECIMALS + tokenDecimals >= quoteDecimals) {
            PRICE_NUMERATOR = 10 ** (WAD_DECIMALS + tokenDecimals - quoteDecimals);
            PRICE_DENOMINATOR = 1;
        } else {
            PRICE_NUMERATOR = 1;
            PRICE_DENOMINATOR = 10 ** (quoteDecimals - WAD_DECIMALS - tokenDecimals);
        }

        _setFee(IParameterStore(store_).get(FEE_KEY));
    }

    /* VIEWS */

    /// @inheritdoc IConstantProductPool
    function feeBps() external view returns (uint256) {
        return slot0.feeBps;
    }

    /// @inheritdoc IConstantProductPool
    function getReserves() external view nonReentrantView returns (uint256 reserveToken, uint256 reserveQuote) {
        Slot0 memory s = slot0;
        return (s.reserveToken, s.reserveQuote);
    }

    /// @inheritdoc IConstantProductPool
    /// @dev Rounded down.
    function priceWad() external view nonReentrantView returns (uint256) {
        Slot0 memory s = slot0;
        if (s.reserveToken == 0) return 0;
        return Math.mulDiv(s.reserveQuote, PRICE_NUMERATOR, uint256(s.reserveToken) * PRICE_DENOMINATOR);
    }

    /// @inheritdoc IConstantProductPool
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) external view returns (uint256) {
        return _getAmountOut(amountIn, reserveIn, reserveOut, slot0.feeBps);
    }

    /// @inheritdoc IConstantProductPool
    function getAmountIn(uint256 amountOut, uint256 reserveIn, uint256 reserveOut) external view returns (uint256) {
        return _getAmountIn(amountOut, reserveIn, reserveOut, slot0.feeBps);
    }

    /* LIQUIDITY */

    /// @inheritdoc IConstantProductPool
    function addLiquidity(
        uint256 amountTokenDesired,
        uint256 amountQuoteDesired,
        uint256 amountTokenMin,
        uint256 amountQuoteMin,
        address to,
        uint256 deadline
    ) external nonReentrant returns (uint256 amountToken, uint256 amountQuote, uint256 liquidity) {
        _checkDeadline(deadline);
        Slot0 memory s = slot0;
        (amountToken, amountQuote) = _optimalDeposit(
            amountTokenDesired, amountQuoteDesired, amountTokenMin, amountQuoteMin, s.reserveToken, s.reserveQuote
        );

        uint256 supply = totalSupply();
        if (supply == 0) {
            uint256 root = Math.sqrt(amountToken * amountQuote);
            liquidity = root > MINIMUM_LIQUIDITY ? root - MINIMUM_LIQUIDITY : 0;
            require(liquidity != 0, InsufficientLiquidityMinted(liquidity));
            _mint(DEAD, MINIMUM_LIQUIDITY);
        } else {
            liquidity = Math.min(amountToken * supply / s.reserveToken, amountQuote * supply / s.reserveQuote);
            require(liquidity != 0, InsufficientLiquidityMinted(liquidity));
        }
        _mint(to, liquidity);

        IERC20(token).safeTransferFrom(msg.sender, address(this), amountToken);
        IERC20(quote).safeTransferFrom(msg.sender, address(this), amountQuote);
        _syncReserves();
        emit Mint(msg.sender, to, amountToken, amountQuote, liquidity);
    }

    /// @inheritdoc IConstantProductPool
    function removeLiquidity(uint256 liquidity, uint256 amountTokenMin, uint256 amountQuoteMin, address to, uint256 deadline)
        external
        nonReentrant
        returns (uint256 amountToken, uint256 amountQuote)
    {
        _checkDeadline(deadline);
        uint256 supply = totalSupply();
        // Burning first also checks the caller's share balance (ERC20InsufficientBalance).
        _burn(msg.sender, liquidity);

        amountToken = liquidity * IERC20(token).balanceOf(address(this)) / supply;
        amountQuote = liquidity * IERC20(quote).balanceOf(address(this)) / supply;
        require(amountToken != 0 && amountQuote != 0, InsufficientLiquidityBurned(amountToken, amountQuote));
        require(amountToken >= amountTokenMin, InsufficientAmount(amountToken, amountTokenMin));
        require(amountQuote >= amountQuoteMin, InsufficientAmount(amountQuote, amountQuoteMin));

        IERC20(token).safeTransfer(to, amountToken);
        IERC20(quote).safeTransfer(to, amountQuote);
        _syncReserves();
        emit Burn(msg.sender, to, amountToken, amountQuote, liquidity);
    }

    /* TRADING */

    /// @inheritdoc IConstantProductPool
    function swapExactIn(address tokenIn, uint256 amountIn, uint256 minAmountOut, address to, uint256 deadline)
        external
        nonReentrant
        returns (uint256 amountOut)
    {
        _checkDeadline(deadline);
        bool tokenForQuote = tokenIn == token;
        require(tokenForQuote || tokenIn == quote, InvalidToken(tokenIn));
        Slot0 memory s = slot0;
        (uint256 reserveIn, uint256 reserveOut, address tokenOut) = tokenForQuote
            ? (uint256(s.reserveToken), uint256(s.reserveQuote), quote)
            : (uint256(s.reserveQuote), uint256(s.reserveToken), token);

        amountOut = _getAmountOut(amountIn, reserveIn, reserveOut, s.feeBps);
        require(amountOut != 0 && amountOut >= minAmountOut, InsufficientOutput(amountOut, minAmountOut));

        IERC20(tokenIn).safeTransferFrom(msg.sender, address(this), amountIn);
        IERC20(tokenOut).safeTransfer(to, amountOut);
        _syncReserves();
        emit Swap(msg.sender, to, tokenIn, amountIn, amountOut);
    }

    /// @inheritdoc IConstantProductPool
    function swapExactOut(address tokenOut, uint256 amountOut, uint256 maxAmountIn, address to, uint256 deadline)
        external
        nonReentrant
        returns (uint256 amountIn)
    {
        _checkDeadline(deadline);
        bool quoteForToken = tokenOut == token;
        require(quoteForToken || tokenOut == quote, InvalidToken(tokenOut));
        Slot0 memory s = slot0;
        (uint256 reserveIn, uint256 reserveOut, address tokenIn) = quoteForToken
            ? (uint256(s.reserveQuote), uint256(s.reserveToken), quote)
            : (uint256(s.reserveToken), uint256(s.reserveQuote), token);

        amountIn = _getAmountIn(amountOut, reserveIn, reserveOut, s.feeBps);
        require(amountIn <= maxAmountIn, ExcessiveInput(amountIn, maxAmountIn));

        IERC20(tokenIn).safeTransferFrom(msg.sender, address(this), amountIn);
        IERC20(tokenOut).safeTransfer(to, amountOut);
        _syncReserves();
        emit Swap(msg.sender, to, tokenIn, amountIn, amountOut);
    }

    /* GOVERNANCE */

    /// @inheritdoc IParameterConsumer
    /// @dev Only the store calls this, after it has changed a parameter; other keys are ignored.
    /// An out-of-range fee reverts, which reverts the store's update with it.
    function onParameterSet(bytes32 key, uint256, uint256 newValue) external {
        require(msg.sender == parameterStore, Unauthorized(msg.sender));
        if (key == FEE_KEY) _setFee(newValue);
    }

    /* INTERNAL */

    function _setFee(uint256 newFeeBps) private {
        require(newFeeBps <= MAX_FEE_BPS, FeeOutOfRange(newFeeBps, MAX_FEE_BPS));
        uint256 oldFeeBps = slot0.feeBps;
        slot0.feeBps = uint32(newFeeBps); // MAX_FEE_BPS fits
        emit FeeUpdated(oldFeeBps, newFeeBps);
    }

    /// @dev Sets the reserves to the balances the last transfers produced, as V2's `_update`.
    function _syncReserves() private {
        uint256 balanceToken = IERC20(token).balanceOf(address(this));
        uint256 balanceQuote = IERC20(quote).balanceOf(address(this));
        slot0.reserveToken = balanceToken.toUint112();
        slot0.reserveQuote = balanceQuote.toUint112();
        emit Sync(balanceToken, balanceQuote);
    }

    /// @dev V2 router's `_addLiquidity`: the whole desired amounts on the first deposit, otherwise
    /// the largest pair at the current ratio that fits both desired amounts, checked against the mins.
    function _optimalDeposit(
        uint256 amountTokenDesired,
        uint256 amountQuoteDesired,
        uint256 amountTokenMin,
        uint256 amountQuoteMin,
        uint256 reserveToken,
        uint256 reserveQuote
    ) private pure returns (uint256 amountToken, uint256 amountQuote) {
        require(amountTokenDesired != 0 && amountQuoteDesired != 0, ZeroAmount());
        if (reserveToken == 0 && reserveQuote == 0) return (amountTokenDesired, amountQuoteDesired);

        uint256 amountQuoteOptimal = _quoteDown(amountTokenDesired, reserveToken, reserveQuote);
        if (amountQuoteOptimal <= amountQuoteDesired) {
            require(amountQuoteOptimal >= amountQuoteMin, InsufficientAmount(amountQuoteOptimal, amountQuoteMin));
            return (amountTokenDesired, amountQuoteOptimal);
        }
        // amountQuoteDesired < amountTokenDesired·Rq/Rt, hence this is ≤ amountTokenDesired.
        uint256 amountTokenOptimal = _quoteDown(amountQuoteDesired, reserveQuote, reserveToken);
        require(amountTokenOptimal >= amountTokenMin, InsufficientAmount(amountTokenOptimal, amountTokenMin));
        return (amountTokenOptimal, amountQuoteDesired);
    }

    /// @dev V2's `quote`: the amount of B worth `amountA` of A at the reserves' ratio, rounded down.
    function _quoteDown(uint256 amountA, uint256 reserveA, uint256 reserveB) private pure returns (uint256) {
        return amountA * reserveB / reserveA;
    }

    /// @dev ⌊in·(1e4 − fee)·Rout / (Rin·1e4 + in·(1e4 − fee))⌋; V2's 997/1000 at fee = 30.
    function _getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut, uint256 fee)
        private
        pure
        returns (uint256)
    {
        require(amountIn != 0, ZeroAmount());
        require(reserveIn != 0 && reserveOut != 0, InsufficientLiquidity(reserveIn, reserveOut));
        uint256 amountInAfterFee = amountIn * (BPS - fee);
        return amountInAfterFee * reserveOut / (reserveIn * BPS + amountInAfterFee);
    }

    /// @dev ⌊Rin·out·1e4 / ((Rout − out)·(1e4 − fee))⌋ + 1: always enough input, V2's at fee = 30.
    function _getAmountIn(uint256 amountOut, uint256 reserveIn, uint256 reserveOut, uint256 fee)
        private
        pure
        returns (uint256)
    {
        require(amountOut != 0, ZeroAmount());
        require(reserveIn != 0 && reserveOut > amountOut, InsufficientLiquidity(reserveIn, reserveOut));
        return reserveIn * amountOut * BPS / ((reserveOut - amountOut) * (BPS - fee)) + 1;
    }

    function _checkDeadline(uint256 deadline) private view {
        require(block.timestamp <= deadline, DeadlineExpired(deadline, block.timestamp));
    }

    function _decimalsOf(address erc20) private view returns (uint256 decimals) {
        decimals = IERC20Metadata(erc20).decimals();
        require(decimals <= MAX_DECIMALS, UnsupportedDecimals(erc20, decimals, MAX_DECIMALS));
    }
}
