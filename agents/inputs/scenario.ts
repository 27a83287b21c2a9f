// A scenario file says what a battle runs: which genesis to deploy, how many blocks, in which order
// transactions are mined, and the agents with their behaviours. It is JSON (.json) or YAML (.yaml,
// .yml), in human units; `parseScenario` checks all of it and converts every amount exactly, and
// refuses the file with one ScenarioError listing every problem (path, expected, got, fix).
//
// Top-level fields (scenarios/README.md has the full table, with every behaviour's fields):
//   name          required  letters, digits, "_", "-"; names the run folder
//   description   optional  free text
//   genesis       optional  genesis file to deploy, relative to the working directory ("genesis/default.json")
//   seed          required  integer 0 … 2⁶⁴−1, or a string of digits for seeds above 2⁵³
//   blocks        required  steps to run, 1 … 10,000,000 (core/limits.ts)
//   mode          optional  "sequential" (default) or "priority" (mined by priority fee; front-runners see the pending block)
//   decisions     optional  "simultaneous" (default: every agent decides on the start-of-step state) or "sequential"
//                           (each decides on the state after the trades of the agents before it in the block)
//   order         optional  "shuffled" (default: a seeded draw each step) or "listed" (the agents' order in the file)
//   blockSeconds  optional  seconds between blocks (12)
//   policy        optional  name gas and results are filed under (the scenario's name)
//   startTime     optional  ISO date ("2026-01-01T00:00:00Z", the default) or unix seconds, from 1
//   gas           optional  {priorityFeeGwei: "1", ethPriceQuote: "3000"}
//   output        optional  {agentEvery: 1, historyLength: 64}
//   agents        required  list of {id, count?, wallet?, funds?: {quote?, tokens?}, behaviours}
//   governance    optional  {protocolAgent?, voters?, guardian?, script?} (governance-reader.ts)
//   llm           optional  the model settings llm behaviours share, and the cassette (llm-reader.ts)
// Amounts are decimal strings ("0.012", "250.5"); whole numbers may be written bare.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname } from "node:path";

import { parseDocument } from "yaml";

import { parseGenesisText } from "./genesis.ts";
import { type Genesis } from "../mechanisms/vocabulary.ts";
import { child } from "../core/document-reader.ts";
import { parseJsonText } from "../core/json-text.ts";
import { AGENT_COPIES, BLOCKS, MAX_SUPPLY, SEED } from "../core/limits.ts";
import { MAX_UINT128, QUOTE_DECIMALS, TOKEN_DECIMALS } from "../core/units.ts";
import type { AgentOrder, DecisionMode, OrderingMode } from "../core/types.ts";
import { BEHAVIOUR_REGISTRY, type BehaviourConfig } from "../behaviours/registry.ts";
import { type BehaviourReading, readBehaviour } from "./behaviour-reader.ts";
import { readGovernance } from "./governance-reader.ts";
import { readLlmShared } from "./llm-reader.ts";
import { ScenarioError } from "./scenario-error.ts";
import { ScenarioReader, UNITS } from "./scenario-reader.ts";
import type { AgentConfig, Scenario, WalletRef } from "./scenario-types.ts";

export { ScenarioError, type ScenarioIssue } from "./scenario-error.ts";

export const DEFAULT_GENESIS = "genesis/default.json";
/** 2026-01-01T00:00:00Z. */
export const DEFAULT_START_TIME = 1_767_225_600;

const TOP_REQUIRED = ["name", "seed", "blocks", "agents"];
const TOP_OPTIONAL = [
  "description",
  "genesis",
  "mode",
  "decisions",
  "order",
  "blockSeconds",
  "policy",
  "startTime",
  "gas",
  "output",
  "governance",
  "llm",
];
const AGENT_REQUIRED = ["id", "behaviours"];
const AGENT_OPTIONAL = ["count", "wallet", "funds"];
const MODES: readonly OrderingMode[] = ["sequential", "priority"];
const DECISIONS: readonly DecisionMode[] = ["simultaneous", "sequential"];
const ORDERS: readonly AgentOrder[] = ["shuffled", "listed"];

const SECONDS_PER_YEAR = 31_536_000n;
/** The in-process chain's genesis block is one second before startTime, and a block's time cannot be negative. */
const MIN_START_TIME = 1n;
/** 9999-12-31T23:59:59Z: past it, an ISO date has five digits. */
const MAX_START_TIME = 253_402_300_799n;

