// llm.jsonl: every model call of a run, one JSON line each, appended in the order the calls were
// started (the agents' order within a step), whole lines only: the agent and step, the prompt's hash
// and the cassette key, the request, the answer, its usage and latency (as recorded: a replay writes the
// cassette's latency, not its own), and what the behaviour made of it (accepted with its action,
// rejected with the reason, failed, or over the budget). Its totals per agent go to llm.json (stats.ts).

import { join } from "node:path";

import { AppendFile } from "../core/append-file.ts";
import { stableValue } from "../core/stable-json.ts";
import { requestJson } from "./cassette.ts";
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
  /** Calls recorded but not yet written: they are written together once the step waits on the chain. */
  private pending: LlmCallRecord[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  /** A write that failed while no caller was on the stack: thrown at the next record or close. */
  private failed: unknown;

  constructor(dir: string) {
    this.file = new AppendFile(join(dir, LLM_FILES.calls), "");
  }

  /**
   * Records one call as one line (keys sorted: the same call always gives the same bytes). The lines
   * are written in order, together, as soon as the event loop is free — while the step's block is
   * being mined — so writing them does not hold the step up; `flush` and `close` write what is left.
   */
  record(call: LlmCallRecord): void {
    this.rethrow();
    this.pending.push(call);
    this.calls++;
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      try {
        this.flush();
      } catch (error) {
        this.failed = error;
      }
    });
  }

  /** Writes every recorded call not yet written, as whole lines. */
  flush(): void {
    if (this.pending.length === 0) return;
    const calls = this.pending;
    this.pending = [];
    this.file.append(calls.map(lineOf).join(""));
  }

  close(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    try {
      this.rethrow();
      this.flush();
    } finally {
      this.file.close();
    }
  }

  private rethrow(): void {
    if (this.failed === undefined) return;
    const error = this.failed;
    this.failed = undefined;
    throw error;
  }
}

/** One call's line of llm.jsonl: JSON.stringify(stableValue(call)) and a newline. */
function lineOf(call: LlmCallRecord): string {
  // The request (most of the line, and the same schema every step) is written by requestJson between
  // the fields sorted before it and those after it.
  const { request, ...rest } = call;
  const fields = stableValue(rest) as Record<string, unknown>;
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) (key < "request" ? before : after)[key] = value;
  const head = JSON.stringify(before).slice(1, -1);
  const tail = JSON.stringify(after).slice(1, -1);
  const inner = [head, `"request":${requestJson(request)}`, tail].filter((part) => part !== "").join(",");
  return `{${inner}}\n`;
}
