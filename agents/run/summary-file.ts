// summary.json written whole, and read back (by the report and by anything comparing runs), refused with a reason when
// it is missing or is something else.

import { readFile } from "node:fs/promises";
import { dirname } from "node:path";

import { SUMMARY_KIND, SUMMARY_VERSION, type Summary, summaryJson } from "./summary.ts";
import { writeFileAtomically } from "../core/write-atomically.ts";
import { ArenaError } from "../core/errors.ts";
import { refuseIncompleteRun } from "./run-files.ts";

export class SummaryFileError extends ArenaError {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

/** Writes summary.json (summaryJson bytes) whole or not at all. */
export async function writeSummary(path: string, summary: Summary): Promise<void> {
  await writeFileAtomically(path, summaryJson(summary));
}

/** Reads summary.json back; refuses one in a folder a battle has not finished (its INCOMPLETE mark). */
export async function readSummary(path: string): Promise<Summary> {
  refuseIncompleteRun(dirname(path));
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new SummaryFileError(
        path,
        `no summary at ${path}: a battle writes it when it ends (also when interrupted); run the battle again if it was killed`,
        { cause: error },
      );
    }
    throw error;
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SummaryFileError(path, `${path} is not a run summary: it is not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (parsed?.kind !== SUMMARY_KIND)
    throw new SummaryFileError(
      path,
      `${path} is not a run summary: expected "kind": "${SUMMARY_KIND}", found ${JSON.stringify(parsed?.kind)}`,
    );
  if (parsed.version !== SUMMARY_VERSION) {
    throw new SummaryFileError(
      path,
      `${path}: summary version ${JSON.stringify(parsed.version)} is not supported (this build reads ${SUMMARY_VERSION}); re-run the battle`,
    );
  }
  for (const field of ["scenario", "completion", "market", "metrics", "totals", "gas", "leaderboard"]) {
    if (parsed[field] === undefined)
      throw new SummaryFileError(path, `${path} is not a complete run summary: "${field}" is missing`);
  }
  return parsed as unknown as Summary;
}