/** Reads a scenario file (.json, .yaml or .yml) and parses it; every error names the file. */
export async function loadScenario(path: string): Promise<Scenario> {
  return parseScenario(await readScenarioDocument(path), path);
}

/**
 * The document of a JSON or YAML file before validation (an experiment edits a scenario's fields and
 * then parses it); a file that is not there or not JSON/YAML is a ScenarioError naming it.
 */
export async function readScenarioDocument(path: string, what = "scenario"): Promise<unknown> {
  const format = extname(path).toLowerCase();
  if (format !== ".json" && format !== ".yaml" && format !== ".yml") {
    throw new ScenarioError(path, [
      {
        path: "(file)",
        expected: `a ${what} file ending in .json, .yaml or .yml`,
        got: format === "" ? "no extension" : `"${format}"`,
      },
    ]);
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ScenarioError(path, [
      { path: "(file)", expected: `a readable ${what} file`, got: (error as Error).message },
    ]);
  }
  return format === ".json" ? parseJson(text, path) : parseYaml(text, path);
}

/** JSON, with every key an object holds twice refused (with its line) as the YAML reader refuses it. */
function parseJson(text: string, source: string): unknown {
  const json = parseJsonText(text);
  if (json.issues !== undefined) throw new ScenarioError(source, json.issues);
  return json.value;
}

/** YAML 1.2 (so `on`, `yes` and dates stay strings); syntax errors and duplicate keys are reported with their line and column. */
function parseYaml(text: string, source: string): unknown {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ScenarioError(
      source,
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        const message = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        return {
          path: at === undefined ? "(file)" : `line ${at.line}, column ${at.col}`,
          expected: "valid YAML",
          got: message,
        };
      }),
    );
  }
  try {
    return document.toJS();
  } catch (error) {
    throw new ScenarioError(source, [{ path: "(file)", expected: "valid YAML", got: (error as Error).message }]);
  }
}

/**
 * Validates a scenario document and converts it exactly; throws one ScenarioError listing every problem.
 * `registry` is the behaviour kinds it may use (a test may add its own).
 */
export function parseScenario(input: unknown, source: string, registry = BEHAVIOUR_REGISTRY): Scenario {
  const r = new ScenarioReader();
  const top = r.fields(input, "", TOP_REQUIRED, TOP_OPTIONAL);
  if (top === undefined) throw new ScenarioError(source, r.issues);
  const has = (field: string): boolean => top[field] !== undefined;

  const name = has("name") ? r.name(top.name, "name", "a scenario name (it names the run folder)") : undefined;
  const description = has("description") ? r.string(top.description, "description", "a non-empty string") : "";
  const genesis = has("genesis")
    ? r.string(top.genesis, "genesis", 'the path of a genesis file (like "genesis/default.json")')
    : DEFAULT_GENESIS;
  const seed = has("seed") ? r.whole(top.seed, "seed", SEED, { digits: true }) : undefined;
  const blocks = has("blocks") ? r.wholeNumber(top.blocks, "blocks", BLOCKS) : undefined;
  const mode = has("mode") ? r.oneOf(top.mode, "mode", MODES) : "sequential";
  const decisions = has("decisions") ? r.oneOf(top.decisions, "decisions", DECISIONS) : undefined;
  const order = has("order") ? r.oneOf(top.order, "order", ORDERS) : undefined;
  if (decisions === "sequential" && mode === "priority") {
    r.failText(
      "decisions",
      '"simultaneous" with mode "priority" (a priority block is mined by fee, not in the order agents decide)',
      '"sequential"',
      'use mode "sequential" (mined in the order sent) for sequential decisions',
    );
  }
  if (decisions === "sequential" && has("governance")) {
    r.failText(
      "decisions",
      '"simultaneous" in a scenario with governance (participants\' calls go into the block ahead of the trades, and the model cannot apply them to show the next agent)',
      '"sequential"',
      'remove "decisions" or the governance section',
    );
  }
  const blockSeconds = has("blockSeconds")
    ? r.integer(
        top.blockSeconds,
        "blockSeconds",
        1n,
        SECONDS_PER_YEAR,
        `a whole number of seconds between blocks, from 1 to ${SECONDS_PER_YEAR}`,
      )
    : 12;
  const policy = has("policy") ? r.name(top.policy, "policy", "a policy name") : name;
  const startTime = has("startTime") ? readStartTime(r, top.startTime) : DEFAULT_START_TIME;
  const gas = readGas(r, top.gas);
  const output = readOutput(r, top.output);
  const genesisFile = genesis === undefined ? undefined : readGenesisFile(r, genesis);
  const beneficiaries = genesisFile?.vesting.flatMap((schedule) =>
    schedule.beneficiary.kind === "account" ? [schedule.beneficiary.index] : [],
  );
  const llm = has("llm") ? readLlmShared(r, top.llm) : undefined;
  const context: BehaviourReading = {
    mode,
    historyLength: output?.historyLength,
    registry,
    ...(llm === undefined ? {} : { llm }),
    scenarioDir: dirname(source),
  };
  const agents = has("agents")
    ? readAgents(r, top.agents, context, genesis === undefined ? undefined : { path: genesis, beneficiaries })
    : undefined;
  const governance = has("governance")
    ? readGovernance(r, top.governance, { agents, parameters: genesisFile?.parameters, genesis, blocks })
    : undefined;

  if (r.issues.length > 0) throw new ScenarioError(source, r.issues);
  return {
    source,
    name: name!,
    description: description!,
    genesis: genesis!,
    seed: seed!,
    blocks: blocks!,
    mode: mode!,
    ...(decisions === undefined ? {} : { decisions }),
    ...(order === undefined ? {} : { order }),
    blockSeconds: blockSeconds!,
    policy: policy!,
    startTime: startTime!,
    gas: gas!,
    agents: agents!,
    output: output!,
    ...(governance === undefined ? {} : { governance }),
    ...(llm === undefined ? {} : { llm }),
  };
}

