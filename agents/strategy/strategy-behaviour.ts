// A saved strategy as a behaviour kind: `kind: strategy, file: ../strategies/x/gen-3.js` in any
// scenario (the path relative to the scenario file). The file is JavaScript against the host API of
// docs/strategy-api.md; it runs in its own QuickJS sandbox (sandbox.ts), one per agent, kept across
// the run's steps. Each step the observation goes in as JSON and the intents come out as JSON,
// checked (host-api.ts) before the World sees them. A step the sandbox stops (an endless loop, a
// memory bomb, a throw, a wrong answer) is a StrategyStepError naming the agent, the step and what the
// code did: the agent skips that step and the run goes on; the behaviour counts its failures and says
// so on stderr at the first and at every tenfold count.

import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";

import { ArenaError } from "../core/errors.ts";
import { child } from "../core/document-reader.ts";
import type { Random } from "../core/random.ts";
import { QUOTE_DECIMALS } from "../core/units.ts";
import type { ScenarioReader } from "../inputs/scenario-reader.ts";
import { MarketModel } from "../mechanisms/market/model.ts";
import { poolAmountOut } from "../mechanisms/pool/quotes.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour, DecideContext, StepOutcome } from "../behaviours/behaviour.ts";
import { BehaviourConfigError, checkCommon, checkWholeNumber } from "../behaviours/config-checks.ts";
import type { BehaviourSpec, CommonConfig } from "../behaviours/spec.ts";
import { IntentProblem, ObservationEncoder, type PlainOutcome, parseIntents, plainOutcomes } from "./host-api.ts";
import {
  DEFAULT_MEMORY_MIB,
  DEFAULT_WALL_MS_PER_STEP,
  DEFAULT_WORK_PER_STEP,
  MAX_CODE_CHARS,
  MAX_MEMORY_MIB,
  MAX_WORK_PER_STEP,
  MIN_MEMORY_MIB,
  SandboxFailure,
  type SandboxFailureKind,
  type SandboxHost,
  StrategySandbox,
} from "./sandbox.ts";

export interface StrategyConfig extends CommonConfig {
  kind: "strategy";
  /** The file as the scenario names it. */
  file: string;
  /** The strategy's JavaScript (read when the scenario is read, so worker threads need no file). */
  code: string;
  /** The sandbox's WebAssembly memory, MiB (its hard cap). */
  memoryMiB: number;
  /** Interrupt checks a step may take (about 10,000 interpreter operations each). */
  workPerStep: number;
}

export const strategy: BehaviourSpec<StrategyConfig> = {
  kind: "strategy",
  summary: "a saved strategy: JavaScript run in a sandbox (docs/strategy-api.md)",
  note:
    "The file is read when the scenario is read. It runs in a QuickJS sandbox with a memory cap, a work budget per step, " +
    "seeded `rng()`, no clock and no I/O; a step it fails (a loop past its budget, memory, a throw, intents that are not " +
    "valid) is skipped with an error naming the agent and the step, and the run goes on.",
  fields: [
    {
      name: "file",
      type: "custom",
      meaning: "the strategy's JavaScript file, relative to the scenario file (like `../strategies/x/gen-3.js`)",
    },
    {
      name: "memoryMiB",
      type: "custom",
      optional: true,
      shownDefault: `\`${DEFAULT_MEMORY_MIB}\``,
      meaning: `the sandbox's WebAssembly memory, engine included (about 1 MiB), MiB, ${MIN_MEMORY_MIB} … ${MAX_MEMORY_MIB}`,
    },
    {
      name: "workPerStep",
      type: "custom",
      optional: true,
      shownDefault: `\`${DEFAULT_WORK_PER_STEP}\``,
      meaning: `work a step may do, in units of about 10,000 operations, 1 … ${MAX_WORK_PER_STEP}`,
    },
  ],
  check(r, { path, file, config, context }) {
    config.memoryMiB =
      file.memoryMiB === undefined
        ? DEFAULT_MEMORY_MIB
        : r.integer(
            file.memoryMiB,
            child(path, "memoryMiB"),
            BigInt(MIN_MEMORY_MIB),
            BigInt(MAX_MEMORY_MIB),
            `a whole number of MiB from ${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB}`,
          );
    config.workPerStep =
      file.workPerStep === undefined
        ? DEFAULT_WORK_PER_STEP
        : r.integer(
            file.workPerStep,
            child(path, "workPerStep"),
            1n,
            BigInt(MAX_WORK_PER_STEP),
            `a whole number from 1 to ${MAX_WORK_PER_STEP} (units of about 10,000 operations)`,
          );
    const code = readStrategyFile(r, file.file, child(path, "file"), context.scenarioDir);
    if (code === undefined) return;
    config.file = file.file as string;
    config.code = code;
  },
  create: createStrategy,
};

