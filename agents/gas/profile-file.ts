// gas.json: writing a profile deterministically and reading one back with a clear refusal when the
// file is missing or is something else.

import { readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

import { RUN_FILES, refuseIncompleteRun } from "../run/run-files.ts";
import { stableJson } from "../core/stable-json.ts";
import { writeFileAtomically } from "../core/write-atomically.ts";
import { GAS_DIMENSIONS, GAS_PROFILE_KIND, GAS_PROFILE_VERSION, type GasProfile } from "./profile.ts";
import { ArenaError } from "../core/errors.ts";

export const GAS_PROFILE_FILE = RUN_FILES.gas;

export class GasProfileError extends ArenaError {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

/** The content of gas.json: same profile, same bytes. */
export function gasProfileJson(profile: GasProfile): string {
  return stableJson(profile);
}

/** Writes gas.json (gasProfileJson bytes) whole or not at all. */
export async function writeGasProfile(path: string, profile: GasProfile): Promise<void> {
  await writeFileAtomically(path, gasProfileJson(profile));
}

/** Reads a gas profile from a gas.json file, or from a run folder's gas.json; refuses a folder a battle has not finished. */
export async function readGasProfile(path: string): Promise<GasProfile> {
  const file = await resolveProfilePath(path);
  refuseIncompleteRun(dirname(file));
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new GasProfileError(
        file,
        `no gas profile at ${file}: pass a run folder that a battle wrote (it holds ${GAS_PROFILE_FILE}) or the path of a ${GAS_PROFILE_FILE}`,
        { cause: error },
      );
    }
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GasProfileError(file, `${file} is not a gas profile: it is not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  return parseGasProfile(parsed, file);
}

async function resolveProfilePath(path: string): Promise<string> {
  try {
    return (await stat(path)).isDirectory() ? join(path, GAS_PROFILE_FILE) : path;
  } catch {
    return path;
  }
}

const ROW_NUMBERS = ["count", "reverted", "min", "median", "p95", "max", "total"] as const;

/** Checks that a parsed JSON value is a gas profile of this version; `source` names it in errors. */
export function parseGasProfile(value: unknown, source: string): GasProfile {
  const refuse = (detail: string): never => {
    throw new GasProfileError(source, `${source} is not a gas profile: ${detail}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) return refuse("expected a JSON object");
  const record = value as Record<string, unknown>;
  if (record.kind !== GAS_PROFILE_KIND)
    return refuse(`expected "kind": "${GAS_PROFILE_KIND}", found ${JSON.stringify(record.kind)}`);
  if (record.version !== GAS_PROFILE_VERSION) {
    return refuse(
      `version ${JSON.stringify(record.version)} is not supported (this build reads version ${GAS_PROFILE_VERSION}); re-run the battle to rewrite it`,
    );
  }
  const totals = record.totals as Record<string, unknown> | undefined;
  for (const field of ["transactions", "reverted", "gasUsed"]) {
    if (typeof totals?.[field] !== "number") refuse(`totals.${field} must be a number`);
  }
  const tables = record.tables as Record<string, unknown> | undefined;
  for (const dimension of GAS_DIMENSIONS) {
    const rows = tables?.[dimension];
    if (!Array.isArray(rows)) return refuse(`tables.${dimension} must be a list of rows`);
    rows.forEach((row: Record<string, unknown>, i) => {
      if (typeof row?.key !== "string") refuse(`tables.${dimension}[${i}].key must be a string`);
      for (const field of ROW_NUMBERS) {
        if (typeof row[field] !== "number") refuse(`tables.${dimension}[${i}].${field} must be a number`);
      }
    });
  }
  return value as GasProfile;
}
