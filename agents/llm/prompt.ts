// The prompt of a language-model trader: the exact math of the venues it may trade on, then the
// numbers of this step — the observation, its holdings, exact quotes for the trades it may make (the
// fast model's, equal to the contracts to the wei) and the allowed actions with their limits. Every
// number is written exactly (decimal strings of the contract values), and nothing in the prompt
// depends on anything but the observation and the config, so the same step gives the same prompt,
// byte for byte, and a cassette (cassette.ts) can answer it.

import { formatDecimal, QUOTE_DECIMALS, TOKEN_DECIMALS } from "../core/units.ts";
import type { CurveState } from "../mechanisms/market/state.ts";
import type { Observation } from "../mechanisms/vocabulary.ts";
import type { LlmMessage } from "./client.ts";
import type { ActionKind } from "./schemas.ts";

/** One quoted trade: what the agent gives and what it gets, exactly (undefined: the trade cannot be done). */
export interface QuotedTrade {
  kind: Exclude<ActionKind, "hold">;
  /** Quote units (buys) or token wei (sells) in. */
  amountIn: bigint;
  /** Token wei (buys) or quote units (sells) out; undefined when the contract would refuse it. */
  amountOut: bigint | undefined;
}

export interface PromptInput {
  agentId: string;
  /** What the agent tries to do, in the scenario's words. */
  goal: string;
  obs: Observation;
  kinds: readonly ActionKind[];
  /** Largest quote a buy may spend this step (quote units) and largest sale (token wei), holdings included. */
  maxBuyQuote: bigint;
  maxSellTokens: bigint;
  maxSlippageBps: number;
  quotes: readonly QuotedTrade[];
  /** Prices shown from the history, oldest first. */
  historyShown: number;
}

const quote = (units: bigint) => formatDecimal(units, QUOTE_DECIMALS);
const tokens = (wei: bigint) => formatDecimal(wei, TOKEN_DECIMALS);
const price = (wad: bigint) => formatDecimal(wad, 18);

const ACTION_TEXT: Record<ActionKind, string> = {
  hold: '{"kind":"hold"}: no trade this step',
  buyCurve:
    '{"kind":"buyCurve","quote":"<quote to spend>","maxSlippageBps":<bps>}: buy tokens from the bonding curve with that much quote (fee included)',
  sellCurve:
    '{"kind":"sellCurve","tokens":"<tokens>","maxSlippageBps":<bps>}: sell tokens back to the bonding curve for its refund',
  buyPool:
    '{"kind":"buyPool","quote":"<quote to spend>","maxSlippageBps":<bps>}: swap that much quote for tokens in the pool',
  sellPool:
    '{"kind":"sellPool","tokens":"<tokens>","maxSlippageBps":<bps>}: swap that many tokens for quote in the pool',
};

/** The curve's price formula with this market's parameters (S: supply in whole tokens). */
export function curveFormula(curve: CurveState): string {
  const [a, b, c, d] = curve.params.map(price) as [string, string, string, string];
  const scale = curve.scaleWad === 10n ** 18n ? "" : ` × ${price(curve.scaleWad)} (its scale after a retune)`;
  switch (curve.kind) {
    case "linear":
      return `linear: price(S) = ${a} × S + ${b}${scale}`;
    case "exponential":
      return `exponential: price(S) = ${a} × e^(${b} × S)${scale}`;
    case "sigmoid":
      return `sigmoid: price(S) = ${a} / (1 + e^(−${b} × (S − ${c}))) + ${d}${scale}`;
  }
}

