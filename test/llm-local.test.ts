import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

import type { LlmRequest, LlmSettings } from "../agents/llm/client.ts";
import { createLlmClient } from "../agents/llm/create-client.ts";
import { LlmError, LlmTimeoutError } from "../agents/llm/errors.ts";
import type { LlmToolRounds } from "../agents/llm/providers/tools.ts";
import {
  createLocalClient,
  disposeLocalModels,
  LocalAnswerUnparseableError,
  LocalModelLoadError,
  LocalModelMissingError,
  LocalModelNotGgufError,
  LocalModelPathMissingError,
  type LocalRawAnswer,
} from "../agents/llm/providers/local.ts";
import { LocalSchemaUnsupportedError } from "../agents/llm/providers/local-grammar.ts";
import { writeTinyGguf } from "./helpers/tiny-gguf.ts";

// The trader's kind of answer: one intent, its amount as an integer string of wei.
const Intent = z.object({ kind: z.enum(["buy", "sell", "hold"]), quote: z.string().regex(/^[0-9]+$/) });
const Plan = z.object({
  intents: z.array(z.object({ kind: z.enum(["buy", "sell"]), amount: z.string().regex(/^(0|[1-9][0-9]*)$/) })).max(3),
  reason: z.string().max(24).optional(),
  confident: z.boolean(),
});

const SETTINGS: LlmSettings = {
  provider: "local",
  model: "arena-tiny-random",
  modelPath: "models/tiny.gguf",
  temperature: 1,
  seed: 7,
  maxTokens: 400,
  timeoutMs: 60_000,
  retries: 0,
  concurrency: 1,
};

function intentRequest(seed: number, note = ""): LlmRequest {
  return {
    messages: [
      { role: "system", content: "You trade ARENA against USDC on a bonding curve. Answer with one intent." },
      { role: "user", content: `Price 1.25 USDC, you hold 40 ARENA and 100 USDC.${note}` },
    ],
    schema: { name: "intent", jsonSchema: z.toJSONSchema(Intent) as Record<string, unknown> },
    seed,
  };
}

