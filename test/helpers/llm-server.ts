// A language-model server of the test's own on a loopback port, speaking the real wire protocols so the
// real SDKs talk to it: OpenAI chat completions (`POST /v1/chat/completions`: the JSON value as message
// content under `response_format: json_schema`, or as a tool call when the request has tools and no
// response format) and Anthropic messages (`POST /v1/messages`: a `tool_use` block for the forced tool).
// Each test scripts what it answers: a queue of replies taken in order, then an `answer(request)`
// function; a reply can also be a fault (an HTTP error with its headers, a body that is not JSON, an
// answer slower than the client waits, a connection dropped without an answer). Every request is kept,
// parsed, so a test can assert on the prompt and the schema the client sent, and the server counts the
// most requests it ever had in flight at once.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type LlmProtocol = "openai" | "anthropic";

export interface LlmServerUsage {
  input: number;
  output: number;
  cached: number;
}

/** An answer of the model's. */
export type LlmModelReply =
  /** The model's JSON value: message content (OpenAI response format), a tool call or a `tool_use` block (tools). */
  | { json: unknown; usage?: Partial<LlmServerUsage> }
  /** This text as the message content (OpenAI) or a text block (Anthropic): e.g. a model that answered prose. */
  | { text: string; usage?: Partial<LlmServerUsage> }
  /** A call of this tool with this input, whatever the request forced. */
  | { tool: { name: string; input: unknown }; usage?: Partial<LlmServerUsage> };

/** What the server answers to one request. */
export type LlmServerReply =
  | LlmModelReply
  /** An HTTP error: 429 with `retry-after`, 500, 401, ... with the protocol's error body unless `body` is given. */
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** 200 with `content-type: application/json` and a body cut off mid-value. */
  | { malformed: true }
  /** The socket destroyed after the request was read, without an answer. */
  | { drop: true }
  /** `then`, after `delayMs` more than the server's latency (past the client's timeout, say). */
  | { delayMs: number; then: LlmServerReply };

export interface LlmServerRequest {
  protocol: LlmProtocol;
  path: string;
  headers: IncomingMessage["headers"];
  /** The JSON body the client sent. */
  body: Record<string, unknown>;
  /** `performance.now()` when the request's body had arrived. */
  receivedAt: number;
}

export interface LlmServerOptions {
  /** Milliseconds before every answer (and before every fault). */
  latencyMs?: number;
  /** Replies taken in order, one per request, before `answer` is asked. */
  replies?: LlmServerReply[];
  /** The reply to a request once the queue is empty. Without it, such a request gets a 500 naming the problem. */
  answer?: (request: LlmServerRequest) => LlmServerReply;
}

export interface LlmServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The `baseURL` for the `openai` SDK: the origin with `/v1`. */
  openAiBaseUrl: string;
  /** The `baseURL` for `@anthropic-ai/sdk`: the origin. */
  anthropicBaseUrl: string;
  /** Every request received, in order of arrival. */
  readonly requests: LlmServerRequest[];
  /** The most requests the server was answering at once. */
  readonly maxInFlight: number;
  /** Replies to take next, after any still queued. */
  push(...replies: LlmServerReply[]): void;
  /** Empty the queue and the record of requests, count answers' ids from 1 again, and set a new `answer` (or none). */
  reset(answer?: (request: LlmServerRequest) => LlmServerReply): void;
  close(): Promise<void>;
}

function usageOf(reply: { usage?: Partial<LlmServerUsage> }, body: Record<string, unknown>, text: string) {
  const prompt = JSON.stringify(body.messages ?? "") + JSON.stringify(body.system ?? "");
  return {
    input: reply.usage?.input ?? Math.ceil(prompt.length / 4),
    output: reply.usage?.output ?? Math.ceil(text.length / 4),
    cached: reply.usage?.cached ?? 0,
  };
}

/** The tool the request forces (OpenAI `tool_choice.function.name`, Anthropic `tool_choice.name`), else its first tool. */
function chosenTool(body: Record<string, unknown>): string | undefined {
  const choice = body.tool_choice as { name?: string; function?: { name?: string } } | string | undefined;
  if (typeof choice === "object" && choice !== null) {
    const forced = choice.function?.name ?? choice.name;
    if (forced !== undefined) return forced;
  }
  const tools = body.tools as { name?: string; function?: { name?: string } }[] | undefined;
  return tools?.[0]?.function?.name ?? tools?.[0]?.name;
}

function openAiAnswer(reply: LlmModelReply, body: Record<string, unknown>, id: number) {
  let message: Record<string, unknown>;
  let text: string;
  let finish: string;
  const asTool: { name: string; input: unknown } | undefined =
    "tool" in reply
      ? reply.tool
      : "json" in reply && body.response_format === undefined && Array.isArray(body.tools)
        ? { name: chosenTool(body) ?? "answer", input: reply.json }
        : undefined;
  if (asTool !== undefined) {
    text = JSON.stringify(asTool.input);
    message = {
      role: "assistant",
      content: null,
      refusal: null,
      tool_calls: [{ id: `call_${id}`, type: "function", function: { name: asTool.name, arguments: text } }],
    };
    finish = "tool_calls";
  } else {
    text = "json" in reply ? JSON.stringify(reply.json) : (reply as { text: string }).text;
    message = { role: "assistant", content: text, refusal: null };
    finish = "stop";
  }
  const usage = usageOf(reply, body, text);
  return {
    id: `chatcmpl-${id}`,
    object: "chat.completion",
    created: 1_700_000_000 + id,
    model: body.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      prompt_tokens_details: { cached_tokens: usage.cached },
    },
  };
}

