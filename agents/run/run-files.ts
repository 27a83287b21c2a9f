// The names of the files in a run folder (see records.ts for what each holds), and the mark of a folder
// a battle has not finished: readers of a run (gas-profile, gas-compare, the report, anything reading
// summary.json) refuse a folder that holds it.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { ArenaError } from "../core/errors.ts";

export const RUN_FILES = {
  steps: "steps.csv",
  agents: "agents.csv",
  gas: "gas.json",
  summary: "summary.json",
  report: "report.html",
} as const;

/** Every file a battle writes into its folder: what --force replaces, and nothing else. */
export const RUN_FOLDER_FILES = [
  ...Object.values(RUN_FILES),
  "txs.csv",
  "run.json",
  "governance.jsonl",
  "governance.json",
  "llm.jsonl",
  "llm.json",
] as const;

/** Present while a battle writes the folder, gone once everything it recorded is on disk. */
export const INCOMPLETE_FILE = "INCOMPLETE";

export class IncompleteRunError extends ArenaError {
  readonly dir: string;

  constructor(dir: string, message: string) {
    super(message);
    this.dir = dir;
  }
}

/** What the INCOMPLETE mark says: the battle's process and the folder it becomes when it ends. */
export interface IncompleteMark {
  pid: number;
  final: string;
}

export function incompleteMarkText(mark: IncompleteMark): string {
  return (
    "A battle is writing this folder, or was stopped before it finished (killed, or its disk filled up).\n" +
    "Its summary, gas profile and report are missing or describe no finished run; readers refuse it.\n" +
    `pid ${mark.pid}\nfinal ${mark.final}\n`
  );
}

/** The mark in `dir`, or undefined when `dir` holds none. */
export function readIncompleteMark(dir: string): IncompleteMark | undefined {
  const path = join(dir, INCOMPLETE_FILE);
  if (!existsSync(path)) return undefined;
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    // An unreadable mark still marks the folder.
  }
  return {
    pid: Number(/^pid (\d+)$/m.exec(text)?.[1] ?? 0),
    final: /^final (.+)$/m.exec(text)?.[1] ?? dir,
  };
}

/** Whether process `pid` is alive (a battle still writing its folder). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Throws an IncompleteRunError when `dir` is a run folder a battle has not finished. */
export function refuseIncompleteRun(dir: string): void {
  const mark = readIncompleteMark(dir);
  if (mark === undefined) return;
  const writing = mark.pid !== process.pid && processAlive(mark.pid);
  throw new IncompleteRunError(
    dir,
    writing
      ? `${dir} is a run folder a battle (pid ${mark.pid}) is still writing: wait for it to end and read ${mark.final}`
      : `${dir} is an unfinished run folder: its battle stopped before writing its summary (killed, or the disk filled up), so its files describe no finished run; run the battle again${mark.final === dir ? " with --force" : ` (--out ${mark.final} --force replaces this folder)`}`,
  );
}
