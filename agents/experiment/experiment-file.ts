// An experiment file says what to sweep: a scenario, an engine, seeds, a grid of parameter values and
// the objectives to optimise. JSON or YAML; `loadExperiment` checks all of it — the grid's names
// against the scenario and its genesis, every case's values through the scenario and genesis readers
// — and refuses the file with one ExperimentError listing every problem (path, expected, got, fix).
//
//   name         optional  names the report (the file's base name)
//   description  optional  free text
//   scenario     required  scenario file (YAML or JSON), relative to the working directory
//   engine       required  "chain" | "model" | "screen"
//   seeds        required  a count N (the scenario's seed, +1, … +N−1) or a list of seeds
//   blocks       optional  blocks per run (the scenario's)
//   workers      optional  worker threads, 1 … 256 (as many as the machine's cores and free memory hold)
//   topK         optional  screen: cases the chain confirms per objective (3)
//   tolerance    optional  screen: relative model ↔ chain difference that still agrees (0.001)
//   grid         required  parameter name → list of values | {from, to, step}  (grid-target.ts, genesis-target.ts, grid-values.ts)
//   objectives   required  list of {metric, goal: maximise | minimise}          (metrics/registry.ts)
//   search       optional  grid | cmaes | halving, or {method, …options}         (search/search-reader.ts)
//   subjectTo    optional  conditions the best must meet: "<metric> >= <number>" (search/search-reader.ts)
// experiments/README.md is the reference.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";

import { parseGenesis } from "../inputs/genesis.ts";
import { parseJsonText } from "../core/json-text.ts";
import { GenesisError } from "../core/document-reader.ts";
import { BLOCKS, MAX_CASES, MAX_EXPERIMENT_SEEDS, SEED, WORKERS } from "../core/limits.ts";
import type { ParameterChange } from "../core/parameters.ts";
import { parseScenario, readScenarioDocument, ScenarioError } from "../inputs/scenario.ts";
import { ScenarioReader } from "../inputs/scenario-reader.ts";
import type { AgentConfig, Scenario } from "../inputs/scenario-types.ts";
import { ExperimentError, type ExperimentIssue } from "./experiment-error.ts";
import {
  ENGINE_NAMES,
  type EngineName,
  type Experiment,
  type ExperimentCase,
  type GenesisField,
  type GridParameter,
  type GridValue,
  type ParameterTarget,
  type Goal,
  type Objective,
} from "./experiment-types.ts";
import { genesisWithParameters, storeKeyPath } from "./genesis-parameters.ts";
import { genesisPathText, readGenesisTarget } from "./genesis-target.ts";
import { readGridTarget, scenarioDocumentWith } from "./grid-target.ts";
import { readGridValues } from "./grid-values.ts";
import { metricNames } from "../metrics/registry.ts";
import { closest } from "../inputs/scenario-reader.ts";
import { readConstraints, readSearch } from "./search/search-reader.ts";

const TOP_REQUIRED = ["scenario", "engine", "seeds", "grid", "objectives"];
const TOP_OPTIONAL = ["name", "description", "blocks", "workers", "topK", "tolerance", "search", "subjectTo"];
const GOALS: readonly Goal[] = ["maximise", "minimise"];

export { MAX_CASES } from "../core/limits.ts";
/** Case problems listed before the rest are counted. */
const CASE_ISSUES_SHOWN = 10;

export interface ExperimentOverrides {
  engine?: EngineName;
  workers?: number;
}

/** Reads an experiment file (.json, .yaml or .yml) and validates it; every error names the file. */
export async function loadExperiment(path: string, overrides: ExperimentOverrides = {}): Promise<Experiment> {
  return parseExperiment(await readExperimentDocument(path), path, overrides);
}

/** Reads an experiment file's document, unvalidated (parseExperiment judges it); a file it can't read names the file. */
export async function readExperimentDocument(path: string): Promise<unknown> {
  try {
    return await readScenarioDocument(path, "experiment");
  } catch (error) {
    if (error instanceof ScenarioError) throw new ExperimentError(path, error.issues);
    throw error;
  }
}

