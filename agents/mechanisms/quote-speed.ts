// How many quotes the fast model answers per second on one thread: MarketModel.quoteBuyExactTokens,
// MarketModel.quoteSell and PoolModel.getAmountOut in turn, on a market shaped like the genesis files'
// (genesis/default.json, exponential.json, sigmoid.json) a little after launch, over a fixed cycle of
// trade sizes from one token to a few percent of the supply. A benchmark, not simulation code: it
// reads the wall clock.

import { performance } from "node:perf_hooks";

import type { CurveKind } from "./market/state.ts";
import { MarketModel, type MarketModelState } from "./market/model.ts";
import { PoolModel } from "./pool/model.ts";
import { WAD } from "../core/units.ts";

const QUOTE = 10n ** 6n;
/** Quotes between two reads of the clock. */
const BATCH = 3_000;
/** Trade sizes in whole tokens, cycled through. */
const SIZES = [1n, 7n, 50n, 333n, 1_000n, 2_500n, 12_000n, 40_000n];

/** Each kind's genesis market with 220k–2.1M tokens out and a reserve that covers them. */
export const BENCH_MARKETS: Readonly<Record<CurveKind, MarketModelState>> = {
  linear: market("linear", [10n ** 9n, 10n ** 16n, 0n, 0n], 500_000_000n * WAD, 2_100_000n * WAD, 24_500n * QUOTE),
  exponential: market(
    "exponential",
    [10n ** 16n, 10n ** 12n, 0n, 0n],
    10_000_000n * WAD,
    220_000n * WAD,
    2_500n * QUOTE,
  ),
  sigmoid: market(
    "sigmoid",
    [2n * WAD, 10n ** 13n, 1_000_000n * WAD, 10n ** 15n],
    8_000_000n * WAD,
    220_000n * WAD,
    300n * QUOTE,
  ),
};

function market(
  kind: CurveKind,
  params: [bigint, bigint, bigint, bigint],
  maxSupply: bigint,
  supply: bigint,
  reserve: bigint,
): MarketModelState {
  return {
    kind,
    params,
    maxSupply,
    scaleWad: WAD,
    supply,
    reserve,
    treasuryAccrued: 0n,
    buyFeeBps: 100,
    sellFeeBps: 100,
    treasuryShareBps: 5000,
    paused: false,
    quoteDecimals: 6,
  };
}

/**
 * Quotes per second over about `durationMs` of quoting (at least one batch of BATCH quotes), a third
 * each of curve buys, curve sells and pool swaps, on the `kind` curve (linear by default).
 */
export function measureQuotesPerSecond(durationMs: number, kind: CurveKind = "linear"): number {
  if (!(durationMs > 0))
    throw new RangeError(`durationMs must be a positive number of milliseconds, got ${durationMs}`);
  const model = new MarketModel(BENCH_MARKETS[kind]);
  const pool = new PoolModel({
    reserveToken: 100_000n * WAD,
    reserveQuote: 1_220n * QUOTE,
    feeBps: 30,
    totalLiquidity: 349_284_983_931_044n,
  });
  const tokenSizes = SIZES.map((s) => s * WAD);
  const quoteSizes = SIZES.map((s) => (s * QUOTE) / 100n + 1n);
  let quotes = 0;
  // what the quotes return, so the work cannot be optimised away
  let sink = 0n;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < BATCH; i += 3) {
      const k = (i / 3) % SIZES.length;
      sink += model.quoteBuyExactTokens(tokenSizes[k]!).cost;
      sink += model.quoteSell(tokenSizes[k]!).refund;
      sink += pool.getAmountOut(quoteSizes[k]!, (k & 1) === 0);
    }
    quotes += BATCH;
    elapsed = performance.now() - start;
  } while (elapsed < durationMs);
  if (sink < 0n) throw new Error("a quote came out negative");
  return Math.round((quotes * 1000) / elapsed);
}
