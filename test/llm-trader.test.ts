// The language-model trader without a chain: its prompt carries the exact quotes, its schema only the
// actions it may take, every answer is checked by the schema and the domain (a refused answer is a
// skipped step with its reason), the scenario's `llm` settings are read and merged with every mistake
// named, and calls started together overlap while being recorded in the order they were started.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { createLlmTrader, kindsOf, type LlmTraderConfig, validateAnswer } from "../agents/behaviours/llm-trader.ts";
import { marketOf, tokensFor } from "../agents/behaviours/curve-quotes.ts";
import { minusBps } from "../agents/core/units.ts";
import { parseScenario, ScenarioError } from "../agents/inputs/scenario.ts";
import { usdOf } from "../agents/llm/budget.ts";
import { cassetteKey } from "../agents/llm/cassette.ts";
import type { LlmRequest } from "../agents/llm/client.ts";
import type { LlmCallRecord } from "../agents/llm/recorder.ts";
import { LlmRun } from "../agents/llm/run-llm.ts";
import { decisionJsonSchema } from "../agents/llm/schemas.ts";
import { poolAmountOut } from "../agents/mechanisms/pool/quotes.ts";
import { context, observation, QUOTE, TOKEN } from "./behaviours/observation.ts";
import { ScriptedLlm } from "./helpers/scripted-llm.ts";

const SETTINGS = {
  provider: "openai",
  model: "m",
  temperature: 0,
  maxTokens: 300,
  timeoutMs: 1000,
  retries: 0,
  concurrency: 4,
} as const;

function config(overrides: Partial<LlmTraderConfig> = {}): LlmTraderConfig {
  return {
    kind: "llm",
    label: "llm",
    slippageBps: 100,
    venues: ["curve", "pool"],
    maxQuote: 100n * QUOTE,
    maxSellTokens: 5_000n * TOKEN,
    goal: "make money",
    settings: { ...SETTINGS },
    ...overrides,
  };
}

const HOLDINGS = { holdings: { quote: 500n * QUOTE, tokens: 20_000n * TOKEN, lp: 0n } };

/** The request a trader sends at `obs`, caught by a host that answers hold. */
async function requestOf(c: LlmTraderConfig, obs = observation({ self: HOLDINGS })): Promise<LlmRequest> {
  let seen: LlmRequest | undefined;
  const trader = createLlmTrader(c, {
    decide: async (call) => {
      seen = call.request;
      return [];
    },
  });
  await trader.step(obs, context(1n));
  return seen!;
}

