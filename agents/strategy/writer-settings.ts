// The strategy writer's model settings, from the scenario's `llm:` section, and the client they make.
//
// Interim: the LLM trader part owns the scenario reader's `llm:` section (shared and per agent, every
// field of LlmSettings) and the providers part `createLlmClient(settings, { env })`. Until both are on
// main this reads the few fields the writer needs, with the same names and defaults, and takes the
// section out of the document before the scenario reader sees it (which knows no `llm` field yet);
// at the merge this file gives way to theirs.

import { ArenaError } from "../core/errors.ts";
import { type LlmClient, type LlmSettings } from "../llm/client.ts";
import { createOpenAiClient, OPENAI_DEFAULT_KEY_ENV } from "../llm/providers/openai.ts";

/** The scenario's `llm:` section cannot configure the writer's model. */
export class WriterSettingsError extends ArenaError {}

const FIELDS = [
  "provider",
  "model",
  "baseUrl",
  "apiKeyEnv",
  "temperature",
  "seed",
  "maxTokens",
  "timeoutMs",
  "retries",
];

/** The document without its `llm` section, and the settings that section gives. */
export function splitLlmSection(document: unknown, source: string): { scenario: unknown; settings: LlmSettings } {
  if (typeof document !== "object" || document === null || Array.isArray(document))
    return { scenario: document, settings: missing(source) };
  const { llm, ...scenario } = document as Record<string, unknown>;
  if (llm === undefined) missing(source);
  if (typeof llm !== "object" || llm === null || Array.isArray(llm))
    throw new WriterSettingsError(`${source}: llm must be an object like { provider: openai, model: gpt-4.1 }`);
  const o = llm as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!FIELDS.includes(key))
      throw new WriterSettingsError(
        `${source}: llm.${key} is not a field the strategy writer reads; use ${FIELDS.join(", ")}`,
      );
  const text = (key: string): string | undefined => {
    const value = o[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value === "")
      throw new WriterSettingsError(`${source}: llm.${key} must be a non-empty string, got ${JSON.stringify(value)}`);
    return value;
  };
  const whole = (key: string, fallback: number, min: number, max: number): number => {
    const value = o[key] ?? fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
      throw new WriterSettingsError(
        `${source}: llm.${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    return value;
  };
  const provider = text("provider") ?? "openai";
  if (provider !== "openai")
    throw new WriterSettingsError(
      `${source}: llm.provider ${JSON.stringify(provider)}: the strategy writer speaks to OpenAI-compatible servers (provider: openai, with baseUrl for Ollama, vLLM, llama.cpp or LM Studio) until the other providers land`,
    );
  const model = text("model");
  if (model === undefined)
    throw new WriterSettingsError(`${source}: llm.model is required (like gpt-4.1 or qwen2.5-coder)`);
  const temperature = o.temperature ?? 0.7;
  if (typeof temperature !== "number" || !(temperature >= 0 && temperature <= 2))
    throw new WriterSettingsError(
      `${source}: llm.temperature must be a number from 0 to 2, got ${JSON.stringify(temperature)}`,
    );
  const baseUrl = text("baseUrl");
  const apiKeyEnv = text("apiKeyEnv");
  const seed = o.seed === undefined ? undefined : whole("seed", 0, 0, 2 ** 31 - 1);
  const settings: LlmSettings = {
    provider,
    model,
    temperature,
    maxTokens: whole("maxTokens", 4_000, 1, 1_000_000),
    timeoutMs: whole("timeoutMs", 120_000, 1, 3_600_000),
    retries: whole("retries", 2, 0, 10),
    concurrency: 1,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(apiKeyEnv === undefined ? {} : { apiKeyEnv }),
    ...(seed === undefined ? {} : { seed }),
  };
  return { scenario, settings };
}

function missing(source: string): never {
  throw new WriterSettingsError(
    `${source} has no llm section: the strategy writer needs the model to ask, e.g. llm: { provider: openai, model: gpt-4.1 } (baseUrl: http://127.0.0.1:11434/v1 for Ollama; the key from OPENAI_API_KEY or apiKeyEnv)`,
  );
}

/** The client for `settings`, its key from the environment variable they name. */
export function writerClient(settings: LlmSettings, env: Readonly<Record<string, string | undefined>>): LlmClient {
  return createOpenAiClient(settings, env[settings.apiKeyEnv ?? OPENAI_DEFAULT_KEY_ENV]);
}
