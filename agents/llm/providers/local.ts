// The in-process provider: a GGUF model run by llama.cpp through node-llama-cpp, on the CPU, with no
// server and no network. It never downloads or builds llama.cpp: it loads the prebuilt binaries that
// ship inside npm (`build: "never"`), and fails with the engine's message if they do not load here.
//
// A model file is loaded once per process and path (one llama.cpp context of one sequence per model),
// and requests to it run one at a time: a CPU engine gains nothing from interleaving, and a fresh
// sequence per request makes the answer a function of the request alone (same request and seed ⇒
// the same answer). The messages are rendered with the model's own chat template when its GGUF has
// one (node-llama-cpp's resolveChatWrapper), else with its general template; the rendered prompt is
// completed under a grammar built from the request's JSON schema (./local-grammar.ts), so the text
// can only be a value of the schema, cut short only by maxTokens. A request's tools are offered the
// same way: each round's grammar is "a call of one tool, or the answer", wrapped as
// {"tool", "input"} or {"answer"}, and each result goes back to the model as the next user message.
//
// Errors of an attempt are the retry layer's kinds (../errors.ts): an answer past `timeoutMs` (counted
// from when the engine takes the request up) is an LlmTimeoutError, one cut short by maxTokens a
// LocalAnswerUnparseableError (an LlmError that is not retryable). A caller's abort is an AbortError.
//
// The first client of a path loads it, with its `threads` and `contextSize`; later clients of the
// same file share that load. disposeLocalModels() frees the models' memory and the engine (the end
// of a run, a test's `after`); the process can exit without it.

import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { performance } from "node:perf_hooks";

import type {
  ChatHistoryItem,
  Llama,
  LlamaCompletion,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  Token,
} from "node-llama-cpp";

import { ArenaError, messageOf } from "../../core/errors.ts";
import type { LlmAnswer, LlmClient, LlmMessage, LlmRequest, LlmSettings } from "../client.ts";
import { LlmError, type LlmErrorContext, LlmTimeoutError } from "../errors.ts";
import { jsonSchemaToGbnf } from "./local-grammar.ts";
import { addUsage, DEFAULT_MAX_TOOL_CALLS, type LlmToolCall, type LlmToolRounds, NO_USAGE, runTool } from "./tools.ts";

/** `provider: local` with no `modelPath`. */
export class LocalModelPathMissingError extends ArenaError {}
/** `modelPath` names no file. */
export class LocalModelMissingError extends ArenaError {}
/** The file at `modelPath` does not start with the GGUF magic. */
export class LocalModelNotGgufError extends ArenaError {}
/** llama.cpp refused the file (a GGUF of an architecture it does not know, truncated, corrupt). */
export class LocalModelLoadError extends ArenaError {}
/**
 * The model's text is not one JSON value: maxTokens cut it short before the value closed (the grammar
 * lets nothing else through). Not retryable: the same request and seed give the same text again.
 */
export class LocalAnswerUnparseableError extends LlmError {
  constructor(
    context: LlmErrorContext,
    readonly detail: string,
  ) {
    super(context, `${context.provider} model ${context.url}: ${detail}`);
  }

  get retryable(): boolean {
    return false;
  }

  afterAttempts(attempts: number): LocalAnswerUnparseableError {
    return new LocalAnswerUnparseableError({ ...this, attempts }, this.detail);
  }
}

export interface LocalClientOptions {
  /** The folder `settings.modelPath` is relative to (the scenario file's). */
  baseDir: string;
  /** CPU threads for llama.cpp (its default: every core). Fewer keeps a shared machine responsive. */
  threads?: number;
  /** The context window in tokens (default: the model's training context, at most 8192). */
  contextSize?: number;
}

/** What `raw` holds for a local answer (`llm.jsonl` records it). */
export interface LocalRawAnswer {
  modelPath: string;
  prompt: string;
  text: string;
  stopReason: string;
  inputTokens: number;
  outputTokens: number;
}

const MAX_DEFAULT_CONTEXT = 8192;
const GGUF_MAGIC = "GGUF";

interface LoadedModel {
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  completion: LlamaCompletion;
  render: (messages: readonly LlmMessage[]) => { prompt: string; tokens: Token[] };
  grammars: Map<string, Promise<LlamaGrammar>>;
  /** The last request's promise: the next one starts after it settles. */
  queue: Promise<unknown>;
}

