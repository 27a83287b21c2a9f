// Reads a scenario's `governance` section (see governance-types.ts and scenarios/README.md) with the
// same error style as the rest of the file: every problem is recorded with its path, what was
// expected, what the file held and the fix, and reading goes on.
//
// The objective is a small stated form:
//   objective:
//     minimise: curveVolatilityBps            # or maximise: <metric>
//     subjectTo:
//       - minSolvencyRatio >= 1.02            # the metric's level with the change
//       - treasuryRevenueQuote not falling    # the paired difference is not significantly below zero
// A metric is one of OBJECTIVE_METRICS by its registry name or an alias (curveVolatility is read as
// curveVolatilityBps, in the same bps), and is recorded under its registry name.

import { type LlmShared, readTraderLlm } from "./llm-reader.ts";
import { child } from "../core/document-reader.ts";
import { WHAT_IF_BLOCKS, WHAT_IF_SEEDS } from "../core/limits.ts";
import { metricNamed } from "../metrics/registry.ts";
import { formatParameter, type GenesisParameter, type ParameterChange, readChange } from "../core/parameters.ts";
import type { AgentConfig } from "./scenario-types.ts";
import { objectiveParameters } from "./objective-parameters.ts";
import { closest, ScenarioReader } from "./scenario-reader.ts";
import {
  type Constraint,
  type EvaluationConfig,
  type GovernanceConfig,
  type GuardianConfig,
  OBJECTIVE_METRICS,
  type Objective,
  type ObjectiveMetric,
  type ProtocolAgentConfig,
  type ScriptEntry,
  type VotersConfig,
} from "./governance-types.ts";

export interface GovernanceContext {
  agents: AgentConfig[] | undefined;
  /** The genesis's store parameters; undefined when the genesis could not be read (already reported). */
  parameters: readonly GenesisParameter[] | undefined;
  /** The genesis file's path, for the fix of a scripted change outside its bounds. */
  genesis: string | undefined;
  blocks: number | undefined;
  /** The scenario's top-level `llm` section (a protocol agent's `draft: llm` model goes over it). */
  llm?: LlmShared;
}

const DEFAULT_EVALUATION: EvaluationConfig = { seeds: 3, blocks: 30 };

export function readGovernance(
  r: ScenarioReader,
  value: unknown,
  context: GovernanceContext,
): GovernanceConfig | undefined {
  const o = r.fields(value, "governance", [], ["protocolAgent", "voters", "guardian", "script"]);
  if (o === undefined) return undefined;
  const before = r.issues.length;
  const protocolAgent = o.protocolAgent === undefined ? undefined : readProtocolAgent(r, o.protocolAgent, context);
  const voters = o.voters === undefined ? undefined : readVoters(r, o.voters, context, protocolAgent?.evaluation);
  const guardian = o.guardian === undefined ? undefined : readGuardian(r, o.guardian);
  const script = o.script === undefined ? [] : readScript(r, o.script, context);
  if (protocolAgent !== undefined && context.agents?.some((a) => a.id === protocolAgent.id)) {
    r.failText(
      "governance.protocolAgent.id",
      "an id no trading agent has (the protocol agent has a wallet of its own)",
      JSON.stringify(protocolAgent.id),
      "rename it",
    );
  }
  if (r.issues.length > before || script === undefined) return undefined;
  return { protocolAgent, voters, guardian, script };
}

function readEvaluation(
  r: ScenarioReader,
  value: unknown,
  path: string,
  fallback: EvaluationConfig,
): EvaluationConfig | undefined {
  if (value === undefined) return { ...fallback };
  const o = r.fields(value, path, [], ["seeds", "blocks"]);
  if (o === undefined) return undefined;
  const seeds = o.seeds === undefined ? fallback.seeds : r.wholeNumber(o.seeds, child(path, "seeds"), WHAT_IF_SEEDS);
  const blocks =
    o.blocks === undefined ? fallback.blocks : r.wholeNumber(o.blocks, child(path, "blocks"), WHAT_IF_BLOCKS);
  return seeds === undefined || blocks === undefined ? undefined : { seeds, blocks };
}

