// A content-addressed cassette of model answers: each answer is a file `<key>.json` in the cassette
// folder, where the key is the sha256 of the canonical JSON (core/stable-json.ts) of what decides the
// answer — provider, model, messages, schema and parameters (temperature, seed, maxTokens). `--llm
// record` asks the model and writes the file; `--llm replay` reads it and never touches the network.
// An entry holds the answer (in the same normalised form the run records, so a replay records the same
// bytes) and the prompt's hash, not the request: the key already stands for the request, and the run's
// llm.jsonl, beside the same hash, has it in full.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { ArenaError } from "../core/errors.ts";
import { makeFolderSync } from "../core/file-errors.ts";
import { stableJson, stableValue } from "../core/stable-json.ts";
import { writeFileAtomicallySync } from "../core/write-atomically.ts";
import type { LlmAnswer, LlmClient, LlmMode, LlmRequest, LlmSettings } from "./client.ts";

export const CASSETTE_KIND = "token-arena/llm-cassette-entry";

/** What a cassette entry holds: whose answer, to which prompt (its hash, as llm.jsonl's promptHash), and the answer as recorded. */
export interface CassetteEntry {
  kind: typeof CASSETTE_KIND;
  key: string;
  provider: string;
  model: string;
  promptHash: string;
  answer: LlmAnswer;
}

/** What is stored for an answer: the request it answers, whose hash the entry keeps. */
export interface CassettePut {
  key: string;
  provider: string;
  model: string;
  request: LlmRequest;
  answer: LlmAnswer;
}

/** sha256 of the messages' canonical JSON, kept while the list lives (the key and the record both need it). */
const promptHashes = new WeakMap<object, string>();

/** sha256 of the request's messages' canonical JSON: llm.jsonl's promptHash. */
export function promptHashOf(request: LlmRequest): string {
  let hash = promptHashes.get(request.messages);
  if (hash === undefined) promptHashes.set(request.messages, (hash = sha256(messagesJson(request))));
  return hash;
}

/**
 * What decides an answer, in the cassette's key: the provider and model, the messages and the schema
 * (by the sha256 of their canonical JSON: the messages' hash is llm.jsonl's promptHash), the
 * parameters and the tools.
 */
export function keyMaterial(provider: string, model: string, request: LlmRequest): unknown {
  return {
    provider,
    model,
    promptHash: promptHashOf(request),
    schemaHash: sha256(schemaJson(request.schema)),
    parameters: {
      temperature: request.temperature,
      seed: request.seed,
      maxTokens: request.maxTokens,
      maxToolCalls: request.maxToolCalls,
    },
    tools: request.tools?.map(toolKey),
  };
}

