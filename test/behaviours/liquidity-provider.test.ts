import { expect } from "chai";

import { BehaviourConfigError } from "../../agents/behaviours/config-checks.ts";
import { createLiquidityProvider } from "../../agents/behaviours/liquidity-provider.ts";
import type { Holdings, Intent, Observation } from "../../agents/mechanisms/vocabulary.ts";
import type { PoolState } from "../../agents/mechanisms/pool/state.ts";
import type { LiquidityProviderConfig } from "../../agents/behaviours/liquidity-provider.ts";
import { QUOTE, TOKEN, context, observation, poolState } from "./observation.ts";
import { runSteps } from "./steps.ts";

function lpConfig(overrides: Partial<LiquidityProviderConfig> = {}): LiquidityProviderConfig {
  return {
    kind: "liquidityProvider",
    label: "lp",
    slippageBps: 100,
    depositQuote: 122n * QUOTE,
    startStep: 3,
    exitGapBps: 500,
    enterGapBps: 200,
    ...overrides,
  };
}

// The curve sits at 0.0122. The default pool (100,000 tokens : 1,220 quote) is at the same price;
// poolWithQuote(q) is that pool holding q whole quote: q = 1,300 is a gap of +655 bps.
function poolWithQuote(quote: number): PoolState {
  return poolState(100_000n * TOKEN, BigInt(quote) * QUOTE);
}

const HOLDINGS: Holdings = { tokens: 50_000n * TOKEN, quote: 5_000n * QUOTE, lp: 0n };
const IN_POOL: Holdings = { ...HOLDINGS, lp: 1_000_000_000_000_000n };

function at(step: number, pool: PoolState, holdings: Holdings = HOLDINGS): Observation {
  return observation({ step, pool, self: { holdings } });
}

