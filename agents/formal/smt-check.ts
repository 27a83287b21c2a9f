// solc's SMTChecker (CHC engine) over one harness contract, with Debian's z3 answering its queries.
//
// Hardhat's compile path cannot pass solc-js an SMT callback, so this compiles the harness itself with the
// npm `solc` package (the compiler hardhat.config.ts uses): `compile(input, { import, smtSolver })`, where
// smtSolver runs the local z3 on each SMT-LIB2 query with a per-query time limit. The checker's infos and
// warnings become one result per check (an assert, an overflow, ...): proved safe, unproved with the reason
// (z3 timed out, or answered unknown; unsupported features nearby are listed), or a counterexample. CHC
// decides reachability, but z3 4.8.12's proofs carry no values that solc-js 0.8.30 can read; for a
// violation the BMC engine is run on the same harness to recover the counterexample's values.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

import { ArenaError } from "../core/errors.ts";
import type { SmtTarget } from "./smt-targets.ts";

export type CheckStatus = "safe" | "unproved" | "counterexample";

export interface CheckResult {
  /** solc's name of the check: "Assertion violation", "Overflow (resulting value larger than 2**256 - 1)", ... */
  kind: string;
  status: CheckStatus;
  /** file:line:column of the checked expression. */
  at: string;
  /** The source line it is on, trimmed. */
  code: string;
  /** Why an unproved check is not proved. */
  reason?: string;
  /** The counterexample's text (the inputs and locals that break the check), for a counterexample. */
  counterexample?: string;
}

export interface QueryRecord {
  milliseconds: number;
  /** z3's first word (sat: safe, unsat: reachable, unknown), or "timeout" when its time ran out. */
  answer: string;
}

export interface TargetReport {
  id: string;
  source: string;
  contract: string;
  property: string;
  status: CheckStatus;
  checks: CheckResult[];
  seconds: number;
  queries: QueryRecord[];
  /** What the SMTChecker does not model in the code it analysed, with how often it met it. */
  unsupported: { message: string; count: number }[];
}

export class SmtCheckError extends ArenaError {}

const require = createRequire(import.meta.url);

interface SolcMessage {
  severity: string;
  errorCode?: string;
  message: string;
  formattedMessage?: string;
  sourceLocation?: { file: string; start: number; end: number };
}

interface Solc {
  version(): string;
  compile(input: string, callbacks: object): string;
}

let solcModule: Solc | undefined;
function solc(): Solc {
  solcModule ??= require("solc") as Solc;
  return solcModule;
}

/** The z3 binary: Z3_PATH, else `z3` on PATH; refused with the fix when there is none. */
export function z3Binary(): string {
  const binary = process.env.Z3_PATH !== undefined && process.env.Z3_PATH !== "" ? process.env.Z3_PATH : "z3";
  try {
    execFileSync(binary, ["--version"], { stdio: "pipe" });
  } catch {
    throw new SmtCheckError(
      `no z3 at ${binary === "z3" ? "z3 on PATH" : `Z3_PATH=${binary}`}: run bin/provision z3 (Debian's z3 with apt-get), or point Z3_PATH at a z3 binary`,
    );
  }
  return binary;
}

export function z3Version(binary: string): string {
  return execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
}

export function solcVersion(): string {
  return solc().version();
}

// Spacer's settings as solc passes them to z3 (libsmtutil); the proofs are asked for in a second query.
const Z3_HORN_OPTIONS = [
  "rewriter.pull_cheap_ite=true",
  "fp.spacer.q3.use_qgen=true",
  "fp.spacer.mbqi=false",
  "fp.spacer.ground_pobs=false",
];

