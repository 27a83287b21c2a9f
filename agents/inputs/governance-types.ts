// The `governance` section of a scenario, parsed: who governs inside the battle. A protocol-owned
// agent holding the treasury's delegated votes tunes parameters through the real Governor; voters
// (trading agents that also hold votes) judge every proposal on their own what-if; a guardian pauses
// the market on an anomaly; a script makes given agents propose, delegate and vote at given steps
// (governance attacks). governance-reader.ts reads it; scenarios/README.md documents it.

import type { LlmSettings } from "../llm/client.ts";
import type { ParameterChange } from "../core/parameters.ts";
import type { MetricName } from "../metrics/registry.ts";

/**
 * The metrics an objective can name (agents/metrics/registry.ts; their aliases curveVolatility,
 * poolVolatility, minSolvency, treasuryRevenue and curveVolume are read as these), measured over the
 * steps of a what-if or a monitoring window and recorded for every evaluation.
 */
export const OBJECTIVE_METRICS = [
  "curveVolatilityBps",
  "poolVolatilityBps",
  "minSolvencyRatio",
  "treasuryRevenueQuote",
  "curveVolumeQuote",
  "meanGapBps",
] as const satisfies readonly MetricName[];
export type ObjectiveMetric = (typeof OBJECTIVE_METRICS)[number];

/**
 * One condition a candidate must keep:
 * - "level": the metric measured with the change, its mean, compared with a number ("minSolvencyRatio >= 1.02");
 * - "notFalling" / "notRising": the paired difference (with − without) must not be significantly below / above zero.
 */
export type Constraint =
  | { kind: "level"; metric: ObjectiveMetric; op: ">=" | "<="; value: number; text: string }
  | { kind: "notFalling" | "notRising"; metric: ObjectiveMetric; text: string };

export interface Objective {
  direction: "minimise" | "maximise";
  metric: ObjectiveMetric;
  constraints: Constraint[];
}

export interface EvaluationConfig {
  /** What-if runs per candidate (one seed each); the paired differences' intervals come from them. */
  seeds: number;
  /** Steps each what-if runs after the change applies. */
  blocks: number;
}

export interface ProtocolAgentConfig {
  /** Its id in records; its wallet is derived from it (a local chain impersonates it). */
  id: string;
  objective: Objective;
  /**
   * Store keys it may tune; none: it only votes (and answers a guardian's pause). The scenario's list,
   * or every store key its objective's metric depends on (objective-parameters.ts) when it has none.
   */
  parameters: string[];
  /** Also evaluate the best winning move of each key together, as one proposal (absent: one key per proposal). */
  combine?: true;
  /** Judge each candidate over its monitor window followed by the what-if's horizon (absent: the horizon alone). */
  judgeWithWindow?: true;
  /**
   * Judge each candidate over the whole run: the battle's steps so far, then a forecast to the run's
   * last block on the fast model forked from the chain (evaluation/model-fork.ts), `evaluation.seeds`
   * pairs of arms; `evaluation.blocks` then sizes only the chain what-if when its proposals open for
   * voting, and `judgeWithWindow` is unused (absent: chain what-ifs of `evaluation.blocks`).
   */
  judgeOverRun?: true;
  /** First step it considers a proposal; then every `everySteps` while none of its proposals is open. */
  startStep: number;
  /**
   * The remaining-horizon rule: it proposes no parameter change that would be in effect for fewer than
   * this many of the run's steps (from the step it would execute in to the last, battle/horizon.ts);
   * absent: no such rule. An unpause is never held back.
   */
  minRemainingSteps?: number;
  everySteps: number;
  /** Candidate values per parameter: current ± each fraction of the parameter's largest step. */
  stepFractions: number[];
  /** Steps of history its monitor measures (before a proposal, and after execution for the effect). */
  windowSteps: number;
  evaluation: EvaluationConfig;
  /** Propose resuming a paused market this many steps after the guardian's pause (undefined: never). */
  unpauseAfterSteps?: number;
  /**
   * `draft: llm`: the model that drafts its candidates (its own `llm` over the scenario's, merged field
   * by field); absent: `draft: grid`, the current values ± each step fraction.
   */
  llm?: LlmSettings;
}

export interface VotersConfig {
  /** Agent ids, after `count` expansion (a group id "noise" names noise-1 … noise-N). */
  agents: string[];
  /** What a voter does when its PnL difference is within noise: abstain (counts for quorum) or skip voting. */
  whenIndifferent: "abstain" | "skip";
  /** The what-if run once per proposal when it goes Active (the protocol agent's evaluation when absent). */
  evaluation: EvaluationConfig;
}

export interface GuardianConfig {
  /** Steps of recent behaviour a move is compared with. */
  windowSteps: number;
  /** A step's |log return| above this many standard deviations of the window is an anomaly… */
  priceMoveSigma: number;
  /** …when it is also at least this large (a flat window has a tiny σ). */
  minMoveBps: number;
  /** A reserve drop larger than this in one step is an anomaly. */
  reserveDrainBps: number;
}

export type ScriptAction =
  | { kind: "propose"; label: string; changes: ParameterChange[]; unpause: boolean; description: string }
  | { kind: "delegate" }
  | { kind: "vote"; proposal: string; support: "for" | "against" | "abstain" };

export interface ScriptEntry {
  step: number;
  agent: string;
  action: ScriptAction;
  /** Where it came from in the file, for messages ("governance.script[2]"). */
  path: string;
}

export interface GovernanceConfig {
  protocolAgent?: ProtocolAgentConfig;
  voters?: VotersConfig;
  guardian?: GuardianConfig;
  script: ScriptEntry[];
}