describe("liquidity-provider behaviour", function () {
  it("deposits depositQuote and the matching tokens at the pool's ratio from startStep, with slippage minimums", async function () {
    const behaviour = createLiquidityProvider(lpConfig({ priorityFeeWei: 8n }));
    const ctx = context();
    expect(await behaviour.step(at(1, poolState()), ctx)).to.deep.equal([]);
    expect(await behaviour.step(at(2, poolState()), ctx)).to.deep.equal([]);
    const [deposit] = await behaviour.step(at(3, poolState()), ctx);
    // 122 quote at 100,000 : 1,220 match 10,000 tokens.
    expect(deposit).to.deep.include({
      kind: "addLiquidity",
      tokens: 10_000n * TOKEN,
      quote: 122n * QUOTE,
      minTokens: 9_900n * TOKEN,
      minQuote: 120_780_000n,
      priorityFeeWei: 8n,
    });
    expect(deposit?.note).to.match(/deposit 122 quote \+ 10000 tokens/);
  });

  it("caps the deposit by the tokens or the quote it holds, keeping the pool's ratio (the curve's price for an empty pool)", async function () {
    const fewTokens = { tokens: 5_000n * TOKEN, quote: 5_000n * QUOTE, lp: 0n };
    const [byTokens] = await createLiquidityProvider(lpConfig()).step(at(3, poolState(), fewTokens), context());
    expect(byTokens).to.deep.include({ kind: "addLiquidity", tokens: 5_000n * TOKEN, quote: 61n * QUOTE });
    const littleQuote = { tokens: 50_000n * TOKEN, quote: 61n * QUOTE, lp: 0n };
    const [byQuote] = await createLiquidityProvider(lpConfig()).step(at(3, poolState(), littleQuote), context());
    expect(byQuote).to.deep.include({ kind: "addLiquidity", tokens: 5_000n * TOKEN, quote: 61n * QUOTE });
    // An empty pool has no ratio: it deposits at the curve's price, 0.0122.
    const [intoEmpty] = await createLiquidityProvider(lpConfig()).step(at(3, poolState(0n, 0n)), context());
    expect(intoEmpty).to.deep.include({ kind: "addLiquidity", tokens: 10_000n * TOKEN, quote: 122n * QUOTE });
    const noTokens = { tokens: 0n, quote: 5_000n * QUOTE, lp: 0n };
    expect(await createLiquidityProvider(lpConfig()).step(at(3, poolState(), noTokens), context())).to.deep.equal([]);
  });

  it("withdraws all its liquidity once the curve-pool gap passes exitGapBps either way, with slippage minimums", async function () {
    const inside = poolWithQuote(1_280); // +491 bps
    const behaviour = createLiquidityProvider(lpConfig());
    const ctx = context();
    await behaviour.step(at(3, poolState()), ctx); // its deposit
    expect(await behaviour.step(at(4, inside, IN_POOL), ctx)).to.deep.equal([]);
    const above = poolWithQuote(1_300);
    const [exit] = await behaviour.step(at(5, above, IN_POOL), ctx);
    const share = (reserve: bigint) => (IN_POOL.lp * reserve) / above.totalLiquidity;
    expect(exit).to.deep.include({
      kind: "removeLiquidity",
      liquidity: IN_POOL.lp,
      minTokens: (share(above.reserveToken) * 99n) / 100n,
      minQuote: (share(above.reserveQuote) * 99n) / 100n,
    });
    expect(exit?.note).to.match(/gap 655 bps/);
    const [belowExit] = await createLiquidityProvider(lpConfig({ startStep: 1 })).step(
      at(5, poolWithQuote(1_150), IN_POOL),
      context(),
    ); // −573 bps
    expect(belowExit?.kind).to.equal("removeLiquidity");
  });

  it("stays out until the gap is back below enterGapBps, then deposits again", async function () {
    const behaviour = createLiquidityProvider(lpConfig());
    const out = { ...HOLDINGS, lp: 0n };
    const path: [PoolState, Holdings][] = [
      [poolState(), HOLDINGS], // 3: deposits
      [poolWithQuote(1_300), IN_POOL], // 4: +655 bps, withdraws
      [poolWithQuote(1_260), out], // 5: +327 bps, still too far
      [poolWithQuote(1_246), out], // 6: +213 bps, still too far
      [poolWithQuote(1_240), out], // 7: +163 bps, back in
      [poolWithQuote(1_240), IN_POOL], // 8: in the pool, nothing to do
    ];
    const observations = path.map(([pool, holdings], i) => at(i + 3, pool, holdings));
    const kinds = (await runSteps(behaviour, observations)).map((intents: Intent[]) =>
      intents.map((intent) => intent.kind).join(),
    );
    expect(kinds).to.deep.equal(["addLiquidity", "removeLiquidity", "", "", "addLiquidity", ""]);
  });

  it("does not enter at startStep while the gap is past exitGapBps; enters once it closes below enterGapBps", async function () {
    const behaviour = createLiquidityProvider(lpConfig());
    const ctx = context();
    expect(await behaviour.step(at(3, poolWithQuote(1_300)), ctx)).to.deep.equal([]);
    expect(await behaviour.step(at(4, poolWithQuote(1_246)), ctx)).to.deep.equal([]); // +213 bps: within exit, not yet within enter
    const [deposit] = await behaviour.step(at(5, poolWithQuote(1_240)), ctx);
    expect(deposit?.kind).to.equal("addLiquidity");
  });

  it("is deterministic: two instances give the same intents over the same observations", async function () {
    const quotes = [1_220, 1_230, 1_300, 1_310, 1_250, 1_225, 1_220, 1_100, 1_210];
    const observations = quotes.map((quote, i) => at(i + 1, poolWithQuote(quote), i % 2 === 0 ? HOLDINGS : IN_POOL));
    const a = await runSteps(createLiquidityProvider(lpConfig({ startStep: 1 })), observations, 6n);
    const b = await runSteps(createLiquidityProvider(lpConfig({ startStep: 1 })), observations, 6n);
    expect(a).to.deep.equal(b);
    expect(a.flat().length).to.be.greaterThan(1);
  });

  it("rejects a config it cannot run, naming the field", function () {
    expect(() => createLiquidityProvider(lpConfig({ depositQuote: 0n }))).to.throw(
      BehaviourConfigError,
      /depositQuote/,
    );
    expect(() => createLiquidityProvider(lpConfig({ enterGapBps: 600 }))).to.throw(
      BehaviourConfigError,
      /enterGapBps .* must be <= exitGapBps/,
    );
    expect(() => createLiquidityProvider(lpConfig({ exitGapBps: -1 }))).to.throw(BehaviourConfigError, /exitGapBps/);
  });
});