/** Validates an experiment document and expands its grid; throws one ExperimentError listing every problem. */
export async function parseExperiment(
  input: unknown,
  source: string,
  overrides: ExperimentOverrides = {},
): Promise<Experiment> {
  const r = new ScenarioReader();
  const top = r.fields(input, "", TOP_REQUIRED, TOP_OPTIONAL);
  if (top === undefined) throw new ExperimentError(source, r.issues);
  const has = (field: string) => top[field] !== undefined;

  const name = has("name")
    ? r.name(top.name, "name", "an experiment name")
    : basename(source, extname(source)).replace(/[^A-Za-z0-9_-]/g, "-");
  const description = has("description") ? r.string(top.description, "description", "a non-empty string") : "";
  const engine = overrides.engine ?? (has("engine") ? r.oneOf(top.engine, "engine", ENGINE_NAMES) : undefined);
  const workers = overrides.workers ?? (has("workers") ? r.wholeNumber(top.workers, "workers", WORKERS) : undefined);
  const topK = has("topK")
    ? r.integer(top.topK, "topK", 1n, 1000n, "a number of cases from 1 to 1000 the chain confirms per objective")
    : 3;
  const tolerance = has("tolerance")
    ? r.number(top.tolerance, "tolerance", 0, 1, "a relative difference from 0 to 1 (0.001 = 0.1%)")
    : 0.001;
  const blocksOverride = has("blocks") ? r.wholeNumber(top.blocks, "blocks", BLOCKS) : undefined;

  const base = has("scenario") ? await readBaseScenario(r, top.scenario) : undefined;
  const seeds = has("seeds") && base !== undefined ? readSeeds(r, top.seeds, base.scenario.seed) : undefined;
  const parameters = has("grid") && base !== undefined ? readGrid(r, top.grid, base) : undefined;
  const objectives =
    has("objectives") && base !== undefined ? readObjectives(r, top.objectives, base.scenario) : undefined;
  if (r.issues.length > 0 || base === undefined) throw new ExperimentError(source, r.issues);

  const cases = expandCases(r, parameters!, base);
  if (r.issues.length > 0) throw new ExperimentError(source, r.issues);
  // Every run measures the objectives' metrics, then those only the constraints name.
  const measured = objectives!.map((o) => o.metric);
  const constraints = has("subjectTo")
    ? readConstraints(
        r,
        top.subjectTo,
        metricNames(
          base.scenario.agents.map((a) => a.id),
          { aliases: true },
        ),
        measured,
      )
    : [];
  const search = readSearch(
    r,
    top.search,
    { objectives: objectives!, cases: cases.length, seeds: seeds!.length, scenarioSeed: base.scenario.seed },
    parameters!.filter((p) => p.values.length > 1).length,
  );
  if (r.issues.length > 0) throw new ExperimentError(source, r.issues);
  const blocks = blocksOverride ?? base.scenario.blocks;
  return {
    source,
    name: name!,
    description: description!,
    scenarioPath: base.path,
    engine: engine!,
    seeds: seeds!,
    blocks,
    workers,
    topK: topK!,
    tolerance: tolerance!,
    parameters: parameters!,
    objectives: objectives!,
    constraints: constraints!,
    measured,
    search: search!,
    cases,
    fingerprint: {
      scenarioSha256: sha256(base.scenarioBytes),
      genesisSha256: sha256(genesisBytesOf(base, parameters!)),
      blocks,
      parameters: parameters!.map((p) => p.name),
      metrics: measured,
    },
  };
}

interface BaseScenario {
  path: string;
  document: unknown;
  scenario: Scenario;
  scenarioBytes: Buffer;
  genesisDocument: unknown;
  genesisBytes: Buffer;
  storeKeys: string[];
}

async function readBaseScenario(r: ScenarioReader, value: unknown): Promise<BaseScenario | undefined> {
  const path = r.string(value, "scenario", 'the path of a scenario file (like "scenarios/classic.yaml")');
  if (path === undefined) return undefined;
  try {
    const document = await readScenarioDocument(path);
    const scenario = parseScenario(document, path);
    // Language-model agents run in battles only: an experiment's runs have no model and no cassette of theirs.
    const llm = scenario.agents.find((a) => a.behaviours.some((b) => b.kind === "llm"));
    if (llm !== undefined)
      return r.failText(
        "scenario",
        "a scenario without llm agents (language-model agents run in battles only, replayed from their cassette)",
        `${JSON.stringify(path)}, whose agent ${llm.id} is one`,
        "give the experiment a scenario with rule-based agents in their place",
      );
    const genesisBytes = readFileSync(scenario.genesis);
    const genesisDocument = JSON.parse(genesisBytes.toString("utf8"));
    const storeKeys = parseGenesis(genesisDocument, scenario.genesis).parameters.map((p) => p.key);
    return { path, document, scenario, scenarioBytes: readFileSync(path), genesisDocument, genesisBytes, storeKeys };
  } catch (error) {
    const detail =
      error instanceof ScenarioError || error instanceof GenesisError
        ? error.message.replaceAll("\n", "; ")
        : (error as Error).message;
    return r.failText("scenario", "a valid scenario file", JSON.stringify(path), detail);
  }
}

