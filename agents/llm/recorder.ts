// llm.jsonl: every model call of a run, one JSON line each, appended in the order the calls were
// started (the agents' order within a step), whole lines only: the agent and step, the prompt's hash
// and the cassette key, the request, the answer, its usage and latency (as recorded: a replay writes the
// cassette's latency, not its own), and what the behaviour made of it (accepted with its action,
// rejected with the reason, failed, or over the budget). Its totals per agent go to llm.json (stats.ts).

import { join } from "node:path";

import { AppendFile } from "../core/append-file.ts";
import { stableValue } from "../core/stable-json.ts";
import type { LlmRequest, LlmUsage } from "./client.ts";

export const LLM_FILES = { calls: "llm.jsonl", stats: "llm.json" } as const;

export type CallStatus = "accepted" | "rejected" | "failed" | "budget";

/** One line of llm.jsonl. */
export interface LlmCallRecord {
  agent: string;
  step: number;
  provider: string;
  model: string;
  /** sha256 of the canonical JSON of the messages. */
  promptHash: string;
  /** The cassette key (cassette.ts). */
  key: string;
  request: LlmRequest;
  /** The answer's value and text; absent when the call failed. */
  answer?: { json: unknown; text: string; raw: unknown };
  usage: LlmUsage;
  latencyMs: number;
  outcome: { status: CallStatus; action?: string; reason?: string };
}

export class LlmRecorder {
  private readonly file: AppendFile;
  calls = 0;

  constructor(dir: string) {
    this.file = new AppendFile(join(dir, LLM_FILES.calls), "");
  }

  /** Appends one call as one line (keys sorted: the same call always gives the same bytes). */
  record(call: LlmCallRecord): void {
    this.file.append(`${JSON.stringify(stableValue(call))}\n`);
    this.calls++;
  }

  close(): void {
    this.file.close();
  }
}
