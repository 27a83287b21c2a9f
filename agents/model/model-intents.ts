// One intent mined on the model: the contract call the World would encode for it (the agent is the
// recipient, the deadline the end of the step), run on the market, pool and vesting models with the
// contracts' checks in their order, then the ERC-20 transfers the call makes: a sender short of
// quote, tokens or LP shares reverts with ERC20InsufficientBalance where the token would, after the
// contract's own checks (before them for removeLiquidity, which burns first). A revert changes
// nothing but the gas paid. The agent's holdings move as the Transfer events would move the ledger,
// and the block's volume and fees as agents/world/ledger.ts counts them from the events.

import type { Address } from "viem";

import type { Holdings, Intent } from "../mechanisms/registry.ts";
import type { BlockFlows } from "../world/ledger.ts";
import type { MarketModel } from "../mechanisms/market/model.ts";
import { INTENT_GAS, successGas } from "./model-gas.ts";
import { ModelRevert } from "../core/model-revert.ts";
import type { PoolModel } from "../mechanisms/pool/model.ts";
import type { VestingModel } from "../mechanisms/vesting/model.ts";
import { BPS } from "../core/units.ts";

const UINT256_LIMIT = 1n << 256n;

/** The models an intent runs on; a trial that must be undone runs on a clone, which replaces the model when it stands. */
export interface ModelVenues {
  market: MarketModel;
  pool: PoolModel;
  vesting: VestingModel;
}

export interface IntentSender {
  address: Address;
  /** Holder key, for vesting schedules. */
  key: string;
  holdings: Holdings;
}

export interface MinedIntent {
  status: "success" | "reverted";
  gasUsed: bigint;
  error?: string;
}

/** The chain block the intent is mined in: its timestamp, the deadline it carries, and the pool fee its flows are valued at. */
export interface BlockContext {
  timestamp: bigint;
  deadline: bigint;
  /** The pool fee at the start of the step (the World values token-in pool fees with it). */
  poolFeeBps: bigint;
}

/**
 * The arguments the World would encode into calldata must be uint256 words; anything else is a bug
 * in the behaviour, and the World throws this same RangeError while encoding, before anything is sent.
 */
export function checkIntentWords(intent: Intent): void {
  switch (intent.kind) {
    case "buyCurve":
      return checkWords(intent.amount, intent.maxCost);
    case "buyCurveWithQuote":
      return checkWords(intent.quoteIn, intent.minOut);
    case "sellCurve":
      return checkWords(intent.amount, intent.minRefund);
    case "swap":
      return checkWords(intent.amountIn, intent.minOut);
    case "addLiquidity":
      return checkWords(intent.tokens, intent.quote, intent.minTokens, intent.minQuote);
    case "removeLiquidity":
      return checkWords(intent.liquidity, intent.minTokens, intent.minQuote);
    case "releaseVested":
      return;
  }
}

function checkWords(...words: bigint[]): void {
  for (const word of words)
    if (word < 0n || word >= UINT256_LIMIT) throw new RangeError(`calldata argument ${word} is not a uint256`);
}

export function mineIntent(
  venues: ModelVenues,
  sender: IntentSender,
  intent: Intent,
  block: BlockContext,
  flows: BlockFlows,
): MinedIntent {
  try {
    return applyIntent(venues, sender, intent, block, flows);
  } catch (error) {
    if (!(error instanceof ModelRevert)) throw error;
    const gas = INTENT_GAS[intent.kind];
    return {
      status: "reverted",
      gasUsed: error.errorName === "ERC20InsufficientBalance" ? gas.insufficientBalance : gas.reverted,
      error: error.message,
    };
  }
}

