// Reads a scenario's `llm` settings: the top-level section every language-model agent shares, and each
// llm behaviour's own `llm` field over it, merged field by field (the behaviour's winning). Every bad
// field is reported with the others, with its path, what was expected and the fix. The key is never
// read from the file: only `apiKeyEnv`, the name of the variable that holds it.
//
//   provider           "openai" (any OpenAI-compatible server: OpenAI, Ollama, vLLM, llama.cpp, LM Studio,
//                      OpenRouter, with baseUrl), "anthropic" or "local" (an in-process GGUF model)
//   model              the model's name (or the file's, for local)
//   baseUrl            http(s) URL of an OpenAI-compatible server
//   apiKeyEnv          the environment variable holding the key (OPENAI_API_KEY / ANTHROPIC_API_KEY)
//   modelPath          local only: the GGUF file, relative to the scenario file
//   temperature        0 … 2 (default 0); seed: 0 … 2³¹−1; maxTokens: 1 … 100,000 (default 512)
//   timeoutMs          per attempt, 1 … 600,000 (default 60,000); retries: 0 … 10 (default 2)
//   concurrency        calls in flight at once, 1 … 256 (default 4); requestsPerMinute: 1 … 1,000,000
//   budget             {tokens, usd, perAgentTokens, perAgentUsd}: the run stops at the first call past one
//   pricing            {inputPerMTok, outputPerMTok, cachedPerMTok}: US dollars per million tokens
//   cassette           top level only: the cassette folder, relative to the scenario file

import { child } from "../core/document-reader.ts";
import type { LlmSettings } from "../llm/client.ts";
import type { ScenarioReader } from "./scenario-reader.ts";

/** The top-level section as read: any of the settings, and where the cassette is. */
export type LlmShared = Partial<LlmSettings> & { cassette?: string };

const PROVIDERS = ["openai", "anthropic", "local"] as const;
const SETTINGS_FIELDS = [
  "provider",
  "model",
  "baseUrl",
  "apiKeyEnv",
  "modelPath",
  "temperature",
  "seed",
  "maxTokens",
  "timeoutMs",
  "retries",
  "concurrency",
  "requestsPerMinute",
  "budget",
  "pricing",
];

export const LLM_DEFAULTS = { temperature: 0, maxTokens: 512, timeoutMs: 60_000, retries: 2, concurrency: 4 } as const;

/** The scenario's top-level `llm` section. */
export function readLlmShared(r: ScenarioReader, value: unknown): LlmShared | undefined {
  const o = r.fields(value, "llm", [], [...SETTINGS_FIELDS, "cassette"]);
  if (o === undefined) return undefined;
  const shared = readSettings(r, o, "llm");
  if (o.cassette !== undefined) {
    const cassette = r.string(
      o.cassette,
      "llm.cassette",
      'a folder for the cassette, relative to the scenario file (like "llm-traders.cassette")',
    );
    if (cassette !== undefined) shared.cassette = cassette;
  }
  return shared;
}

/** An llm behaviour's settings: its own `llm` (at `path`) over the scenario's, with the defaults; undefined when unusable (reported). */
export function readTraderLlm(
  r: ScenarioReader,
  value: unknown,
  path: string,
  shared: LlmShared | undefined,
): LlmSettings | undefined {
  const before = r.issues.length;
  const own = value === undefined ? {} : r.fields(value, path, [], SETTINGS_FIELDS);
  if (own === undefined) return undefined;
  const { cassette: _, ...base } = shared ?? {};
  const merged: Partial<LlmSettings> = { ...LLM_DEFAULTS, ...base, ...readSettings(r, own, path) };
  for (const field of ["provider", "model"] as const) {
    if (merged[field] === undefined)
      r.failText(
        child(path, field),
        `the model's ${field}, in the scenario's llm section or this behaviour's llm`,
        "nothing",
        field === "provider"
          ? 'add llm: {provider: "openai", model: "…"} at the top level of the scenario'
          : "name the model (like gpt-4o-mini, or the model an Ollama server serves)",
      );
  }
  if (merged.provider === "local" && merged.modelPath === undefined)
    r.failText(
      child(path, "modelPath"),
      "the GGUF file of a local model",
      "nothing",
      "set llm.modelPath to the model file",
    );
  return r.issues.length > before ? undefined : (merged as LlmSettings);
}