let engine: Promise<Llama> | undefined;
const models = new Map<string, Promise<LoadedModel>>();
/** llama.cpp's error lines while models load (one list per load): they go into a load error, not to the console. */
const loadLogs = new Set<string[]>();

/** A client for `settings` (provider `local`): the model at `settings.modelPath`, relative to `options.baseDir`. */
export function createLocalClient(settings: LlmSettings, options: LocalClientOptions): LlmClient {
  if (settings.modelPath === undefined || settings.modelPath === "")
    throw new LocalModelPathMissingError(
      'llm.modelPath: provider "local" needs modelPath, the GGUF model file to run (relative to the scenario file)',
    );
  const modelPath = isAbsolute(settings.modelPath) ? settings.modelPath : resolve(options.baseDir, settings.modelPath);
  checkModelFile(modelPath, settings.modelPath, options.baseDir);
  return {
    provider: "local",
    model: settings.model,
    complete: (request, callOptions) => complete(modelPath, settings, options, request, callOptions?.signal),
  };
}

/** Frees every loaded model and the engine; the next request loads again. */
export async function disposeLocalModels(): Promise<void> {
  const loaded = [...models.values()];
  models.clear();
  for (const entry of loaded) {
    const model = await entry.catch(() => undefined);
    if (model === undefined) continue;
    await model.queue.catch(() => undefined);
    await model.context.dispose();
    await model.model.dispose();
  }
  const llama = await engine?.catch(() => undefined);
  engine = undefined;
  await llama?.dispose();
}

