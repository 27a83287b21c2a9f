// A language-model trader (`kind: llm`): each step it shows a model the exact math and numbers of the
// market (llm/prompt.ts: the observation, its holdings, exact quotes for the trades it may make, the
// allowed actions and their limits) and asks for one decision in a JSON schema (llm/schemas.ts). The
// answer is checked twice: by the schema, then by the domain (what it holds, its limits, a paused
// curve, a trade the contract would refuse). A refused answer is recorded with its reason and the
// agent skips the step; the battle goes on. The model is the run's (llm/run-llm.ts: live, recorded or
// replayed from a cassette), reached through an LlmHost, so the behaviour itself stays deterministic:
// the same observation gives the same request, and the same answer the same intents.

import { child } from "../core/document-reader.ts";
import { ArenaError } from "../core/errors.ts";
import { formatDecimal, parseDecimal, QUOTE_DECIMALS, TOKEN_DECIMALS } from "../core/units.ts";
import { type LlmShared, readTraderLlm } from "../inputs/llm-reader.ts";
import { UNITS } from "../inputs/scenario-reader.ts";
import type { LlmSettings } from "../llm/client.ts";
import type { LlmHost, Validation } from "../llm/host.ts";
import { type PromptInput, type QuotedTrade, traderMessages } from "../llm/prompt.ts";
import { type Action, type ActionKind, decisionJsonSchema, parseDecision } from "../llm/schemas.ts";
import { poolAmountOut } from "../mechanisms/pool/quotes.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour } from "./behaviour.ts";
import { BehaviourConfigError, checkCommon, checkPositiveAmount } from "./config-checks.ts";
import { marketOf, sellRefund, tokensFor } from "./curve-quotes.ts";
import { amount, type BehaviourSpec, type CommonConfig, type VenueChoice } from "./spec.ts";
import { buyIntent, intentBase, sellIntent } from "./trade.ts";

export interface LlmTraderConfig extends CommonConfig {
  kind: "llm";
  venues: VenueChoice[];
  /** Largest buy per step, quote units. */
  maxQuote: bigint;
  /** Largest sale per step, token wei. */
  maxSellTokens: bigint;
  /** What it tries to do, in the prompt. */
  goal: string;
  /** The scenario's `llm` merged with the behaviour's own, field by field (the behaviour's winning). */
  settings: LlmSettings;
}

export const DEFAULT_GOAL = "grow the value of your holdings in quote, net of gas, by the end of the run";

/** Prices of the history shown in a prompt (the newest). */
export const HISTORY_SHOWN = 8;

/** An llm behaviour built outside a run that has a model for it. */
export class LlmHostMissing extends ArenaError {}

export const llmTrader: BehaviourSpec<LlmTraderConfig> = {
  kind: "llm",
  summary: "a language model deciding each step from the exact numbers (see the README's LLM traders)",
  note: "The model is the scenario's `llm` section, merged with the behaviour's own `llm` field by field; `bin/arena battle --llm live|record|replay` says whether it is asked or answered from the cassette.",
  fields: [
    { name: "venues", type: "venues", meaning: "list of `curve`, `pool`: where it may buy and sell" },
    amount("maxQuote", UNITS.quote, "largest buy per step, quote"),
    amount("maxSellTokens", UNITS.tokens, "largest sale per step, tokens"),
    {
      name: "goal",
      type: "custom",
      optional: true,
      shownDefault: `"${DEFAULT_GOAL}"`,
      meaning: "what it tries to do, in its prompt (free text, up to 500 characters)",
    },
    {
      name: "llm",
      type: "custom",
      optional: true,
      shownDefault: "the scenario's `llm`",
      meaning: "this agent's model settings over the scenario's (`provider`, `model`, `temperature`, …)",
    },
  ],
  check(r, { path, file, config, context }) {
    const goal = file.goal;
    if (goal === undefined) config.goal = DEFAULT_GOAL;
    else if (typeof goal !== "string" || goal.trim() === "" || goal.length > 500)
      r.fail(child(path, "goal"), "free text of 1 to 500 characters: what the agent tries to do", goal);
    else config.goal = goal;
    const settings = readTraderLlm(r, file.llm, child(path, "llm"), context.llm as LlmShared | undefined);
    if (settings !== undefined) config.settings = settings;
  },
  create() {
    throw new LlmHostMissing(
      "an llm behaviour needs a model: it runs in battles (bin/arena battle --llm live|record|replay), not in experiments, evaluations or model battles; use a rule-based behaviour there",
    );
  },
};

/** The trader, asking `host` for its decisions. */
export function createLlmTrader(config: LlmTraderConfig, host: LlmHost): Behaviour {
  checkCommon(config);
  checkPositiveAmount(config, "maxQuote", config.maxQuote, "quote units");
  checkPositiveAmount(config, "maxSellTokens", config.maxSellTokens, "token wei");
  if (config.venues.length === 0)
    throw new BehaviourConfigError(config, "venues", "must list curve and/or pool", 'set venues to ["curve", "pool"]');
  const kinds = kindsOf(config.venues);
  const schema = decisionJsonSchema(kinds, config.slippageBps);
  const { temperature, seed, maxTokens } = config.settings;
  return {
    kind: config.kind,
    label: config.label || config.kind,
    decidesAhead: true,
    step(obs) {
      const input = promptInput(config, kinds, obs);
      return host.decide(
        {
          agent: obs.self.id,
          step: obs.step,
          settings: config.settings,
          request: {
            messages: traderMessages(input),
            schema,
            temperature,
            ...(seed === undefined ? {} : { seed }),
            maxTokens,
          },
        },
        (json) => validateAnswer(config, kinds, obs, json),
      );
    },
  };
}

