// A liquidity provider: from startStep it deposits depositQuote and the matching tokens at the
// pool's ratio. When the pool's price strays from the curve's by more than exitGapBps (the pool is
// about to be arbitraged, and its LPs to lose to it) it withdraws all its liquidity; it comes back
// once the gap has closed below enterGapBps. Its holdings of LP shares are the truth of where it
// is: a withdrawal that reverted is tried again, a deposit that reverted is retried as a re-entry.

import { child } from "../core/document-reader.ts";
import { minusBps, quoteToTokens, tokensToQuote } from "../core/units.ts";
import { UNITS } from "../inputs/scenario-reader.ts";
import { gapBps } from "../mechanisms/pool/quotes.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour } from "./behaviour.ts";
import { BehaviourConfigError, checkCommon, checkPositiveAmount, checkWholeNumber } from "./config-checks.ts";
import { quoteText, tokensText } from "./notes.ts";
import { amount, type BehaviourSpec, bps, type CommonConfig, period } from "./spec.ts";
import { intentBase } from "./trade.ts";

/** Provides liquidity to the pool; withdraws when the curve↔pool gap exceeds `exitGapBps`, returns below `enterGapBps`. */
export interface LiquidityProviderConfig extends CommonConfig {
  kind: "liquidityProvider";
  /** Quote it deposits (with the matching tokens at the pool's price), quote units. */
  depositQuote: bigint;
  startStep: number;
  exitGapBps: number;
  enterGapBps: number;
}

export const liquidityProvider: BehaviourSpec<LiquidityProviderConfig> = {
  kind: "liquidityProvider",
  summary: "deepens the pool, leaves when it strays from the curve",
  fields: [
    amount("depositQuote", UNITS.quote, "quote deposited, with the matching tokens at the pool's price"),
    period("startStep", "step it first deposits", { default: 1 }),
    bps("exitGapBps", "curve–pool gap at which it withdraws"),
    bps("enterGapBps", "gap below which it returns (at most `exitGapBps`)"),
  ],
  check(r, { path, config }) {
    const { exitGapBps: exit, enterGapBps: enter } = config;
    if (exit !== undefined && enter !== undefined && enter > exit) {
      r.failText(
        child(path, "enterGapBps"),
        `at most exitGapBps (${exit}), or it would leave as soon as it entered`,
        `${enter}`,
      );
    }
  },
  create: createLiquidityProvider,
};

export function createLiquidityProvider(config: LiquidityProviderConfig): Behaviour {
  checkLiquidityProviderConfig(config);
  // At startStep it enters at any gap it would not leave at; from then on, like after a withdrawal, it
  // waits for the gap to close below enterGapBps.
  let started = false;
  return {
    kind: config.kind,
    label: config.label || config.kind,
    step(obs) {
      if (obs.step < config.startStep) return [];
      const isStart = !started;
      started = true;
      const gap = gapBps(obs.curve.priceWad, obs.pool.priceWad);
      const distance = Math.abs(gap);
      if (obs.self.holdings.lp > 0n && distance > config.exitGapBps) {
        const intent = withdrawAll(config, obs, `gap ${gap} bps beyond ±${config.exitGapBps}: withdraw all liquidity`);
        return intent === undefined ? [] : [intent];
      }
      const mayEnter = isStart
        ? distance <= config.exitGapBps
        : obs.self.holdings.lp === 0n && distance < config.enterGapBps;
      if (!mayEnter) return [];
      const intent = deposit(config, obs, isStart ? "" : `gap ${gap} bps within ±${config.enterGapBps}: `);
      return intent === undefined ? [] : [intent];
    },
  };
}

/** depositQuote and the tokens that match it at the pool's ratio (the curve's price for an empty pool), both capped by holdings. */
function deposit(config: LiquidityProviderConfig, obs: Observation, why: string): Intent | undefined {
  const { reserveToken, reserveQuote, totalLiquidity } = obs.pool;
  const held = obs.self.holdings;
  const empty = reserveToken === 0n || reserveQuote === 0n;
  const tokensFor = (quote: bigint) =>
    empty ? quoteToTokens(quote, obs.curve.priceWad) : (quote * reserveToken) / reserveQuote;
  const quoteFor = (tokens: bigint) =>
    empty ? tokensToQuote(tokens, obs.curve.priceWad) : (tokens * reserveQuote) / reserveToken;
  let quote = config.depositQuote < held.quote ? config.depositQuote : held.quote;
  let tokens = tokensFor(quote);
  if (tokens > held.tokens) {
    tokens = held.tokens;
    quote = quoteFor(tokens);
  }
  if (tokens === 0n || quote === 0n) return undefined;
  // The pool mints the smaller of the two shares; a deposit too small to mint one reverts.
  if (!empty && totalLiquidity > 0n) {
    const shares = [(tokens * totalLiquidity) / reserveToken, (quote * totalLiquidity) / reserveQuote];
    if (shares[0] === 0n || shares[1] === 0n) return undefined;
  }
  const note = `${why}deposit ${quoteText(quote)} + ${tokensText(tokens)} at the pool's ratio`;
  return {
    kind: "addLiquidity",
    tokens,
    quote,
    minTokens: minusBps(tokens, config.slippageBps),
    minQuote: minusBps(quote, config.slippageBps),
    ...intentBase(config, note),
  };
}

/** Burns all its LP shares for its part of both reserves, less the slippage it accepts. */
function withdrawAll(config: LiquidityProviderConfig, obs: Observation, note: string): Intent | undefined {
  const { lp } = obs.self.holdings;
  const { reserveToken, reserveQuote, totalLiquidity } = obs.pool;
  if (totalLiquidity === 0n) return undefined;
  const tokens = (lp * reserveToken) / totalLiquidity;
  const quote = (lp * reserveQuote) / totalLiquidity;
  return {
    kind: "removeLiquidity",
    liquidity: lp,
    minTokens: minusBps(tokens, config.slippageBps),
    minQuote: minusBps(quote, config.slippageBps),
    ...intentBase(config, note),
  };
}

function checkLiquidityProviderConfig(config: LiquidityProviderConfig): void {
  checkCommon(config);
  checkPositiveAmount(config, "depositQuote", config.depositQuote, "quote units");
  checkWholeNumber(config, "startStep", config.startStep, 0);
  checkWholeNumber(config, "exitGapBps", config.exitGapBps, 0);
  checkWholeNumber(config, "enterGapBps", config.enterGapBps, 0);
  if (config.enterGapBps > config.exitGapBps) {
    throw new BehaviourConfigError(
      config,
      "enterGapBps",
      `(${config.enterGapBps}) must be <= exitGapBps (${config.exitGapBps})`,
      "or it would re-enter at a gap it leaves at; lower enterGapBps",
    );
  }
}