function readProtocolAgent(
  r: ScenarioReader,
  value: unknown,
  context: GovernanceContext,
): ProtocolAgentConfig | undefined {
  const path = "governance.protocolAgent";
  const o = r.fields(
    value,
    path,
    ["id", "objective"],
    [
      "parameters",
      "combine",
      "judgeWithWindow",
      "judgeOverRun",
      "startStep",
      "minRemainingSteps",
      "everySteps",
      "stepFractions",
      "windowSteps",
      "evaluation",
      "unpauseAfterSteps",
      "draft",
      "llm",
    ],
  );
  if (o === undefined) return undefined;
  const draft = o.draft === undefined ? "grid" : r.oneOf(o.draft, child(path, "draft"), ["grid", "llm"] as const);
  if (o.llm !== undefined && draft === "grid")
    r.failText(
      child(path, "llm"),
      "model settings only with draft: llm",
      "an llm section with draft: grid",
      "add draft: llm, or remove llm",
    );
  const llm = draft === "llm" ? readTraderLlm(r, o.llm, child(path, "llm"), context.llm) : undefined;
  const id = o.id === undefined ? undefined : r.name(o.id, child(path, "id"), "the protocol agent's id");
  const objective = o.objective === undefined ? undefined : readObjective(r, o.objective, child(path, "objective"));
  // Without a list: every store parameter its objective's metric depends on (objective-parameters.ts).
  const parameters =
    o.parameters === undefined
      ? objective === undefined || context.parameters === undefined
        ? undefined
        : objectiveParameters(
            objective.metric,
            context.parameters.map((p) => p.key),
          )
      : readParameterKeys(
          r,
          o.parameters,
          child(path, "parameters"),
          context.parameters?.map((p) => p.key),
        );
  const combine = r.flag(o.combine, child(path, "combine"), false);
  const judgeWithWindow = r.flag(o.judgeWithWindow, child(path, "judgeWithWindow"), false);
  const judgeOverRun = r.flag(o.judgeOverRun, child(path, "judgeOverRun"), false);
  const startStep =
    o.startStep === undefined
      ? 1
      : r.steps(o.startStep, child(path, "startStep"), 1, "the first step it considers a proposal, at least 1");
  const minRemainingSteps =
    o.minRemainingSteps === undefined
      ? undefined
      : r.steps(
          o.minRemainingSteps,
          child(path, "minRemainingSteps"),
          1,
          "the fewest steps of the run a change must be in effect for, at least 1",
        );
  if (context.blocks !== undefined && minRemainingSteps !== undefined && minRemainingSteps > context.blocks) {
    r.failText(
      child(path, "minRemainingSteps"),
      `at most the run's blocks (${context.blocks})`,
      String(minRemainingSteps),
      "lower minRemainingSteps (with more than the run's blocks it could never propose), or run more blocks",
    );
  }
  const everySteps =
    o.everySteps === undefined
      ? 50
      : r.steps(o.everySteps, child(path, "everySteps"), 1, "steps between the proposals it considers, at least 1");
  const stepFractions =
    o.stepFractions === undefined ? [1] : readFractions(r, o.stepFractions, child(path, "stepFractions"));
  const windowSteps =
    o.windowSteps === undefined
      ? 30
      : r.steps(o.windowSteps, child(path, "windowSteps"), 2, "steps of history its monitor measures, at least 2");
  const evaluation = readEvaluation(r, o.evaluation, child(path, "evaluation"), DEFAULT_EVALUATION);
  const unpauseAfterSteps =
    o.unpauseAfterSteps === undefined
      ? undefined
      : r.steps(
          o.unpauseAfterSteps,
          child(path, "unpauseAfterSteps"),
          1,
          "steps after a guardian's pause before it proposes to resume trading, at least 1",
        );
  if (context.blocks !== undefined && startStep !== undefined && startStep > context.blocks) {
    r.failText(
      child(path, "startStep"),
      `a step within the run (blocks: ${context.blocks})`,
      String(startStep),
      "lower startStep or run more blocks",
    );
  }
  if (
    id === undefined ||
    objective === undefined ||
    parameters === undefined ||
    combine === undefined ||
    judgeWithWindow === undefined ||
    judgeOverRun === undefined ||
    startStep === undefined ||
    everySteps === undefined ||
    stepFractions === undefined ||
    windowSteps === undefined ||
    evaluation === undefined ||
    draft === undefined ||
    (draft === "llm" && llm === undefined)
  )
    return undefined;
  if (o.unpauseAfterSteps !== undefined && unpauseAfterSteps === undefined) return undefined;
  if (o.minRemainingSteps !== undefined && minRemainingSteps === undefined) return undefined;
  return {
    id,
    objective,
    parameters,
    ...(combine ? { combine: true as const } : {}),
    ...(judgeWithWindow ? { judgeWithWindow: true as const } : {}),
    ...(judgeOverRun ? { judgeOverRun: true as const } : {}),
    startStep,
    ...(minRemainingSteps === undefined ? {} : { minRemainingSteps }),
    everySteps,
    stepFractions,
    windowSteps,
    evaluation,
    ...(unpauseAfterSteps === undefined ? {} : { unpauseAfterSteps }),
    ...(llm === undefined ? {} : { llm }),
  };
}