/** An ISO date with a time zone (a date without one would depend on the machine's zone) or unix seconds. */
function readStartTime(r: ScenarioReader, value: unknown): number | undefined {
  const expected = 'an ISO date in UTC or with an offset ("2026-01-01T00:00:00Z", "2026-01-01"), or unix seconds';
  const range = `${MIN_START_TIME} to ${MAX_START_TIME}`;
  if (typeof value === "number") {
    const seconds = r.integer(value, "startTime", 0n, MAX_START_TIME, `${expected}, from ${range}`);
    return seconds === 0 ? refuseEpoch(r, value) : seconds;
  }
  const match =
    typeof value === "string"
      ? /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(Z|([+-])(\d{2}):(\d{2})))?$/.exec(value)
      : null;
  if (match === null) return r.fail("startTime", expected, value);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const offsetMinutes =
    match[8] === undefined ? 0 : (match[8] === "-" ? -1 : 1) * (Number(match[9]) * 60 + Number(match[10]));
  const midnight = new Date(Date.UTC(year, month - 1, day));
  if (
    midnight.getUTCFullYear() !== year ||
    midnight.getUTCMonth() !== month - 1 ||
    midnight.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return r.fail("startTime", `${expected}, a date and time that exist`, value);
  }
  const seconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetMinutes * 60;
  if (seconds < 0) return r.fail("startTime", `${expected}, not before 1970`, value);
  return seconds === 0 ? refuseEpoch(r, value) : seconds;
}

/** 0 (1970-01-01T00:00:00Z) is a time, but the chain's genesis block would come one second before it. */
function refuseEpoch(r: ScenarioReader, value: unknown): undefined {
  return r.failText(
    "startTime",
    `a start time of at least ${MIN_START_TIME} (1970-01-01T00:00:01Z): the in-process chain's genesis block is one second before startTime`,
    JSON.stringify(value),
    `use ${MIN_START_TIME} or later, or leave startTime out for 2026-01-01T00:00:00Z`,
  );
}

function readGas(r: ScenarioReader, value: unknown): Scenario["gas"] | undefined {
  const o = value === undefined ? {} : r.fields(value, "gas", [], ["priorityFeeGwei", "ethPriceQuote"]);
  if (o === undefined) return undefined;
  const priorityFeeWei = r.amount(o.priorityFeeGwei ?? "1", "gas.priorityFeeGwei", UNITS.gwei);
  const ethPriceQuote = r.amount(o.ethPriceQuote ?? "3000", "gas.ethPriceQuote", {
    ...UNITS.quote,
    expected: 'a decimal string of whole quote per ETH (like "3000")',
  });
  return priorityFeeWei === undefined || ethPriceQuote === undefined ? undefined : { priorityFeeWei, ethPriceQuote };
}

