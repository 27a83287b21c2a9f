// The strategy writer's model: the scenario's shared `llm:` section (inputs/llm-reader.ts reads and
// checks it), over the writer's own defaults, which differ from a trader's where writing code needs it
// (a whole file takes more than a trader's 512 tokens; some temperature so that a rejected idea is not
// asked again word for word). The client is the providers' createLlmClient: retries, limits, keys.

import { dirname } from "node:path";

import { ArenaError } from "../core/errors.ts";
import { LLM_DEFAULTS } from "../inputs/llm-reader.ts";
import type { Scenario } from "../inputs/scenario-types.ts";
import type { LlmClient, LlmSettings } from "../llm/client.ts";
import { createLlmClient } from "../llm/create-client.ts";

/** The scenario does not say which model writes the strategy. */
export class WriterSettingsError extends ArenaError {}

export const WRITER_DEFAULTS = {
  ...LLM_DEFAULTS,
  temperature: 0.7,
  maxTokens: 4_000,
  timeoutMs: 120_000,
  concurrency: 1,
};

/** The writer's settings from the scenario's `llm:` section. */
export function writerSettings(scenario: Scenario): LlmSettings {
  const shared = scenario.llm;
  if (shared?.model === undefined)
    throw new WriterSettingsError(
      `${scenario.source} names no model for the strategy writer: add llm: { provider: openai, model: gpt-4.1 } (baseUrl: http://127.0.0.1:11434/v1 for Ollama; anthropic and local work too; the key from OPENAI_API_KEY or apiKeyEnv)`,
    );
  const { cassette: _cassette, ...settings } = shared;
  // An OpenAI-compatible server unless the section says otherwise (Ollama, vLLM, llama.cpp, LM Studio).
  return { ...WRITER_DEFAULTS, ...settings, provider: shared.provider ?? "openai", model: shared.model };
}

/** The client for `settings`: keys from `env`, a local model's file relative to the scenario's folder. */
export function writerClient(
  settings: LlmSettings,
  scenario: Scenario,
  env: Readonly<Record<string, string | undefined>>,
): LlmClient {
  return createLlmClient(settings, { env, baseDir: dirname(scenario.source) });
}
