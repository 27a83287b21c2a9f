// The strategy writer: a language model writes one agent's strategy (docs/strategy-api.md) and
// improves it, generation by generation. Each candidate runs in the scenario in that agent's place,
// on the fast model over the seeds, and is compared seed by seed with the incumbent (the newest kept
// generation): it is kept only when the paired 95% interval of its gain on the metric lies above zero,
// and the gain holds on the chain for the confirmation seeds. `init` writes the first generation (kept
// when it runs without failing a step: the baseline; it asks again, up to `generations` times, until
// one is); `improve` runs `generations` candidates against
// the incumbent; `beat` does the same until the incumbent beats a target strategy beyond noise. A
// candidate whose answer is not {reasoning, code}, whose code does not parse, or that fails a step
// (an endless loop, a memory bomb, a throw, invalid intents) is recorded as rejected and the loop goes
// on. Every generation is saved (generations.ts); the folder is what a later run resumes from.

import { z } from "zod";

import { ArenaError, messageOf } from "../core/errors.ts";
import { formatInterval, type Interval, meanInterval, pairedDifference } from "../core/interval.ts";
import type { Scenario } from "../inputs/scenario-types.ts";
import type { LlmClient, LlmSettings } from "../llm/client.ts";
import { agentFigureNamed, measure, metricNamed, metricNames } from "../metrics/registry.ts";
import { runModelBattle } from "../run/model-battle.ts";
import {
  type Generation,
  type GenerationRecord,
  incumbentOf,
  readGenerations,
  type Scored,
  writeGeneration,
} from "./generations.ts";
import { MAX_CODE_CHARS, syntaxEngine, syntaxProblem } from "./sandbox.ts";
import { onStrategyFailure, type StrategyConfig, type StrategyStepError } from "./strategy-behaviour.ts";

/** A writer run that cannot start as asked (the reason and the fix). */
export class StrategyWriterError extends ArenaError {}

export type WriterMode = "init" | "improve" | "beat";

/** Runs the scenario with a strategy in the agent's place on the chain for one seed: the metric's value. */
export type ChainScorer = (scenario: Scenario, seed: bigint) => Promise<number>;

export interface WriterOptions {
  mode: WriterMode;
  scenario: Scenario;
  agent: string;
  goal: string;
  metric: string;
  /** strategies/<name>: where the generations are (read to resume) and go. */
  folder: string;
  /** `beat`: the strategy to beat, its file as given and its code. */
  target?: { file: string; code: string };
  /** Candidates to ask for in this run. */
  generations: number;
  /** Seeds on the fast model, from the scenario's: at least 2, for an interval. */
  seeds: number;
  /** Of those, how many to confirm on the chain (0: none). */
  confirmSeeds: number;
  /** Runs a scenario on the chain (the command's in-process chain); needed when confirmSeeds > 0. */
  chain?: ChainScorer;
  client: LlmClient;
  settings: Pick<LlmSettings, "temperature" | "maxTokens" | "seed">;
  /** The API the model writes against (docs/strategy-api.md). */
  apiDoc: string;
  log?: (line: string) => void;
}

export interface WriterResult {
  /** The generations this run made. */
  made: GenerationRecord[];
  /** The incumbent after the run (undefined when nothing was ever kept). */
  incumbent?: { generation: number; interval: Interval };
  /** `beat`: whether the incumbent beat the target beyond noise. */
  beaten?: boolean;
}

const ANSWER = z.object({
  reasoning: z.string().max(20_000),
  code: z.string().min(1).max(MAX_CODE_CHARS),
});

const ANSWER_SCHEMA = {
  name: "strategy",
  description: "A trading strategy for the arena: your reasoning, then the complete JavaScript file.",
  jsonSchema: {
    type: "object",
    properties: {
      reasoning: { type: "string", description: "why this strategy should score better on the metric, briefly" },
      code: { type: "string", description: "the whole strategy file: JavaScript defining function step(obs)" },
    },
    required: ["reasoning", "code"],
    additionalProperties: false,
  },
};