function readSeeds(r: ScenarioReader, value: unknown, scenarioSeed: bigint): bigint[] | undefined {
  if (typeof value === "number") {
    const count = r.integer(
      value,
      "seeds",
      1n,
      MAX_EXPERIMENT_SEEDS,
      `a number of seeds from 1 to ${MAX_EXPERIMENT_SEEDS}, or a list of seeds`,
    );
    if (count === undefined) return undefined;
    if (scenarioSeed + BigInt(count - 1) > SEED.max)
      return r.failText(
        "seeds",
        `seeds from the scenario's ${scenarioSeed} up to ${SEED.max}`,
        `${count}`,
        "list the seeds instead",
      );
    return Array.from({ length: count }, (_, i) => scenarioSeed + BigInt(i));
  }
  const list = r.array(value, "seeds", "seeds (integers, or strings of digits above 2⁵³), or a count");
  if (list === undefined) return undefined;
  if (list.length === 0 || BigInt(list.length) > MAX_EXPERIMENT_SEEDS)
    return r.failText("seeds", `1 to ${MAX_EXPERIMENT_SEEDS} seeds`, `${list.length}`);
  const seeds: bigint[] = [];
  list.forEach((item, i) => {
    const seed = r.whole(item, `seeds[${i}]`, SEED, { digits: true });
    if (seed === undefined) return;
    if (seeds.includes(seed)) return r.failText(`seeds[${i}]`, "each seed once", String(seed));
    seeds.push(seed);
  });
  return seeds.length === list.length ? seeds : undefined;
}

function readGrid(r: ScenarioReader, value: unknown, base: BaseScenario): GridParameter[] | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return r.fail(
      "grid",
      'an object of parameter name → values (like {"pool.feeBps": [0, 30], "agents.buyer.buyBelow": {from, to, step}})',
      value,
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return r.failText("grid", "at least one parameter", "an empty object");
  const before = r.issues.length;
  const parameters: GridParameter[] = [];
  for (const [name, raw] of entries) {
    const path = `grid[${JSON.stringify(name)}]`;
    const target: ParameterTarget | undefined =
      name === "genesis"
        ? { kind: "genesisFile" }
        : name.startsWith("genesis.")
          ? readGenesisTarget(r, name, path, base.genesisDocument, base.scenario.genesis)
          : readGridTarget(r, name, path, base.storeKeys, base.document);
    if (target === undefined) continue;
    const values = readGridValues(
      r,
      raw,
      path,
      target.kind === "store"
        ? { fixed: target.decimals }
        : { written: true, words: target.kind === "genesis" || target.kind === "genesisFile" },
    );
    if (values !== undefined) parameters.push({ name, target, values });
  }
  const seen = new Map<string, string>();
  for (const p of parameters) {
    if (p.target.kind === "store") {
      const at = storeKeyPath(p.target.key);
      if (at !== undefined) seen.set(`genesis${genesisPathText(at)}`, p.name);
    }
  }
  for (const p of parameters) {
    if (p.target.kind === "store") continue;
    const where =
      p.target.kind === "genesisFile"
        ? "genesis"
        : p.target.kind === "genesis"
          ? `genesis${genesisPathText(p.target.path)}`
          : `${p.target.agentIndex}/${p.target.behaviourIndex}/${p.target.field}`;
    const other = seen.get(where);
    if (other !== undefined)
      r.failText(
        `grid[${JSON.stringify(p.name)}]`,
        "each field once",
        `the same field as ${other}`,
        "remove one of them",
      );
    seen.set(where, p.name);
  }
  if (r.issues.length > before) return undefined;
  const total = parameters.reduce((product, p) => product * p.values.length, 1);
  if (total > MAX_CASES)
    return r.failText(
      "grid",
      `at most ${MAX_CASES} cases (the product of every parameter's values)`,
      `${total}`,
      "use larger steps or fewer parameters",
    );
  return parameters;
}