/** The objective metric `name` names (its registry name or an alias), or undefined. */
function objectiveMetric(name: string): ObjectiveMetric | undefined {
  const canonical = metricNamed(name)?.name;
  return (OBJECTIVE_METRICS as readonly string[]).includes(canonical ?? "")
    ? (canonical as ObjectiveMetric)
    : undefined;
}

/** The objective metric nearest a misspelt name (searching the aliases too), for "did you mean". */
function nearestObjectiveMetric(name: string): ObjectiveMetric | undefined {
  const spellings = OBJECTIVE_METRICS.flatMap((m) => [m, ...(metricNamed(m)?.aliases ?? [])]);
  const near = closest(name, spellings);
  return near === undefined ? undefined : objectiveMetric(near);
}

function readMetric(r: ScenarioReader, value: unknown, path: string): ObjectiveMetric | undefined {
  const metric = typeof value === "string" ? objectiveMetric(value) : undefined;
  if (metric !== undefined) return metric;
  const near = typeof value === "string" ? nearestObjectiveMetric(value) : undefined;
  const expected = `one of ${OBJECTIVE_METRICS.map((m) => `"${m}"`).join(", ")}`;
  if (near === undefined) return r.fail(path, expected, value);
  return r.failText(path, expected, JSON.stringify(value), `did you mean "${near}"?`);
}

function readObjective(r: ScenarioReader, value: unknown, path: string): Objective | undefined {
  const o = r.fields(value, path, [], ["minimise", "maximise", "subjectTo"]);
  if (o === undefined) return undefined;
  if ((o.minimise === undefined) === (o.maximise === undefined)) {
    return r.failText(
      path,
      "exactly one of minimise: <metric> or maximise: <metric>",
      o.minimise === undefined ? "neither" : "both",
      `metrics: ${OBJECTIVE_METRICS.join(", ")}`,
    );
  }
  const direction = o.minimise !== undefined ? "minimise" : "maximise";
  const metric = readMetric(r, o[direction], child(path, direction));
  const list =
    o.subjectTo === undefined
      ? []
      : r.array(
          o.subjectTo,
          child(path, "subjectTo"),
          'conditions like "minSolvencyRatio >= 1.02" or "treasuryRevenueQuote not falling"',
        );
  const constraints = list?.map((entry, i) => readConstraint(r, entry, `${child(path, "subjectTo")}[${i}]`));
  if (metric === undefined || constraints === undefined || constraints.includes(undefined)) return undefined;
  return { direction, metric, constraints: constraints as Constraint[] };
}

function readConstraint(r: ScenarioReader, value: unknown, path: string): Constraint | undefined {
  const expected = `"<metric> >= <number>", "<metric> <= <number>", "<metric> not falling" or "<metric> not rising", with a metric of ${OBJECTIVE_METRICS.join(", ")}`;
  if (typeof value !== "string") return r.fail(path, expected, value);
  const written = value.trim().replace(/\s+/g, " ");
  const level = /^([A-Za-z]+) ?(>=|<=) ?(-?\d+(?:\.\d+)?)$/.exec(written);
  const trend = /^([A-Za-z]+) not (falling|rising)$/.exec(written);
  const name = level?.[1] ?? trend?.[1];
  if (name === undefined) return r.fail(path, expected, value);
  const metric = objectiveMetric(name);
  if (metric === undefined) {
    const near = nearestObjectiveMetric(name);
    return r.failText(path, expected, JSON.stringify(value), near === undefined ? undefined : `did you mean ${near}?`);
  }
  // As written, but with the metric's registry name: conditions read the same in every record.
  const text = metric + written.slice(name.length);
  if (level !== null) return { kind: "level", metric, op: level[2] as ">=" | "<=", value: Number(level[3]), text };
  return { kind: trend![2] === "falling" ? "notFalling" : "notRising", metric, text };
}

