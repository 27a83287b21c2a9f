// A strategy's folder (strategies/<name>/): every generation the writer made, kept or not, as gen-N.js
// (the code the model wrote) and gen-N.json (its scores, the paired comparison with the incumbent, the
// chain's confirmation, the model's reasoning, kept or rejected and why). The folder is the writer's
// whole state: a run that stops, or a later `improve`, resumes from it.

import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { ArenaError } from "../core/errors.ts";
import type { Interval } from "../core/interval.ts";
import { writeFileAtomicallySync } from "../core/write-atomically.ts";

/** A folder of generations that cannot be read as one. */
export class StrategyFolderError extends ArenaError {}

export interface Scored {
  /** The metric on the fast model, one value per seed (in `seeds`' order). */
  model: number[];
  interval: Interval;
}

export interface GenerationRecord {
  generation: number;
  /** `init`, `improve` or `beat`: the command that made it. */
  mode: string;
  kept: boolean;
  /** Why it was kept or rejected, in a sentence. */
  why: string;
  /** The model's reasoning for this code, as it gave it. */
  reasoning: string;
  goal: string;
  metric: string;
  seeds: string[];
  /** Its scores; absent when it was rejected before it ran (it did not parse, the answer was not valid). */
  score?: Scored;
  /** The incumbent it was compared with: its generation (0: none yet) and scores on the same seeds. */
  incumbent?: { generation: number; model: number[]; interval: Interval };
  /** This candidate − the incumbent, seed by seed, on the model. */
  difference?: Interval;
  /** The chain's confirmation: the metric on the chain for the first seeds, candidate and incumbent. */
  chain?: { seeds: string[]; candidate: number[]; incumbent: number[]; meanDifference: number };
  /** Against `beat`'s target: the incumbent after this generation − the target, seed by seed. */
  target?: { file: string; model: number[]; difference: Interval; beaten: boolean };
  llm: { provider: string; model: string; inputTokens: number; outputTokens: number; latencyMs: number };
}

export interface Generation {
  record: GenerationRecord;
  /** The code (absent when the answer held none). */
  code?: string;
}

const GEN_FILE = /^gen-([1-9][0-9]*)\.json$/;

/** The generations in `folder`, oldest first (none when the folder does not exist). */
export function readGenerations(folder: string): Generation[] {
  if (!existsSync(folder)) return [];
  const numbers = readdirSync(folder)
    .map((file) => GEN_FILE.exec(file))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
  return numbers.map((n) => {
    const path = join(folder, `gen-${n}.json`);
    let record: GenerationRecord;
    try {
      record = JSON.parse(readFileSync(path, "utf8")) as GenerationRecord;
    } catch (error) {
      throw new StrategyFolderError(
        `${path} is not a generation record (${(error as Error).message}); move it away or restore it from the run that wrote it`,
      );
    }
    if (record.generation !== n || typeof record.kept !== "boolean")
      throw new StrategyFolderError(
        `${path} is not generation ${n}'s record (it holds generation ${JSON.stringify(record.generation)}); move it away`,
      );
    const codePath = join(folder, `gen-${n}.js`);
    const code = existsSync(codePath) ? readFileSync(codePath, "utf8") : undefined;
    if (record.kept && code === undefined)
      throw new StrategyFolderError(
        `${codePath} is missing, but ${path} says it was kept; restore it or move the record away`,
      );
    return code === undefined ? { record } : { record, code };
  });
}

/** The newest kept generation: the incumbent a new candidate must beat. */
export function incumbentOf(generations: readonly Generation[]): Generation | undefined {
  for (let i = generations.length - 1; i >= 0; i--) if (generations[i]!.record.kept) return generations[i];
  return undefined;
}

/** Writes a generation's code, then its record (the record last: a record names a whole generation). */
export function writeGeneration(folder: string, generation: Generation): void {
  mkdirSync(folder, { recursive: true });
  const n = generation.record.generation;
  if (generation.code !== undefined) writeFileAtomicallySync(join(folder, `gen-${n}.js`), generation.code);
  writeFileAtomicallySync(join(folder, `gen-${n}.json`), `${JSON.stringify(generation.record, null, 2)}\n`);
}