/** The strategy file's text, or undefined with the problem recorded. */
function readStrategyFile(
  r: ScenarioReader,
  value: unknown,
  path: string,
  scenarioDir: string | undefined,
): string | undefined {
  if (typeof value !== "string" || value === "" || !value.endsWith(".js"))
    return r.fail(path, 'the path of a strategy file ending in .js (like "../strategies/x/gen-3.js")', value);
  const where = isAbsolute(value) ? value : join(scenarioDir ?? ".", value);
  const relative = scenarioDir === undefined ? "" : ` (relative to the scenario's folder, ${scenarioDir})`;
  if (!existsSync(where) || !statSync(where).isFile())
    return r.failText(
      path,
      `a strategy file that exists${relative}`,
      JSON.stringify(value),
      `no file at ${where}: write one with bin/arena strategy init, or fix the path`,
    );
  const code = readFileSync(where, "utf8");
  if (code.length > MAX_CODE_CHARS)
    return r.failText(
      path,
      `a strategy of at most ${MAX_CODE_CHARS.toLocaleString("en-US")} characters`,
      `${code.length.toLocaleString("en-US")} characters`,
      "shorten the strategy",
    );
  return code;
}

/** A step the sandbox stopped or whose intents were refused; the agent skipped it. */
export class StrategyStepError extends ArenaError {
  readonly agent: string;
  readonly step: number;
  readonly kind: SandboxFailureKind | "intents";

  constructor(label: string, agent: string, step: number, kind: SandboxFailureKind | "intents", what: string) {
    super(`strategy "${label}" of agent ${agent}, step ${step}: the code ${what}; the agent skips this step`);
    this.agent = agent;
    this.step = step;
    this.kind = kind;
  }
}

/** Where a strategy's failures are told as they happen: stderr, unless a caller (a test, the writer) listens instead. */
export type FailureReporter = (error: StrategyStepError, count: number) => void;

const toStderr: FailureReporter = (error, count) => {
  const more = count === 1 ? "" : ` (${count.toLocaleString("en-US")} steps failed so far)`;
  process.stderr.write(`${error.message}${more}\n`);
};
let reportStrategyFailure: FailureReporter = toStderr;

/** Replaces the failure reporter (undefined: back to stderr); returns the one it replaced. */
export function onStrategyFailure(report: FailureReporter | undefined): FailureReporter {
  const before = reportStrategyFailure;
  reportStrategyFailure = report ?? toStderr;
  return before;
}

/** The failures a behaviour keeps in memory (the count goes on past it). */
const KEPT_FAILURES = 32;

/** The step's state the sandbox's host functions read (not the behaviour: the sandbox must not keep it alive). */
interface StepState {
  obs?: Observation;
  rng?: Random;
  market?: MarketModel;
}

// The World frees each sandbox when its run ends (World.dispose); this frees the sandboxes of worlds
// no caller disposes (an evaluation's warm-up, a bandit's arms) when their behaviours are collected.
const SANDBOXES = new FinalizationRegistry<StrategySandbox>((sandbox) => sandbox.dispose());

export interface StrategyBehaviour extends Behaviour {
  /** Steps the sandbox stopped or whose intents were refused. */
  readonly failureCount: number;
  /** The first few of them. */
  readonly failures: readonly StrategyStepError[];
  /** Whether its sandbox is open (from its first step until its run ends). */
  readonly sandboxOpen: boolean;
  /** Frees the sandbox now: the World does at the run's end (else it is freed when the behaviour is collected). */
  dispose(): void;
}

