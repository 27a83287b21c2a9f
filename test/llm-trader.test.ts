// The language-model trader without a chain: its prompt carries the exact quotes, its schema only the
// actions it may take, every answer is checked by the schema and the domain (a refused answer is a
// skipped step with its reason), the scenario's `llm` settings are read and merged with every mistake
// named, and calls started together overlap while being recorded in the order they were started.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { createLlmTrader, kindsOf, type LlmTraderConfig, validateAnswer } from "../agents/behaviours/llm-trader.ts";
import { marketOf, tokensFor } from "../agents/behaviours/curve-quotes.ts";
import { minusBps } from "../agents/core/units.ts";
import { parseScenario, ScenarioError } from "../agents/inputs/scenario.ts";
import { LlmBudget, usdOf } from "../agents/llm/budget.ts";
import { cassetteKey, keyMaterial, requestJson, sha256 } from "../agents/llm/cassette.ts";
import { stableValue } from "../agents/core/stable-json.ts";
import { LlmRecorder } from "../agents/llm/recorder.ts";
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
    quoteTool: "off",
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
    // What-ifs would run the llm agent with no model to ask.
    const governed = { ...doc({ provider: "openai", model: "m" }), governance: { voters: { agents: ["a"] } } };
    expect(() => parseScenario(governed, "s.yaml")).to.throw(
      ScenarioError,
      "governance: expected no protocolAgent or voters with llm agents",
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

  it("keys the cassette and writes llm.jsonl in stable-json's canonical form", async () => {
    const request = await requestOf(config());
    const material = {
      provider: "openai",
      model: "m",
      promptHash: sha256(JSON.stringify(stableValue(request.messages))),
      schemaHash: sha256(JSON.stringify(stableValue(request.schema))),
      parameters: { temperature: 0, maxTokens: 300 },
    };
    expect(cassetteKey("openai", "m", request)).to.equal(sha256(JSON.stringify(stableValue(material))));
    expect(cassetteKey("openai", "m", request)).to.equal(
      sha256(JSON.stringify(stableValue(keyMaterial("openai", "m", request)))),
    );
    // Any change to what decides the answer changes the key.
    const other = { ...request, messages: [...request.messages.slice(0, -1), { role: "user" as const, content: "x" }] };
    expect(cassetteKey("openai", "m", other)).to.not.equal(cassetteKey("openai", "m", request));
    expect(cassetteKey("openai", "m", { ...request, temperature: 0.5 })).to.not.equal(
      cassetteKey("openai", "m", request),
    );
    expect(cassetteKey("openai", "m2", request)).to.not.equal(cassetteKey("openai", "m", request));
    expect(requestJson(request)).to.equal(JSON.stringify(stableValue(request)));
    const dir = mkdtempSync(join(tmpdir(), "arena-llm-recorder-"));
    try {
      const recorder = new LlmRecorder(dir);
      const record: LlmCallRecord = {
        agent: "a",
        step: 3,
        provider: "openai",
        model: "m",
        promptHash: "p",
        key: "k",
        request,
        answer: {
          json: { reasoning: "r", action: { kind: "hold" } },
          text: "{}",
          raw: { z: 1, a: [1.23456789012345] },
        },
        usage: { inputTokens: 10, outputTokens: 2, cachedTokens: 0 },
        latencyMs: 12,
        outcome: { status: "accepted", action: "hold" },
      };
      recorder.record(record);
      recorder.close();
      expect(readFileSync(join(dir, "llm.jsonl"), "utf8")).to.equal(`${JSON.stringify(stableValue(record))}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes llm.jsonl's lines in order once the step waits, and what is left at close", async () => {
    const request = await requestOf(config());
    const dir = mkdtempSync(join(tmpdir(), "arena-llm-deferred-"));
    try {
      const recorder = new LlmRecorder(dir);
      const call = (step: number): LlmCallRecord => ({
        agent: "a",
        step,
        provider: "openai",
        model: "m",
        promptHash: "p",
        key: `k${step}`,
        request,
        usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0 },
        latencyMs: 0,
        outcome: { status: "failed", reason: "r" },
      });
      const lines = () =>
        readFileSync(join(dir, "llm.jsonl"), "utf8")
          .split("\n")
          .filter((l) => l !== "");
      recorder.record(call(1));
      recorder.record(call(2));
      expect(lines()).to.have.length(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(lines().map((l) => JSON.parse(l).step)).to.deep.equal([1, 2]);
      recorder.record(call(3));
      recorder.close();
      expect(lines().map((l) => JSON.parse(l).step)).to.deep.equal([1, 2, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("records a call that got no answer as failed and skips the step; live mode keeps no cassette", async () => {
    const dir = mkdtempSync(join(tmpdir(), "arena-llm-failed-"));
    try {
      const client = new ScriptedLlm("m", { answer: () => ({ reasoning: "wait", action: { kind: "hold" } }) });
      const failing = {
        provider: "openai",
        model: "m",
        complete: async (request: LlmRequest) => {
          if (request.messages[0]!.content.startsWith("You are a-2")) throw new Error("connection reset by peer");
          return client.complete(request);
        },
      };
      const run = new LlmRun({ mode: "live", cassette: join(dir, "c"), folder: dir, clientFor: () => failing });
      const c = config();
      const intents = await Promise.all(
        ["a-1", "a-2"].map((id) =>
          createLlmTrader(c, run).step(observation({ self: { ...HOLDINGS, id } }), context(1n)),
        ),
      );
      run.close();
      expect(intents).to.deep.equal([[], []]);
      const rows = readFileSync(join(dir, "llm.jsonl"), "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as LlmCallRecord);
      expect(rows.map((r) => [r.agent, r.outcome.status, r.outcome.reason])).to.deep.equal([
        ["a-1", "accepted", undefined],
        ["a-2", "failed", "connection reset by peer"],
      ]);
      expect(rows[1]!.answer).to.equal(undefined);
      expect(run.stats.file().agents["a-2"]).to.deep.include({ calls: 1, failed: 1, accepted: 0 });
      expect(existsSync(join(dir, "c"))).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops at the first call past an agent's own budget, in tokens or in dollars", () => {
    const usage = { inputTokens: 600, outputTokens: 100, cachedTokens: 0 };
    const perAgent = { ...SETTINGS, budget: { perAgentTokens: 1_500 } };
    const budget = new LlmBudget({ tokens: 10_000 });
    expect(budget.charge("a", usage, perAgent)).to.equal(undefined);
    expect(budget.charge("b", usage, perAgent)).to.equal(undefined);
    expect(budget.charge("a", usage, perAgent)).to.equal(undefined);
    expect(budget.charge("a", usage, perAgent)).to.equal(
      "a's LLM budget of 1500 tokens: its call of 700 tokens brings it to 2100",
    );
    const priced = { ...SETTINGS, pricing: { inputPerMTok: 1000, outputPerMTok: 1000 }, budget: { perAgentUsd: 1 } };
    const money = new LlmBudget({ usd: 5 });
    expect(money.charge("a", usage, priced)).to.equal(undefined); // $0.70
    expect(money.charge("a", usage, priced)).to.equal(
      "a's LLM budget of $1.000000: its call of $0.700000 brings it to $1.400000",
    );
    expect(new LlmBudget({ usd: 1 }).charge("z", { ...usage, inputTokens: 1_000 }, priced)).to.contain(
      "the run's LLM budget of $1.000000",
    );
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