export async function runStrategyWriter(options: WriterOptions): Promise<WriterResult> {
  const log = options.log ?? (() => undefined);
  const direction = directionOf(options.metric, options.scenario);
  if (options.scenario.agents.every((a) => a.id !== options.agent))
    throw new StrategyWriterError(
      `--agent ${options.agent} is not an agent of ${options.scenario.source}; use one of ${options.scenario.agents.map((a) => a.id).join(", ")}`,
    );
  if (options.seeds < 2)
    throw new StrategyWriterError(`--seeds ${options.seeds}: at least 2 seeds, for a paired 95% interval`);
  if (options.confirmSeeds > options.seeds)
    throw new StrategyWriterError(`--confirm-seeds ${options.confirmSeeds} is more than --seeds ${options.seeds}`);
  if (options.confirmSeeds > 0 && options.chain === undefined)
    throw new Error("the writer needs a chain to confirm candidates on (confirmSeeds > 0)");
  const previous = readGenerations(options.folder);
  let incumbent = incumbentOf(previous);
  if (options.mode === "init" && previous.length > 0)
    throw new StrategyWriterError(
      `${options.folder} already holds ${previous.length} generation(s): continue with bin/arena strategy improve (or beat), or write elsewhere with --name`,
    );
  if (options.mode === "improve" && incumbent === undefined)
    throw new StrategyWriterError(
      `${options.folder} has no kept generation to improve: start with bin/arena strategy init`,
    );
  if (options.mode === "beat" && options.target === undefined)
    throw new StrategyWriterError("beat needs --target strategies/<name>/gen-N.js, the strategy to beat");

  const seeds = Array.from({ length: options.seeds }, (_, i) => options.scenario.seed + BigInt(i));
  const score = (code: string) => scoreOnModel(options.scenario, options.agent, code, seeds, options.metric);
  let incumbentScore: Scored | undefined;
  if (incumbent !== undefined) {
    const rescored = await score(incumbent.code!);
    if ("failure" in rescored)
      throw new StrategyWriterError(
        `generation ${incumbent.record.generation}, the incumbent, no longer runs: ${rescored.failure}`,
      );
    incumbentScore = rescored;
    log(`incumbent: generation ${incumbent.record.generation}, ${show(rescored.interval, options.metric)}`);
  }
  let targetScore: Scored | undefined;
  if (options.target !== undefined) {
    const scored = await score(options.target.code);
    if ("failure" in scored)
      throw new StrategyWriterError(`the target ${options.target.file} fails: ${scored.failure}`);
    targetScore = scored;
    log(`target: ${options.target.file}, ${show(scored.interval, options.metric)}`);
  }
  const beats = (a: Scored, b: Scored): Interval => pairedDifference(oriented(a, direction), oriented(b, direction));
  const result: WriterResult = { made: [] };
  const finish = (): WriterResult => {
    if (incumbent !== undefined && incumbentScore !== undefined)
      result.incumbent = { generation: incumbent.record.generation, interval: incumbentScore.interval };
    if (targetScore !== undefined)
      result.beaten = incumbentScore !== undefined && beats(incumbentScore, targetScore).low > 0;
    return result;
  };
  if (options.mode === "beat" && incumbentScore !== undefined && beats(incumbentScore, targetScore!).low > 0) {
    log(`generation ${incumbent!.record.generation} already beats the target beyond noise`);
    return finish();
  }

  let next = (previous.at(-1)?.record.generation ?? 0) + 1;
  const history = previous.slice();
  for (let asked = 0; asked < options.generations; asked++, next++) {
    const messages = promptFor(options, incumbent, incumbentScore, targetScore, history);
    const answer = await options.client.complete({
      messages,
      schema: ANSWER_SCHEMA,
      temperature: options.settings.temperature,
      maxTokens: options.settings.maxTokens,
      ...(options.settings.seed === undefined ? {} : { seed: options.settings.seed + next }),
    });
    const base: GenerationRecord = {
      generation: next,
      mode: options.mode,
      kept: false,
      why: "",
      reasoning: "",
      goal: options.goal,
      metric: options.metric,
      seeds: seeds.map(String),
      llm: {
        provider: options.client.provider,
        model: options.client.model,
        inputTokens: answer.usage.inputTokens,
        outputTokens: answer.usage.outputTokens,
        latencyMs: Math.round(answer.latencyMs),
      },
    };
    const generation = await judge(options, base, answer.json, {
      score,
      seeds,
      direction,
      incumbent,
      incumbentScore,
    });
    if (targetScore !== undefined) {
      const best = generation.record.kept ? generation.record.score! : incumbentScore;
      if (best !== undefined) {
        const difference = beats(best, targetScore);
        generation.record.target = {
          file: options.target!.file,
          model: targetScore.model,
          difference,
          beaten: difference.low > 0,
        };
      }
    }
    writeGeneration(options.folder, generation);
    history.push(generation);
    result.made.push(generation.record);
    log(`generation ${next}: ${generation.record.kept ? "kept" : "rejected"} — ${generation.record.why}`);
    if (generation.record.kept) {
      incumbent = generation;
      incumbentScore = generation.record.score;
    }
    // init writes the first generation: it asks until one is kept (at most `generations` times).
    if (options.mode === "init" && generation.record.kept) break;
    if (generation.record.target?.beaten === true) {
      log(`generation ${incumbent!.record.generation} beats ${options.target!.file} beyond noise`);
      break;
    }
  }
  return finish();
}

