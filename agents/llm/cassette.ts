// A content-addressed cassette of model answers: each answer is a file `<key>.json` in the cassette
// folder, where the key is the sha256 of the canonical JSON (core/stable-json.ts) of what decides the
// answer — provider, model, messages, schema and parameters (temperature, seed, maxTokens). `--llm
// record` asks the model and writes the file; `--llm replay` reads it and never touches the network.
// An entry is stored in the same normalised form the run records, so a replay records the same bytes.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { ArenaError } from "../core/errors.ts";
import { makeFolderSync } from "../core/file-errors.ts";
import { stableJson, stableValue } from "../core/stable-json.ts";
import { writeFileAtomicallySync } from "../core/write-atomically.ts";
import type { LlmAnswer, LlmRequest } from "./client.ts";

export const CASSETTE_KIND = "token-arena/llm-cassette-entry";

/** What a cassette entry holds: the request it answers and the answer as recorded. */
export interface CassetteEntry {
  kind: typeof CASSETTE_KIND;
  key: string;
  provider: string;
  model: string;
  request: LlmRequest;
  answer: LlmAnswer;
}

/** What decides an answer, in the cassette's key. */
export function keyMaterial(provider: string, model: string, request: LlmRequest): unknown {
  return {
    provider,
    model,
    messages: request.messages,
    schema: request.schema,
    parameters: { temperature: request.temperature, seed: request.seed, maxTokens: request.maxTokens },
  };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The cassette key: sha256 of the canonical JSON (stable-json.ts's form, compact) of (provider, model, messages, schema, parameters). */
export function cassetteKey(provider: string, model: string, request: LlmRequest): string {
  return sha256(JSON.stringify(stableValue(keyMaterial(provider, model, request))));
}

/** A value as it comes back from a file written with stableJson (keys sorted, floats to 10 digits). */
export function normalised<T>(value: T): T {
  return JSON.parse(stableJson(value)) as T;
}

/** A cassette file that is not an entry (hand-edited, or of another tool). */
export class CassetteFileError extends ArenaError {}

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
    if (!existsSync(path)) return undefined;
    let entry: CassetteEntry;
    try {
      entry = JSON.parse(readFileSync(path, "utf8")) as CassetteEntry;
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
  put(entry: Omit<CassetteEntry, "kind">): CassetteEntry {
    makeFolderSync(this.dir, "create the cassette folder");
    const text = stableJson({ kind: CASSETTE_KIND, ...entry });
    writeFileAtomicallySync(this.pathOf(entry.key), text);
    return JSON.parse(text) as CassetteEntry;
  }
}