export function createStrategy(config: StrategyConfig): StrategyBehaviour {
  checkStrategyConfig(config);
  const label = config.label || config.kind;
  const state: StepState = {};
  const host = hostFor(state);
  let sandbox: StrategySandbox | undefined;
  let outcomes: PlainOutcome[] = [];
  const encoder = new ObservationEncoder();
  const failures: StrategyStepError[] = [];
  let failureCount = 0;

  const fail = (obs: Observation, kind: SandboxFailureKind | "intents", what: string): Intent[] => {
    const error = new StrategyStepError(label, obs.self.id, obs.step, kind, what);
    failureCount++;
    if (failures.length < KEPT_FAILURES) failures.push(error);
    if (isPowerOfTen(failureCount)) reportStrategyFailure(error, failureCount);
    return [];
  };

  const limits = {
    memoryMiB: config.memoryMiB,
    workPerStep: config.workPerStep,
    wallMsPerStep: DEFAULT_WALL_MS_PER_STEP,
  };
  const open = async (): Promise<StrategySandbox> => {
    const opened = await StrategySandbox.open(config.code, config.file, limits, host);
    sandbox = opened;
    SANDBOXES.register(behaviour, opened, behaviour);
    return opened;
  };

  const decide = (box: StrategySandbox, obs: Observation, ctx: DecideContext): Intent[] => {
    state.obs = obs;
    state.rng = ctx.rng;
    state.market = undefined;
    const input = encoder.encode(obs, outcomes);
    outcomes = [];
    let text: string;
    try {
      text = box.step(input);
    } catch (error) {
      if (error instanceof SandboxFailure) {
        encoder.reset();
        return fail(obs, error.kind, error.message);
      }
      throw error;
    } finally {
      state.obs = undefined;
      state.rng = undefined;
    }
    try {
      return parseIntents(text, {
        note: `strategy ${label}`,
        ...(config.priorityFeeWei === undefined ? {} : { priorityFeeWei: config.priorityFeeWei }),
      });
    } catch (error) {
      if (error instanceof IntentProblem) return fail(obs, "intents", error.message);
      throw error;
    }
  };

  const behaviour: StrategyBehaviour = {
    kind: config.kind,
    label,
    step(obs, ctx) {
      // The sandbox opens at the first step (an await); after that every step decides synchronously.
      if (sandbox === undefined) return open().then((opened) => decide(opened, obs, ctx));
      return decide(sandbox, obs, ctx);
    },
    settle(outcome: StepOutcome) {
      outcomes = plainOutcomes(outcome.outcomes);
    },
    get failureCount() {
      return failureCount;
    },
    get failures() {
      return failures;
    },
    get sandboxOpen() {
      return sandbox !== undefined;
    },
    dispose() {
      SANDBOXES.unregister(behaviour);
      sandbox?.dispose();
      sandbox = undefined;
    },
  };
  return behaviour;
}

function isPowerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

/** rng() and quote.* for the sandbox, reading the step being decided. */
function hostFor(state: StepState): SandboxHost {
  const amountArg = (method: string, text: string | undefined): bigint => {
    if (text === undefined || !/^(0|[1-9][0-9]{0,77})$/.test(text))
      throw new Error(`quote.${method}: the amount must be a decimal string of contract units, got ${text}`);
    return BigInt(text);
  };
  const market = (): MarketModel => {
    state.market ??= MarketModel.fromCurveState(state.obs!.curve, QUOTE_DECIMALS);
    return state.market;
  };
  const json = (value: Record<string, bigint>): string =>
    JSON.stringify(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v.toString()])));
  return {
    rng: () => {
      if (state.rng === undefined) throw new Error("rng() is only available while the strategy decides a step");
      return state.rng.unit();
    },
    quote(method, args) {
      if (state.obs === undefined) throw new Error("quote.* is only available while the strategy decides a step");
      try {
        switch (method) {
          case "curveBuyWithQuote":
            return json(market().quoteBuyExactQuote(amountArg(method, args[0])));
          case "curveBuy":
            return json(market().quoteBuyExactTokens(amountArg(method, args[0])));
          case "curveSell":
            return json(market().quoteSell(amountArg(method, args[0])));
          case "poolOut": {
            const sell = args[0];
            if (sell !== "token" && sell !== "quote")
              throw new Error(`quote.poolOut: sell must be "token" or "quote", got ${sell}`);
            return json({ amountOut: poolAmountOut(state.obs.pool, sell, amountArg(method, args[1])) });
          }
          default:
            throw new Error(`quote.${method} is not part of the host API`);
        }
      } catch (error) {
        // A quote the contract would refuse (ModelRevert) reaches the strategy as an Error it may catch.
        throw new Error(error instanceof Error ? error.message : String(error));
      }
    },
  };
}

function checkStrategyConfig(config: StrategyConfig): void {
  checkCommon(config);
  if (typeof config.code !== "string" || config.code.length > MAX_CODE_CHARS)
    throw new BehaviourConfigError(
      config,
      "code",
      `must be the strategy's JavaScript, at most ${MAX_CODE_CHARS} characters`,
      "name the file in the scenario (file: …) so the reader loads it",
    );
  checkWholeNumber(config, "memoryMiB", config.memoryMiB, MIN_MEMORY_MIB, MAX_MEMORY_MIB);
  checkWholeNumber(config, "workPerStep", config.workPerStep, 1, MAX_WORK_PER_STEP);
}