function readObjectives(r: ScenarioReader, value: unknown, scenario: Scenario): Objective[] | undefined {
  const list = r.array(value, "objectives", "objectives ({metric, goal})");
  if (list === undefined) return undefined;
  if (list.length === 0) return r.failText("objectives", "at least one objective", "an empty list");
  const names = metricNames(
    scenario.agents.map((a) => a.id),
    { aliases: true },
  );
  const objectives: Objective[] = [];
  list.forEach((item, i) => {
    const path = `objectives[${i}]`;
    const o = r.fields(item, path, ["metric", "goal"]);
    if (o === undefined) return;
    const goal = o.goal === undefined ? undefined : r.oneOf(o.goal, `${path}.goal`, GOALS);
    let metric: string | undefined;
    if (typeof o.metric === "string" && names.includes(o.metric)) metric = o.metric;
    else if (o.metric !== undefined) {
      const near =
        typeof o.metric === "string"
          ? (closest(o.metric, names) ?? names.find((n) => n.endsWith(`.${o.metric}`)))
          : undefined;
      r.failText(
        `${path}.metric`,
        "a metric of agents/metrics/registry.ts (experiments/README.md lists them; agents.<id>.returnBps for an agent)",
        JSON.stringify(o.metric),
        near === undefined ? undefined : `did you mean ${near}?`,
      );
    }
    if (metric !== undefined && objectives.some((other) => other.metric === metric))
      r.failText(`${path}.metric`, "each metric once", JSON.stringify(metric));
    else if (metric !== undefined && goal !== undefined) objectives.push({ metric, goal });
  });
  return objectives.length === list.length ? objectives : undefined;
}

/**
 * Every case of the grid (last parameter fastest), each validated through the scenario and genesis
 * readers. A behaviour's fields are judged together (buyBelow below sellAbove), but different
 * behaviours independently, so the scenario is parsed once per distinct value set of each behaviour,
 * not once per case: a 91 × 51 grid over two agents' thresholds costs 142 parses, not 4,641.
 */
