// What a battle adds for its language-model agents: the run's models (llm/run-llm.ts) in the mode the
// command asked for, the agents' behaviours built with them, and the cassette folder — `--cassette`,
// else the scenario's `llm.cassette` (relative to the scenario file), else `<scenario>.cassette/`
// beside the scenario file (scenarios/llm-traders.yaml → scenarios/llm-traders.cassette/).

import { basename, dirname, extname, join, resolve } from "node:path";

import type { Behaviour } from "../behaviours/behaviour.ts";
import { createLlmTrader, type LlmTraderConfig } from "../behaviours/llm-trader.ts";
import { withPhase } from "../behaviours/phase.ts";
import { type BehaviourConfig, createBehaviour } from "../behaviours/registry.ts";
import type { AgentWallet, Scenario } from "../inputs/scenario-types.ts";
import type { LlmClient, LlmMode, LlmSettings } from "../llm/client.ts";
import { createLlmClient, type RemoteLlmSettings } from "../llm/create-client.ts";
import type { LlmAgentStats } from "../llm/stats.ts";
import { type LlmBudgetExhausted, LlmRun } from "../llm/run-llm.ts";
import type { LeaderboardEntry } from "../core/records.ts";

export const LLM_MODES: readonly LlmMode[] = ["live", "record", "replay"];

/** A battle's models, as its options say. */
export interface LlmBattleOptions {
  /** `--llm`: replay (the default: answers from the cassette, no network), record or live. */
  mode?: LlmMode;
  /** `--cassette`: the cassette folder. */
  cassette?: string;
  /** The client for a behaviour's settings (live and record); createLlmClient's, with the key from the environment, when absent. */
  clientFor?: (settings: LlmSettings) => LlmClient;
}

/** Whether any of the scenario's agents has an llm behaviour. */
export function usesLlm(scenario: Pick<Scenario, "agents">): boolean {
  return scenario.agents.some((agent) => agent.behaviours.some((b) => b.kind === "llm"));
}

/** The cassette folder: `--cassette`, the scenario's `llm.cassette` (beside the scenario file), or `<scenario>.cassette/` beside it. */
export function cassetteFolderOf(scenario: Pick<Scenario, "source" | "llm">, option?: string): string {
  if (option !== undefined) return option;
  const at = dirname(scenario.source);
  if (scenario.llm?.cassette !== undefined) return resolve(at, scenario.llm.cassette);
  return join(at, `${basename(scenario.source, extname(scenario.source))}.cassette`);
}

/** The run's models when the scenario has llm agents (undefined otherwise: nothing changes for it). */
export function openLlmRun(
  scenario: Scenario,
  options: LlmBattleOptions,
  folder: string,
  onBudgetExhausted: (stop: LlmBudgetExhausted) => void,
): LlmRun | undefined {
  if (!usesLlm(scenario)) return undefined;
  return new LlmRun({
    mode: options.mode ?? "replay",
    cassette: cassetteFolderOf(scenario, options.cassette),
    folder,
    // The providers' client (agents/llm/create-client.ts), its key from the environment, unless a test gives its own.
    clientFor:
      options.clientFor ?? ((settings) => createLlmClient(settings as RemoteLlmSettings, { env: process.env })),
    ...(scenario.llm?.budget === undefined ? {} : { budget: scenario.llm.budget }),
    onBudgetExhausted,
  });
}

/** An agent's behaviours; its llm behaviours ask `run`. */
export function behavioursWithLlm(wallet: AgentWallet, run: LlmRun | undefined): Behaviour[] {
  return wallet.config.behaviours.map((config: BehaviourConfig) =>
    config.kind === "llm" && run !== undefined
      ? withPhase(createLlmTrader(config as LlmTraderConfig, run), config)
      : createBehaviour(config),
  );
}

/** The leaderboard with each agent's model calls, tokens and dollars (agents without calls as they were). */
export function withLlmColumns(
  entries: readonly LeaderboardEntry[],
  stats: ReadonlyMap<string, LlmAgentStats>,
): LeaderboardEntry[] {
  return entries.map((entry) => {
    const s = stats.get(entry.agent);
    if (s === undefined) return entry;
    return {
      ...entry,
      llmCalls: s.calls,
      llmRejected: s.rejected + s.failed,
      llmTokens: s.inputTokens + s.outputTokens,
      llmUsd: s.usd,
    };
  });
}
