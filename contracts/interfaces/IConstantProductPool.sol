// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IConstantProductPool
/// @notice x·y = k pool between the arena token and the quote token, with LP shares (ERC-20).
/// Amounts follow Uniswap V2's integer formulas exactly: first deposit mints sqrt(x·y) − 1000
/// shares (1000 locked), later deposits min(dx·T/x, dy·T/y); withdrawals pay shares·balance/T;
/// swaps pay out ⌊in·(1e4 − fee)·Rout / (Rin·1e4 + in·(1e4 − fee))⌋, which for fee = 30 bps is
/// V2's ⌊in·997·Rout / (Rin·1000 + in·997)⌋; an exact-output swap takes
/// ⌊Rin·out·1e4 / ((Rout − out)·(1e4 − fee))⌋ + 1 in, V2's getAmountIn, rounded up in the pool's
/// favour. The fee is the parameter `pool.feeBps`.
/// Invariant: reserves equal the pool's balances after every call; k never falls on a swap.
interface IConstantProductPool {
    error InvalidToken(address token);
    error InsufficientOutput(uint256 amountOut, uint256 minAmountOut);
    error ExcessiveInput(uint256 amountIn, uint256 maxAmountIn);
    error InsufficientLiquidity(uint256 reserveIn, uint256 reserveOut);
    error InsufficientLiquidityMinted(uint256 liquidity);
    error InsufficientLiquidityBurned(uint256 amountToken, uint256 amountQuote);
    error InsufficientAmount(uint256 amount, uint256 minAmount);
    error FeeOutOfRange(uint256 feeBps, uint256 maxFeeBps);

    event Mint(address indexed sender, address indexed to, uint256 amountToken, uint256 amountQuote, uint256 liquidity);
    event Burn(address indexed sender, address indexed to, uint256 amountToken, uint256 amountQuote, uint256 liquidity);
    event Swap(address indexed sender, address indexed to, address indexed tokenIn, uint256 amountIn, uint256 amountOut);
    event Sync(uint256 reserveToken, uint256 reserveQuote);
    event FeeUpdated(uint256 oldFeeBps, uint256 newFeeBps);

    function token() external view returns (address);
    function quote() external view returns (address);
    function feeBps() external view returns (uint256);
    function getReserves() external view returns (uint256 reserveToken, uint256 reserveQuote);
    /// @notice Quote per token in WAD, adjusted for the two tokens' decimals (0 when empty).
    function priceWad() external view returns (uint256);
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) external view returns (uint256);
    function getAmountIn(uint256 amountOut, uint256 reserveIn, uint256 reserveOut) external view returns (uint256);

    function addLiquidity(uint256 amountTokenDesired, uint256 amountQuoteDesired, uint256 amountTokenMin, uint256 amountQuoteMin, address to, uint256 deadline)
        external
        returns (uint256 amountToken, uint256 amountQuote, uint256 liquidity);
    function removeLiquidity(uint256 liquidity, uint256 amountTokenMin, uint256 amountQuoteMin, address to, uint256 deadline)
        external
        returns (uint256 amountToken, uint256 amountQuote);
    /// @notice Pulls `amountIn` of `tokenIn` from the caller and sends the other token to `to`.
    function swapExactIn(address tokenIn, uint256 amountIn, uint256 minAmountOut, address to, uint256 deadline)
        external
        returns (uint256 amountOut);
    /// @notice Sends exactly `amountOut` of `tokenOut` to `to` and pulls the other token from the
    /// caller: getAmountIn's quote, at most `maxAmountIn`.
    function swapExactOut(address tokenOut, uint256 amountOut, uint256 maxAmountIn, address to, uint256 deadline)
        external
        returns (uint256 amountIn);
}