/** The action kinds its venues allow, hold first. */
export function kindsOf(venues: readonly VenueChoice[]): ActionKind[] {
  const kinds: ActionKind[] = ["hold"];
  if (venues.includes("curve")) kinds.push("buyCurve", "sellCurve");
  if (venues.includes("pool")) kinds.push("buyPool", "sellPool");
  return kinds;
}

/** What the prompt shows at `obs`: limits from the config and the holdings, and exact quotes at a quarter, half and all of them. */
export function promptInput(config: LlmTraderConfig, kinds: readonly ActionKind[], obs: Observation): PromptInput {
  const { quote, tokens } = obs.self.holdings;
  const maxBuyQuote = quote < config.maxQuote ? quote : config.maxQuote;
  const maxSellTokens = tokens < config.maxSellTokens ? tokens : config.maxSellTokens;
  const quotes: QuotedTrade[] = [];
  const sizes = (max: bigint) => [...new Set([max / 4n, max / 2n, max])].filter((size) => size > 0n);
  const market = marketOf(obs.curve);
  for (const kind of kinds) {
    if (kind === "hold" || (kind.endsWith("Curve") && obs.curve.paused)) continue;
    const buy = kind === "buyCurve" || kind === "buyPool";
    for (const size of sizes(buy ? maxBuyQuote : maxSellTokens)) {
      quotes.push({ kind, amountIn: size, amountOut: quoted(kind, size, obs, market) });
    }
  }
  return {
    agentId: obs.self.id,
    goal: config.goal,
    obs,
    kinds,
    maxBuyQuote,
    maxSellTokens,
    maxSlippageBps: config.slippageBps,
    quotes,
    historyShown: HISTORY_SHOWN,
  };
}

function quoted(
  kind: Exclude<ActionKind, "hold">,
  size: bigint,
  obs: Observation,
  market: ReturnType<typeof marketOf>,
): bigint | undefined {
  switch (kind) {
    case "buyCurve": {
      const out = tokensFor(market, size);
      return out === 0n ? undefined : out;
    }
    case "sellCurve":
      return sellRefund(market, size);
    case "buyPool":
      return poolAmountOut(obs.pool, "quote", size) || undefined;
    case "sellPool":
      return poolAmountOut(obs.pool, "token", size) || undefined;
  }
}

/** The answer checked by the schema, then by the domain at `obs`: the intents, or why it is refused. */
export function validateAnswer(
  config: LlmTraderConfig,
  kinds: readonly ActionKind[],
  obs: Observation,
  json: unknown,
): Validation {
  const parsed = parseDecision(json, kinds, config.slippageBps);
  if ("problem" in parsed) return { status: "rejected", reason: parsed.problem };
  const action = parsed.decision.action;
  if (action.kind === "hold") return { status: "accepted", intents: [], action: "hold" };
  const problem = domainProblem(config, obs, action);
  if (typeof problem === "string") return { status: "rejected", reason: problem };
  return { status: "accepted", intents: [problem], action: describe(action) };
}

function describe(action: Exclude<Action, { kind: "hold" }>): string {
  return "quote" in action ? `${action.kind} ${action.quote} quote` : `${action.kind} ${action.tokens} tokens`;
}

/** The intent the action makes, or what is wrong with it. */
function domainProblem(
  config: LlmTraderConfig,
  obs: Observation,
  action: Exclude<Action, { kind: "hold" }>,
): Intent | string {
  const venue = action.kind.endsWith("Curve") ? "curve" : "pool";
  if (venue === "curve" && obs.curve.paused) return `${action.kind}: the curve is paused; hold or trade on the pool`;
  if (action.maxSlippageBps > config.slippageBps)
    return `${action.kind}: maxSlippageBps ${action.maxSlippageBps} is above the limit of ${config.slippageBps}`;
  const base = intentBase(config, `llm: ${describe(action)}`);
  const { quote: heldQuote, tokens: heldTokens } = obs.self.holdings;
  if ("quote" in action) {
    const spend = parseDecimal(action.quote, QUOTE_DECIMALS);
    if (typeof spend === "string") return `${action.kind}: quote "${action.quote}" is ${spend} (quote has 6 decimals)`;
    if (spend === 0n) return `${action.kind}: quote must be more than 0`;
    if (spend > heldQuote)
      return `${action.kind}: spends ${action.quote} quote but holds only ${formatDecimal(heldQuote, QUOTE_DECIMALS)}`;
    if (spend > config.maxQuote)
      return `${action.kind}: spends ${action.quote} quote, above the limit of ${formatDecimal(config.maxQuote, QUOTE_DECIMALS)} per step`;
    return (
      buyIntent(obs, venue, { quote: spend }, action.maxSlippageBps, base) ??
      `${action.kind}: the contract would refuse it (nothing would come out, or it passes the max supply)`
    );
  }
  const sell = parseDecimal(action.tokens, TOKEN_DECIMALS);
  if (typeof sell === "string") return `${action.kind}: tokens "${action.tokens}" is ${sell} (tokens have 18 decimals)`;
  if (sell === 0n) return `${action.kind}: tokens must be more than 0`;
  if (sell > heldTokens)
    return `${action.kind}: sells ${action.tokens} tokens but holds only ${formatDecimal(heldTokens, TOKEN_DECIMALS)}`;
  if (sell > config.maxSellTokens)
    return `${action.kind}: sells ${action.tokens} tokens, above the limit of ${formatDecimal(config.maxSellTokens, TOKEN_DECIMALS)} per step`;
  return (
    sellIntent(obs, venue, sell, action.maxSlippageBps, base) ??
    `${action.kind}: the contract would refuse it (nothing would come out, or the reserve cannot pay it)`
  );
}