function readParameterKeys(
  r: ScenarioReader,
  value: unknown,
  path: string,
  known: string[] | undefined,
): string[] | undefined {
  const list = r.array(value, path, "parameter store keys (like market.buyFeeBps)");
  if (list === undefined) return undefined;
  // An empty list is a protocol agent that only votes (and answers pauses): it never drafts a change.
  const keys: string[] = [];
  list.forEach((entry, i) => {
    const at = `${path}[${i}]`;
    if (typeof entry !== "string") return r.fail(at, "a parameter store key", entry);
    if (known !== undefined && !known.includes(entry)) {
      const near = closest(entry, known);
      return r.failText(
        at,
        `a parameter of the genesis's store: ${known.join(", ")}`,
        JSON.stringify(entry),
        near === undefined ? undefined : `did you mean ${near}?`,
      );
    }
    if (keys.includes(entry)) return r.failText(at, "each key once", JSON.stringify(entry), "remove the repeat");
    keys.push(entry);
  });
  return keys.length === list.length ? keys : undefined;
}

function readFractions(r: ScenarioReader, value: unknown, path: string): number[] | undefined {
  const list = r.array(value, path, "fractions of a parameter's largest step (like [0.5, 1])");
  if (list === undefined) return undefined;
  if (list.length === 0) return r.failText(path, "at least one fraction", "an empty list");
  const out = list.map((entry, i) =>
    r.number(entry, `${path}[${i}]`, Number.MIN_VALUE, 1, "a fraction of the largest step, above 0 and at most 1"),
  );
  return out.includes(undefined) ? undefined : (out as number[]);
}

/** Agent ids or group ids (an entry with count: N names <id>-1 … <id>-N), expanded, each once. */
function readAgentRefs(
  r: ScenarioReader,
  value: unknown,
  path: string,
  agents: AgentConfig[] | undefined,
): string[] | undefined {
  const list = r.array(value, path, "agent ids or the id of a group (an agent entry with count)");
  if (list === undefined) return undefined;
  if (list.length === 0) return r.failText(path, "at least one agent", "an empty list");
  const out: string[] = [];
  let ok = true;
  list.forEach((entry, i) => {
    const ids = readAgentRef(r, entry, `${path}[${i}]`, agents);
    if (ids === undefined) ok = false;
    else for (const id of ids) if (!out.includes(id)) out.push(id);
  });
  return ok ? out : undefined;
}

function readAgentRef(
  r: ScenarioReader,
  value: unknown,
  path: string,
  agents: AgentConfig[] | undefined,
): string[] | undefined {
  const id = r.name(value, path, "an agent id");
  if (id === undefined || agents === undefined) return undefined;
  const ids = agents.filter((a) => a.id === id || new RegExp(`^${id}-\\d+$`).test(a.id)).map((a) => a.id);
  if (ids.length > 0) return ids;
  const near = closest(
    id,
    agents.map((a) => a.id),
  );
  return r.failText(
    path,
    "the id of an agent of this scenario (or of a group with count)",
    JSON.stringify(id),
    near === undefined ? undefined : `did you mean ${near}?`,
  );
}

function readVoters(
  r: ScenarioReader,
  value: unknown,
  context: GovernanceContext,
  fallback: EvaluationConfig | undefined,
): VotersConfig | undefined {
  const path = "governance.voters";
  const o = r.fields(value, path, ["agents"], ["whenIndifferent", "evaluation"]);
  if (o === undefined) return undefined;
  const agents = o.agents === undefined ? undefined : readAgentRefs(r, o.agents, child(path, "agents"), context.agents);
  const whenIndifferent =
    o.whenIndifferent === undefined
      ? "abstain"
      : r.oneOf(o.whenIndifferent, child(path, "whenIndifferent"), ["abstain", "skip"] as const);
  const evaluation = readEvaluation(r, o.evaluation, child(path, "evaluation"), fallback ?? DEFAULT_EVALUATION);
  if (agents === undefined || whenIndifferent === undefined || evaluation === undefined) return undefined;
  return { agents, whenIndifferent, evaluation };
}

