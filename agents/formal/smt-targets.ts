// The formal-check targets file (smt/targets.json): one entry per harness contract, read with every
// problem reported at once (path, what was expected, what the file held).

import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";

import { ArenaError } from "../core/errors.ts";

/** What the SMTChecker checks in a harness: solc's modelChecker target names. */
export const CHECK_KINDS = [
  "assert",
  "underflow",
  "overflow",
  "divByZero",
  "constantCondition",
  "popEmptyArray",
  "outOfBounds",
  "balance",
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export interface SmtTarget {
  /** A short name, e.g. "pool.swapExactIn.kNeverDecreases". */
  id: string;
  /** The harness file, relative to the project root (e.g. "smt/PoolSwapSmt.sol"). */
  source: string;
  /** The harness contract in it: the only contract the SMTChecker analyses. */
  contract: string;
  /** The property, in words, for the report. */
  property: string;
  /** What is checked ("assert" when absent). */
  checks: CheckKind[];
  /** z3's limit per query, seconds (60 when absent). */
  timeoutSeconds: number;
  /** "trusted" lets the checker use the code of contracts it knows (this.f(), contracts made with new). */
  extCalls: "trusted" | "untrusted";
}

export class SmtTargetsError extends ArenaError {}

const DEFAULT_TIMEOUT_SECONDS = 60;
const MAX_TIMEOUT_SECONDS = 600;

/** Reads and checks a targets file; `root` is the folder the sources are relative to. */
export function readSmtTargets(file: string, root: string): SmtTarget[] {
  if (!existsSync(file)) throw new SmtTargetsError(`no targets file ${file}: pass --targets <file.json>`);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new SmtTargetsError(`${file} is not JSON (${(error as Error).message}): fix its syntax`);
  }
  if (!Array.isArray(document) || document.length === 0)
    throw new SmtTargetsError(`${file}: expected a non-empty array of targets, got ${JSON.stringify(document)}`);
  const problems: string[] = [];
  const ids = new Set<string>();
  const targets = document.map((entry: unknown, i): SmtTarget | undefined => {
    const at = `${file} [${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      problems.push(`${at}: expected an object {id, source, contract, property}, got ${JSON.stringify(entry)}`);
      return undefined;
    }
    const e = entry as Record<string, unknown>;
    const text = (field: string) => {
      const value = e[field];
      if (typeof value === "string" && value.trim() !== "") return value;
      problems.push(`${at}.${field}: expected a non-empty string, got ${JSON.stringify(value)}`);
      return "";
    };
    const id = text("id");
    const source = text("source");
    const contract = text("contract");
    const property = text("property");
    if (id !== "" && ids.has(id)) problems.push(`${at}.id: "${id}" is used twice: give each target its own id`);
    ids.add(id);
    if (source !== "" && (isAbsolute(source) || !existsSync(join(root, source))))
      problems.push(`${at}.source: no file ${source} under ${root} (a path relative to the project root)`);
    const checks = e.checks ?? ["assert"];
    if (
      !Array.isArray(checks) ||
      checks.length === 0 ||
      !checks.every((c) => (CHECK_KINDS as readonly unknown[]).includes(c))
    )
      problems.push(
        `${at}.checks: expected a non-empty list of ${CHECK_KINDS.join(", ")}, got ${JSON.stringify(checks)}`,
      );
    const timeoutSeconds = e.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    if (
      typeof timeoutSeconds !== "number" ||
      !Number.isInteger(timeoutSeconds) ||
      timeoutSeconds < 1 ||
      timeoutSeconds > MAX_TIMEOUT_SECONDS
    )
      problems.push(
        `${at}.timeoutSeconds: expected a whole number of seconds 1 … ${MAX_TIMEOUT_SECONDS}, got ${JSON.stringify(timeoutSeconds)}`,
      );
    const extCalls = e.extCalls ?? "untrusted";
    if (extCalls !== "trusted" && extCalls !== "untrusted")
      problems.push(`${at}.extCalls: expected "trusted" or "untrusted", got ${JSON.stringify(extCalls)}`);
    const known = new Set(["id", "source", "contract", "property", "checks", "timeoutSeconds", "extCalls"]);
    for (const key of Object.keys(e))
      if (!known.has(key)) problems.push(`${at}.${key}: unknown field (known: ${[...known].join(", ")})`);
    return {
      id,
      source,
      contract,
      property,
      checks: checks as CheckKind[],
      timeoutSeconds: timeoutSeconds as number,
      extCalls: extCalls as SmtTarget["extCalls"],
    };
  });
  if (problems.length > 0)
    throw new SmtTargetsError(`${file} has ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  return targets as SmtTarget[];
}