/** One z3 run on an SMT-LIB2 query, at most `timeoutSeconds` (plus a grace second before it is killed). */
function runZ3(binary: string, query: string, timeoutSeconds: number, record: QueryRecord[]): string {
  const started = Date.now();
  let output: string;
  try {
    output = execFileSync(binary, ["-in", "-smt2", `-T:${timeoutSeconds}`, ...Z3_HORN_OPTIONS], {
      input: query,
      encoding: "utf8",
      maxBuffer: 1 << 30,
      timeout: (timeoutSeconds + 2) * 1000,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (error) {
    // z3 exits non-zero on its own -T limit ("timeout") and on errors; a kill leaves no answer.
    output = (error as { stdout?: Buffer | string }).stdout?.toString() ?? "";
  }
  const milliseconds = Date.now() - started;
  const first = output.trimStart().split(/\s/)[0] ?? "";
  const answered = first === "sat" || first === "unsat" || first === "unknown";
  const timedOut = !answered || (first === "unknown" && milliseconds >= timeoutSeconds * 900);
  record.push({ milliseconds, answer: timedOut ? "timeout" : first });
  return answered ? output : "unknown\n";
}

interface Compiled {
  messages: SolcMessage[];
  sources: Map<string, string>;
}

/** Compiles the harness with the SMTChecker on, z3 answering through the callback. */
function compileWithChecker(
  target: SmtTarget,
  root: string,
  engine: "chc" | "bmc",
  z3: string,
  queries: QueryRecord[],
): Compiled {
  const sources = new Map<string, string>();
  const read = (path: string) => {
    for (const base of [root, join(root, "node_modules")]) {
      try {
        const text = readFileSync(join(base, path), "utf8");
        sources.set(path, text);
        return text;
      } catch {}
    }
    return undefined;
  };
  const harness = read(target.source);
  if (harness === undefined) throw new SmtCheckError(`${target.id}: cannot read ${target.source} under ${root}`);
  const input = {
    language: "Solidity",
    sources: { [target.source]: { content: harness } },
    settings: {
      evmVersion: "cancun",
      modelChecker: {
        engine,
        solvers: ["smtlib2"],
        contracts: { [target.source]: [target.contract] },
        targets: target.checks,
        timeout: target.timeoutSeconds * 1000,
        extCalls: target.extCalls,
        showProvedSafe: true,
        showUnproved: true,
        showUnsupported: true,
      },
      outputSelection: {},
    },
  };
  const output = JSON.parse(
    solc().compile(JSON.stringify(input), {
      import: (path: string) => {
        const text = read(path);
        return text === undefined ? { error: `no file ${path} under ${root} or its node_modules` } : { contents: text };
      },
      smtSolver: (query: string) => ({ contents: runZ3(z3, query, target.timeoutSeconds, queries) }),
    }),
  ) as { errors?: SolcMessage[] };
  const messages = output.errors ?? [];
  const errors = messages.filter((m) => m.severity === "error");
  if (errors.length > 0)
    throw new SmtCheckError(
      `${target.id}: ${target.source} does not compile:\n${errors.map((m) => m.formattedMessage ?? m.message).join("\n")}`,
    );
  if (!messages.some((m) => m.message.startsWith("CHC: ") || m.message.startsWith("BMC: ")) && engine === "chc")
    throw new SmtCheckError(
      `${target.id}: the SMTChecker found nothing to check in ${target.contract} (${target.source}): is the contract name right, and does it hold an assert or arithmetic of the checked kinds (${target.checks.join(", ")})?`,
    );
  return { messages, sources };
}

function locate(compiled: Compiled, location: SolcMessage["sourceLocation"]): { at: string; code: string } {
  if (location === undefined) return { at: "?", code: "" };
  const text = compiled.sources.get(location.file) ?? "";
  const before = text.slice(0, location.start);
  const line = before.split("\n").length;
  const column = location.start - before.lastIndexOf("\n");
  const code = (text.split("\n")[line - 1] ?? "").trim();
  return { at: `${location.file}:${line}:${column}`, code };
}

const RESULT = /^(CHC|BMC): (.+?) (check is safe!|happens here|might happen here)/;
const UNSUPPORTED = /SMTChecker|Assertion checker|not yet (support|implement)/;

/** The counterexample's lines from a checker message ("x = 67", "y = 201", the call stack), or undefined. */
export function counterexampleText(formatted: string): string | undefined {
  const start = formatted.indexOf("Counterexample:");
  if (start < 0) return undefined;
  return formatted
    .slice(start + "Counterexample:".length)
    .split("\n")
    .map((line) => line.replace(/^Note:\s?/, "").trimEnd())
    .filter((line) => line.trim() !== "")
    .join("\n")
    .trim();
}

/** The checker's messages as one result per check, with the reasons and counterexamples filled in. */
export function parseCheckerMessages(
  messages: SolcMessage[],
  describe: (location: SolcMessage["sourceLocation"]) => { at: string; code: string },
  queries: QueryRecord[],
  timeoutSeconds: number,
): { checks: CheckResult[]; unsupported: TargetReport["unsupported"] } {
  // What the checker does not model (inline assembly, some operators and conversions): its warnings,
  // counted once per message. Other compiler warnings (solc's EIP-1153 note, ...) are not the checker's.
  const counts = new Map<string, number>();
  for (const m of messages) {
    if (m.severity !== "warning" || RESULT.test(m.message) || !UNSUPPORTED.test(m.message)) continue;
    counts.set(m.message, (counts.get(m.message) ?? 0) + 1);
  }
  const unsupported = [...counts].map(([message, count]) => ({ message, count }));
  const checks: CheckResult[] = [];
  const solverErrors = new Set<string>();
  for (const m of messages)
    if (m.message.startsWith("CHC: Error during interaction with the solver"))
      solverErrors.add(describe(m.sourceLocation).at);
  const timeouts = queries.filter((q) => q.answer === "timeout").length;
  const unknowns = queries.filter((q) => q.answer === "unknown").length;
  for (const m of messages) {
    const match = RESULT.exec(m.message);
    if (match === null || match[1] !== "CHC") continue;
    const { at, code } = describe(m.sourceLocation);
    const kind = match[2];
    if (match[3] === "check is safe!") checks.push({ kind, status: "safe", at, code });
    else if (match[3] === "happens here") {
      const counterexample = counterexampleText(m.formattedMessage ?? m.message);
      checks.push({ kind, status: "counterexample", at, code, ...(counterexample ? { counterexample } : {}) });
    } else {
      const reasons: string[] = [];
      if (timeouts > 0)
        reasons.push(`timeout: z3 ran out of its ${timeoutSeconds} s on ${timeouts} of ${queries.length} queries`);
      if (unknowns > 0) reasons.push(`z3 answered unknown on ${unknowns} of ${queries.length} queries`);
      if (solverErrors.has(at) && timeouts === 0) reasons.push("solc could not read z3's answer");
      if (reasons.length === 0) reasons.push("the checker could not decide it");
      if (unsupported.length > 0)
        reasons.push(
          `unsupported in the code it reaches: ${unsupported.map((u) => `${u.message.replace(/\.$/, "")} (${u.count}×)`).join(", ")}`,
        );
      checks.push({ kind, status: "unproved", at, code, reason: reasons.join("; ") });
    }
  }
  return { checks, unsupported };
}

function worst(checks: CheckResult[]): CheckStatus {
  if (checks.some((c) => c.status === "counterexample")) return "counterexample";
  if (checks.some((c) => c.status === "unproved")) return "unproved";
  return "safe";
}

/** Runs the SMTChecker on one target. */
export function checkTarget(target: SmtTarget, root: string, z3: string): TargetReport {
  const started = Date.now();
  const queries: QueryRecord[] = [];
  const compiled = compileWithChecker(target, root, "chc", z3, queries);
  const describe = (location: SolcMessage["sourceLocation"]) => locate(compiled, location);
  const { checks, unsupported } = parseCheckerMessages(compiled.messages, describe, queries, target.timeoutSeconds);
  if (checks.some((c) => c.status === "counterexample" && c.counterexample === undefined)) {
    // BMC checks each function alone and reads z3's models: the values of the violation CHC proved reachable.
    const bmc = compileWithChecker(target, root, "bmc", z3, []);
    for (const check of checks) {
      if (check.status !== "counterexample" || check.counterexample !== undefined) continue;
      const found = bmc.messages.find(
        (m) => m.message.startsWith("BMC: ") && locate(bmc, m.sourceLocation).at === check.at,
      );
      const text = found === undefined ? undefined : counterexampleText(found.formattedMessage ?? found.message);
      check.counterexample =
        text ??
        "reachable (CHC), but z3's proof carries no values solc-js can read and BMC found none within its bound";
    }
  }
  return {
    id: target.id,
    source: target.source,
    contract: target.contract,
    property: target.property,
    status: worst(checks),
    checks,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    queries,
    unsupported,
  };
}
