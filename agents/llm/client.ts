// The one boundary between the arena and a language model. Every provider (an OpenAI-compatible server,
// Anthropic, an in-process llama.cpp engine) is an LlmClient; everything above it (the trader, the
// strategy writer, the protocol agent's drafts, the forum summary, the cassette that records and
// replays answers, the budget) takes an LlmClient and never a provider's SDK. A request asks for one
// JSON value that matches a JSON schema; the answer carries that value parsed, the text it came from,
// the tokens it cost, how long it took and the provider's raw answer (for the record).

/** One message of a conversation. */
export interface LlmMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** The JSON value the answer must be: a name (a tool or response-format name) and its JSON schema. */
export interface LlmSchema {
  /** `^[a-zA-Z0-9_-]{1,64}$`, as OpenAI and Anthropic require of schema and tool names. */
  name: string;
  description?: string;
  /** A JSON schema (draft 2020-12 subset: objects, arrays, enums, strings, numbers, booleans). */
  jsonSchema: Record<string, unknown>;
}

/**
 * A tool the model may call before it answers (a `quote` of a trade, say): a name, a JSON schema of its
 * input, and what it gives back. `run` must be pure in its input (a retry runs the conversation again).
 */
export interface LlmTool extends LlmSchema {
  /** The result the model gets for `input` (the parsed arguments, not yet validated). An ArenaError thrown goes back to the model as `{ error }`. */
  run(input: unknown): unknown;
}

export interface LlmRequest {
  messages: readonly LlmMessage[];
  schema: LlmSchema;
  /**
   * Tools the model may call before answering; each call's result goes back to it, and the answer's
   * `raw` is then `{ rounds, toolCalls }`. Part of the cassette key by name and schema.
   */
  tools?: readonly LlmTool[];
  /** The most tool calls before the model must answer (4 by default). */
  maxToolCalls?: number;
  temperature?: number;
  /** Sent where the provider supports it (OpenAI-compatible servers, llama.cpp); part of the cassette key always. */
  seed?: number;
  maxTokens?: number;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens the provider served from its prompt cache (0 when it reports none). */
  cachedTokens: number;
}

export interface LlmAnswer {
  /** The answer's JSON value, parsed (not yet validated against the schema: callers validate with zod). */
  json: unknown;
  /** The text the value was parsed from (the tool input or message content, as the provider sent it). */
  text: string;
  usage: LlmUsage;
  /** Wall-clock milliseconds from sending the request to the whole answer, retries included. */
  latencyMs: number;
  /** The provider's answer as received, for `llm.jsonl`. */
  raw: unknown;
}

export interface LlmClient {
  /** `openai`, `anthropic`, `local`, or a wrapper's provider passed through. */
  readonly provider: string;
  readonly model: string;
  complete(request: LlmRequest, options?: { signal?: AbortSignal }): Promise<LlmAnswer>;
}

/**
 * How a scenario configures a model (`llm:` shared at the top level, or per agent, merged field by
 * field, the agent's winning). The key is never here: only the name of the environment variable (or
 * Hardhat configuration variable) that holds it, so nothing secret reaches a run folder.
 */
export interface LlmSettings {
  provider: "openai" | "anthropic" | "local";
  model: string;
  /** OpenAI-compatible servers (Ollama, vLLM, llama.cpp server, LM Studio, OpenRouter) and proxies. */
  baseUrl?: string;
  /** The environment variable holding the API key (`OPENAI_API_KEY` / `ANTHROPIC_API_KEY` by default). */
  apiKeyEnv?: string;
  /**
   * `openai` only: how the JSON value is asked for: `json_schema` (the default: `response_format` with a
   * strict JSON schema) or `tool` (one forced function call, for servers without JSON-schema output).
   */
  structuredOutput?: "json_schema" | "tool";
  /** `local` only: the GGUF model file, relative to the scenario file. */
  modelPath?: string;
  temperature: number;
  seed?: number;
  maxTokens: number;
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after the first on 408/409/425/429/5xx, a timeout or a dropped connection. */
  retries: number;
  /** Model calls in flight at once, across every agent that shares the client. */
  concurrency: number;
  /** Token-bucket rate limit: requests per minute (no limit when absent). */
  requestsPerMinute?: number;
  /** What the run may spend; the run stops cleanly at the first call that would exceed it. */
  budget?: { tokens?: number; usd?: number; perAgentTokens?: number; perAgentUsd?: number };
  /** Prices for the money columns: US dollars per million tokens. */
  pricing?: { inputPerMTok: number; outputPerMTok: number; cachedPerMTok?: number };
}

/** Replay or record answers (`--llm live | record | replay`). */
export type LlmMode = "live" | "record" | "replay";