function checkModelFile(path: string, given: string, baseDir: string): void {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new LocalModelMissingError(
      `llm.modelPath: no model file at ${path} ("${given}" from ${baseDir}); point modelPath at a GGUF file: ` +
        "download one from Hugging Face (a model's Files tab, e.g. a *-Q4_K_M.gguf), or use a model Ollama " +
        "already pulled (`ollama show --modelfile <model>` prints its GGUF blob's path on the FROM line)",
    );
  const head = Buffer.alloc(4);
  const fd = openSync(path, "r");
  let read: number;
  try {
    read = readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  const magic = head.subarray(0, read).toString("latin1");
  if (magic !== GGUF_MAGIC)
    throw new LocalModelNotGgufError(
      `llm.modelPath: ${path} is not a GGUF model (it starts with ${JSON.stringify(magic)}, a GGUF file with "GGUF"); ` +
        "use a .gguf file (Hugging Face, Ollama's store) or convert the weights with llama.cpp's convert_hf_to_gguf.py",
    );
}

async function getEngine(): Promise<Llama> {
  if (engine === undefined) {
    const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
    engine = getLlama({
      build: "never",
      gpu: false,
      usePrebuiltBinaries: true,
      skipDownload: true,
      progressLogs: false,
      logLevel: LlamaLogLevel.error,
      logger: (_level, message) => {
        if (loadLogs.size > 0) for (const log of loadLogs) log.push(message.trim());
        else process.stderr.write(`llama.cpp: ${message.trim()}\n`);
      },
    });
  }
  return engine;
}

function loadModel(modelPath: string, options: LocalClientOptions): Promise<LoadedModel> {
  let entry = models.get(modelPath);
  if (entry === undefined) {
    entry = (async () => {
      const { LlamaCompletion, resolveChatWrapper } = await import("node-llama-cpp");
      const llama = await getEngine();
      let model: LlamaModel;
      const loadLog: string[] = [];
      loadLogs.add(loadLog);
      try {
        model = await llama.loadModel({ modelPath });
      } catch (error) {
        const said = loadLog.length === 0 ? messageOf(error) : loadLog.slice(0, 3).join("; ");
        throw new LocalModelLoadError(
          `llm.modelPath: llama.cpp could not load ${modelPath} (${said}); check the file is a complete GGUF of a model llama.cpp supports`,
          { cause: error },
        );
      } finally {
        loadLogs.delete(loadLog);
      }
      const contextSize = options.contextSize ?? Math.min(model.trainContextSize, MAX_DEFAULT_CONTEXT);
      const context = await model.createContext({ contextSize, sequences: 1, threads: options.threads });
      const sequence = context.getSequence();
      // No clock in a prompt: the templates that write today's date into the system message (Llama 3.1,
      // 3.2, gpt-oss) would make the same request give another answer on another day. Nor their
      // function-calling instructions: tools are offered through the grammar here.
      const noDates = { todayDate: null, cuttingKnowledgeDate: null };
      const llama3 = { ...noDates, noToolInstructions: true };
      const chatWrapper = resolveChatWrapper(model, {
        customWrapperSettings: { "llama3.1": llama3, "llama3.2-lightweight": llama3, harmony: noDates },
      });
      const render = (messages: readonly LlmMessage[]) => {
        const chatHistory: ChatHistoryItem[] = messages.map((message) =>
          message.role === "system"
            ? { type: "system", text: message.content }
            : message.role === "user"
              ? { type: "user", text: message.content }
              : { type: "model", response: [message.content] },
        );
        chatHistory.push({ type: "model", response: [] });
        const { contextText } = chatWrapper.generateContextState({ chatHistory });
        return { prompt: contextText.toString(), tokens: contextText.tokenize(model.tokenizer) };
      };
      return {
        model,
        context,
        sequence,
        completion: new LlamaCompletion({ contextSequence: sequence }),
        render,
        grammars: new Map(),
        queue: Promise.resolve(),
      };
    })();
    models.set(modelPath, entry);
    entry.catch(() => models.delete(modelPath));
  }
  return entry;
}

async function complete(
  modelPath: string,
  settings: LlmSettings,
  options: LocalClientOptions,
  request: LlmRequest,
  signal: AbortSignal | undefined,
): Promise<LlmAnswer> {
  const started = performance.now();
  const loaded = await loadModel(modelPath, options);
  const context: LlmErrorContext = { provider: "local", url: modelPath, attempts: 1 };
  const round = (messages: readonly LlmMessage[], jsonSchema: Record<string, unknown>) =>
    generate(loaded, messages, jsonSchema, settings, request, signal, context);
  const tools = request.tools ?? [];
  if (tools.length === 0) {
    const { raw, json } = await round(request.messages, request.schema.jsonSchema);
    return { json, text: raw.text, usage: usageOf([raw]), latencyMs: performance.now() - started, raw };
  }

  // Tools: each round the model either calls one ({"tool", "input"}) or answers ({"answer"}); each call's
  // result comes back as the next user message; after maxToolCalls calls only the answer is left.
  const maxToolCalls = request.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS;
  const messages = withToolsNote(request);
  const rounds: LocalRawAnswer[] = [];
  const toolCalls: LlmToolCall[] = [];
  for (;;) {
    const offerTools = toolCalls.length < maxToolCalls;
    if (!offerTools) messages.push({ role: "user", content: "No more tool calls: reply with your answer now." });
    const { raw, json } = await round(messages, offerTools ? toolRoundSchema(request) : request.schema.jsonSchema);
    rounds.push(raw);
    const reply = json as { answer?: unknown; tool?: string; input?: unknown };
    if (offerTools && typeof reply.tool === "string") {
      const call = await runTool(request, reply.tool, reply.input, context);
      toolCalls.push(call);
      messages.push(
        { role: "assistant", content: raw.text },
        { role: "user", content: `Result of ${call.name}: ${JSON.stringify(call.output)}` },
      );
      continue;
    }
    const answer = offerTools ? reply.answer : json;
    // The grammar writes compact JSON, so the answer's text is the wrapper's less `{"answer":` and `}`.
    const text = offerTools ? raw.text.slice(ANSWER_PREFIX.length, -1) : raw.text;
    const toolRounds: LlmToolRounds = { rounds, toolCalls };
    return { json: answer, text, usage: usageOf(rounds), latencyMs: performance.now() - started, raw: toolRounds };
  }
}

const ANSWER_PREFIX = '{"answer":';

/** The request's messages with the tools described in the (first) system message. */
function withToolsNote(request: LlmRequest): LlmMessage[] {
  const note = [
    "Before answering you may call a tool, one call per reply: reply with",
    '{"tool": "<name>", "input": <its input>} and its result comes back in the next message.',
    'When you are ready, reply with {"answer": <your answer>}. The tools:',
    ...(request.tools ?? []).map(
      (t) =>
        `- ${t.name}${t.description === undefined ? "" : `: ${t.description}`}; input: ${JSON.stringify(t.jsonSchema)}`,
    ),
  ].join("\n");
  const messages = [...request.messages];
  const system = messages.findIndex((m) => m.role === "system");
  if (system < 0) return [{ role: "system", content: note }, ...messages];
  messages[system] = { role: "system", content: `${messages[system]!.content}\n\n${note}` };
  return messages;
}

/** A reply that is either the answer or a call of one of the tools. */
function toolRoundSchema(request: LlmRequest): Record<string, unknown> {
  const object = (properties: Record<string, unknown>) => ({
    type: "object",
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  });
  return {
    anyOf: [
      object({ answer: request.schema.jsonSchema }),
      ...(request.tools ?? []).map((t) => object({ tool: { const: t.name }, input: t.jsonSchema })),
    ],
  };
}

function usageOf(rounds: readonly LocalRawAnswer[]): LlmAnswer["usage"] {
  return rounds.reduce(
    (total, r) => addUsage(total, { inputTokens: r.inputTokens, outputTokens: r.outputTokens, cachedTokens: 0 }),
    NO_USAGE,
  );
}

/** One generation on a fresh sequence, in the model's queue: the text under the schema's grammar, parsed. */
async function generate(
  loaded: LoadedModel,
  messages: readonly LlmMessage[],
  jsonSchema: Record<string, unknown>,
  settings: LlmSettings,
  request: LlmRequest,
  signal: AbortSignal | undefined,
  context: LlmErrorContext,
): Promise<{ raw: LocalRawAnswer; json: unknown }> {
  const grammar = grammarFor(loaded, jsonSchema);
  const maxTokens = request.maxTokens ?? settings.maxTokens;
  const run = loaded.queue.then(async () => {
    signal?.throwIfAborted();
    const { prompt, tokens } = loaded.render(messages);
    await loaded.sequence.clearHistory();
    let outputTokens = 0;
    // The attempt's deadline runs from when the engine takes the request up, not while it waits its turn.
    const deadline = AbortSignal.timeout(settings.timeoutMs);
    const result = await loaded.completion
      .generateCompletionWithMeta(tokens, {
        grammar: await grammar,
        temperature: request.temperature ?? settings.temperature,
        // Unseeded sampling would be the one draw outside the run's generator: seed 0 when none is set.
        seed: request.seed ?? settings.seed ?? 0,
        maxTokens,
        repeatPenalty: false,
        signal: signal === undefined ? deadline : AbortSignal.any([signal, deadline]),
        onToken: (generated) => {
          outputTokens += generated.length;
        },
      })
      .catch((error: unknown) => {
        if (deadline.aborted && !signal?.aborted)
          throw new LlmTimeoutError(context, settings.timeoutMs, { cause: error });
        throw error;
      });
    const raw: LocalRawAnswer = {
      modelPath: context.url,
      prompt,
      text: result.response,
      stopReason: result.metadata.stopReason,
      inputTokens: tokens.length,
      outputTokens,
    };
    return raw;
  });
  loaded.queue = run.catch(() => undefined);
  const raw = await run;
  try {
    return { raw, json: JSON.parse(raw.text) };
  } catch (error) {
    const cut = raw.stopReason === "maxTokens";
    throw new LocalAnswerUnparseableError(
      context,
      `the answer is not one JSON value (${messageOf(error)})` +
        (cut
          ? `: it stopped at maxTokens ${maxTokens} before the value closed; raise llm.maxTokens`
          : `; it stopped on ${raw.stopReason}`) +
        `; the text: ${JSON.stringify(raw.text.slice(0, 200))}`,
    );
  }
}

function grammarFor(loaded: LoadedModel, jsonSchema: Record<string, unknown>): Promise<LlamaGrammar> {
  const gbnf = jsonSchemaToGbnf(jsonSchema);
  let grammar = loaded.grammars.get(gbnf);
  if (grammar === undefined) {
    grammar = getEngine().then((llama) => llama.createGrammar({ grammar: gbnf }));
    loaded.grammars.set(gbnf, grammar);
    grammar.catch(() => loaded.grammars.delete(gbnf));
  }
  return grammar;
}