function readGuardian(r: ScenarioReader, value: unknown): GuardianConfig | undefined {
  const path = "governance.guardian";
  const o = r.fields(value, path, [], ["windowSteps", "priceMoveSigma", "minMoveBps", "reserveDrainBps"]);
  if (o === undefined) return undefined;
  const windowSteps =
    o.windowSteps === undefined
      ? 30
      : r.steps(
          o.windowSteps,
          child(path, "windowSteps"),
          3,
          "steps of recent behaviour a move is compared with, at least 3",
        );
  const priceMoveSigma =
    o.priceMoveSigma === undefined
      ? 6
      : r.number(
          o.priceMoveSigma,
          child(path, "priceMoveSigma"),
          1,
          1000,
          "standard deviations of the window's returns that make a move an anomaly, 1 … 1000",
        );
  const minMoveBps =
    o.minMoveBps === undefined
      ? 300
      : r.integer(
          o.minMoveBps,
          child(path, "minMoveBps"),
          1n,
          10_000n,
          "the smallest move in bps that can be an anomaly, 1 … 10000",
        );
  const reserveDrainBps =
    o.reserveDrainBps === undefined
      ? 1_500
      : r.integer(
          o.reserveDrainBps,
          child(path, "reserveDrainBps"),
          1n,
          10_000n,
          "a reserve drop in one step, in bps, that is an anomaly, 1 … 10000",
        );
  if (
    windowSteps === undefined ||
    priceMoveSigma === undefined ||
    minMoveBps === undefined ||
    reserveDrainBps === undefined
  )
    return undefined;
  return { windowSteps, priceMoveSigma, minMoveBps, reserveDrainBps };
}

function readScript(r: ScenarioReader, value: unknown, context: GovernanceContext): ScriptEntry[] | undefined {
  const list = r.array(value, "governance.script", "actions ({step, agent, propose | delegate | vote})");
  if (list === undefined) return undefined;
  const entries = list.map((entry, i) => readScriptEntry(r, entry, `governance.script[${i}]`, context));
  if (entries.includes(undefined)) return undefined;
  const out = entries as ScriptEntry[];
  // A vote names a proposal the script makes earlier.
  const proposals = new Map<string, ScriptEntry>();
  for (const entry of out) {
    if (entry.action.kind === "propose") {
      if (proposals.has(entry.action.label))
        r.failText(
          `${entry.path}.propose.label`,
          "a label no other scripted proposal has",
          JSON.stringify(entry.action.label),
          "rename one of them",
        );
      proposals.set(entry.action.label, entry);
    }
  }
  for (const entry of out) {
    if (entry.action.kind !== "vote") continue;
    const proposal = proposals.get(entry.action.proposal);
    if (proposal === undefined) {
      r.failText(
        `${entry.path}.vote.proposal`,
        `the label of a proposal this script makes (${[...proposals.keys()].join(", ") || "none"})`,
        JSON.stringify(entry.action.proposal),
      );
    } else if (proposal.step >= entry.step) {
      r.failText(
        `${entry.path}.step`,
        `a step after the proposal's (${proposal.step}): votes open a block after it is made`,
        String(entry.step),
      );
    }
  }
  return out;
}

function readScriptEntry(
  r: ScenarioReader,
  value: unknown,
  path: string,
  context: GovernanceContext,
): ScriptEntry | undefined {
  const o = r.fields(value, path, ["step", "agent"], ["propose", "delegate", "vote"]);
  if (o === undefined) return undefined;
  const step =
    o.step === undefined ? undefined : r.steps(o.step, child(path, "step"), 1, "the step it acts at, at least 1");
  const agentIds = o.agent === undefined ? undefined : readAgentRef(r, o.agent, child(path, "agent"), context.agents);
  if (agentIds !== undefined && agentIds.length !== 1)
    r.failText(
      child(path, "agent"),
      "one agent, not a group",
      JSON.stringify(o.agent),
      `name one of ${agentIds.join(", ")}`,
    );
  const given = ["propose", "delegate", "vote"].filter((k) => o[k] !== undefined);
  if (given.length !== 1) {
    return r.failText(
      path,
      "exactly one action: propose, delegate or vote",
      given.length === 0 ? "none" : given.join(" and "),
      "split it into one entry per action",
    );
  }
  let action: ScriptEntry["action"] | undefined;
  if (o.propose !== undefined) action = readPropose(r, o.propose, child(path, "propose"), context);
  else if (o.delegate !== undefined)
    action =
      o.delegate === "self"
        ? { kind: "delegate" }
        : r.fail(child(path, "delegate"), '"self" (the agent delegates its votes to itself)', o.delegate);
  else {
    const v = r.fields(o.vote, child(path, "vote"), ["proposal", "support"]);
    const proposal =
      v?.proposal === undefined
        ? undefined
        : r.name(v.proposal, child(path, "vote.proposal"), "the label of a scripted proposal");
    const support =
      v?.support === undefined
        ? undefined
        : r.oneOf(v.support, child(path, "vote.support"), ["for", "against", "abstain"] as const);
    action = proposal === undefined || support === undefined ? undefined : { kind: "vote", proposal, support };
  }
  if (step === undefined || agentIds === undefined || agentIds.length !== 1 || action === undefined) return undefined;
  if (context.blocks !== undefined && step > context.blocks)
    return r.failText(child(path, "step"), `a step within the run (blocks: ${context.blocks})`, String(step));
  return { step, agent: agentIds[0]!, action, path };
}