function readOutput(r: ScenarioReader, value: unknown): Scenario["output"] | undefined {
  const o = value === undefined ? {} : r.fields(value, "output", [], ["agentEvery", "historyLength"]);
  if (o === undefined) return undefined;
  const agentEvery =
    o.agentEvery === undefined
      ? 1
      : r.steps(o.agentEvery, "output.agentEvery", 1, "a whole number of steps between agent rows, at least 1");
  const historyLength =
    o.historyLength === undefined
      ? 64
      : r.integer(
          o.historyLength,
          "output.historyLength",
          1n,
          100_000n,
          "a whole number of past prices kept, from 1 to 100000",
        );
  return agentEvery === undefined || historyLength === undefined ? undefined : { agentEvery, historyLength };
}

/** The parsed genesis file (its vesting beneficiaries and parameter keys are checked against); undefined when it is unusable (reported). */
function readGenesisFile(r: ScenarioReader, path: string): Genesis | undefined {
  if (!existsSync(path)) {
    const readyMade = existsSync("genesis")
      ? readdirSync("genesis")
          .filter((file) => file.endsWith(".json"))
          .map((file) => `genesis/${file}`)
      : [];
    return r.failText(
      "genesis",
      `a genesis file that exists, relative to the working directory (${process.cwd()})`,
      JSON.stringify(path),
      readyMade.length === 0 ? undefined : `ready-made ones: ${readyMade.join(", ")}`,
    );
  }
  try {
    return parseGenesisText(readFileSync(path, "utf8"), path);
  } catch (error) {
    return r.failText(
      "genesis",
      "a valid genesis file",
      JSON.stringify(path),
      `it does not parse: ${(error as Error).message.replaceAll("\n", "; ")}`,
    );
  }
}

interface GenesisFacts {
  path: string;
  /** Undefined when the genesis could not be read (already reported). */
  beneficiaries: number[] | undefined;
}

function readAgents(
  r: ScenarioReader,
  value: unknown,
  context: BehaviourReading,
  genesis: GenesisFacts | undefined,
): AgentConfig[] | undefined {
  const list = r.array(value, "agents", "agents ({id, behaviours, ...})");
  if (list === undefined) return undefined;
  if (list.length === 0) return r.failText("agents", "at least one agent", "an empty list");
  const agents: AgentConfig[] = [];
  /** Which entry of the file gave each id, and each account wallet, for duplicate messages. */
  const idOwners = new Map<string, string>();
  const walletOwners = new Map<number, string>();
  let ok = true;
  list.forEach((entry, i) => {
    const path = `agents[${i}]`;
    const agent = readAgent(r, entry, path, context, genesis);
    // Duplicates are looked for even when the entry has other problems, so that one error lists them all.
    for (const id of agent.ids ?? []) {
      const owner = idOwners.get(id);
      if (owner !== undefined) {
        r.failText(
          child(path, "id"),
          "an id no other agent has, after count expands `id` to `id-1` … `id-N`",
          `"${id}", which ${owner} also gives`,
          "rename one of them",
        );
      }
      idOwners.set(id, path);
    }
    if (agent.wallet?.kind === "account") {
      const owner = walletOwners.get(agent.wallet.index);
      if (owner !== undefined) {
        r.failText(
          child(path, "wallet"),
          "a wallet no other agent uses",
          `"account:${agent.wallet.index}", which ${owner} uses`,
          "give each agent its own account",
        );
      }
      walletOwners.set(agent.wallet.index, path);
    }
    if (agent.agents === undefined) ok = false;
    else agents.push(...agent.agents);
  });
  return ok ? agents : undefined;
}

interface ReadAgent {
  /** The ids the entry gives (`<id>-1` … `<id>-N` with a count), when its id and count are readable. */
  ids?: string[];
  wallet?: WalletRef;
  /** The agents, when the whole entry is valid. */
  agents?: AgentConfig[];
}

