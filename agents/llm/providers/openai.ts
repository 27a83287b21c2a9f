// An OpenAI-compatible server through the official `openai` SDK: OpenAI itself, or with `baseUrl` any
// server that speaks chat completions (Ollama, vLLM, llama.cpp server, LM Studio, OpenRouter). The JSON
// value is asked for with `response_format: json_schema` (strict), or, with `structuredOutput: "tool"`
// for servers without it, as a call of one forced function whose parameters are the schema. The SDK's
// own retries are off: retries, backoff and limits are the arena's (../retry.ts, ../limits.ts), so one
// `complete` here is one HTTP attempt.

import OpenAI from "openai";

import type { LlmAnswer, LlmClient, LlmRequest, LlmSettings } from "../client.ts";
import { type LlmErrorContext, LlmMalformedAnswerError } from "../errors.ts";
import { type AttemptContext, attemptError } from "./sdk-errors.ts";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
export const OPENAI_DEFAULT_KEY_ENV = "OPENAI_API_KEY";

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

function parseJson(text: string, context: LlmErrorContext, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const start = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    throw new LlmMalformedAnswerError(context, `${what} is not JSON: ${JSON.stringify(start)}`, { cause: error });
  }
}

/** The request as chat-completion parameters (what the SDK sends). */
export function openAiParams(settings: LlmSettings, request: LlmRequest): ChatParams {
  const { schema } = request;
  const params: ChatParams = {
    model: settings.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    temperature: request.temperature ?? settings.temperature,
  };
  const seed = request.seed ?? settings.seed;
  if (seed !== undefined) params.seed = seed;
  const maxTokens = request.maxTokens ?? settings.maxTokens;
  // OpenAI's own API wants max_completion_tokens (its reasoning models refuse max_tokens); the
  // OpenAI-compatible servers behind a baseUrl (Ollama, vLLM, llama.cpp) all read max_tokens.
  if (settings.baseUrl === undefined) params.max_completion_tokens = maxTokens;
  else params.max_tokens = maxTokens;
  if (settings.structuredOutput === "tool") {
    params.tools = [
      {
        type: "function",
        function: { name: schema.name, description: schema.description, parameters: schema.jsonSchema, strict: true },
      },
    ];
    params.tool_choice = { type: "function", function: { name: schema.name } };
  } else {
    params.response_format = {
      type: "json_schema",
      json_schema: { name: schema.name, description: schema.description, schema: schema.jsonSchema, strict: true },
    };
  }
  return params;
}

/** The answer's JSON value and its text: the message content, or the arguments of the call of the schema's tool. */
function answerText(completion: OpenAI.Chat.Completions.ChatCompletion, request: LlmRequest, context: LlmErrorContext) {
  const choice = completion.choices?.[0];
  if (choice === undefined) throw new LlmMalformedAnswerError(context, "the answer has no choices");
  const message = choice.message;
  if (message?.refusal) throw new LlmMalformedAnswerError(context, `the model refused: ${message.refusal}`);
  if (choice.finish_reason === "length")
    throw new LlmMalformedAnswerError(context, "the answer was cut off at maxTokens: raise llm.maxTokens");
  const call = message?.tool_calls?.find((c) => c.type === "function" && c.function.name === request.schema.name);
  if (call !== undefined && call.type === "function") {
    return {
      text: call.function.arguments,
      json: parseJson(call.function.arguments, context, "the tool call's arguments"),
    };
  }
  const content = message?.content;
  if (typeof content !== "string" || content === "")
    throw new LlmMalformedAnswerError(context, `the answer has no content and no call of ${request.schema.name}`);
  return { text: content, json: parseJson(content, context, "the message content") };
}

/**
 * A client for one model on an OpenAI-compatible server. `apiKey` undefined sends no Authorization
 * header (a local server that needs none). The key stays inside the SDK: nothing returned carries it.
 */
export function createOpenAiClient(settings: LlmSettings, apiKey: string | undefined): LlmClient {
  const baseURL = settings.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
  const sdk = new OpenAI({
    apiKey: apiKey ?? "none",
    baseURL,
    maxRetries: 0,
    timeout: settings.timeoutMs,
    // No key: no Authorization header at all, rather than a made-up one.
    defaultHeaders: apiKey === undefined ? { Authorization: null } : undefined,
    organization: null,
    project: null,
    logLevel: "off",
  });
  const attempt: AttemptContext = {
    provider: "openai",
    url: `${baseURL.replace(/\/$/, "")}/chat/completions`,
    timeoutMs: settings.timeoutMs,
    apiKeyEnv: settings.apiKeyEnv ?? OPENAI_DEFAULT_KEY_ENV,
  };
  const context: LlmErrorContext = { provider: attempt.provider, url: attempt.url, attempts: 1 };
  return {
    provider: "openai",
    model: settings.model,
    async complete(request, options): Promise<LlmAnswer> {
      const started = performance.now();
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await sdk.chat.completions.create(openAiParams(settings, request), {
          signal: options?.signal,
          timeout: settings.timeoutMs,
        });
      } catch (error) {
        throw attemptError(error, OpenAI, attempt);
      }
      const { text, json } = answerText(completion, request, context);
      const usage = completion.usage;
      return {
        json,
        text,
        usage: {
          inputTokens: usage?.prompt_tokens ?? 0,
          outputTokens: usage?.completion_tokens ?? 0,
          cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
        },
        latencyMs: performance.now() - started,
        raw: completion,
      };
    },
  };
}