function applyIntent(
  venues: ModelVenues,
  sender: IntentSender,
  intent: Intent,
  block: BlockContext,
  flows: BlockFlows,
): MinedIntent {
  const h = sender.holdings;
  const short = (balance: bigint, needed: bigint) =>
    new ModelRevert("ERC20InsufficientBalance", { sender: sender.address, balance, needed });
  if (intent.kind !== "releaseVested" && block.timestamp > block.deadline) {
    throw new ModelRevert("DeadlineExpired", { deadline: block.deadline, timestamp: block.timestamp });
  }
  switch (intent.kind) {
    case "buyCurve": {
      let result: { cost: bigint; fee: bigint };
      if (h.quote >= intent.maxCost) result = venues.market.buyExactTokens(intent.amount, intent.maxCost);
      else {
        const trial = venues.market.clone();
        result = trial.buyExactTokens(intent.amount, intent.maxCost);
        if (result.cost > h.quote) throw short(h.quote, result.cost);
        venues.market = trial;
      }
      const gas = successGas("buyCurve", h.tokens === 0n ? 1 : 0, h.quote === result.cost ? 1 : 0);
      h.quote -= result.cost;
      h.tokens += intent.amount;
      flows.curveVolumeQuote += result.cost;
      flows.curveFeesQuote += result.fee;
      return { status: "success", gasUsed: gas };
    }
    case "buyCurveWithQuote": {
      if (h.quote < intent.quoteIn) {
        // It cannot pay: the revert is the market's own when its checks fail first, else the transfer's.
        venues.market.clone().buyExactQuote(intent.quoteIn, intent.minOut);
        throw short(h.quote, intent.quoteIn);
      }
      const result = venues.market.buyExactQuote(intent.quoteIn, intent.minOut);
      const gas = successGas("buyCurveWithQuote", h.tokens === 0n ? 1 : 0, h.quote === intent.quoteIn ? 1 : 0);
      h.quote -= intent.quoteIn;
      h.tokens += result.amount;
      flows.curveVolumeQuote += intent.quoteIn;
      flows.curveFeesQuote += result.fee;
      return { status: "success", gasUsed: gas };
    }
    case "sellCurve": {
      if (h.tokens < intent.amount) {
        venues.market.clone().sell(intent.amount, intent.minRefund);
        throw short(h.tokens, intent.amount);
      }
      const result = venues.market.sell(intent.amount, intent.minRefund);
      const gas = successGas(
        "sellCurve",
        h.quote === 0n && result.refund > 0n ? 1 : 0,
        h.tokens === intent.amount ? 1 : 0,
      );
      h.tokens -= intent.amount;
      h.quote += result.refund;
      flows.curveVolumeQuote += result.refund + result.fee;
      flows.curveFeesQuote += result.fee;
      return { status: "success", gasUsed: gas };
    }
    case "swap": {
      const tokenIn = intent.sell === "token";
      const balance = tokenIn ? h.tokens : h.quote;
      if (balance < intent.amountIn) {
        venues.pool.clone().swapExactIn(tokenIn, intent.amountIn, intent.minOut);
        throw short(balance, intent.amountIn);
      }
      const out = venues.pool.swapExactIn(tokenIn, intent.amountIn, intent.minOut);
      const received = tokenIn ? h.quote : h.tokens;
      const gas = successGas("swap", received === 0n ? 1 : 0, balance === intent.amountIn ? 1 : 0);
      const fee = block.poolFeeBps;
      if (tokenIn) {
        h.tokens -= intent.amountIn;
        h.quote += out;
        flows.poolVolumeQuote += out;
        // The fee's tokens, valued at the rate this swap got.
        if (fee < BPS) flows.poolFeesQuote += (out * fee) / (BPS - fee);
      } else {
        h.quote -= intent.amountIn;
        h.tokens += out;
        flows.poolVolumeQuote += intent.amountIn;
        flows.poolFeesQuote += (intent.amountIn * fee) / BPS;
      }
      return { status: "success", gasUsed: gas };
    }
    case "addLiquidity": {
      let result: { token: bigint; quote: bigint; liquidity: bigint };
      if (h.tokens >= intent.tokens && h.quote >= intent.quote)
        result = venues.pool.addLiquidity(intent.tokens, intent.quote, intent.minTokens, intent.minQuote);
      else {
        const trial = venues.pool.clone();
        result = trial.addLiquidity(intent.tokens, intent.quote, intent.minTokens, intent.minQuote);
        if (result.token > h.tokens) throw short(h.tokens, result.token);
        if (result.quote > h.quote) throw short(h.quote, result.quote);
        venues.pool = trial;
      }
      const emptied = (h.tokens === result.token ? 1 : 0) + (h.quote === result.quote ? 1 : 0);
      const gas = successGas("addLiquidity", h.lp === 0n ? 1 : 0, emptied);
      h.tokens -= result.token;
      h.quote -= result.quote;
      h.lp += result.liquidity;
      return { status: "success", gasUsed: gas };
    }
    case "removeLiquidity": {
      // The pool burns the shares first: a short balance fails before any amount is computed.
      if (h.lp < intent.liquidity) throw short(h.lp, intent.liquidity);
      const result = venues.pool.removeLiquidity(intent.liquidity, intent.minTokens, intent.minQuote);
      const fromZero = (h.tokens === 0n ? 1 : 0) + (h.quote === 0n ? 1 : 0);
      const gas = successGas("removeLiquidity", fromZero, h.lp === intent.liquidity ? 1 : 0);
      h.lp -= intent.liquidity;
      h.tokens += result.token;
      h.quote += result.quote;
      return { status: "success", gasUsed: gas };
    }
    case "releaseVested": {
      const amount = venues.vesting.releaseAll(sender.key, block.timestamp);
      const gas = successGas("releaseVested", h.tokens === 0n ? 1 : 0, venues.vesting.balance === 0n ? 1 : 0);
      h.tokens += amount;
      return { status: "success", gasUsed: gas };
    }
  }
}
