// The model providers with the real SDKs (`openai`, `@anthropic-ai/sdk`) against a local server that
// speaks their wire protocols (helpers/llm-server.ts): the JSON value comes back parsed with its usage
// mapped, and every fault a real server shows (a refused key, a rate limit, a server error, a body that
// is not JSON, an answer past the timeout, a dropped connection) becomes an error that says what to do.

import { expect } from "chai";

import type { LlmRequest, LlmSettings } from "../agents/llm/client.ts";
import {
  LlmKeyError,
  LlmMalformedAnswerError,
  LlmStatusError,
  LlmTimeoutError,
  LlmUnreachableError,
} from "../agents/llm/errors.ts";
import { createOpenAiClient } from "../agents/llm/providers/openai.ts";
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

function settingsFor(server: LlmServer, overrides: Partial<LlmSettings> = {}): LlmSettings {
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
  };
}

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
      await createOpenAiClient(settingsFor(server), undefined).complete(REQUEST);
      expect(server.requests[0]!.headers.authorization).to.equal(undefined);
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
});
