// Reading an input document (a genesis, scenario or experiment file): each problem is recorded with
// its path, what was expected and what the file held, and reading goes on, so that one error lists
// every problem.

import { getAddress, isAddress, ZeroAddress } from "ethers";

import { ArenaError } from "./errors.ts";
import { expectedWhole, type WholeRange } from "./limits.ts";
import { formatDecimal, parseDecimal, parseDuration } from "./units.ts";

/** One problem of an input document: where, what was expected, what it held, and how to fix it. */
export interface DocumentIssue {
  path: string;
  expected: string;
  got: string;
  /** How to fix it, when there is more than one way (a lower parameter, or a smaller maxSupply). */
  fix?: string;
}

/** Every problem found in one document (a genesis, scenario or experiment file), one line each. */
export class DocumentError extends ArenaError {
  readonly source: string;
  readonly issues: DocumentIssue[];

  /** `source` names the file; "" for a command line's options (their paths are the flags). */
  constructor(source: string, issues: DocumentIssue[]) {
    const prefix = source === "" ? "" : `${source}: `;
    const lines = issues.map(
      (issue) =>
        `${prefix}${issue.path}: expected ${issue.expected}, got ${issue.got}${issue.fix === undefined ? "" : `; ${issue.fix}`}`,
    );
    const heading = issues.length === 1 ? "" : `${prefix}${issues.length} problems\n`;
    super(heading + lines.join("\n"));
    this.source = source;
    this.issues = issues;
  }
}

/** A genesis file's problems. */
export class GenesisError extends DocumentError {}

/** Every problem of a task's command-line options (`--seed: expected …, got …`), checked before anything runs. */
export class OptionError extends DocumentError {
  constructor(issues: DocumentIssue[]) {
    super("", issues);
  }
}

/** Who an allocation, a schedule or the guardian role goes to; resolved to an address at deployment. */
export type AccountRef =
  | { kind: "deployer" }
  | { kind: "treasury" } // the Timelock
  | { kind: "guardian" }
  | { kind: "account"; index: number } // the N-th signer of the network connection
  | { kind: "address"; address: string }; // checksummed

/** How a parameter is written in a genesis file: decimals of its human unit, largest value, what to expect. */
export interface Unit {
  decimals: number;
  max: bigint;
  expected: string;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

export function child(path: string, field: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(field)) return path === "" ? field : `${path}.${field}`;
  return `${path}[${JSON.stringify(field)}]`;
}

/** Walks the JSON, records issues, and returns undefined where a value is unusable. */
export class Reader {
  readonly issues: DocumentIssue[] = [];

  /** Records that `got` (a value from the file) is not what `expected` says. */
  fail(path: string, expected: string, got: unknown): undefined {
    return this.failText(path, expected, describe(got));
  }

  /** Same, with `got` already written out (a derived value, or "an unknown field"), and how to fix it if given. */
  failText(path: string, expected: string, got: string, fix?: string): undefined {
    this.issues.push(fix === undefined ? { path, expected, got } : { path, expected, got, fix });
    return undefined;
  }