/** One entry of `agents`: the agent, or its `count` copies `<id>-1` … `<id>-N`. */
function readAgent(
  r: ScenarioReader,
  value: unknown,
  path: string,
  context: BehaviourReading,
  genesis: GenesisFacts | undefined,
): ReadAgent {
  const before = r.issues.length;
  const o = r.fields(value, path, AGENT_REQUIRED, AGENT_OPTIONAL);
  if (o === undefined) return {};
  const id = o.id === undefined ? undefined : r.name(o.id, child(path, "id"), "an agent id");
  const count = o.count === undefined ? undefined : r.wholeNumber(o.count, child(path, "count"), AGENT_COPIES);
  const wallet =
    o.wallet === undefined ? ({ kind: "derived" } as const) : readWallet(r, o.wallet, child(path, "wallet"));
  if (wallet?.kind === "account" && count !== undefined) {
    r.failText(
      child(path, "count"),
      "no count with an account wallet: every copy would share the one account",
      `${count}`,
      "list each agent with its own wallet, or leave wallet out (derived)",
    );
  }
  const funds = readFunds(r, o.funds, child(path, "funds"));
  const behaviours =
    o.behaviours === undefined ? undefined : readBehaviours(r, o.behaviours, child(path, "behaviours"), context);

  const vesting = behaviours?.some((b) => context.registry.needsVestingAccount(b));
  if (vesting === true && wallet !== undefined && genesis?.beneficiaries !== undefined) {
    const accounts = genesis.beneficiaries.map((index) => `account:${index}`).join(", ");
    const got =
      wallet.kind === "account"
        ? `"account:${wallet.index}", which has no vesting schedule in ${genesis.path}`
        : "a derived wallet, which has no vesting schedule";
    if (wallet.kind !== "account" || !genesis.beneficiaries.includes(wallet.index)) {
      r.failText(
        child(path, "wallet"),
        "the account of a vesting beneficiary in the genesis",
        got,
        accounts === ""
          ? `${genesis.path} has no vesting schedules for account:N; use a genesis that has`
          : `use one of ${accounts}`,
      );
    }
  }

  const countOk = o.count === undefined || count !== undefined;
  const ids =
    id === undefined || !countOk
      ? undefined
      : count === undefined
        ? [id]
        : Array.from({ length: count }, (_, k) => `${id}-${k + 1}`);
  if (
    r.issues.length > before ||
    ids === undefined ||
    wallet === undefined ||
    funds === undefined ||
    behaviours === undefined
  )
    return { ids, wallet };
  // Each copy gets its own behaviour configs, so that nothing done to one agent's config reaches another's.
  const agents = ids.map((agentId) => ({
    id: agentId,
    wallet,
    funds: { ...funds },
    behaviours: structuredClone(behaviours),
  }));
  return { ids, wallet, agents };
}

function readWallet(r: ScenarioReader, value: unknown, path: string): WalletRef | undefined {
  if (value === "derived") return { kind: "derived" };
  const indexed = typeof value === "string" ? /^account:(\d{1,4})$/.exec(value) : null;
  if (indexed === null)
    return r.fail(
      path,
      '"derived" (an address of its own, the default) or "account:N" (the network\'s N-th account)',
      value,
    );
  return { kind: "account", index: Number(indexed[1]) };
}

function readFunds(r: ScenarioReader, value: unknown, path: string): AgentConfig["funds"] | undefined {
  const o = value === undefined ? {} : r.fields(value, path, [], ["quote", "tokens"]);
  if (o === undefined) return undefined;
  const quote =
    o.quote === undefined
      ? 0n
      : r.amount(o.quote, child(path, "quote"), {
          decimals: QUOTE_DECIMALS,
          max: MAX_UINT128,
          expected: 'a decimal string of whole quote minted at set-up (like "10000")',
        });
  const tokens =
    o.tokens === undefined
      ? 0n
      : r.amount(o.tokens, child(path, "tokens"), {
          decimals: TOKEN_DECIMALS,
          max: MAX_SUPPLY,
          expected: 'a decimal string of whole tokens bought from the curve at set-up (like "500")',
        });
  if (tokens !== undefined && tokens > 0n && quote === 0n) {
    r.failText(
      child(path, "quote"),
      "quote to pay for the tokens it buys from the curve at set-up",
      o.quote === undefined ? "nothing" : JSON.stringify(o.quote),
      "give it quote worth more than the tokens at the curve's price",
    );
  }
  return quote === undefined || tokens === undefined ? undefined : { quote, tokens };
}

function readBehaviours(
  r: ScenarioReader,
  value: unknown,
  path: string,
  context: BehaviourReading,
): BehaviourConfig[] | undefined {
  const list = r.array(value, path, "behaviours ({kind, ...})");
  if (list === undefined) return undefined;
  if (list.length === 0) return r.failText(path, "at least one behaviour", "an empty list");
  const behaviours = list.map((entry, j) => readBehaviour(r, entry, `${path}[${j}]`, context));
  // The registry's specs say each kind's config type; the reader only checked it against their tables.
  return behaviours.includes(undefined) ? undefined : (behaviours as BehaviourConfig[]);
}