function readSettings(r: ScenarioReader, o: Record<string, unknown>, path: string): LlmShared {
  const s: LlmShared = {};
  const at = (field: string) => child(path, field);
  const set = <K extends keyof LlmSettings>(key: K, read: LlmSettings[K] | undefined) => {
    if (read !== undefined) s[key] = read;
  };
  if (o.provider !== undefined) set("provider", r.oneOf(o.provider, at("provider"), PROVIDERS));
  if (o.model !== undefined) set("model", r.string(o.model, at("model"), 'the model\'s name (like "gpt-4o-mini")'));
  if (o.baseUrl !== undefined) {
    const url = r.string(o.baseUrl, at("baseUrl"), 'an http(s) URL (like "http://127.0.0.1:11434/v1")');
    if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url))
      r.failText(
        at("baseUrl"),
        "an http:// or https:// URL",
        JSON.stringify(url),
        'write it like "http://127.0.0.1:11434/v1"',
      );
    else set("baseUrl", url);
  }
  if (o.apiKeyEnv !== undefined) {
    const name = r.string(o.apiKeyEnv, at("apiKeyEnv"), "the name of an environment variable");
    if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      r.failText(
        at("apiKeyEnv"),
        "the name of the environment variable that holds the key (letters, digits, _), never the key",
        "something else",
        "set apiKeyEnv to e.g. OPENAI_API_KEY and export the key in that variable",
      );
    else set("apiKeyEnv", name);
  }
  if (o.modelPath !== undefined) set("modelPath", r.string(o.modelPath, at("modelPath"), "the path of a GGUF file"));
  if (o.temperature !== undefined)
    set("temperature", r.number(o.temperature, at("temperature"), 0, 2, "a temperature from 0 to 2 (like 0)"));
  if (o.seed !== undefined)
    set("seed", r.integer(o.seed, at("seed"), 0n, 2n ** 31n - 1n, "a whole number from 0 to 2147483647"));
  if (o.maxTokens !== undefined)
    set(
      "maxTokens",
      r.integer(o.maxTokens, at("maxTokens"), 1n, 100_000n, "a whole number of tokens from 1 to 100000"),
    );
  if (o.timeoutMs !== undefined)
    set("timeoutMs", r.integer(o.timeoutMs, at("timeoutMs"), 1n, 600_000n, "milliseconds per attempt, 1 to 600000"));
  if (o.retries !== undefined)
    set("retries", r.integer(o.retries, at("retries"), 0n, 10n, "a whole number from 0 to 10"));
  if (o.concurrency !== undefined)
    set("concurrency", r.integer(o.concurrency, at("concurrency"), 1n, 256n, "calls in flight at once, 1 to 256"));
  if (o.requestsPerMinute !== undefined)
    set(
      "requestsPerMinute",
      r.integer(o.requestsPerMinute, at("requestsPerMinute"), 1n, 1_000_000n, "requests per minute, 1 to 1000000"),
    );
  if (o.budget !== undefined) {
    const b = r.fields(o.budget, at("budget"), [], ["tokens", "usd", "perAgentTokens", "perAgentUsd"]);
    if (b !== undefined) {
      const budget: NonNullable<LlmSettings["budget"]> = {};
      const tokens = (field: "tokens" | "perAgentTokens") =>
        r.integer(b[field], child(at("budget"), field), 1n, 10n ** 12n, "a whole number of tokens, at least 1");
      const usd = (field: "usd" | "perAgentUsd") =>
        r.number(b[field], child(at("budget"), field), 0, 1e9, "US dollars, like 0.5");
      if (b.tokens !== undefined) budget.tokens = tokens("tokens");
      if (b.perAgentTokens !== undefined) budget.perAgentTokens = tokens("perAgentTokens");
      if (b.usd !== undefined) budget.usd = usd("usd");
      if (b.perAgentUsd !== undefined) budget.perAgentUsd = usd("perAgentUsd");
      s.budget = budget;
    }
  }
  if (o.pricing !== undefined) {
    const p = r.fields(o.pricing, at("pricing"), ["inputPerMTok", "outputPerMTok"], ["cachedPerMTok"]);
    if (p !== undefined) {
      const price = (field: string) =>
        r.number(p[field], child(at("pricing"), field), 0, 1e6, "US dollars per million tokens, like 0.15");
      const input = p.inputPerMTok === undefined ? undefined : price("inputPerMTok");
      const output = p.outputPerMTok === undefined ? undefined : price("outputPerMTok");
      const cached = p.cachedPerMTok === undefined ? undefined : price("cachedPerMTok");
      if (input !== undefined && output !== undefined)
        s.pricing = {
          inputPerMTok: input,
          outputPerMTok: output,
          ...(cached === undefined ? {} : { cachedPerMTok: cached }),
        };
    }
  }
  return s;
}