interface Judging {
  score: (code: string) => Promise<Scored | { failure: string }>;
  seeds: bigint[];
  direction: 1 | -1;
  incumbent: Generation | undefined;
  incumbentScore: Scored | undefined;
}

/** The candidate in `json`, scored, compared and confirmed: kept or rejected, and why. */
async function judge(options: WriterOptions, base: GenerationRecord, json: unknown, j: Judging): Promise<Generation> {
  const parsed = ANSWER.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      record: {
        ...base,
        why: `the answer was not {reasoning, code}: ${issue.path.join(".") || "(answer)"}: ${issue.message}`,
      },
    };
  }
  const { reasoning, code } = parsed.data;
  const record: GenerationRecord = { ...base, reasoning };
  const rejected = (why: string): Generation => ({ record: { ...record, why }, code });
  const problem = syntaxProblem(await syntaxEngine(), code, `gen-${base.generation}.js`);
  if (problem !== undefined) return rejected(`the code does not parse: ${problem}`);
  const scored = await j.score(code);
  if ("failure" in scored) return rejected(`it failed on the fast model: ${scored.failure}`);
  record.score = scored;
  const metric = options.metric;
  if (j.incumbent === undefined || j.incumbentScore === undefined) {
    const chain = await confirm(options, code, undefined, j.seeds);
    if (chain !== undefined) record.chain = chain;
    return {
      record: {
        ...record,
        kept: true,
        why: `the first generation that runs every step: the baseline (${show(scored.interval, metric)})`,
      },
      code,
    };
  }
  record.incumbent = {
    generation: j.incumbent.record.generation,
    model: j.incumbentScore.model,
    interval: j.incumbentScore.interval,
  };
  const difference = pairedDifference(oriented(scored, j.direction), oriented(j.incumbentScore, j.direction));
  record.difference = difference;
  const gain = formatInterval(difference, 4, { signed: true, what: "seed" });
  if (!(difference.low > 0))
    return rejected(
      `not better than generation ${j.incumbent.record.generation} beyond noise: ${gain} (${j.direction > 0 ? "higher" : "lower"} is better; the interval must lie above 0)`,
    );
  const chain = await confirm(options, code, j.incumbent.code!, j.seeds);
  if (chain !== undefined) {
    record.chain = chain;
    if (!(chain.meanDifference * j.direction > 0))
      return rejected(
        `better on the fast model (${gain}) but not on the chain: ${chain.meanDifference.toFixed(4)} over ${chain.seeds.length} seed(s)`,
      );
  }
  return {
    record: {
      ...record,
      kept: true,
      why: `beats generation ${j.incumbent.record.generation} beyond noise: ${gain}${chain === undefined ? "" : `, confirmed on the chain (${chain.meanDifference.toFixed(4)})`}`,
    },
    code,
  };
}

/** The candidate (and the incumbent) on the chain for the first confirmation seeds. */
async function confirm(
  options: WriterOptions,
  code: string,
  incumbentCode: string | undefined,
  seeds: readonly bigint[],
): Promise<GenerationRecord["chain"]> {
  if (options.confirmSeeds === 0 || options.chain === undefined) return undefined;
  const chainSeeds = seeds.slice(0, options.confirmSeeds);
  const candidate: number[] = [];
  const incumbent: number[] = [];
  for (const seed of chainSeeds) {
    candidate.push(await options.chain(withStrategy(options.scenario, options.agent, code), seed));
    if (incumbentCode !== undefined)
      incumbent.push(await options.chain(withStrategy(options.scenario, options.agent, incumbentCode), seed));
  }
  const meanDifference =
    incumbentCode === undefined ? 0 : candidate.reduce((sum, v, i) => sum + v - incumbent[i]!, 0) / candidate.length;
  return { seeds: chainSeeds.map(String), candidate, incumbent, meanDifference };
}

/** `scenario` with `agent`'s behaviours replaced by the strategy `code`. */
export function withStrategy(scenario: Scenario, agent: string, code: string): Scenario {
  const strategy: StrategyConfig = {
    kind: "strategy",
    label: "strategy",
    slippageBps: 100,
    file: "candidate.js",
    code,
    memoryMiB: 32,
    workPerStep: 200,
  };
  return {
    ...scenario,
    agents: scenario.agents.map((a) => (a.id === agent ? { ...a, behaviours: [strategy] } : a)),
  };
}