/**
 * A scripted proposal. What can be known from the files alone is checked here, as `propose` would
 * refuse it: each key once, and each value within its bounds (they never change). Its step, interval,
 * any proposal pending on the same key and the proposer's votes depend on the run, and are checked at
 * its step (governance/battle/script.ts).
 */
function readPropose(
  r: ScenarioReader,
  value: unknown,
  path: string,
  context: GovernanceContext,
): ScriptEntry["action"] | undefined {
  const keys = context.parameters?.map((p) => p.key);
  const o = r.fields(value, path, ["label"], ["changes", "unpause", "description"]);
  if (o === undefined) return undefined;
  const label =
    o.label === undefined ? undefined : r.name(o.label, child(path, "label"), "a label the script's votes refer to");
  const unpause = o.unpause === true;
  if (o.unpause !== undefined && typeof o.unpause !== "boolean")
    r.fail(child(path, "unpause"), "true (the proposal resumes a paused market) or false", o.unpause);
  if ((o.changes === undefined) === !unpause) {
    return r.failText(
      path,
      "either changes: [key=value, …] or unpause: true",
      o.changes === undefined ? "neither" : "both",
    );
  }
  const changes: ParameterChange[] = [];
  if (o.changes !== undefined) {
    const list = r.array(o.changes, child(path, "changes"), 'changes like "market.sellFeeBps=300" (human units)');
    if (list === undefined) return undefined;
    if (list.length === 0) return r.failText(child(path, "changes"), "at least one change", "an empty list");
    list.forEach((entry, i) => {
      const at = `${child(path, "changes")}[${i}]`;
      if (typeof entry !== "string") return r.fail(at, 'a change like "market.sellFeeBps=300"', entry);
      const change = readChange(entry);
      if ("problem" in change)
        return r.failText(at, 'a change like "market.sellFeeBps=300"', JSON.stringify(entry), change.problem);
      if (keys !== undefined && !keys.includes(change.key))
        return r.failText(
          at,
          `a change of a parameter of the genesis's store: ${keys.join(", ")}`,
          JSON.stringify(entry),
        );
      if (changes.some((c) => c.key === change.key))
        return r.failText(at, "each parameter once in a proposal", JSON.stringify(entry), "remove the repeat");
      const bounds = context.parameters?.find((p) => p.key === change.key);
      if (bounds !== undefined && (change.value < bounds.min || change.value > bounds.max)) {
        const show = (x: bigint) => formatParameter(change.key, x);
        return r.failText(
          at,
          `a value within ${change.key}'s bounds [${show(bounds.min)}, ${show(bounds.max)}] (the store refuses any other, so propose would too)`,
          JSON.stringify(entry),
          `propose a value within them, or widen parameters.${change.key} in ${context.genesis ?? "the genesis"}`,
        );
      }
      changes.push(change);
    });
    if (changes.length !== list.length) return undefined;
  }
  const description =
    o.description === undefined
      ? undefined
      : r.string(o.description, child(path, "description"), "a non-empty description");
  if (label === undefined || (o.description !== undefined && description === undefined)) return undefined;
  return {
    kind: "propose",
    label,
    changes,
    unpause,
    description:
      description ?? `${label}: ${unpause ? "resume trading" : changes.map((c) => `${c.key}=${c.value}`).join(", ")}`,
  };
}