/** The system message: who it is, the math, the actions and the answer's form. */
export function systemMessage(input: PromptInput): string {
  const { obs } = input;
  const lines = [
    `You are ${input.agentId}, a trading agent in a token-economy simulation that runs on real contracts. Each step (one block, ${obs.blockSeconds} s) you choose one action.`,
    `Your goal: ${input.goal}`,
    "",
    "How the venues work (the contracts' exact math; quote has 6 decimals, tokens 18):",
    `- Bonding curve, ${curveFormula(obs.curve)}, quote per token. Buying ΔS tokens costs the integral of price(S) from S to S + ΔS, rounded up, plus the buy fee (buyFeeBps of it); buying with an amount of quote buys the most tokens that amount pays for, fee included. Selling ΔS tokens refunds the integral from S − ΔS to S, rounded down, less the sell fee (sellFeeBps). Buys mint and sells burn, so each trade moves the price along the curve. A paused curve refuses every trade.`,
    "- Pool, constant product x·y = k between tokens and quote: selling amountIn of one side gives out = floor(amountIn × (10000 − feeBps) × reserveOut / (reserveIn × 10000 + amountIn × (10000 − feeBps))).",
    "- Your trade is sent with a limit: the least it may give you is the quoted amount less maxSlippageBps of it. Other agents trade in the same block, before or after you; if they move the price past your limit, your trade reverts and you still pay its gas.",
    `- Each transaction pays gas (about 100,000 gas at ${formatDecimal(obs.gas.priorityFeeWei + obs.gas.baseFeeWei, 9)} gwei, ETH at ${quote(obs.gas.ethPriceQuote)} quote).`,
    "",
    "Actions you may take (one per step):",
    ...["hold", ...input.kinds.filter((k) => k !== "hold")].map((k) => `- ${ACTION_TEXT[k as ActionKind]}`),
    "",
    'Answer with one JSON object: {"reasoning": "<why, quoting the numbers you used>", "action": <one action above>}. Amounts are decimal strings. An answer outside the limits is refused and you skip the step.',
  ];
  return lines.join("\n");
}

/** The user message: this step's numbers. */
export function stepMessage(input: PromptInput): string {
  const { obs } = input;
  const { curve, pool } = obs;
  const recent = (venue: "curve" | "pool") =>
    (obs.history[venue] ?? []).slice(-input.historyShown).map(price).join(", ") || "none yet";
  const lines = [
    `Step ${obs.step} (block ${obs.block}, timestamp ${obs.timestamp}).`,
    "",
    "Bonding curve:",
    `- price ${price(curve.priceWad)} quote per token; supply ${tokens(curve.supply)} of at most ${tokens(curve.maxSupply)} tokens; reserve ${quote(curve.reserve)} quote`,
    `- buy fee ${curve.buyFeeBps} bps, sell fee ${curve.sellFeeBps} bps; ${curve.paused ? "PAUSED: no trades" : "open"}`,
    "Pool:",
    `- reserves ${tokens(pool.reserveToken)} tokens and ${quote(pool.reserveQuote)} quote; price ${price(pool.priceWad)} quote per token; fee ${pool.feeBps} bps`,
    `Recent prices, oldest first: curve ${recent("curve")}; pool ${recent("pool")}.`,
    "",
    "You hold:",
    `- ${quote(obs.self.holdings.quote)} quote and ${tokens(obs.self.holdings.tokens)} tokens; profit and loss so far ${quote(obs.self.pnlQuote)} quote (gas included)`,
    "",
    "Exact quotes at this step's state (before anyone else trades in the block):",
    ...(input.quotes.length === 0 ? ["- none: you can make no trade this step"] : input.quotes.map(quoteLine)),
    "",
    "Limits this step:",
    `- a buy spends at most ${quote(input.maxBuyQuote)} quote; a sale sells at most ${tokens(input.maxSellTokens)} tokens`,
    `- maxSlippageBps from 0 to ${input.maxSlippageBps}`,
  ];
  return lines.join("\n");
}

function quoteLine(q: QuotedTrade): string {
  const buy = q.kind === "buyCurve" || q.kind === "buyPool";
  const given = buy ? `${quote(q.amountIn)} quote` : `${tokens(q.amountIn)} tokens`;
  const got =
    q.amountOut === undefined
      ? "refused by the contract"
      : buy
        ? `${tokens(q.amountOut)} tokens`
        : `${quote(q.amountOut)} quote`;
  return `- ${q.kind} ${given} → ${got}`;
}

/** The conversation sent for one decision. */
export function traderMessages(input: PromptInput): LlmMessage[] {
  return [
    { role: "system", content: systemMessage(input) },
    { role: "user", content: stepMessage(input) },
  ];
}