function anthropicAnswer(reply: LlmModelReply, body: Record<string, unknown>, id: number) {
  let block: Record<string, unknown>;
  let text: string;
  const tool: { name: string; input: unknown } | undefined =
    "tool" in reply
      ? reply.tool
      : "json" in reply && Array.isArray(body.tools)
        ? { name: chosenTool(body) ?? "answer", input: reply.json }
        : undefined;
  if (tool !== undefined) {
    text = JSON.stringify(tool.input);
    block = { type: "tool_use", id: `toolu_${id}`, name: tool.name, input: tool.input };
  } else {
    text = "json" in reply ? JSON.stringify(reply.json) : (reply as { text: string }).text;
    block = { type: "text", text };
  }
  const usage = usageOf(reply, body, text);
  return {
    id: `msg_${id}`,
    type: "message",
    role: "assistant",
    model: body.model,
    content: [block],
    stop_reason: tool !== undefined ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: usage.input,
      output_tokens: usage.output,
      cache_read_input_tokens: usage.cached,
      cache_creation_input_tokens: 0,
    },
  };
}

function errorBody(protocol: LlmProtocol, status: number, message: string): unknown {
  if (protocol === "anthropic") {
    const type =
      status === 429
        ? "rate_limit_error"
        : status === 401
          ? "authentication_error"
          : status >= 500
            ? "api_error"
            : "invalid_request_error";
    return { type: "error", error: { type, message } };
  }
  const type =
    status === 429
      ? "rate_limit_exceeded"
      : status === 401
        ? "invalid_api_key"
        : status >= 500
          ? "server_error"
          : "invalid_request_error";
  return { error: { message, type, param: null, code: type } };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export async function startLlmServer(options: LlmServerOptions = {}): Promise<LlmServer> {
  const latencyMs = options.latencyMs ?? 0;
  let queue = [...(options.replies ?? [])];
  let answer = options.answer;
  const requests: LlmServerRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;
  let served = 0;

  const wait = (ms: number, response: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
      response.once("close", () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve();
      });
    });

  const sendJson = (response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
    if (response.destroyed || response.writableEnded) return;
    const text = JSON.stringify(value);
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    response.end(text);
  };

  async function reply(
    protocol: LlmProtocol,
    parsed: LlmServerRequest,
    response: ServerResponse,
    scripted: LlmServerReply,
  ) {
    const body = parsed.body;
    if ("delayMs" in scripted) {
      await wait(scripted.delayMs, response);
      return reply(protocol, parsed, response, scripted.then);
    }
    if (response.destroyed) return;
    if ("drop" in scripted) {
      response.socket?.destroy();
      return;
    }
    if ("malformed" in scripted) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"id": "cut-off", "choices": [{"message": {"content": "{\\"side\\"');
      return;
    }
    if ("status" in scripted) {
      sendJson(
        response,
        scripted.status,
        scripted.body ?? errorBody(protocol, scripted.status, `scripted ${scripted.status}`),
        scripted.headers,
      );
      return;
    }
    served += 1;
    sendJson(
      response,
      200,
      protocol === "openai" ? openAiAnswer(scripted, body, served) : anthropicAnswer(scripted, body, served),
    );
  }

  const server = createServer(async (request, response) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    const done = () => {
      if (counted) inFlight -= 1;
      counted = false;
    };
    response.once("close", done);
    response.once("finish", done);
    const text = await readBody(request);
    const path = (request.url ?? "/").split("?")[0]!;
    const protocol: LlmProtocol | undefined =
      request.method === "POST" && path === "/v1/chat/completions"
        ? "openai"
        : request.method === "POST" && path === "/v1/messages"
          ? "anthropic"
          : undefined;
    if (protocol === undefined) {
      sendJson(response, 404, { error: { message: `llm-server: no route ${request.method} ${path}` } });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      sendJson(response, 400, errorBody(protocol, 400, "llm-server: the request body is not JSON"));
      return;
    }
    const parsed: LlmServerRequest = { protocol, path, headers: request.headers, body, receivedAt: performance.now() };
    requests.push(parsed);
    const scripted = queue.shift() ??
      answer?.(parsed) ?? {
        status: 500,
        body: errorBody(protocol, 500, "llm-server: no reply scripted for this request"),
      };
    await wait(latencyMs, response);
    await reply(protocol, parsed, response, scripted);
  });
  // Keep-alive sockets the SDKs leave open must not hold close() up.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    openAiBaseUrl: `${origin}/v1`,
    anthropicBaseUrl: origin,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    push(...replies) {
      queue.push(...replies);
    },
    reset(next) {
      queue = [];
      requests.length = 0;
      maxInFlight = 0;
      served = 0;
      answer = next;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