/** The metric for each seed on the fast model, or the first failure (a step the strategy failed, a run that threw). */
async function scoreOnModel(
  scenario: Scenario,
  agent: string,
  code: string,
  seeds: readonly bigint[],
  metric: string,
): Promise<Scored | { failure: string }> {
  const run = withStrategy(scenario, agent, code);
  const failures: StrategyStepError[] = [];
  const before = onStrategyFailure((error) => failures.push(error));
  try {
    const model: number[] = [];
    for (const seed of seeds) {
      const result = await runModelBattle(run, { seed });
      if (failures.length > 0) return { failure: `seed ${seed}: ${failures[0]!.message}` };
      model.push(
        measure(
          { steps: result.steps, agents: result.agents, venues: result.venues, blockSeconds: run.blockSeconds },
          metric,
        ),
      );
    }
    return { model, interval: meanInterval(model) };
  } catch (error) {
    return { failure: messageOf(error) };
  } finally {
    onStrategyFailure(before);
  }
}

/** +1 when higher is better, −1 when lower is; refuses a metric that is neither, or unknown. */
function directionOf(metric: string, scenario: Scenario): 1 | -1 {
  const figure = agentFigureNamed(metric);
  const betterIs = figure?.figure.betterIs ?? metricNamed(metric)?.betterIs;
  if (betterIs === undefined)
    throw new StrategyWriterError(
      `--metric ${metric} is not a metric of this scenario; use agents.<id>.returnBps or one of ${metricNames(
        scenario.agents.map((a) => a.id),
      )
        .slice(0, 8)
        .join(", ")}, …`,
    );
  if (betterIs === "neither")
    throw new StrategyWriterError(`--metric ${metric} is neither better higher nor lower: choose one that is`);
  return betterIs === "higher" ? 1 : -1;
}

function oriented(scored: Scored, direction: 1 | -1): number[] {
  return scored.model.map((v) => v * direction);
}

function show(interval: Interval, metric: string): string {
  return `${metric} ${formatInterval(interval, 4, { what: "seed" })}`;
}

/** What the model is told: the API, the game, the goal, the incumbent and the target, and what went wrong lately. */
function promptFor(
  options: WriterOptions,
  incumbent: Generation | undefined,
  incumbentScore: Scored | undefined,
  targetScore: Scored | undefined,
  history: readonly Generation[],
) {
  const s = options.scenario;
  const agents = s.agents
    .map((a) => `- ${a.id}${a.id === options.agent ? " (you)" : ""}: ${a.behaviours.map((b) => b.kind).join(", ")}`)
    .join("\n");
  const lines = [
    `Goal: ${options.goal}`,
    `You write the strategy of agent "${options.agent}" in scenario "${s.name}" (${s.blocks} steps of ${s.blockSeconds} s, mode ${s.mode}). The agents:`,
    agents,
    `Your strategy is scored by ${options.metric} (${directionOf(options.metric, s) > 0 ? "higher" : "lower"} is better) over seeds ${s.seed}…${s.seed + BigInt(options.seeds - 1)}, on the fast model, and confirmed on the chain. It is kept only if it beats the incumbent beyond noise (a paired 95% interval above 0). A strategy that fails any step (an error, a loop past its work budget, invalid intents) is rejected.`,
  ];
  if (incumbent !== undefined && incumbentScore !== undefined)
    lines.push(
      `The incumbent, generation ${incumbent.record.generation}, scores ${show(incumbentScore.interval, options.metric)} (per seed: ${incumbentScore.model.join(", ")}). Its code:\n\`\`\`js\n${incumbent.code}\n\`\`\``,
    );
  else lines.push("There is no incumbent yet: write the first strategy.");
  if (targetScore !== undefined)
    lines.push(
      `The strategy to beat, ${options.target!.file}, scores ${show(targetScore.interval, options.metric)}. Its code:\n\`\`\`js\n${options.target!.code}\n\`\`\``,
    );
  const recent = history.slice(-3).filter((g) => !g.record.kept);
  if (recent.length > 0)
    lines.push(
      `Recent candidates that were rejected:\n${recent.map((g) => `- generation ${g.record.generation}: ${g.record.why}`).join("\n")}`,
    );
  lines.push("Answer with your reasoning and the whole strategy file.");
  return [
    {
      role: "system" as const,
      content: `You write trading strategies for Token Arena, a tokenomics laboratory where agents trade against real contracts. A strategy is JavaScript against this API:\n\n${options.apiDoc}`,
    },
    { role: "user" as const, content: lines.join("\n\n") },
  ];
}
