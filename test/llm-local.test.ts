import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

import type { LlmRequest, LlmSettings } from "../agents/llm/client.ts";
import { createLlmClient } from "../agents/llm/create-client.ts";
import {
  createLocalClient,
  disposeLocalModels,
  LocalAnswerUnparseableError,
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
    expect(failure).to.be.instanceOf(LocalAnswerUnparseableError);
    expect((failure as Error).message).to.match(/maxTokens 5 before the value closed; raise llm\.maxTokens/);
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

  it("refuses a file that is not GGUF before loading it", function () {
    expect(() => createLocalClient({ ...SETTINGS, modelPath: "not-a-model.gguf" }, { baseDir: dir }))
      .to.throw(LocalModelNotGgufError)
      .with.property("message")
      .that.contains(join(dir, "not-a-model.gguf"))
      .and.contains('starts with "this"');
  });
});
