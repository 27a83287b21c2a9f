// Builds Observations for behaviour tests without a chain: the genesis/default.json market (linear
// curve 0.01 + 1e-9·S, 1% fees, pool 100,000 tokens : 1,220 quote, 0.3%) unless overridden.

import { Random } from "../../agents/core/random.ts";
import type { DecideContext } from "../../agents/behaviours/behaviour.ts";
import type { Quoter } from "../../agents/mechanisms/market/quoter.ts";
import type { GasTerms, Observation } from "../../agents/mechanisms/vocabulary.ts";
import type { PoolState } from "../../agents/mechanisms/pool/state.ts";
import type { CurveState } from "../../agents/mechanisms/market/state.ts";
import { PoolModel } from "../../agents/mechanisms/pool/model.ts";

export const TOKEN = 10n ** 18n;
export const QUOTE = 1_000_000n;

/** WAD price from a decimal number of quote per token ("0.0122" → 1.22e16). */
export function wad(price: number): bigint {
  return BigInt(Math.round(price * 1e12)) * 1_000_000n;
}

export function curveState(overrides: Partial<CurveState> = {}): CurveState {
  const supply = overrides.supply ?? 2_200_000n * TOKEN;
  const slope = 1_000_000_000n; // 1e-9 quote per token per token, WAD
  const base = 10n ** 16n; // 0.01
  const priceWad = (slope * supply) / TOKEN + base;
  return {
    kind: "linear",
    params: [slope, base, 0n, 0n],
    scaleWad: TOKEN,
    priceWad,
    supply,
    maxSupply: 500_000_000n * TOKEN,
    reserve: 24_500n * QUOTE,
    treasuryAccrued: 0n,
    buyFeeBps: 100,
    sellFeeBps: 100,
    treasuryShareBps: 5000,
    paused: false,
    ...overrides,
  };
}

export function poolState(reserveToken = 100_000n * TOKEN, reserveQuote = 1_220n * QUOTE, feeBps = 30): PoolState {
  const totalLiquidity = 11_045_361_017_187_260n;
  const priceWad = new PoolModel({ reserveToken, reserveQuote, feeBps, totalLiquidity }).priceWad();
  return { reserveToken, reserveQuote, feeBps, priceWad, totalLiquidity };
}

/** The pool after a swap of `amountIn` of the token or the quote, as the contract leaves it. */
export function poolAfterSwap(pool: PoolState, sell: "token" | "quote", amountIn: bigint): PoolState {
  const model = PoolModel.fromPoolState(pool);
  model.swapExactIn(sell === "token", amountIn, 0n);
  return { ...pool, ...model.state, priceWad: model.priceWad() };
}

export const GAS: GasTerms = {
  priorityFeeWei: 1_000_000_000n,
  baseFeeWei: 0n,
  ethPriceQuote: 3_000n * QUOTE,
  limits: {
    buyCurve: 200_000n,
    buyCurveWithQuote: 250_000n,
    sellCurve: 200_000n,
    swap: 150_000n,
    swapExactOut: 150_000n,
    addLiquidity: 250_000n,
    removeLiquidity: 200_000n,
    releaseVested: 150_000n,
    stake: 250_000n,
    unstake: 200_000n,
    claimRewards: 200_000n,
    requestCompute: 200_000n,
    useCredits: 100_000n,
    provideCapacity: 250_000n,
    withdrawCapacity: 200_000n,
    claimResourceEarnings: 150_000n,
    buybackCollect: 200_000n,
    buybackExecute: 400_000n,
  },
};

export interface ObservationOverrides extends Partial<Omit<Observation, "self" | "curve" | "pool">> {
  curve?: Partial<CurveState>;
  pool?: PoolState;
  self?: Partial<Observation["self"]>;
}

export function observation(o: ObservationOverrides = {}): Observation {
  const { curve, pool, self, ...rest } = o;
  return {
    step: 1,
    block: 100n,
    timestamp: 1_767_225_600n,
    blockSeconds: 12,
    mode: "sequential",
    history: { curve: [], pool: [] },
    gas: GAS,
    ...rest,
    curve: curveState(curve),
    pool: pool ?? poolState(),
    self: {
      id: "agent",
      address: "0x00000000000000000000000000000000000a6e57",
      holdings: { tokens: 10_000n * TOKEN, quote: 10_000n * QUOTE, lp: 0n },
      claimable: 0n,
      locked: 0n,
      pnlQuote: 0n,
      ...self,
    },
  };
}

/** A quoter that answers from a fixed table, or fails the test when asked something unexpected. */
export function quoter(answers: Partial<Quoter> = {}): Quoter {
  const unexpected = (name: string) => () => Promise.reject(new Error(`unexpected quote ${name}`));
  return {
    curveBuyExactTokens: answers.curveBuyExactTokens ?? unexpected("curveBuyExactTokens"),
    curveBuyExactQuote: answers.curveBuyExactQuote ?? unexpected("curveBuyExactQuote"),
    curveSell: answers.curveSell ?? unexpected("curveSell"),
  };
}

export function context(seed = 1n, answers: Partial<Quoter> = {}): DecideContext {
  return { rng: new Random(seed), quoter: quoter(answers) };
}
