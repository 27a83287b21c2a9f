// What a run may spend on its models: tokens (input + output) or US dollars, for the whole run (the
// scenario's top-level `llm.budget.tokens` / `usd`) and for each agent (`perAgentTokens` /
// `perAgentUsd`, from the agent's merged settings). Calls are charged in the order they were started
// (run-llm.ts), so the same run is stopped by the same call every time; the call that would take a
// total past its limit is the last one: its answer is recorded but not acted on, and the run stops.

import type { LlmSettings, LlmUsage } from "./client.ts";

/** US dollars a call's usage costs at `pricing` (cached input at its own price, else at the input price); 0 without pricing. */
export function usdOf(usage: LlmUsage, pricing: LlmSettings["pricing"]): number {
  if (pricing === undefined) return 0;
  const cached = Math.min(usage.cachedTokens, usage.inputTokens);
  const cachedPrice = pricing.cachedPerMTok ?? pricing.inputPerMTok;
  return (
    ((usage.inputTokens - cached) * pricing.inputPerMTok +
      cached * cachedPrice +
      usage.outputTokens * pricing.outputPerMTok) /
    1e6
  );
}

/** Tokens a call counts against a budget: what it read and what it wrote. */
export function tokensOf(usage: LlmUsage): number {
  return usage.inputTokens + usage.outputTokens;
}

interface Spent {
  tokens: number;
  usd: number;
}

export class LlmBudget {
  private readonly run: { tokens?: number; usd?: number };
  private readonly total: Spent = { tokens: 0, usd: 0 };
  private readonly byAgent = new Map<string, Spent>();

  constructor(run: LlmSettings["budget"] = {}) {
    this.run = {
      ...(run.tokens === undefined ? {} : { tokens: run.tokens }),
      ...(run.usd === undefined ? {} : { usd: run.usd }),
    };
  }

  /** The run's spending so far. */
  get spent(): Readonly<Spent> {
    return this.total;
  }

  /**
   * Charges one call to the run and to `agent`; returns why it takes a total past its limit (and
   * then the run must stop), or undefined while every total is within its limit.
   */
  charge(agent: string, usage: LlmUsage, settings: LlmSettings): string | undefined {
    const tokens = tokensOf(usage);
    const usd = usdOf(usage, settings.pricing);
    const mine = this.byAgent.get(agent) ?? { tokens: 0, usd: 0 };
    this.byAgent.set(agent, mine);
    this.total.tokens += tokens;
    this.total.usd += usd;
    mine.tokens += tokens;
    mine.usd += usd;
    const over = (spent: number, limit: number | undefined) => limit !== undefined && spent > limit;
    const money = (value: number) => `$${value.toFixed(6)}`;
    if (over(this.total.tokens, this.run.tokens))
      return `the run's LLM budget of ${this.run.tokens} tokens: ${agent}'s call of ${tokens} tokens brings it to ${this.total.tokens}`;
    if (over(this.total.usd, this.run.usd))
      return `the run's LLM budget of ${money(this.run.usd!)}: ${agent}'s call of ${money(usd)} brings it to ${money(this.total.usd)}`;
    const own = settings.budget ?? {};
    if (over(mine.tokens, own.perAgentTokens))
      return `${agent}'s LLM budget of ${own.perAgentTokens} tokens: its call of ${tokens} tokens brings it to ${mine.tokens}`;
    if (over(mine.usd, own.perAgentUsd))
      return `${agent}'s LLM budget of ${money(own.perAgentUsd!)}: its call of ${money(usd)} brings it to ${money(mine.usd)}`;
    return undefined;
  }
}