describe("the local language-model provider (node-llama-cpp on a GGUF the test writes)", function () {
  this.timeout(60_000);
  let dir: string;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), "arena-llm-local-"));
    writeFileSync(join(dir, "not-a-model.gguf"), "this is a text file, not a model\n");
    mkdirSync(join(dir, "models"));
    writeTinyGguf(join(dir, "models", "tiny.gguf"), { seed: 1 });
  });

  after(async function () {
    await disposeLocalModels();
    rmSync(dir, { recursive: true, force: true });
  });

  it("decodes schema-valid intents under the JSON schema's grammar, integer-string pattern included", async function () {
    const client = createLocalClient(SETTINGS, { baseDir: dir, threads: 1 });
    expect(client.provider).to.equal("local");
    expect(client.model).to.equal("arena-tiny-random");
    for (let seed = 1; seed <= 6; seed++) {
      const answer = await client.complete(intentRequest(seed));
      const intent = Intent.parse(answer.json);
      expect(answer.text).to.equal(JSON.stringify(intent), "compact JSON, properties in the schema's order");
      expect(answer.usage.inputTokens).to.be.greaterThan(20);
      expect(answer.usage.cachedTokens).to.equal(0);
      expect(answer.latencyMs).to.be.greaterThan(0);
      const raw = answer.raw as LocalRawAnswer;
      expect(raw.text).to.equal(answer.text);
      expect(raw.prompt).to.contain("Price 1.25 USDC");
      expect(raw.stopReason).to.equal("eogToken");
    }
  });

  it("counts the tokens: the prompt as tokenized, and each token of the answer", async function () {
    // The tiny vocabulary has one token per character and no merges, so the counts are exact.
    const client = createLocalClient(SETTINGS, { baseDir: dir, threads: 1 });
    const short = await client.complete(intentRequest(3));
    const longer = await client.complete(intentRequest(3, " Fee 30"));
    expect(longer.usage.inputTokens - short.usage.inputTokens).to.equal(" Fee 30".length);
    // one per character of the text (the end-of-generation token that closes it is not part of the answer)
    expect(short.usage.outputTokens).to.equal(short.text.length);
  });

  it("gives the same answer to the same request and seed, and honours the seed", async function () {
    const client = createLocalClient(SETTINGS, { baseDir: dir, threads: 1 });
    const first = await client.complete(intentRequest(11));
    const again = await client.complete(intentRequest(11));
    expect(again.text).to.equal(first.text);
    expect(again.usage).to.deep.equal(first.usage);
    // a second client of the same file shares the loaded model and answers the same
    const other = createLocalClient(SETTINGS, { baseDir: dir, threads: 1 });
    expect((await other.complete(intentRequest(11))).text).to.equal(first.text);
    const texts = new Set<string>();
    for (let seed = 20; seed < 26; seed++) texts.add((await client.complete(intentRequest(seed))).text);
    expect(texts.size).to.be.greaterThan(1, "different seeds sample different answers at temperature 1");
  });

  it("is what createLlmClient makes of `provider: local`: the model path from the scenario's folder, no key asked for", async function () {
    const direct = await createLocalClient(SETTINGS, { baseDir: dir, threads: 1 }).complete(intentRequest(11));
    const client = createLlmClient(SETTINGS, { env: {}, baseDir: dir });
    expect(client.provider).to.equal("local");
    expect((await client.complete(intentRequest(11))).text).to.equal(direct.text);
    expect(() => createLlmClient(SETTINGS, { env: {}, baseDir: join(dir, "elsewhere") })).to.throw(
      LocalModelMissingError,
    );
  });

  it("holds a nested schema: an array of at most 3 intents, an optional bounded string, a boolean", async function () {
    const client = createLocalClient({ ...SETTINGS, maxTokens: 600 }, { baseDir: dir, threads: 1 });
    const schema = { name: "plan", jsonSchema: z.toJSONSchema(Plan) as Record<string, unknown> };
    const seen = { withReason: 0, withoutReason: 0, intents: 0 };
    for (let seed = 1; seed <= 8; seed++) {
      const answer = await client.complete({
        messages: [{ role: "user", content: "Plan the next block." }],
        schema,
        seed,
      });
      const plan = Plan.parse(answer.json);
      seen.intents += plan.intents.length;
      if (plan.reason === undefined) seen.withoutReason++;
      else seen.withReason++;
    }
    expect(seen.intents).to.be.greaterThan(0);
    // the optional property is optional in the grammar: some answers write it, some leave it out
    expect(seen.withReason).to.be.greaterThan(0);
    expect(seen.withoutReason).to.be.greaterThan(0);
  });

  it("keeps every answer inside the schema's string patterns: classes, counted repeats, groups, alternatives, escapes", async function () {
    const patterns = {
      price: String.raw`^-?[0-9]{1,4}\.[0-9]{2}$`,
      address: "^0x[0-9a-fA-F]{4}$",
      tag: "^(buy|sell)-[a-z_]+$",
      quoted: String.raw`^[^a-z]{3}$`,
    };
    const schema = {
      type: "object",
      properties: Object.fromEntries(
        Object.entries(patterns).map(([key, pattern]) => [key, { type: "string", pattern }]),
      ),
      required: Object.keys(patterns),
      additionalProperties: false,
    };
    const client = createLocalClient(SETTINGS, { baseDir: dir, threads: 1 });
    for (let seed = 1; seed <= 5; seed++) {
      const answer = await client.complete({
        messages: [{ role: "user", content: "Fill the form." }],
        schema: { name: "form", jsonSchema: schema },
        seed,
      });
      const form = answer.json as Record<string, string>;
      for (const [key, pattern] of Object.entries(patterns))
        expect(form[key]).to.match(new RegExp(pattern), `${key} of ${answer.text}`);
    }
  });

  it("lets the model call the request's tools before it answers, each result sent back, at most maxToolCalls", async function () {
    // At temperature 2: the tiny random model leans hard to answering at once, and calls in a few of these seeds.
    const client = createLocalClient({ ...SETTINGS, temperature: 2 }, { baseDir: dir, threads: 1 });
    const QuoteInput = z.object({ side: z.enum(["buy", "sell"]), amount: z.string().regex(/^[0-9]{1,6}$/) });
    const inputs: unknown[] = [];
    const quote = {
      name: "quote",
      description: "the exact cost of a trade",
      jsonSchema: z.toJSONSchema(QuoteInput) as Record<string, unknown>,
      run: (input: unknown) => {
        inputs.push(input);
        const { side, amount } = QuoteInput.parse(input);
        return { side, costQuote: (BigInt(amount) * 125n).toString() };
      },
    };
    let calls = 0;
    let answered = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const answer = await client.complete({ ...intentRequest(seed), tools: [quote], maxToolCalls: 1 });
      const intent = Intent.parse(answer.json);
      expect(answer.text).to.equal(JSON.stringify(intent));
      const raw = answer.raw as LlmToolRounds;
      expect(raw.toolCalls.length).to.be.at.most(1);
      expect(raw.rounds).to.have.length(raw.toolCalls.length + 1);
      for (const call of raw.toolCalls) {
        expect(call.name).to.equal("quote");
        expect(call.output).to.deep.equal(quote.run(call.input));
      }
      const rounds = raw.rounds as LocalRawAnswer[];
      // each result went back to the model in the next round's prompt
      raw.toolCalls.forEach((call, i) => {
        expect(rounds[i + 1]!.prompt).to.contain(`Result of quote: ${JSON.stringify(call.output)}`);
      });
      expect(rounds[0]!.prompt).to.contain('{"tool": "<name>", "input": <its input>}');
      // after maxToolCalls calls the last round offers no tools: its text is the answer itself
      if (raw.toolCalls.length === 1) {
        expect(rounds[1]!.prompt).to.contain("No more tool calls: reply with your answer now.");
        expect(rounds[1]!.text).to.equal(answer.text);
      } else expect(rounds[0]!.text).to.equal(`{"answer":${answer.text}}`);
      expect(answer.usage.outputTokens).to.equal(rounds.reduce((n, r) => n + r.outputTokens, 0));
      calls += raw.toolCalls.length;
      answered++;
    }
    expect(answered).to.equal(12);
    expect(calls).to.be.greaterThan(0, "the tiny model calls the tool in some of the twelve");
    expect(inputs.length).to.be.at.least(calls);
  });

  it("renders the messages with the model's own chat template, with no date from the clock in it", async function () {
    // A GGUF named and tokenized like Llama 3.1: node-llama-cpp picks that family's template, which by
    // default writes "Today Date: …" into the system message.
    const llama31 = join(dir, "models", "tiny-llama-3.1.gguf");
    writeTinyGguf(llama31, {
      name: "Llama 3.1 8B Instruct",
      controlTokens: ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|eom_id|>"],
    });
    const client = createLocalClient({ ...SETTINGS, modelPath: llama31 }, { baseDir: dir, threads: 1 });
    const answer = await client.complete(intentRequest(1));
    Intent.parse(answer.json);
    const prompt = (answer.raw as LocalRawAnswer).prompt;
    expect(prompt).to.contain("<|start_header_id|>system<|end_header_id|>");
    expect(prompt).to.contain("<|start_header_id|>user<|end_header_id|>\n\nPrice 1.25 USDC");
    expect(prompt).to.not.match(/Today Date|Cutting Knowledge Date|Tool Instructions/);
  });

  it("runs greedy at temperature 0: the seed no longer matters", async function () {
    const client = createLocalClient({ ...SETTINGS, temperature: 0 }, { baseDir: dir, threads: 1 });
    const a = await client.complete(intentRequest(1));
    const b = await client.complete(intentRequest(2));
    expect(Intent.parse(a.json)).to.deep.equal(Intent.parse(b.json));
  });

  it("says the answer stopped at maxTokens when the value could not close", async function () {
    const client = createLocalClient({ ...SETTINGS, maxTokens: 5 }, { baseDir: dir, threads: 1 });
    const failure = await client.complete(intentRequest(1)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(LocalAnswerUnparseableError).and.instanceOf(LlmError);
    expect((failure as LlmError).retryable).to.equal(false, "the same request and seed would stop at the same place");
    expect((failure as Error).message).to.contain(
      `local model ${join(dir, "models", "tiny.gguf")}: the answer is not one JSON value`,
    );
    expect((failure as Error).message).to.match(/maxTokens 5 before the value closed; raise llm\.maxTokens/);
  });

  it("stops an answer past timeoutMs with the retry layer's timeout error, and a caller's abort as an abort", async function () {
    const slow = createLocalClient({ ...SETTINGS, timeoutMs: 1 }, { baseDir: dir, threads: 1 });
    const timedOut = await slow.complete(intentRequest(1)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(timedOut).to.be.instanceOf(LlmTimeoutError);
    expect((timedOut as LlmTimeoutError).retryable).to.equal(true);
    expect((timedOut as Error).message).to.contain(
      `local at ${join(dir, "models", "tiny.gguf")} did not answer within 1 ms`,
    );
    const client = createLocalClient(SETTINGS, { baseDir: dir, threads: 1 });
    const aborted = await client.complete(intentRequest(1), { signal: AbortSignal.abort() }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(aborted).to.be.instanceOf(Error).and.not.instanceOf(LlmTimeoutError);
    expect((aborted as Error).name).to.equal("AbortError");
    // the engine goes on answering after both
    expect(Intent.parse((await client.complete(intentRequest(1))).json).kind).to.be.oneOf(["buy", "sell", "hold"]);
  });

  it("refuses a schema keyword its grammar cannot hold, naming where it is", async function () {
    const client = createLocalClient(SETTINGS, { baseDir: dir, threads: 1 });
    const request: LlmRequest = {
      messages: [{ role: "user", content: "x" }],
      schema: { name: "bad", jsonSchema: { type: "object", properties: { side: { not: { const: "buy" } } } } },
    };
    const failure = await client.complete(request).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(LocalSchemaUnsupportedError);
    expect((failure as Error).message).to.contain('#/properties/side: the local provider\'s grammar has no "not"');
  });

  it("names a missing model file, its path and where to get a GGUF", function () {
    expect(() => createLocalClient({ ...SETTINGS, modelPath: "models/absent.gguf" }, { baseDir: dir }))
      .to.throw(LocalModelMissingError)
      .with.property("message")
      .that.contains(join(dir, "models", "absent.gguf"))
      .and.contains("Hugging Face")
      .and.contains("ollama show --modelfile");
    expect(() => createLocalClient({ ...SETTINGS, modelPath: undefined }, { baseDir: dir })).to.throw(
      LocalModelPathMissingError,
      /llm\.modelPath: provider "local" needs modelPath/,
    );
  });

  it("says llama.cpp could not load a file that starts like a GGUF but is cut short", async function () {
    const whole = readFileSync(join(dir, "models", "tiny.gguf"));
    writeFileSync(join(dir, "models", "cut.gguf"), whole.subarray(0, 4096));
    const client = createLocalClient({ ...SETTINGS, modelPath: "models/cut.gguf" }, { baseDir: dir, threads: 1 });
    const failure = await client.complete(intentRequest(1)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(LocalModelLoadError);
    expect((failure as Error).message).to.contain(
      `llm.modelPath: llama.cpp could not load ${join(dir, "models", "cut.gguf")} (`,
    );
    // llama.cpp's own line when its log reached this engine (not when an earlier test's engine was disposed
    // in this process: llama.cpp keeps the first logger), else node-llama-cpp's error.
    expect((failure as Error).message).to.match(
      /failed to read key-value pairs|failed to load model|Failed to load model/,
    );
    expect((failure as Error).message).to.contain("check the file is a complete GGUF of a model llama.cpp supports");
  });

  it("refuses a file that is not GGUF before loading it", function () {
    expect(() => createLocalClient({ ...SETTINGS, modelPath: "not-a-model.gguf" }, { baseDir: dir }))
      .to.throw(LocalModelNotGgufError)
      .with.property("message")
      .that.contains(join(dir, "not-a-model.gguf"))
      .and.contains('starts with "this"');
  });
});
