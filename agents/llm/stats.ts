// llm.json: a run's model calls summed per agent — calls and what became of them, input, output and
// cached tokens, US dollars at the scenario's pricing, and latency (as recorded) — beside gas.json.
// Built from the same records as llm.jsonl, so a replay writes the same bytes.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { ArenaError } from "../core/errors.ts";
import { stableJson } from "../core/stable-json.ts";
import type { LlmCallRecord } from "./recorder.ts";

export const LLM_STATS_KIND = "token-arena/llm";
export const LLM_STATS_VERSION = 1;

export interface LlmAgentStats {
  provider: string;
  model: string;
  calls: number;
  accepted: number;
  /** Answers the schema or the domain refused: the agent skipped the step. */
  rejected: number;
  /** Calls that got no answer (after the client's retries). */
  failed: number;
  /** Calls answered after the budget ran out, or the call that ran it out: recorded, not acted on. */
  overBudget: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  usd: number;
  latencyMs: number;
}

export interface LlmStatsFile {
  kind: typeof LLM_STATS_KIND;
  version: typeof LLM_STATS_VERSION;
  agents: Record<string, LlmAgentStats>;
  totals: Omit<LlmAgentStats, "provider" | "model">;
  /** Why the budget stopped the run, when it did. */
  budgetStop: string | null;
}

const zero = () => ({
  calls: 0,
  accepted: 0,
  rejected: 0,
  failed: 0,
  overBudget: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedTokens: 0,
  usd: 0,
  latencyMs: 0,
});

export class LlmStats {
  readonly agents = new Map<string, LlmAgentStats>();
  budgetStop: string | undefined;

  add(record: LlmCallRecord, usd: number): void {
    let s = this.agents.get(record.agent);
    if (s === undefined)
      this.agents.set(record.agent, (s = { provider: record.provider, model: record.model, ...zero() }));
    s.calls++;
    if (record.outcome.status === "accepted") s.accepted++;
    else if (record.outcome.status === "rejected") s.rejected++;
    else if (record.outcome.status === "failed") s.failed++;
    else s.overBudget++;
    s.inputTokens += record.usage.inputTokens;
    s.outputTokens += record.usage.outputTokens;
    s.cachedTokens += record.usage.cachedTokens;
    s.usd += usd;
    s.latencyMs += record.latencyMs;
  }

  file(): LlmStatsFile {
    const totals = zero();
    const agents: Record<string, LlmAgentStats> = {};
    for (const id of [...this.agents.keys()].sort()) {
      const s = this.agents.get(id)!;
      agents[id] = s;
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += s[key];
    }
    return {
      kind: LLM_STATS_KIND,
      version: LLM_STATS_VERSION,
      agents,
      totals,
      budgetStop: this.budgetStop ?? null,
    };
  }

  json(): string {
    return stableJson(this.file());
  }
}

/** The llm.json of a run folder, or undefined when the run had no language-model agents. */
export function readLlmStats(folder: string): LlmStatsFile | undefined {
  const path = join(folder, "llm.json");
  if (!existsSync(path)) return undefined;
  try {
    const file = JSON.parse(readFileSync(path, "utf8")) as LlmStatsFile;
    if (file.kind !== LLM_STATS_KIND)
      throw new Error(`its kind is ${JSON.stringify(file.kind)}, not ${LLM_STATS_KIND}`);
    return file;
  } catch (error) {
    throw new LlmStatsFileError(
      `${path} is not a readable llm.json (${(error as Error).message}); run the battle again (--force) to write it`,
    );
  }
}

export class LlmStatsFileError extends ArenaError {}

/** The columns `gas-profile --by policy` adds for a run with language-model agents: its calls, tokens and dollars on its policy's row. */
export function llmPolicyColumns(
  stats: LlmStatsFile,
  policy: string,
): { titles: readonly string[]; cells(key: string): readonly string[] } {
  const { calls, inputTokens, outputTokens, usd } = stats.totals;
  return {
    titles: ["llm calls", "llm tokens", "llm usd"],
    cells: (key) =>
      key === policy
        ? [calls.toLocaleString("en-US"), (inputTokens + outputTokens).toLocaleString("en-US"), `$${usd.toFixed(4)}`]
        : ["", "", ""],
  };
}
