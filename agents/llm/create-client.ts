// The one way the arena makes a model client from a scenario's `llm:` settings: the provider's client
// (providers/), each attempt under the limits (limits.ts: the concurrency cap and the requests-per-
// minute bucket), retried with backoff (retry.ts). The API key is read here, from the environment
// variable `apiKeyEnv` names (OPENAI_API_KEY / ANTHROPIC_API_KEY by default), and handed to the SDK
// only: it is in nothing this returns, throws or logs. A server on loopback (Ollama, vLLM, llama.cpp,
// LM Studio on this machine) may go without a key unless the settings name a variable for one.

import { Random } from "../core/random.ts";
import type { LlmAnswer, LlmClient, LlmSettings } from "./client.ts";
import { LlmKeyError } from "./errors.ts";
import { createLimits, type LlmLimits } from "./limits.ts";
import { ANTHROPIC_DEFAULT_BASE_URL, ANTHROPIC_DEFAULT_KEY_ENV, createAnthropicClient } from "./providers/anthropic.ts";
import { createLocalClient } from "./providers/local.ts";
import { createOpenAiClient, OPENAI_DEFAULT_BASE_URL, OPENAI_DEFAULT_KEY_ENV } from "./providers/openai.ts";
import { DEFAULT_BACKOFF, withRetries } from "./retry.ts";

/** The providers reached over HTTP (`local` runs in process: providers/local.ts). */
export type RemoteLlmSettings = LlmSettings & { provider: "openai" | "anthropic" };

export interface CreateLlmClientOptions {
  /** Where the key is read from (`process.env` in the CLIs). */
  env: Readonly<Record<string, string | undefined>>;
  /** The retry jitter's stream (default: forked from the settings' seed). */
  random?: Random;
  /** Limits shared with other clients (default: this client's own, from the settings). */
  limits?: LlmLimits;
  /** The first backoff and its ceiling, in ms (default 500 and 30,000). */
  backoff?: { baseDelayMs: number; maxDelayMs: number };
  /** `local` only: the folder `settings.modelPath` is relative to (the scenario file's; default the working directory). */
  baseDir?: string;
}

const DEFAULTS = {
  openai: { baseUrl: OPENAI_DEFAULT_BASE_URL, keyEnv: OPENAI_DEFAULT_KEY_ENV, path: "/chat/completions" },
  anthropic: { baseUrl: ANTHROPIC_DEFAULT_BASE_URL, keyEnv: ANTHROPIC_DEFAULT_KEY_ENV, path: "/v1/messages" },
} as const;

/** Whether `url` names this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === "localhost" || host === "[::1]" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The key for `settings`, or undefined where none is needed; a missing required key is an LlmKeyError naming the variable. */
export function apiKeyFor(settings: RemoteLlmSettings, env: CreateLlmClientOptions["env"]): string | undefined {
  const defaults = DEFAULTS[settings.provider];
  const envVar = settings.apiKeyEnv ?? defaults.keyEnv;
  const key = env[envVar];
  if (key !== undefined && key !== "") return key;
  const baseUrl = settings.baseUrl ?? defaults.baseUrl;
  if (settings.apiKeyEnv === undefined && isLoopback(baseUrl)) return undefined;
  throw new LlmKeyError(
    { provider: settings.provider, url: `${baseUrl.replace(/\/$/, "")}${defaults.path}`, attempts: 0 },
    envVar,
  );
}

export function createLlmClient(settings: LlmSettings, options: CreateLlmClientOptions): LlmClient {
  let inner: LlmClient;
  switch (settings.provider) {
    case "openai":
      inner = createOpenAiClient(settings, apiKeyFor({ ...settings, provider: "openai" }, options.env));
      break;
    case "anthropic":
      inner = createAnthropicClient(settings, apiKeyFor({ ...settings, provider: "anthropic" }, options.env));
      break;
    case "local":
      inner = createLocalClient(settings, { baseDir: options.baseDir ?? process.cwd() });
      break;
  }
  const limits =
    options.limits ??
    createLimits({ concurrency: settings.concurrency, requestsPerMinute: settings.requestsPerMinute });
  const policy = {
    retries: settings.retries,
    ...(options.backoff ?? DEFAULT_BACKOFF),
    random: options.random ?? new Random(settings.seed ?? 0).fork(`llm-retry/${settings.provider}/${settings.model}`),
  };
  return {
    provider: inner.provider,
    model: inner.model,
    async complete(request, callOptions): Promise<LlmAnswer> {
      let firstSentAt: number | undefined;
      const answer = await withRetries(
        () =>
          limits.run(() => {
            firstSentAt ??= performance.now();
            return inner.complete(request, callOptions);
          }),
        policy,
        callOptions?.signal,
      );
      // From the first attempt's sending to the whole answer: backoff and later attempts included.
      return { ...answer, latencyMs: performance.now() - firstSentAt! };
    },
  };
}