/** What of a tool decides an answer: its name, description and schema (not its function). */
function toolKey(tool: NonNullable<LlmRequest["tools"]>[number]): unknown {
  return { name: tool.name, description: tool.description, jsonSchema: tool.jsonSchema };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The cassette key: sha256 of the canonical JSON (stable-json.ts's form, compact) of keyMaterial. */
export function cassetteKey(provider: string, model: string, request: LlmRequest): string {
  // JSON.stringify(stableValue(keyMaterial(...))), assembled: its keys in sorted order, each hash kept while its object lives.
  const { temperature, seed, maxTokens, maxToolCalls } = request;
  const parameters = JSON.stringify(stableValue({ temperature, seed, maxTokens, maxToolCalls }));
  const tools =
    request.tools === undefined ? "" : `,"tools":${JSON.stringify(stableValue(request.tools.map(toolKey)))}`;
  return sha256(
    `{"model":${JSON.stringify(model)},"parameters":${parameters},"promptHash":"${promptHashOf(request)}","provider":${JSON.stringify(provider)},"schemaHash":"${schemaHashOf(request.schema)}"${tools}}`,
  );
}

/** sha256 of each schema object's canonical JSON, kept while the object lives. */
const schemaHashes = new WeakMap<object, string>();

function schemaHashOf(schema: LlmRequest["schema"]): string {
  let hash = schemaHashes.get(schema);
  if (hash === undefined) schemaHashes.set(schema, (hash = sha256(schemaJson(schema))));
  return hash;
}

/** Canonical JSON of each schema object, kept while the object lives (a trader sends the same schema every step). */
const schemaTexts = new WeakMap<object, string>();

export function schemaJson(schema: LlmRequest["schema"]): string {
  let text = schemaTexts.get(schema);
  if (text === undefined) schemaTexts.set(schema, (text = JSON.stringify(stableValue(schema))));
  return text;
}

/** Canonical JSON of each messages list, kept while the list lives (the key, the record and the prompt hash all need it). */
const messageTexts = new WeakMap<object, string>();

/** Canonical JSON of system messages by their text (a trader's is the same step after step). */
const systemJsons = new Map<string, string>();

function messageJson(message: LlmRequest["messages"][number]): string {
  const json = () => `{"content":${JSON.stringify(message.content)},"role":${JSON.stringify(message.role)}}`;
  if (message.role !== "system") return json();
  let text = systemJsons.get(message.content);
  if (text === undefined) {
    if (systemJsons.size >= 1_000) systemJsons.clear();
    systemJsons.set(message.content, (text = json()));
  }
  return text;
}

/** The messages' canonical JSON (each {content, role}). */
export function messagesJson(request: LlmRequest): string {
  let text = messageTexts.get(request.messages);
  if (text === undefined) {
    text = `[${request.messages.map(messageJson).join(",")}]`;
    messageTexts.set(request.messages, text);
  }
  return text;
}

/** The request's canonical JSON, JSON.stringify(stableValue(request)), assembled the same way. */
export function requestJson(request: LlmRequest): string {
  const { messages: _m, schema: _s, ...rest } = request;
  const fields: [string, string][] = [
    ["messages", messagesJson(request)],
    ["schema", schemaJson(request.schema)],
    ...Object.entries(stableValue(rest) as Record<string, unknown>).map(([k, v]): [string, string] => [
      k,
      JSON.stringify(v),
    ]),
  ];
  fields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
}

/** A value as it comes back from a file written with stableJson (keys sorted, floats to 10 digits). */
export function normalised<T>(value: T): T {
  return JSON.parse(stableJson(value)) as T;
}

/** A cassette file that is not an entry (hand-edited, or of another tool). */
export class CassetteFileError extends ArenaError {}

/** A replay asked for an answer the cassette does not hold. */
export class CassetteMiss extends ArenaError {}

export class Cassette {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  pathOf(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  /** The answer recorded for `key`, or undefined when the cassette has none. */
  get(key: string): CassetteEntry | undefined {
    const path = this.pathOf(key);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new CassetteFileError(
        `${path} could not be read (${(error as Error).message}); check its permissions, or delete it and record it again with --llm record`,
      );
    }
    let entry: CassetteEntry;
    try {
      entry = JSON.parse(text) as CassetteEntry;
    } catch (error) {
      throw new CassetteFileError(
        `${path} is not a readable cassette entry (${(error as Error).message}); delete it and record it again with --llm record`,
      );
    }
    if (entry?.kind !== CASSETTE_KIND || entry.key !== key || typeof entry.answer !== "object")
      throw new CassetteFileError(
        `${path} is not the cassette entry of its name's key; delete it and record it again with --llm record`,
      );
    return entry;
  }

  /** Writes the entry (whole, or not at all) and returns it as a replay will read it. */
  put({ request, ...entry }: CassettePut): CassetteEntry {
    makeFolderSync(this.dir, "create the cassette folder");
    const text = stableJson({ kind: CASSETTE_KIND, ...entry, promptHash: promptHashOf(request) });
    writeFileAtomicallySync(this.pathOf(entry.key), text);
    return JSON.parse(text) as CassetteEntry;
  }
}

/**
 * A client outside a battle (the forum post of `evaluate --summary llm`) that answers through a
 * cassette like a battle's models: `replay` reads the answer and never asks (a miss names `who` and
 * the key), `record` asks `live()` and stores the answer, `live` asks. The settings' temperature, seed
 * and maxTokens fill what the request leaves out, so they are part of the key.
 */
export function cassetteClient(
  mode: LlmMode,
  cassette: Cassette,
  settings: LlmSettings,
  live: () => LlmClient,
  who: string,
): LlmClient {
  let client: LlmClient | undefined;
  return {
    provider: settings.provider,
    model: settings.model,
    async complete(asked, options) {
      const request: LlmRequest = {
        ...asked,
        temperature: asked.temperature ?? settings.temperature,
        maxTokens: asked.maxTokens ?? settings.maxTokens,
        ...(asked.seed === undefined && settings.seed !== undefined ? { seed: settings.seed } : {}),
      };
      if (mode === "replay") {
        const key = cassetteKey(settings.provider, settings.model, request);
        const entry = cassette.get(key);
        if (entry === undefined)
          throw new CassetteMiss(
            `replay: the cassette ${cassette.dir} has no answer for ${who} (request hash ${key}); ask the model with --llm live, or --llm record to keep its answer, or point --cassette at the folder that has it`,
          );
        return entry.answer;
      }
      client ??= live();
      const answer = await client.complete(request, options);
      if (mode === "live") return answer;
      const key = cassetteKey(client.provider, client.model, request);
      const rounded = { ...answer, latencyMs: Math.round(answer.latencyMs) };
      return cassette.put({ key, provider: client.provider, model: client.model, request, answer: rounded }).answer;
    },
  };
}
