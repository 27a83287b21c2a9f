// Anthropic's Messages API through `@anthropic-ai/sdk`. The JSON value is asked for as the input of a
// single tool the model is forced to call (`tool_choice: {type: "tool", name}`), whose input schema is
// the request's schema: Anthropic's way to structured output. System messages go to `system`. The
// Messages API of this SDK (1.17) takes neither a temperature nor a seed: both stay in the cassette key
// only. The SDK's own retries are off, as for OpenAI, so one `complete` here is one HTTP attempt.
// Usage: Anthropic counts cached input apart from the rest (`cache_read_input_tokens`,
// `cache_creation_input_tokens`); inputTokens here is all of it, as OpenAI's prompt_tokens is, so the
// two read the same.

import Anthropic from "@anthropic-ai/sdk";

import type { LlmAnswer, LlmClient, LlmRequest, LlmSettings } from "../client.ts";
import { type LlmErrorContext, LlmMalformedAnswerError } from "../errors.ts";
import { type AttemptContext, attemptError } from "./sdk-errors.ts";

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";
export const ANTHROPIC_DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY";

type MessageParams = Anthropic.Messages.MessageCreateParamsNonStreaming;

/** The request as Messages API parameters (what the SDK sends). */
export function anthropicParams(settings: LlmSettings, request: LlmRequest): MessageParams {
  const { schema } = request;
  const system = request.messages.filter((m) => m.role === "system").map((m) => m.content);
  const params: MessageParams = {
    model: settings.model,
    max_tokens: request.maxTokens ?? settings.maxTokens,
    messages: request.messages
      .filter((m) => m.role !== "system")
      .map((m) => ({ role: m.role as "user" | "assistant", content: m.content })),
    tools: [
      {
        name: schema.name,
        description: schema.description,
        input_schema: schema.jsonSchema as Anthropic.Messages.Tool.InputSchema,
      },
    ],
    tool_choice: { type: "tool", name: schema.name, disable_parallel_tool_use: true },
  };
  if (system.length > 0) params.system = system.join("\n\n");
  return params;
}

/**
 * A client for one Anthropic model. `apiKey` undefined (a local stand-in on loopback) sends no
 * Authorization header. The key stays inside the SDK: nothing returned carries it.
 */
export function createAnthropicClient(settings: LlmSettings, apiKey: string | undefined): LlmClient {
  const baseURL = settings.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL;
  const sdk = new Anthropic({
    apiKey: apiKey ?? "none",
    baseURL,
    maxRetries: 0,
    timeout: settings.timeoutMs,
    // The SDK sends the key as `Authorization: Bearer`; no key: no such header, rather than a made-up one.
    defaultHeaders: apiKey === undefined ? { Authorization: null } : undefined,
    logLevel: "off",
  });
  const attempt: AttemptContext = {
    provider: "anthropic",
    url: `${baseURL.replace(/\/$/, "")}/v1/messages`,
    timeoutMs: settings.timeoutMs,
    apiKeyEnv: settings.apiKeyEnv ?? ANTHROPIC_DEFAULT_KEY_ENV,
  };
  const context: LlmErrorContext = { provider: attempt.provider, url: attempt.url, attempts: 1 };
  return {
    provider: "anthropic",
    model: settings.model,
    async complete(request, options): Promise<LlmAnswer> {
      const started = performance.now();
      let message: Anthropic.Messages.Message;
      try {
        message = await sdk.messages.create(anthropicParams(settings, request), {
          signal: options?.signal,
          timeout: settings.timeoutMs,
        });
      } catch (error) {
        throw attemptError(error, Anthropic, attempt);
      }
      if (message.stop_reason === "max_tokens")
        throw new LlmMalformedAnswerError(context, "the answer was cut off at maxTokens: raise llm.maxTokens");
      const use = (message.content ?? []).find(
        (block): block is Anthropic.Messages.ToolUseBlock =>
          block.type === "tool_use" && block.name === request.schema.name,
      );
      if (use === undefined) {
        const kinds = (message.content ?? []).map((block) => block.type).join(", ") || "nothing";
        throw new LlmMalformedAnswerError(
          context,
          `the answer has no tool_use of ${request.schema.name} (it has ${kinds})`,
        );
      }
      const usage = message.usage;
      const cached = usage?.cache_read_input_tokens ?? 0;
      return {
        json: use.input,
        text: JSON.stringify(use.input),
        usage: {
          inputTokens: (usage?.input_tokens ?? 0) + cached + (usage?.cache_creation_input_tokens ?? 0),
          outputTokens: usage?.output_tokens ?? 0,
          cachedTokens: cached,
        },
        latencyMs: performance.now() - started,
        raw: message,
      };
    },
  };
}
