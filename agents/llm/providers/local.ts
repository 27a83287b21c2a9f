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
// can only be a value of the schema, cut short only by maxTokens.
//
// Call disposeLocalModels() when done (the end of a run, a test's `after`): it frees the models and
// the engine, so the process can exit.

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
import { jsonSchemaToGbnf } from "./local-grammar.ts";

/** `provider: local` with no `modelPath`. */
export class LocalModelPathMissingError extends ArenaError {}
/** `modelPath` names no file. */
export class LocalModelMissingError extends ArenaError {}
/** The file at `modelPath` does not start with the GGUF magic. */
export class LocalModelNotGgufError extends ArenaError {}
/** llama.cpp refused the file (a GGUF of an architecture it does not know, truncated, corrupt). */
export class LocalModelLoadError extends ArenaError {}
/** The model's text is not one JSON value (it ran out of maxTokens before the value closed). */
export class LocalAnswerUnparseableError extends ArenaError {}

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
      try {
        model = await llama.loadModel({ modelPath });
      } catch (error) {
        throw new LocalModelLoadError(
          `llm.modelPath: llama.cpp could not load ${modelPath}: ${messageOf(error)}; check the file is a complete GGUF of a model llama.cpp supports`,
          { cause: error },
        );
      }
      const contextSize = options.contextSize ?? Math.min(model.trainContextSize, MAX_DEFAULT_CONTEXT);
      const context = await model.createContext({ contextSize, sequences: 1, threads: options.threads });
      const sequence = context.getSequence();
      const chatWrapper = resolveChatWrapper(model);
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
  const grammar = grammarFor(loaded, request);
  const run = loaded.queue.then(async () => {
    const { prompt, tokens } = loaded.render(request.messages);
    const maxTokens = request.maxTokens ?? settings.maxTokens;
    await loaded.sequence.clearHistory();
    let outputTokens = 0;
    const result = await loaded.completion.generateCompletionWithMeta(tokens, {
      grammar: await grammar,
      temperature: request.temperature ?? settings.temperature,
      // Unseeded sampling would be the one draw outside the run's generator: seed 0 when none is set.
      seed: request.seed ?? settings.seed ?? 0,
      maxTokens,
      repeatPenalty: false,
      signal,
      onToken: (generated) => {
        outputTokens += generated.length;
      },
    });
    const raw: LocalRawAnswer = {
      modelPath,
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
  let json: unknown;
  try {
    json = JSON.parse(raw.text);
  } catch (error) {
    const cut = raw.stopReason === "maxTokens";
    throw new LocalAnswerUnparseableError(
      `llm (local ${settings.model}): the answer is not one JSON value (${messageOf(error)})` +
        (cut
          ? `: it stopped at maxTokens ${request.maxTokens ?? settings.maxTokens} before the value closed; raise llm.maxTokens`
          : `; it stopped on ${raw.stopReason}`) +
        `; the text: ${JSON.stringify(raw.text.slice(0, 200))}`,
    );
  }
  return {
    json,
    text: raw.text,
    usage: { inputTokens: raw.inputTokens, outputTokens: raw.outputTokens, cachedTokens: 0 },
    latencyMs: performance.now() - started,
    raw,
  };
}

function grammarFor(loaded: LoadedModel, request: LlmRequest): Promise<LlamaGrammar> {
  const gbnf = jsonSchemaToGbnf(request.schema.jsonSchema);
  let grammar = loaded.grammars.get(gbnf);
  if (grammar === undefined) {
    grammar = getEngine().then((llama) => llama.createGrammar({ grammar: gbnf }));
    loaded.grammars.set(gbnf, grammar);
    grammar.catch(() => loaded.grammars.delete(gbnf));
  }
  return grammar;
}