  /** An object with exactly the `required` fields and any of the `optional` ones. */
  object(
    value: unknown,
    path: string,
    required: string[],
    optional: string[] = [],
  ): Record<string, unknown> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return this.fail(
        path === "" ? "(top level)" : path,
        `an object with the fields ${[...required, ...optional].join(", ")}`,
        value,
      );
    }
    const record = value as Record<string, unknown>;
    const allowed = [...required, ...optional];
    for (const field of Object.keys(record)) {
      if (!allowed.includes(field))
        this.failText(child(path, field), `one of the fields ${allowed.join(", ")}`, "an unknown field");
    }
    for (const field of required) {
      if (record[field] === undefined) this.fail(child(path, field), "a value for this required field", undefined);
    }
    return record;
  }

  array(value: unknown, path: string, what: string): unknown[] | undefined {
    if (!Array.isArray(value)) return this.fail(path, `an array of ${what}`, value);
    return value;
  }

  string(value: unknown, path: string, expected: string): string | undefined {
    if (typeof value !== "string" || value.trim() === "") return this.fail(path, expected, value);
    return value;
  }

  integer(value: unknown, path: string, min: bigint, max: bigint, expected: string): number | undefined {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || BigInt(value) < min || BigInt(value) > max) {
      return this.fail(path, expected, value);
    }
    return value;
  }

  /**
   * A whole number in `range`, as a file writes it: a number, or with `digits` also a string of digits
   * (a YAML or JSON number above 2⁵³ has already lost digits, so such a number is refused with that fix).
   */
  whole(value: unknown, path: string, range: WholeRange, options: { digits?: boolean } = {}): bigint | undefined {
    const expected = `${expectedWhole(range)}${options.digits === true ? ", or a string of its digits" : ""}`;
    if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return this.failText(
        path,
        expected,
        String(value),
        options.digits === true
          ? `write it as a string of digits: numbers above ${Number.MAX_SAFE_INTEGER} lose digits`
          : undefined,
      );
    }
    const text =
      typeof value === "number" && Number.isSafeInteger(value)
        ? String(value)
        : options.digits === true && typeof value === "string"
          ? value
          : undefined;
    if (text === undefined || !/^\d{1,40}$/.test(text)) return this.fail(path, expected, value);
    const whole = BigInt(text);
    if (whole < range.min || whole > range.max) return this.fail(path, expected, value);
    return whole;
  }

  /** `whole` as a JavaScript number, for ranges within 2⁵³ (blocks, copies, workers). */
  wholeNumber(value: unknown, path: string, range: WholeRange): number | undefined {
    const whole = this.whole(value, path, range);
    return whole === undefined ? undefined : Number(whole);
  }

  /** A command-line option's text as a whole number in `range`, with the message a file's field of that range gets. */
  option(text: string, flag: string, range: WholeRange): bigint | undefined {
    if (!/^\d+$/.test(text) || BigInt(text) < range.min || BigInt(text) > range.max)
      return this.fail(flag, expectedWhole(range), text);
    return BigInt(text);
  }

  /** Throws an OptionError listing every problem recorded (the reader read a command line). */
  throwOptionIssues(): void {
    if (this.issues.length > 0) throw new OptionError(this.issues);
  }

  decimal(value: unknown, path: string, decimals: number, max: bigint, expected: string): bigint | undefined {
    if (typeof value !== "string") return this.fail(path, expected, value);
    const parsed = parseDecimal(value, decimals);
    if (typeof parsed === "string") {
      return this.fail(
        path,
        parsed === "too many decimal places" ? `${expected}, with at most ${decimals} decimal places` : expected,
        value,
      );
    }
    if (parsed > max)
      return this.fail(
        path,
        expected.includes("at most") ? expected : `${expected}, at most ${formatDecimal(max, decimals)}`,
        value,
      );
    return parsed;
  }

  /** A parameter value in its unit: an integer for bps, a decimal string otherwise. */
  unitValue(value: unknown, path: string, unit: Unit): bigint | undefined {
    if (unit.decimals === 0) {
      const integer = this.integer(value, path, 0n, unit.max, unit.expected);
      return integer === undefined ? undefined : BigInt(integer);
    }
    return this.decimal(value, path, unit.decimals, unit.max, unit.expected);
  }

  duration(value: unknown, path: string, max: bigint): number | undefined {
    const expected = `a duration: whole seconds or "30s" / "15m" / "12h" / "90d" / "52w", at most ${max} seconds`;
    const seconds = parseDuration(value);
    if (seconds === undefined || seconds > max) return this.fail(path, expected, value);
    return Number(seconds);
  }

  account(value: unknown, path: string, allowed: AccountRef["kind"][]): AccountRef | undefined {
    const names = allowed.map((kind) =>
      kind === "account" ? '"account:N"' : kind === "address" ? '"0x…" (an address)' : `"${kind}"`,
    );
    const expected = `one of ${names.join(", ")}`;
    if (typeof value !== "string") return this.fail(path, expected, value);
    if ((value === "deployer" || value === "treasury" || value === "guardian") && allowed.includes(value))
      return { kind: value };
    const indexed = /^account:(\d{1,4})$/.exec(value);
    if (indexed !== null && allowed.includes("account")) return { kind: "account", index: Number(indexed[1]) };
    if (value.startsWith("0x") && allowed.includes("address")) {
      if (!isAddress(value)) return this.fail(path, "an address with a valid checksum (or all lower case)", value);
      const address = getAddress(value);
      if (address === ZeroAddress) return this.fail(path, "a non-zero address", value);
      return { kind: "address", address };
    }
    return this.fail(path, expected, value);
  }
}

/** Rejects a zero amount; `raw` is what the file said. */
export function positive(
  r: Reader,
  raw: unknown,
  value: bigint | undefined,
  path: string,
  expected: string,
): bigint | undefined {
  if (value === 0n) return r.fail(path, `${expected}, greater than 0`, raw);
  return value;
}

/**
 * The allowed name nearest to `given`, for a "did you mean" fix; undefined when none is near. Names are
 * compared whole and without case, by edit distance; a name that `given` begins (a field written
 * without its unit, "priorityFee" for "priorityFeeGwei") counts as one edit. Ties go to the name sharing
 * the longer beginning with `given`, so "blockSecond" finds blockSeconds, not blocks.
 */
export function closest(given: string, allowed: readonly string[]): string | undefined {
  const lower = given.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  let bestShared = -1;
  for (const name of allowed) {
    const candidate = name.toLowerCase();
    const edits = editDistance(lower, candidate);
    const distance = lower.length >= 4 && candidate.startsWith(lower) ? Math.min(1, edits) : edits;
    const shared = sharedPrefix(lower, candidate);
    if (distance < bestDistance || (distance === bestDistance && shared > bestShared)) {
      best = name;
      bestDistance = distance;
      bestShared = shared;
    }
  }
  const tolerance = Math.max(1, Math.min(3, Math.floor(given.length / 3)));
  return bestDistance <= tolerance ? best : undefined;
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