describe("llm trader", function () {
  it("gives the model the exact quotes of the trades it may make, and the same prompt for the same step", async () => {
    const obs = observation({ self: HOLDINGS });
    const request = await requestOf(config(), obs);
    const user = request.messages[1]!.content;
    const tokensOut = tokensFor(marketOf(obs.curve), 100n * QUOTE);
    expect(user).to.contain(`- buyCurve 100 quote → ${formatTokens(tokensOut)} tokens`);
    expect(user).to.contain(
      `- sellPool 5000 tokens → ${formatQuote(poolAmountOut(obs.pool, "token", 5_000n * TOKEN))} quote`,
    );
    expect(user).to.contain("a buy spends at most 100 quote; a sale sells at most 5000 tokens");
    expect(user).to.contain("500 quote and 20000 tokens");
    expect(request.messages[0]!.content).to.contain("linear: price(S) = 0.000000001 × S + 0.01");
    expect(cassetteKey("openai", "m", await requestOf(config(), obs))).to.equal(cassetteKey("openai", "m", request));
    // A paused curve: no curve quotes, and the prompt says so.
    const paused = await requestOf(config(), observation({ self: HOLDINGS, curve: { paused: true } }));
    expect(paused.messages[1]!.content).to.contain("PAUSED").and.not.contain("- buyCurve");
  });

  it("sends a schema of only the actions its venues allow, one per kind", () => {
    const schema = decisionJsonSchema(kindsOf(["pool"]), 100).jsonSchema as {
      properties: { action: { anyOf: { properties: { kind: { const: string } } }[] } };
    };
    expect(schema.properties.action.anyOf.map((a) => a.properties.kind.const)).to.deep.equal([
      "hold",
      "buyPool",
      "sellPool",
    ]);
  });

  it("turns an accepted answer into the intent, its limit from the model's slippage and the exact quote", () => {
    const obs = observation({ self: HOLDINGS });
    const c = config();
    const verdict = validateAnswer(c, kindsOf(c.venues), obs, {
      reasoning: "cheap",
      action: { kind: "buyCurve", quote: "40.5", maxSlippageBps: 30 },
    });
    const expected = minusBps(tokensFor(marketOf(obs.curve), 40_500_000n), 30);
    expect(verdict).to.deep.equal({
      status: "accepted",
      action: "buyCurve 40.5 quote",
      intents: [
        { kind: "buyCurveWithQuote", quoteIn: 40_500_000n, minOut: expected, note: "llm: buyCurve 40.5 quote" },
      ],
    });
    expect(validateAnswer(c, kindsOf(c.venues), obs, { reasoning: "wait", action: { kind: "hold" } })).to.deep.equal({
      status: "accepted",
      action: "hold",
      intents: [],
    });
  });

  it("refuses answers the schema or the domain refuses, saying why", () => {
    const c = config({ venues: ["curve"] });
    const kinds = kindsOf(c.venues);
    const obs = observation({ self: HOLDINGS });
    const reason = (json: unknown, o = obs) => {
      const verdict = validateAnswer(c, kinds, o, json);
      return verdict.status === "rejected" ? verdict.reason : `accepted ${JSON.stringify(verdict)}`;
    };
    const buy = (quote: string, maxSlippageBps = 50) => ({
      reasoning: "r",
      action: { kind: "buyCurve", quote, maxSlippageBps },
    });
    expect(reason(buy("600"))).to.equal("buyCurve: spends 600 quote but holds only 500");
    expect(reason(buy("150"))).to.equal("buyCurve: spends 150 quote, above the limit of 100 per step");
    expect(reason(buy("1.0000001"))).to.equal(
      'buyCurve: quote "1.0000001" is too many decimal places (quote has 6 decimals)',
    );
    expect(reason(buy("0"))).to.equal("buyCurve: quote must be more than 0");
    expect(reason(buy("10"), observation({ self: HOLDINGS, curve: { paused: true } }))).to.contain(
      "the curve is paused",
    );
    expect(reason(buy("10", 300))).to.contain("maxSlippageBps: Too big");
    expect(reason({ reasoning: "r", action: { kind: "sellCurve", tokens: "30000", maxSlippageBps: 0 } })).to.equal(
      "sellCurve: sells 30000 tokens but holds only 20000",
    );
    expect(reason({ reasoning: "r", action: { kind: "buyPool", quote: "1", maxSlippageBps: 0 } })).to.contain(
      "not one of the allowed actions (hold, buyCurve, sellCurve)",
    );
    expect(reason("buy")).to.contain("the answer does not match the schema");
  });

  it("reads the scenario's llm section and each behaviour's own over it, naming every bad field", () => {
    const doc = (llm: unknown, own?: unknown) => ({
      name: "t",
      seed: 1,
      blocks: 2,
      ...(llm === undefined ? {} : { llm }),
      agents: [
        {
          id: "a",
          funds: { quote: "100" },
          behaviours: [
            {
              kind: "llm",
              venues: ["curve"],
              maxQuote: "10",
              maxSellTokens: "10",
              ...(own === undefined ? {} : { llm: own }),
            },
          ],
        },
      ],
    });
    const scenario = parseScenario(
      doc({ provider: "openai", model: "m", budget: { tokens: 100 } }, { temperature: 0.5 }),
      "s.yaml",
    );
    const settings = (scenario.agents[0]!.behaviours[0] as LlmTraderConfig).settings;
    expect(settings).to.deep.include({
      provider: "openai",
      model: "m",
      temperature: 0.5,
      maxTokens: 512,
      budget: { tokens: 100 },
    });
    expect(scenario.llm).to.deep.include({ provider: "openai", model: "m" });
    const error = (() => {
      try {
        parseScenario(doc({ provider: "openia", temperature: 3, apiKeyEnv: "sk-123" }), "s.yaml");
      } catch (e) {
        return e as ScenarioError;
      }
    })();
    expect(error).to.be.instanceOf(ScenarioError);
    expect(error!.message).to.contain(
      'llm.provider: expected one of "openai", "anthropic", "local", got "openia"; did you mean "openai"?',
    );
    expect(error!.message).to.contain("llm.temperature: expected a temperature from 0 to 2");
    expect(error!.message).to.contain("llm.apiKeyEnv: expected the name of the environment variable");
    expect(() => parseScenario(doc(undefined), "s.yaml")).to.throw(
      ScenarioError,
      "agents[0].behaviours[0].llm.provider",
    );
  });

  it("runs calls started together concurrently, and records them in the order they were started", async () => {
    const dir = mkdtempSync(join(tmpdir(), "arena-llm-run-"));
    try {
      // The first agent's answer comes last.
      const client = new ScriptedLlm("m", {
        delayMs: (r) => (r.messages[0]!.content.startsWith("You are a-1") ? 40 : 5),
        answer: () => ({ reasoning: "wait", action: { kind: "hold" } }),
      });
      const run = new LlmRun({ mode: "live", cassette: join(dir, "c"), folder: dir, clientFor: () => client });
      const c = config();
      const decisions = ["a-1", "a-2", "a-3"].map((id) =>
        createLlmTrader(c, run).step(observation({ self: { ...HOLDINGS, id } }), context(1n)),
      );
      await Promise.all(decisions);
      run.close();
      expect(client.maxInFlight).to.equal(3);
      const rows = readFileSync(join(dir, "llm.jsonl"), "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as LlmCallRecord);
      expect(rows.map((r) => r.agent)).to.deep.equal(["a-1", "a-2", "a-3"]);
      expect(rows.map((r) => r.outcome.status)).to.deep.equal(["accepted", "accepted", "accepted"]);
      expect(rows[0]!.latencyMs).to.equal(40);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prices usage in dollars, cached input at its own price", () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 500_000, cachedTokens: 400_000 };
    expect(usdOf(usage, { inputPerMTok: 1, outputPerMTok: 4, cachedPerMTok: 0.5 })).to.equal(0.6 + 0.2 + 2);
    expect(usdOf(usage, undefined)).to.equal(0);
  });
});

function formatTokens(wei: bigint): string {
  const whole = wei / TOKEN;
  const fraction = (wei % TOKEN).toString().padStart(18, "0").replace(/0+$/, "");
  return fraction === "" ? `${whole}` : `${whole}.${fraction}`;
}

function formatQuote(units: bigint): string {
  const whole = units / QUOTE;
  const fraction = (units % QUOTE).toString().padStart(6, "0").replace(/0+$/, "");
  return fraction === "" ? `${whole}` : `${whole}.${fraction}`;
}
