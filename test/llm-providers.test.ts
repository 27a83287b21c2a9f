// The model providers with the real SDKs (`openai`, `@anthropic-ai/sdk`) against a local server that
// speaks their wire protocols (helpers/llm-server.ts): the JSON value comes back parsed with its usage
// mapped, and every fault a real server shows (a refused key, a rate limit, a server error, a body that
// is not JSON, an answer past the timeout, a dropped connection) becomes an error that says what to do.

import { inspect } from "node:util";

import { expect } from "chai";

import { ArenaError } from "../agents/core/errors.ts";
import { Random } from "../agents/core/random.ts";

import type { LlmRequest, LlmSettings, LlmTool } from "../agents/llm/client.ts";
import {
  LlmKeyError,
  LlmMalformedAnswerError,
  LlmStatusError,
  LlmTimeoutError,
  LlmUnreachableError,
} from "../agents/llm/errors.ts";
import { apiKeyFor, createLlmClient, isLoopback, type RemoteLlmSettings } from "../agents/llm/create-client.ts";
import { createLimits } from "../agents/llm/limits.ts";
import { createAnthropicClient } from "../agents/llm/providers/anthropic.ts";
import { createOpenAiClient } from "../agents/llm/providers/openai.ts";
import type { LlmToolRounds } from "../agents/llm/providers/tools.ts";
import { backoffMs } from "../agents/llm/retry.ts";
import { type LlmServer, startLlmServer } from "./helpers/llm-server.ts";

const ORDER_SCHEMA = {
  name: "order",
  description: "The trade to make this step",
  jsonSchema: {
    type: "object",
    properties: { side: { type: "string", enum: ["buy", "sell", "hold"] }, amount: { type: "number" } },
    required: ["side", "amount"],
    additionalProperties: false,
  },
};

const REQUEST: LlmRequest = {
  messages: [
    { role: "system", content: "You trade a bonding-curve token." },
    { role: "user", content: "Price 1.25 USDC; you hold 100 USDC. Decide." },
  ],
  schema: ORDER_SCHEMA,
  seed: 7,
};

function settingsFor(server: LlmServer, overrides: Partial<LlmSettings> = {}): RemoteLlmSettings {
  return {
    provider: "openai",
    model: "test-model",
    baseUrl: server.openAiBaseUrl,
    temperature: 0.2,
    maxTokens: 256,
    timeoutMs: 2_000,
    retries: 0,
    concurrency: 4,
    ...overrides,
  } as RemoteLlmSettings;
}

function anthropicSettings(server: LlmServer, overrides: Partial<LlmSettings> = {}): RemoteLlmSettings {
  return settingsFor(server, { provider: "anthropic", baseUrl: server.anthropicBaseUrl, ...overrides });
}

/** Retries that wait milliseconds, not seconds, so the tests stay quick. */
const QUICK = {
  env: { OPENAI_API_KEY: "sk-env-key", ANTHROPIC_API_KEY: "sk-ant-env-key" },
  backoff: { baseDelayMs: 5, maxDelayMs: 20 },
};
const HOLD = { json: { side: "hold", amount: 0 } };