function expandCases(r: ScenarioReader, parameters: GridParameter[], base: BaseScenario): ExperimentCase[] {
  const groups = behaviourGroups(parameters, base);
  const variants = new Map<string, AgentConfig[] | undefined>();
  const deployments = new Map<string, boolean>();
  const caseIssues: ExperimentIssue[] = [];
  let failedCases = 0;
  const cases: ExperimentCase[] = [];
  const total = parameters.reduce((product, p) => product * p.values.length, 1);
  for (let index = 0; index < total; index++) {
    let rest = index;
    const values: GridValue[] = new Array(parameters.length);
    for (let j = parameters.length - 1; j >= 0; j--) {
      values[j] = parameters[j].values[rest % parameters[j].values.length];
      rest = Math.floor(rest / parameters[j].values.length);
    }
    const key = parameters.map((p, j) => `${p.name}=${values[j].text}`).join(" ");
    const changes: ParameterChange[] = [];
    const genesisFields: GenesisField[] = [];
    const storeTexts: string[] = [];
    let genesisFile = base.scenario.genesis;
    parameters.forEach((p, j) => {
      if (p.target.kind === "behaviour") return;
      if (p.target.kind === "store") changes.push({ key: p.target.key, value: values[j].exact });
      else if (p.target.kind === "genesis") genesisFields.push({ path: p.target.path, value: values[j].document });
      else genesisFile = values[j].text;
      storeTexts.push(`${p.name}=${values[j].text}`);
    });
    const deploymentKey = storeTexts.join(" ");
    let ok = true;
    if (!deployments.has(deploymentKey)) {
      try {
        const document = genesisFile === base.scenario.genesis ? base.genesisDocument : genesisVariant(genesisFile);
        genesisWithParameters(document, genesisFile, changes, genesisFields);
        deployments.set(deploymentKey, true);
      } catch (error) {
        if (!(error instanceof GenesisError)) throw error;
        deployments.set(deploymentKey, false);
        caseIssues.push(
          ...error.issues.map((issue) => ({
            ...issue,
            path: `grid case ${deploymentKey} → ${genesisFile}: ${issue.path}`,
          })),
        );
      }
    }
    ok &&= deployments.get(deploymentKey) === true;

    let agents = base.scenario.agents;
    for (const group of groups) {
      const variantKey = `${group.agentIndex}/${group.behaviourIndex} ${group.parameters.map((j) => `${parameters[j].name}=${values[j].text}`).join(" ")}`;
      if (!variants.has(variantKey)) {
        const settings = group.parameters.map((j) => ({ target: parameters[j].target, value: values[j].document }));
        try {
          const parsed = parseScenario(scenarioDocumentWith(base.document, settings), base.path);
          variants.set(variantKey, parsed.agents.slice(group.first, group.first + group.copies));
        } catch (error) {
          if (!(error instanceof ScenarioError)) throw error;
          variants.set(variantKey, undefined);
          caseIssues.push(
            ...error.issues.map((issue) => ({
              ...issue,
              path: `grid case ${variantKey.slice(variantKey.indexOf(" ") + 1)} → ${base.path}: ${issue.path}`,
            })),
          );
        }
      }
      const variant = variants.get(variantKey);
      if (variant === undefined) ok = false;
      else {
        if (agents === base.scenario.agents) agents = agents.slice();
        agents.splice(group.first, group.copies, ...variant);
      }
    }
    if (!ok) failedCases++;
    else
      cases.push({
        index,
        values,
        key,
        parameters: changes,
        genesisFields,
        deploymentKey,
        scenario: {
          ...(agents === base.scenario.agents ? base.scenario : { ...base.scenario, agents }),
          ...(genesisFile === base.scenario.genesis ? {} : { genesis: genesisFile }),
        },
      });
  }
  if (caseIssues.length > 0) {
    r.issues.push(...caseIssues.slice(0, CASE_ISSUES_SHOWN));
    r.failText(
      "grid",
      "values every case of the scenario and genesis accept",
      `${failedCases} of ${total} cases refused${caseIssues.length > CASE_ISSUES_SHOWN ? ` (the first ${CASE_ISSUES_SHOWN} problems above)` : ""}`,
      "narrow the ranges to values the scenario and genesis accept",
    );
  }
  return cases;
}

/** The grid's behaviour parameters grouped by the behaviour they change, with where that agent entry's copies sit in the parsed scenario. */
function behaviourGroups(
  parameters: GridParameter[],
  base: BaseScenario,
): { agentIndex: number; behaviourIndex: number; parameters: number[]; first: number; copies: number }[] {
  const entries = (base.document as { agents: { count?: unknown }[] }).agents;
  const firstOf = (agentIndex: number) =>
    entries.slice(0, agentIndex).reduce((sum, entry) => sum + (typeof entry.count === "number" ? entry.count : 1), 0);
  const groups = new Map<
    string,
    { agentIndex: number; behaviourIndex: number; parameters: number[]; first: number; copies: number }
  >();
  parameters.forEach((p, j) => {
    if (p.target.kind !== "behaviour") return;
    const id = `${p.target.agentIndex}/${p.target.behaviourIndex}`;
    const count = entries[p.target.agentIndex].count;
    const group = groups.get(id) ?? {
      agentIndex: p.target.agentIndex,
      behaviourIndex: p.target.behaviourIndex,
      parameters: [],
      first: firstOf(p.target.agentIndex),
      copies: typeof count === "number" ? count : 1,
    };
    group.parameters.push(j);
    groups.set(id, group);
  });
  return [...groups.values()];
}

/** A genesis file a `genesis` grid value names: its document (JSON without duplicate keys), or a GenesisError naming it. */
function genesisVariant(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new GenesisError(path, [
      { path: "(file)", expected: "a readable genesis JSON file", got: (error as Error).message },
    ]);
  }
  const json = parseJsonText(text);
  if (json.issues !== undefined) throw new GenesisError(path, json.issues);
  return json.value;
}

/** The genesis bytes the rows depend on: the scenario's file, and each file a `genesis` grid parameter names. */
function genesisBytesOf(base: BaseScenario, parameters: readonly GridParameter[]): Buffer {
  const files = parameters.flatMap((p) => (p.target.kind === "genesisFile" ? p.values.map((v) => v.text) : []));
  if (files.length === 0) return base.genesisBytes;
  return Buffer.concat([base.genesisBytes, ...files.map((file) => readFileSync(file))]);
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
