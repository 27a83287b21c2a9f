// A scripted LlmClient for tests and for recording the ready-made cassette: it answers from a function
// of the request alone (so the same request gets the same answer), reads the trader's prompt the way a
// model would (prices, limits), and counts usage from the text. `delayMs` makes answers arrive late,
// per request, to show that calls overlap and are still recorded in order.

import type { LlmAnswer, LlmClient, LlmRequest } from "../../agents/llm/client.ts";
import { formatDecimal, parseDecimal } from "../../agents/core/units.ts";

export interface ScriptedOptions {
  /** Milliseconds before the answer (default 0). */
  delayMs?: (request: LlmRequest) => number;
  /** Another answer for some requests (the JSON value the model returns). */
  answer?: (request: LlmRequest) => unknown;
}

export class ScriptedLlm implements LlmClient {
  readonly provider = "openai";
  readonly model: string;
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  private readonly options: ScriptedOptions;

  constructor(model = "scripted-trader", options: ScriptedOptions = {}) {
    this.model = model;
    this.options = options;
  }

  async complete(request: LlmRequest): Promise<LlmAnswer> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const delay = this.options.delayMs?.(request) ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const json = this.options.answer?.(request) ?? traderAnswer(request);
      const text = JSON.stringify(json);
      const input = request.messages.reduce((n, m) => n + m.content.length, 0);
      return {
        json,
        text,
        usage: { inputTokens: Math.ceil(input / 4), outputTokens: Math.ceil(text.length / 4), cachedTokens: 0 },
        latencyMs: delay + 0.25,
        raw: { scripted: true, id: `scripted-${this.calls}` },
      };
    } finally {
      this.inFlight--;
    }
  }
}

/** The step, the agent, the two prices and the limits, read from a trader's prompt. */
export function readPrompt(request: LlmRequest) {
  const system = request.messages[0]!.content;
  const user = request.messages[1]!.content;
  const number = (pattern: RegExp, text: string) => pattern.exec(text)?.[1] ?? "0";
  return {
    agent: number(/^You are ([^,]+),/, system),
    step: Number(number(/^Step (\d+)/, user)),
    curvePrice: Number(number(/Bonding curve:\n- price ([\d.]+)/, user)),
    poolPrice: Number(number(/Pool:\n- reserves .* price ([\d.]+) quote per token/, user)),
    maxBuy: number(/a buy spends at most ([\d.]+) quote/, user),
    maxSell: number(/a sale sells at most ([\d.]+) tokens/, user),
  };
}

/**
 * A simple trader: every 7th step an answer past its holdings (refused by the domain), every 11th one
 * that is not the schema's (refused by the schema); otherwise it buys a quarter of its limit where the
 * token is cheaper and sells a quarter of its limit where it is dearer, alternating by step.
 */
export function traderAnswer(request: LlmRequest): unknown {
  const p = readPrompt(request);
  if (p.step % 11 === 0) return { reasoning: "no", action: "buy everything" };
  if (p.step % 7 === 0)
    return { reasoning: "all in", action: { kind: "buyCurve", quote: "99999999", maxSlippageBps: 50 } };
  // A trader allowed only the pool trades only there.
  const curve = request.messages[0]!.content.includes('{"kind":"buyCurve"');
  const cheap = curve && p.curvePrice <= p.poolPrice ? "Curve" : "Pool";
  const dear = curve && cheap === "Pool" ? "Curve" : "Pool";
  const quarter = (text: string, decimals: number) => {
    const value = parseDecimal(text, decimals);
    return typeof value === "string" ? "0" : formatDecimal(value / 4n, decimals);
  };
  const buy = p.step % 2 === 1;
  const amount = buy ? quarter(p.maxBuy, 6) : quarter(p.maxSell, 18);
  if (amount === "0") return { reasoning: "nothing to trade", action: { kind: "hold" } };
  return buy
    ? {
        reasoning: `curve ${p.curvePrice} vs pool ${p.poolPrice}: buy where cheaper`,
        action: { kind: `buy${cheap}`, quote: amount, maxSlippageBps: 50 },
      }
    : {
        reasoning: `curve ${p.curvePrice} vs pool ${p.poolPrice}: sell where dearer`,
        action: { kind: `sell${dear}`, tokens: amount, maxSlippageBps: 50 },
      };
}