/** The error `promise` rejects with (failing the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, got an answer");
}

describe("llm providers against a local server speaking their protocols", () => {
  let server: LlmServer;
  before(async () => {
    server = await startLlmServer();
  });
  afterEach(() => server.reset());
  after(() => server.close());

  describe("openai (chat completions)", () => {
    it("asks for strict JSON-schema output and parses the answer, with usage mapped", async () => {
      server.push({ json: { side: "buy", amount: 12.5 }, usage: { input: 120, output: 9, cached: 64 } });
      const client = createOpenAiClient(settingsFor(server), "sk-test-key");
      const answer = await client.complete(REQUEST);
      expect(answer.json).to.deep.equal({ side: "buy", amount: 12.5 });
      expect(answer.text).to.equal('{"side":"buy","amount":12.5}');
      expect(answer.usage).to.deep.equal({ inputTokens: 120, outputTokens: 9, cachedTokens: 64 });
      expect(answer.latencyMs).to.be.greaterThan(0);
      expect((answer.raw as { id: string }).id).to.match(/^chatcmpl-/);

      const [sent] = server.requests;
      expect(sent!.headers.authorization).to.equal("Bearer sk-test-key");
      expect(sent!.body.model).to.equal("test-model");
      expect(sent!.body.messages).to.deep.equal(REQUEST.messages);
      expect(sent!.body.response_format).to.deep.equal({
        type: "json_schema",
        json_schema: {
          name: "order",
          description: ORDER_SCHEMA.description,
          schema: ORDER_SCHEMA.jsonSchema,
          strict: true,
        },
      });
      expect(sent!.body).to.include({ temperature: 0.2, seed: 7, max_tokens: 256 });
      expect(sent!.body.tools).to.equal(undefined);
    });

    it("asks for one forced function call with structuredOutput: tool and parses its arguments", async () => {
      server.push({ json: { side: "sell", amount: 3 } });
      const client = createOpenAiClient(settingsFor(server, { structuredOutput: "tool" }), "sk-test-key");
      const answer = await client.complete(REQUEST);
      expect(answer.json).to.deep.equal({ side: "sell", amount: 3 });
      const raw = answer.raw as { choices: { message: { tool_calls: unknown[] } }[] };
      expect(raw.choices[0]!.message.tool_calls).to.have.length(1);
      const sent = server.requests[0]!.body;
      expect(sent.response_format).to.equal(undefined);
      expect(sent.tool_choice).to.deep.equal({ type: "function", function: { name: "order" } });
      expect(sent.tools).to.deep.equal([
        {
          type: "function",
          function: {
            name: "order",
            description: ORDER_SCHEMA.description,
            parameters: ORDER_SCHEMA.jsonSchema,
            strict: true,
          },
        },
      ]);
    });

    it("sends no Authorization header without a key (a local server needs none)", async () => {
      server.push({ json: { side: "hold", amount: 0 } });
      server.push({ json: { side: "hold", amount: 0 } });
      await createOpenAiClient(settingsFor(server), undefined).complete(REQUEST);
      await createAnthropicClient(anthropicSettings(server), undefined).complete(REQUEST);
      expect(server.requests.map((r) => [r.protocol, r.headers.authorization, r.headers["x-api-key"]])).to.deep.equal([
        ["openai", undefined, undefined],
        ["anthropic", undefined, undefined],
      ]);
    });

    it("names the key's variable when the server refuses it (401)", async () => {
      server.push({ status: 401 });
      const error = await rejection(
        createOpenAiClient(settingsFor(server, { apiKeyEnv: "MY_KEY" }), "bad").complete(REQUEST),
      );
      expect(error).to.be.instanceOf(LlmKeyError);
      expect(error.message).to.contain("refused the API key in MY_KEY (401)");
      expect(error.message).to.contain(`${server.openAiBaseUrl}/chat/completions`);
      expect(error.message).not.to.contain("bad");
      expect((error as LlmKeyError).retryable).to.equal(false);
    });

    it("reads retry-after from a 429 and a 500's status as retryable errors", async () => {
      server.push({ status: 429, headers: { "retry-after": "1.5" } }, { status: 500 });
      const client = createOpenAiClient(settingsFor(server), "k");
      const limited = await rejection(client.complete(REQUEST));
      expect(limited).to.be.instanceOf(LlmStatusError);
      expect((limited as LlmStatusError).status).to.equal(429);
      expect((limited as LlmStatusError).retryAfterMs).to.equal(1500);
      expect((limited as LlmStatusError).retryable).to.equal(true);
      expect(limited.message).to.contain("answered 429");
      const failing = await rejection(client.complete(REQUEST));
      expect((failing as LlmStatusError).status).to.equal(500);
      expect((failing as LlmStatusError).retryable).to.equal(true);
    });

    it("turns a body that is not JSON, and content that is not JSON, into a malformed-answer error", async () => {
      server.push({ malformed: true }, { text: "I would buy some tokens." });
      const client = createOpenAiClient(settingsFor(server), "k");
      const cut = await rejection(client.complete(REQUEST));
      expect(cut).to.be.instanceOf(LlmMalformedAnswerError);
      expect(cut.message).to.contain("malformed answer");
      const prose = await rejection(client.complete(REQUEST));
      expect(prose).to.be.instanceOf(LlmMalformedAnswerError);
      expect(prose.message).to.contain('the message content is not JSON: "I would buy some tokens."');
    });

    it("gives up an attempt at timeoutMs with a timeout error", async () => {
      server.push({ delayMs: 1_000, then: { json: { side: "hold", amount: 0 } } });
      const started = performance.now();
      const error = await rejection(createOpenAiClient(settingsFor(server, { timeoutMs: 150 }), "k").complete(REQUEST));
      expect(error).to.be.instanceOf(LlmTimeoutError);
      expect(error.message).to.contain("did not answer within 150 ms");
      expect(performance.now() - started).to.be.lessThan(900);
    });

    it("reports a dropped connection and a server that is not there as unreachable", async () => {
      server.push({ drop: true });
      const dropped = await rejection(createOpenAiClient(settingsFor(server), "k").complete(REQUEST));
      expect(dropped).to.be.instanceOf(LlmUnreachableError);
      expect((dropped as LlmUnreachableError).retryable).to.equal(true);
      const nobody = await rejection(
        createOpenAiClient(settingsFor(server, { baseUrl: "http://127.0.0.1:9/v1" }), "k").complete(REQUEST),
      );
      expect(nobody).to.be.instanceOf(LlmUnreachableError);
      expect(nobody.message).to.contain("http://127.0.0.1:9/v1/chat/completions could not be reached");
    });
  });

  describe("anthropic (messages)", () => {
    it("forces one tool whose input schema is the request's schema and reads its tool_use, with usage mapped", async () => {
      server.push({ json: { side: "buy", amount: 4 }, usage: { input: 50, output: 12, cached: 30 } });
      const client = createAnthropicClient(anthropicSettings(server), "sk-ant-test");
      const answer = await client.complete(REQUEST);
      expect(answer.json).to.deep.equal({ side: "buy", amount: 4 });
      expect(answer.text).to.equal('{"side":"buy","amount":4}');
      // Anthropic counts cached input apart; inputTokens is all of it, as OpenAI's prompt_tokens is.
      expect(answer.usage).to.deep.equal({ inputTokens: 80, outputTokens: 12, cachedTokens: 30 });
      expect((answer.raw as { id: string }).id).to.match(/^msg_/);

      const sent = server.requests[0]!;
      expect(sent.path).to.equal("/v1/messages");
      expect(sent.headers.authorization).to.equal("Bearer sk-ant-test");
      expect(sent.body.system).to.equal("You trade a bonding-curve token.");
      expect(sent.body.messages).to.deep.equal([REQUEST.messages[1]]);
      expect(sent.body.max_tokens).to.equal(256);
      expect(sent.body.tools).to.deep.equal([
        { name: "order", description: ORDER_SCHEMA.description, input_schema: ORDER_SCHEMA.jsonSchema },
      ]);
      expect(sent.body.tool_choice).to.deep.equal({ type: "tool", name: "order", disable_parallel_tool_use: true });
    });

    it("refuses an answer without the tool's use, and names the key's variable on a 401", async () => {
      server.push({ text: "I think you should buy." }, { status: 401 });
      const client = createAnthropicClient(anthropicSettings(server), "sk-ant-test");
      const prose = await rejection(client.complete(REQUEST));
      expect(prose).to.be.instanceOf(LlmMalformedAnswerError);
      expect(prose.message).to.contain("no tool_use of order (it has text)");
      const refused = await rejection(client.complete(REQUEST));
      expect(refused).to.be.instanceOf(LlmKeyError);
      expect(refused.message).to.contain("refused the API key in ANTHROPIC_API_KEY (401)");
    });
  });

  describe("createLlmClient: retries with backoff, keys, limits", () => {
    it("waits out a 429's retry-after and then succeeds", async () => {
      server.push({ status: 429, headers: { "retry-after": "0.2" } }, { json: { side: "buy", amount: 1 } });
      const client = createLlmClient(settingsFor(server, { retries: 2 }), QUICK);
      const answer = await client.complete(REQUEST);
      expect(answer.json).to.deep.equal({ side: "buy", amount: 1 });
      expect(server.requests).to.have.length(2);
      const gap = server.requests[1]!.receivedAt - server.requests[0]!.receivedAt;
      expect(gap).to.be.at.least(190);
      // Latency counts from the first attempt: the wait and the second attempt are in it.
      expect(answer.latencyMs).to.be.at.least(190);
    });

    it("retries 500s and dropped connections (both providers), and says how many attempts failed", async () => {
      server.push({ status: 500 }, { drop: true }, HOLD);
      expect((await createLlmClient(settingsFor(server, { retries: 2 }), QUICK).complete(REQUEST)).json).to.deep.equal(
        HOLD.json,
      );
      expect(server.requests).to.have.length(3);

      server.reset();
      server.push({ status: 503 }, { drop: true }, HOLD);
      const anthropic = createLlmClient(anthropicSettings(server, { retries: 2 }), QUICK);
      expect((await anthropic.complete(REQUEST)).json).to.deep.equal(HOLD.json);

      server.reset();
      server.push({ status: 500 }, { status: 502 }, { status: 500 });
      const error = await rejection(createLlmClient(settingsFor(server, { retries: 2 }), QUICK).complete(REQUEST));
      expect(error).to.be.instanceOf(LlmStatusError);
      expect(error.message).to.match(/openai at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions answered 500/);
      expect(error.message).to.contain("after 3 attempts");
      expect(server.requests).to.have.length(3);
    });

    it("retries an answer slower than timeoutMs, then gives up with a timeout error naming the attempts", async () => {
      const slow = { delayMs: 2_000, then: HOLD };
      server.push(slow, HOLD);
      const client = createLlmClient(settingsFor(server, { retries: 1, timeoutMs: 100 }), QUICK);
      expect((await client.complete(REQUEST)).json).to.deep.equal(HOLD.json);

      server.reset();
      server.push(slow, slow);
      const started = performance.now();
      const error = await rejection(client.complete(REQUEST));
      expect(error).to.be.instanceOf(LlmTimeoutError);
      expect(error.message).to.contain("did not answer within 100 ms, 2 attempts: raise llm.timeoutMs");
      expect(performance.now() - started).to.be.lessThan(1_500);
      expect(server.requests).to.have.length(2);
    });

    it("never retries a refused key, a bad request or a malformed answer", async () => {
      const client = createLlmClient(settingsFor(server, { retries: 3 }), QUICK);
      for (const fault of [{ status: 401 }, { status: 400 }, { status: 404 }, { malformed: true as const }]) {
        server.reset();
        server.push(fault, HOLD);
        const error = await rejection(client.complete(REQUEST));
        expect(server.requests, JSON.stringify(fault)).to.have.length(1);
        const said = !("status" in fault)
          ? "malformed answer"
          : fault.status === 401
            ? "refused the API key in OPENAI_API_KEY (401)"
            : `answered ${fault.status}`;
        expect(error.message).to.contain(said);
        if (said.startsWith("answered")) expect(error.message).to.contain("after 1 attempt:");
      }
    });

    it("reads the key from the variable apiKeyEnv names, and never shows it", async () => {
      server.push({ status: 401 }, HOLD);
      const settings = settingsFor(server, { apiKeyEnv: "ARENA_TEST_KEY" });
      const client = createLlmClient(settings, { ...QUICK, env: { ARENA_TEST_KEY: "sk-secret-1234" } });
      const error = await rejection(client.complete(REQUEST));
      expect(server.requests[0]!.headers.authorization).to.equal("Bearer sk-secret-1234");
      expect(inspect(error, { depth: 10 })).not.to.contain("sk-secret-1234");
      const answer = await client.complete(REQUEST);
      expect(inspect(answer, { depth: 10 })).not.to.contain("sk-secret-1234");
      expect(inspect(client, { depth: 10 })).not.to.contain("sk-secret-1234");
    });

    it("needs a key for a remote server, naming the variable, but not for one on loopback", () => {
      const remote = { ...settingsFor(server), baseUrl: undefined };
      expect(() => createLlmClient(remote, { env: {} })).to.throw(
        LlmKeyError,
        "openai at https://api.openai.com/v1/chat/completions needs an API key and OPENAI_API_KEY is not set",
      );
      expect(() => apiKeyFor({ ...remote, provider: "anthropic" }, { OPENAI_API_KEY: "x" })).to.throw(
        "ANTHROPIC_API_KEY is not set",
      );
      expect(apiKeyFor(settingsFor(server), {})).to.equal(undefined);
      expect(() => apiKeyFor(settingsFor(server, { apiKeyEnv: "VLLM_KEY" }), {})).to.throw("VLLM_KEY is not set");
      expect(
        ["http://localhost:11434/v1", "http://127.0.0.1:8000/v1", "http://[::1]:1234/v1"].map(isLoopback),
      ).to.deep.equal([true, true, true]);
      expect(["https://openrouter.ai/api/v1", "http://10.0.0.5:8000/v1", "not a url"].map(isLoopback)).to.deep.equal([
        false,
        false,
        false,
      ]);
    });

    it("keeps no more calls in flight than the concurrency cap, across every agent sharing the client", async () => {
      const slowServer = await startLlmServer({ latencyMs: 200, answer: () => HOLD });
      try {
        const client = createLlmClient(settingsFor(slowServer, { concurrency: 3 }), QUICK);
        const answers = await Promise.all(Array.from({ length: 12 }, () => client.complete(REQUEST)));
        expect(answers).to.have.length(12);
        expect(slowServer.maxInFlight).to.equal(3);

        slowServer.reset(() => HOLD);
        const wide = createLlmClient(settingsFor(slowServer, { concurrency: 8 }), QUICK);
        await Promise.all(Array.from({ length: 8 }, () => wide.complete(REQUEST)));
        expect(slowServer.maxInFlight).to.equal(8);
      } finally {
        await slowServer.close();
      }
    });

    it("spaces requests by the token bucket's requestsPerMinute", async () => {
      server.reset(() => HOLD);
      // 1,200 a minute: one every 50 ms, however many are asked for at once.
      const client = createLlmClient(settingsFor(server, { concurrency: 8, requestsPerMinute: 1_200 }), QUICK);
      const started = performance.now();
      await Promise.all(Array.from({ length: 5 }, () => client.complete(REQUEST)));
      const times = server.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).to.be.at.least(45);
      expect(performance.now() - started).to.be.at.least(195);
      expect(() => createLimits({ concurrency: 0 })).to.throw("llm.concurrency is 0");
      expect(() => createLimits({ concurrency: 1, requestsPerMinute: -5 })).to.throw("llm.requestsPerMinute is -5");
    });

    it("draws its backoff jitter from the seeded generator: the same seed, the same waits", () => {
      const waits = (seed: number) => {
        const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1_000, random: new Random(seed).fork("llm-retry") };
        return [0, 1, 2, 3, 4, 5].map((attempt) => backoffMs(attempt, policy));
      };
      expect(waits(1)).to.deep.equal(waits(1));
      expect(waits(1)).not.to.deep.equal(waits(2));
      waits(3).forEach((wait, attempt) => {
        const ceiling = Math.min(1_000, 100 * 2 ** attempt);
        expect(wait).to.be.at.least(ceiling / 2);
        expect(wait).to.be.below(ceiling);
      });
    });
  });

  describe("a quote tool the model may call before deciding", () => {
    class QuoteRefused extends ArenaError {}
    /** Quotes a buy at 1.25 USDC a token; refuses more than 1,000 tokens, as the venue would. */
    function quoteTool(): LlmTool & { inputs: unknown[] } {
      const inputs: unknown[] = [];
      return {
        name: "quote",
        description: "The exact cost in USDC of buying `amount` tokens now",
        jsonSchema: {
          type: "object",
          properties: { amount: { type: "number" } },
          required: ["amount"],
          additionalProperties: false,
        },
        inputs,
        run(input) {
          inputs.push(input);
          const { amount } = input as { amount: number };
          if (amount > 1_000) throw new QuoteRefused(`a buy of ${amount} tokens exceeds the venue's 1000-token limit`);
          return { costUsdc: amount * 1.25 };
        },
      };
    }

    it("openai: runs the model's quote call, sends the result back as a tool message, then takes the answer", async () => {
      const quote = quoteTool();
      server.push(
        { tool: { name: "quote", input: { amount: 40 } }, usage: { input: 100, output: 10, cached: 0 } },
        { json: { side: "buy", amount: 40 }, usage: { input: 130, output: 8, cached: 100 } },
      );
      const client = createOpenAiClient(settingsFor(server), "k");
      const answer = await client.complete({ ...REQUEST, tools: [quote] });
      expect(answer.json).to.deep.equal({ side: "buy", amount: 40 });
      expect(answer.usage).to.deep.equal({ inputTokens: 230, outputTokens: 18, cachedTokens: 100 });
      const raw = answer.raw as LlmToolRounds;
      expect(raw.toolCalls).to.deep.equal([{ name: "quote", input: { amount: 40 }, output: { costUsdc: 50 } }]);
      expect(raw.rounds).to.have.length(2);
      expect(quote.inputs).to.deep.equal([{ amount: 40 }]);

      const [first, second] = server.requests;
      expect(first!.body.tool_choice).to.equal("auto");
      expect((first!.body.tools as { function: { name: string } }[]).map((t) => t.function.name)).to.deep.equal([
        "quote",
      ]);
      expect(first!.body.response_format).to.have.property("type", "json_schema");
      const sent = second!.body.messages as {
        role: string;
        content: unknown;
        tool_call_id?: string;
        tool_calls?: unknown[];
      }[];
      expect(sent.slice(0, 2)).to.deep.equal(REQUEST.messages);
      expect(sent[2]!.role).to.equal("assistant");
      expect(sent[2]!.tool_calls).to.have.length(1);
      expect(sent[3]).to.deep.equal({ role: "tool", tool_call_id: "call_1", content: '{"costUsdc":50}' });
    });

    it("openai: gives a refused quote back to the model, withdraws the tools after maxToolCalls, and refuses a further call", async () => {
      const quote = quoteTool();
      server.push(
        { tool: { name: "quote", input: { amount: 5_000 } } },
        { tool: { name: "quote", input: { amount: 900 } } },
        { tool: { name: "quote", input: { amount: 800 } } },
      );
      const client = createOpenAiClient(settingsFor(server), "k");
      const error = await rejection(client.complete({ ...REQUEST, tools: [quote], maxToolCalls: 2 }));
      expect(error).to.be.instanceOf(LlmMalformedAnswerError);
      expect(error.message).to.contain("called quote after its 2 tool calls instead of answering");
      const messages = server.requests[1]!.body.messages as { role: string; content: string }[];
      expect(messages.at(-1)!.content).to.equal(
        JSON.stringify({ error: "a buy of 5000 tokens exceeds the venue's 1000-token limit" }),
      );
      expect(server.requests[2]!.body.tools).to.equal(undefined);
      expect(server.requests[2]!.body.tool_choice).to.equal(undefined);

      server.reset();
      server.push({ tool: { name: "transfer", input: {} } });
      const stray = await rejection(client.complete({ ...REQUEST, tools: [quoteTool()] }));
      expect(stray.message).to.contain("called transfer, which it was not offered (it had order, quote)");
    });

    it("openai with structuredOutput: tool offers the answer's function beside quote and requires a call", async () => {
      server.push(
        { tool: { name: "quote", input: { amount: 2 } } },
        { tool: { name: "order", input: { side: "buy", amount: 2 } } },
      );
      const client = createOpenAiClient(settingsFor(server, { structuredOutput: "tool" }), "k");
      const answer = await client.complete({ ...REQUEST, tools: [quoteTool()] });
      expect(answer.json).to.deep.equal({ side: "buy", amount: 2 });
      expect(server.requests[0]!.body.tool_choice).to.equal("required");
      expect(
        (server.requests[0]!.body.tools as { function: { name: string } }[]).map((t) => t.function.name),
      ).to.deep.equal(["order", "quote"]);
    });

    it("anthropic: runs the quote tool_use, answers it with a tool_result, then forces the answer after maxToolCalls", async () => {
      const quote = quoteTool();
      server.push(
        { tool: { name: "quote", input: { amount: 8 } }, usage: { input: 60, output: 5, cached: 0 } },
        { json: { side: "buy", amount: 8 }, usage: { input: 70, output: 6, cached: 60 } },
      );
      const client = createAnthropicClient(anthropicSettings(server), "k");
      const answer = await client.complete({ ...REQUEST, tools: [quote], maxToolCalls: 1 });
      expect(answer.json).to.deep.equal({ side: "buy", amount: 8 });
      expect(answer.usage).to.deep.equal({ inputTokens: 190, outputTokens: 11, cachedTokens: 60 });
      expect((answer.raw as LlmToolRounds).toolCalls).to.deep.equal([
        { name: "quote", input: { amount: 8 }, output: { costUsdc: 10 } },
      ]);
      const [first, second] = server.requests;
      expect(first!.body.tool_choice).to.deep.equal({ type: "any" });
      expect((first!.body.tools as { name: string }[]).map((t) => t.name)).to.deep.equal(["order", "quote"]);
      // One call made, the most allowed: the answer's tool is forced and quote withdrawn.
      expect(second!.body.tool_choice).to.deep.equal({ type: "tool", name: "order", disable_parallel_tool_use: true });
      expect((second!.body.tools as { name: string }[]).map((t) => t.name)).to.deep.equal(["order"]);
      const messages = second!.body.messages as { role: string; content: unknown }[];
      expect(messages).to.have.length(3);
      expect(messages[1]).to.deep.equal({
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_1", name: "quote", input: { amount: 8 } }],
      });
      expect(messages[2]).to.deep.equal({
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_1", content: '{"costUsdc":10}' }],
      });
    });
  });
});
