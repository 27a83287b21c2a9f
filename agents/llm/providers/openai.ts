// An OpenAI-compatible server through the official `openai` SDK: OpenAI itself, or with `baseUrl` any
// server that speaks chat completions (Ollama, vLLM, llama.cpp server, LM Studio, OpenRouter). The JSON
// value is asked for with `response_format: json_schema` (strict), or, with `structuredOutput: "tool"`
// for servers without it, as a call of one forced function whose parameters are the schema. Tools the
// request offers (LlmRequest.tools: a `quote`, say) go as functions the model may call first; each call
// is run and its result sent back as a `tool` message, until the model answers or has made
// maxToolCalls calls (then the tools are withdrawn). The SDK's own retries are off: retries, backoff
// and limits are the arena's (../retry.ts, ../limits.ts), so one `complete` here is one attempt.

import OpenAI from "openai";

import type { LlmAnswer, LlmClient, LlmRequest, LlmSchema, LlmSettings, LlmUsage } from "../client.ts";
import { type LlmErrorContext, LlmMalformedAnswerError } from "../errors.ts";
import { type AttemptContext, attemptError } from "./sdk-errors.ts";
import {
  addUsage,
  DEFAULT_MAX_TOOL_CALLS,
  type LlmToolCall,
  type LlmToolRounds,
  NO_USAGE,
  parseJson,
  runTool,
} from "./tools.ts";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
export const OPENAI_DEFAULT_KEY_ENV = "OPENAI_API_KEY";

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type Completion = OpenAI.Chat.Completions.ChatCompletion;

function asFunction(schema: LlmSchema): OpenAI.Chat.Completions.ChatCompletionFunctionTool {
  return {
    type: "function",
    function: { name: schema.name, description: schema.description, parameters: schema.jsonSchema, strict: true },
  };
}

/**
 * The request as chat-completion parameters (what the SDK sends): `messages` the conversation so far
 * (the request's own when absent), `offerTools` whether the request's tools may still be called.
 */
export function openAiParams(
  settings: LlmSettings,
  request: LlmRequest,
  messages?: ChatMessage[],
  offerTools = true,
): ChatParams {
  const { schema } = request;
  const params: ChatParams = {
    model: settings.model,
    messages: messages ?? request.messages.map((m) => ({ role: m.role, content: m.content })),
    temperature: request.temperature ?? settings.temperature,
  };
  const seed = request.seed ?? settings.seed;
  if (seed !== undefined) params.seed = seed;
  const maxTokens = request.maxTokens ?? settings.maxTokens;
  // OpenAI's own API wants max_completion_tokens (its reasoning models refuse max_tokens); the
  // OpenAI-compatible servers behind a baseUrl (Ollama, vLLM, llama.cpp) all read max_tokens.
  if (settings.baseUrl === undefined) params.max_completion_tokens = maxTokens;
  else params.max_tokens = maxTokens;
  const offered = offerTools ? (request.tools ?? []).map(asFunction) : [];
  if (settings.structuredOutput === "tool") {
    params.tools = [asFunction(schema), ...offered];
    params.tool_choice = offered.length > 0 ? "required" : { type: "function", function: { name: schema.name } };
  } else {
    params.response_format = {
      type: "json_schema",
      json_schema: { name: schema.name, description: schema.description, schema: schema.jsonSchema, strict: true },
    };
    if (offered.length > 0) {
      params.tools = offered;
      params.tool_choice = "auto";
    }
  }
  return params;
}

/** The answer's JSON value and its text: the message content, or the arguments of the call of the schema's tool. */
function answerText(completion: Completion, request: LlmRequest, context: LlmErrorContext) {
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

function usageOf(completion: Completion): LlmUsage {
  const usage = completion.usage;
  return {
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
  };
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
  const send = async (params: ChatParams, signal: AbortSignal | undefined): Promise<Completion> => {
    try {
      return await sdk.chat.completions.create(params, { signal, timeout: settings.timeoutMs });
    } catch (error) {
      throw attemptError(error, OpenAI, attempt);
    }
  };
  return {
    provider: "openai",
    model: settings.model,
    async complete(request, options): Promise<LlmAnswer> {
      const started = performance.now();
      if ((request.tools ?? []).length === 0) {
        const completion = await send(openAiParams(settings, request), options?.signal);
        const { text, json } = answerText(completion, request, context);
        return { json, text, usage: usageOf(completion), latencyMs: performance.now() - started, raw: completion };
      }
      const maxToolCalls = request.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS;
      const messages: ChatMessage[] = request.messages.map((m) => ({ role: m.role, content: m.content }));
      const rounds: Completion[] = [];
      const toolCalls: LlmToolCall[] = [];
      let usage = NO_USAGE;
      for (;;) {
        const offerTools = toolCalls.length < maxToolCalls;
        const completion = await send(openAiParams(settings, request, [...messages], offerTools), options?.signal);
        rounds.push(completion);
        usage = addUsage(usage, usageOf(completion));
        const message = completion.choices?.[0]?.message;
        const calls = (message?.tool_calls ?? []).filter(
          (c): c is OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall =>
            c.type === "function" && c.function.name !== request.schema.name,
        );
        if (calls.length === 0) {
          const { text, json } = answerText(completion, request, context);
          const raw: LlmToolRounds = { rounds, toolCalls };
          return { json, text, usage, latencyMs: performance.now() - started, raw };
        }
        if (!offerTools)
          throw new LlmMalformedAnswerError(
            context,
            `the model called ${calls[0]!.function.name} after its ${maxToolCalls} tool calls instead of answering`,
          );
        messages.push({ role: "assistant", content: message?.content ?? null, tool_calls: message?.tool_calls });
        for (const call of calls) {
          const input = parseJson(call.function.arguments, context, `the arguments of its ${call.function.name} call`);
          const done = await runTool(request, call.function.name, input, context);
          toolCalls.push(done);
          messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(done.output) });
        }
      }
    },
  };
}
