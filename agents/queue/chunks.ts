// What travels through the queue. A job is a chunk of one experiment's runs: the experiment file's
// document (workers parse it as the submitter did, reading the scenario and genesis files from their
// own checkout, checked against the submitter's sha256), the code version, the engine and the runs as
// (case index, seed). Its result is one row per run, in the chunk's order. Bigints travel as tagged
// strings; metrics as the text runs.csv writes (String(number): exact, and NaN survives).
//
// A chunk's job id is the sha256 of the experiment's key, the code version, the engine and its runs
// (each with the number of rows runs.csv already holds for it): enqueueing the same runs again is a
// no-op, and a failed run that --resume retries gets a new job. The experiment's key is the sha256 of
// the file's canonical document (keys sorted, `workers` left out: it changes nothing a run gives) with
// the scenario and genesis files' sha256. Chunks are fixed slices of the grid's (case, seed)
// enumeration, so a resume forms the same chunks as the first submission.

import { createHash } from "node:crypto";

import type { ExperimentFingerprint, RunEngine } from "../experiment/experiment-types.ts";

export const QUEUE_NAME = "token-arena-experiments";
/** Bumped when the job format changes; a worker refuses other formats like another code version. */
export const CHUNK_FORMAT = 1;

export interface ChunkData {
  format: number;
  codeVersion: string;
  experimentKey: string;
  /** The experiment's name and file (for messages). */
  name: string;
  source: string;
  /** The experiment file's document, encoded by encodeValue. */
  document: string;
  fingerprint: ExperimentFingerprint;
  engine: RunEngine;
  /** (index into the experiment's cases, seed as decimal text), in the order the rows come back. */
  runs: [number, string][];
}

export interface ChunkRow {
  /** One per objective, as String(number); absent when the run failed. */
  metrics?: string[];
  error?: string;
  wallMs: number;
}

export interface ChunkResult {
  format: number;
  rows: ChunkRow[];
  /** The worker that ran it (host and pid), for the collector's messages. */
  worker: string;
}

/** JSON with bigints kept (as {"$bigint": "…"}). */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? { $bigint: v.toString() } : v));
}

export function decodeValue(text: string): unknown {
  return JSON.parse(text, (_, v) =>
    v !== null && typeof v === "object" && typeof v.$bigint === "string" && Object.keys(v).length === 1
      ? BigInt(v.$bigint)
      : v,
  );
}

/** The value with every object's keys sorted: one text per document, however the file was written. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = canonical((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function experimentKey(document: unknown, fingerprint: ExperimentFingerprint): string {
  const { workers: _workers, ...rest } = (document ?? {}) as Record<string, unknown>;
  return sha256(encodeValue(canonical({ document: rest, fingerprint })));
}

/** The chunk's job id (no ":" — BullMQ refuses it in custom ids). */
export function chunkId(
  key: string,
  version: string,
  engine: RunEngine,
  runs: readonly { position: number; rows: number }[],
): string {
  const list = runs.map((r) => `${r.position}.${r.rows}`).join(",");
  return `chunk-${sha256(`${key}|${version}|${engine}|${list}`).slice(0, 40)}`;
}
