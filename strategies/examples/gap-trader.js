// An example strategy (docs/strategy-api.md): trade the gap between the pool and the curve. When the
// pool is more than GAP_BPS below the curve it buys tokens on the pool; when it is more than GAP_BPS
// above, it sells tokens there. It sizes each trade at TRADE_QUOTE and asks for the exact quote's
// output less 3%, and waits COOLDOWN steps after a trade (state kept between steps).

const GAP_BPS = 100n;
const TRADE_QUOTE = 20000000n; // 20 quote (6 decimals)
const COOLDOWN = 3;
let lastTrade = -COOLDOWN;

function step(obs) {
  if (obs.step - lastTrade < COOLDOWN) return [];
  const curve = BigInt(obs.curve.priceWad);
  const pool = BigInt(obs.pool.priceWad);
  if (pool === 0n || curve === 0n) return [];
  const gapBps = ((pool - curve) * 10000n) / curve;
  const quoteHeld = BigInt(obs.self.holdings.quote);
  const tokensHeld = BigInt(obs.self.holdings.tokens);
  if (gapBps < -GAP_BPS && quoteHeld >= TRADE_QUOTE) {
    const out = BigInt(quote.poolOut("quote", TRADE_QUOTE.toString()).amountOut);
    lastTrade = obs.step;
    return [
      { kind: "swap", sell: "quote", amountIn: TRADE_QUOTE.toString(), minOut: ((out * 97n) / 100n).toString(), note: `pool ${gapBps} bps below the curve` },
    ];
  }
  if (gapBps > GAP_BPS && tokensHeld > 0n) {
    // Tokens worth TRADE_QUOTE at the pool's price: quote units × 10^30 / priceWad.
    let amount = (TRADE_QUOTE * 10n ** 30n) / pool;
    if (amount > tokensHeld) amount = tokensHeld;
    const out = BigInt(quote.poolOut("token", amount.toString()).amountOut);
    lastTrade = obs.step;
    return [
      { kind: "swap", sell: "token", amountIn: amount.toString(), minOut: ((out * 97n) / 100n).toString(), note: `pool ${gapBps} bps above the curve` },
    ];
  }
  return [];
}
