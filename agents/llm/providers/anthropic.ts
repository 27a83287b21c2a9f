// Anthropic's Messages API through `@anthropic-ai/sdk`. The JSON value is asked for as the input of a
// single tool the model is forced to call (`tool_choice: {type: "tool", name}`), whose input schema is
// the request's schema: Anthropic's way to structured output. System messages go to `system`. The
// Messages API of this SDK (1.17) takes neither a temperature nor a seed: both stay in the cassette key
// only. Tools the request offers (a `quote`, say) go beside the answer's tool with `tool_choice: any`;
// each tool_use is run and its result sent back as a tool_result, until the model uses the answer's
// tool or has made maxToolCalls calls (then the answer's tool is forced). The SDK's own retries are
// off, as for OpenAI, so one `complete` here is one attempt. Usage: Anthropic counts cached input apart
// from the rest (`cache_read_input_tokens`, `cache_creation_input_tokens`); inputTokens here is all of
// it, as OpenAI's prompt_tokens is, so the two read the same (summed over a conversation's rounds).

import Anthropic from "@anthropic-ai/sdk";

import type { LlmAnswer, LlmClient, LlmRequest, LlmSchema, LlmSettings, LlmUsage } from "../client.ts";
import { type LlmErrorContext, LlmMalformedAnswerError } from "../errors.ts";
import { type AttemptContext, attemptError } from "./sdk-errors.ts";
import { addUsage, DEFAULT_MAX_TOOL_CALLS, type LlmToolCall, type LlmToolRounds, NO_USAGE, runTool } from "./tools.ts";

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";
export const ANTHROPIC_DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY";

type MessageParams = Anthropic.Messages.MessageCreateParamsNonStreaming;
type Message = Anthropic.Messages.Message;

function asTool(schema: LlmSchema): Anthropic.Messages.Tool {
  return {
    name: schema.name,
    description: schema.description,
    input_schema: schema.jsonSchema as Anthropic.Messages.Tool.InputSchema,
  };
}

/**
 * The request as Messages API parameters (what the SDK sends): `messages` the conversation so far (the
 * request's own when absent), `offerTools` whether the request's tools may still be called. With tools
 * on offer the model must call one of them or the answer's tool (`tool_choice: any`); without, the
 * answer's tool is forced.
 */
export function anthropicParams(
  settings: LlmSettings,
  request: LlmRequest,
  messages?: Anthropic.Messages.MessageParam[],
  offerTools = true,
): MessageParams {
  const { schema } = request;
  const system = request.messages.filter((m) => m.role === "system").map((m) => m.content);
  const offered = offerTools ? (request.tools ?? []).map(asTool) : [];
  const params: MessageParams = {
    model: settings.model,
    max_tokens: request.maxTokens ?? settings.maxTokens,
    messages:
      messages ??
      request.messages
        .filter((m) => m.role !== "system")
        .map((m) => ({ role: m.role as "user" | "assistant", content: m.content })),
    tools: [asTool(schema), ...offered],
    tool_choice:
      offered.length > 0 ? { type: "any" } : { type: "tool", name: schema.name, disable_parallel_tool_use: true },
  };
  if (system.length > 0) params.system = system.join("\n\n");
  return params;
}

function usageOf(message: Message): LlmUsage {
  const usage = message.usage;
  const cached = usage?.cache_read_input_tokens ?? 0;
  return {
    inputTokens: (usage?.input_tokens ?? 0) + cached + (usage?.cache_creation_input_tokens ?? 0),
    outputTokens: usage?.output_tokens ?? 0,
    cachedTokens: cached,
  };
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
  const send = async (params: MessageParams, signal: AbortSignal | undefined): Promise<Message> => {
    let message: Message;
    try {
      message = await sdk.messages.create(params, { signal, timeout: settings.timeoutMs });
    } catch (error) {
      throw attemptError(error, Anthropic, attempt);
    }
    if (message.stop_reason === "max_tokens")
      throw new LlmMalformedAnswerError(context, "the answer was cut off at maxTokens: raise llm.maxTokens");
    return message;
  };
  const toolUses = (message: Message) =>
    (message.content ?? []).filter((block): block is Anthropic.Messages.ToolUseBlock => block.type === "tool_use");
  return {
    provider: "anthropic",
    model: settings.model,
    async complete(request, options): Promise<LlmAnswer> {
      const started = performance.now();
      const withTools = (request.tools ?? []).length > 0;
      const maxToolCalls = request.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS;
      const messages = anthropicParams(settings, request).messages;
      const rounds: Message[] = [];
      const toolCalls: LlmToolCall[] = [];
      let usage = NO_USAGE;
      for (;;) {
        const offerTools = toolCalls.length < maxToolCalls;
        const message = await send(anthropicParams(settings, request, [...messages], offerTools), options?.signal);
        rounds.push(message);
        usage = addUsage(usage, usageOf(message));
        const uses = toolUses(message);
        const answer = uses.find((block) => block.name === request.schema.name);
        if (answer !== undefined) {
          const raw: unknown = withTools ? ({ rounds, toolCalls } satisfies LlmToolRounds) : message;
          return {
            json: answer.input,
            text: JSON.stringify(answer.input),
            usage,
            latencyMs: performance.now() - started,
            raw,
          };
        }
        if (uses.length === 0 || !withTools) {
          const kinds = (message.content ?? []).map((block) => block.type).join(", ") || "nothing";
          throw new LlmMalformedAnswerError(
            context,
            `the answer has no tool_use of ${request.schema.name} (it has ${kinds})`,
          );
        }
        if (!offerTools)
          throw new LlmMalformedAnswerError(
            context,
            `the model called ${uses[0]!.name} after its ${maxToolCalls} tool calls instead of answering`,
          );
        const results: Anthropic.Messages.ToolResultBlockParam[] = [];
        for (const use of uses) {
          const done = await runTool(request, use.name, use.input, context);
          toolCalls.push(done);
          results.push({ type: "tool_result", tool_use_id: use.id, content: JSON.stringify(done.output) });
        }
        messages.push({ role: "assistant", content: message.content as Anthropic.Messages.ContentBlockParam[] });
        messages.push({ role: "user", content: results });
      }
    },
  };
}
