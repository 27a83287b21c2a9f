// An experiment's results folder:
//   experiment.json  what the rows were recorded against (the fingerprint: scenario and genesis bytes,
//                    blocks, grid parameters, metrics); a resume with another fingerprint is refused
//   runs.csv         one row per finished run, appended as it finishes: engine, seed, the case's
//                    parameter values, every objective metric, status, wallMs
//   errors.log       why each failed run failed
//   best.json, report.html   written at the end (best.ts, experiment-report.ts)
//   INCOMPLETE       present while an experiment runs in the folder; gone once best.json and
//                    report.html describe every recorded run (a killed experiment leaves it)
// A row is appended with one write of one line, so an interruption loses at most the line being
// written; a resume drops a torn last line, skips every (engine, case, seed) recorded as ok and runs
// the failed ones again. The file is never rewritten: a retried run's new row follows its failed one,
// and the last row of each (engine, case, seed) is the one that counts.
// The folder is new, empty, or this experiment's own (--resume continues it, --force starts it over);
// a battle's run folder or a folder of other files is refused, before any run starts.

import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, truncateSync } from "node:fs";
import { join } from "node:path";

import { appendWholeSync } from "../core/append-file.ts";
import { csvHeader, csvLine } from "../core/csv.ts";
import { asWriteError, FileWriteError, makeFolderSync } from "../core/file-errors.ts";
import { stableJson } from "../core/stable-json.ts";
import { writeFileAtomicallySync } from "../core/write-atomically.ts";
import { INCOMPLETE_FILE, processAlive, RUN_FOLDER_FILES, readIncompleteMark } from "../run/run-files.ts";
import type { Experiment, ExperimentFingerprint, RunEngine } from "./experiment-types.ts";
import { ArenaError } from "../core/errors.ts";

export const RESULT_FILES = {
  experiment: "experiment.json",
  runs: "runs.csv",
  errors: "errors.log",
  best: "best.json",
  report: "report.html",
  trail: "trail.csv",
} as const;
const EXPERIMENT_KIND = "token-arena/experiment";

export interface RunRecord {
  engine: RunEngine;
  seed: bigint;
  /** The case's parameter values (canonical text), in the experiment's parameter order. */
  values: string[];
  caseKey: string;
  /** One per objective, in the experiment's objective order; NaN when failed or unmeasurable. */
  metrics: number[];
  status: "ok" | "failed";
  wallMs: number;
}

export class ResultsFolderError extends ArenaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class ResultsFolder {
  readonly dir: string;
  readonly records: RunRecord[];
  private readonly columns: string[];
  private readonly parameterNames: string[];
  private readonly done: Set<string>;
  /** The folder's last experiment stopped without writing best.json and report.html (it was killed). */
  readonly wasKilled: boolean;

  /** Where each (engine, case, seed) is in `records`, so a retried run replaces its failed row there. */
  private readonly positions = new Map<string, number>();
  /** Rows recorded per (engine, case, seed): more than one when failed runs were run again. */
  private readonly rowCounts = new Map<string, number>();

  /** `rows` in file order; a later row of the same run supersedes an earlier one (a retry of a failure). */
  private constructor(dir: string, experiment: Experiment, rows: RunRecord[], wasKilled = false) {
    this.dir = dir;
    this.wasKilled = wasKilled;
    this.parameterNames = experiment.parameters.map((p) => p.name);
    this.columns = runColumns(experiment);
    this.records = [];
    this.done = new Set();
    for (const row of rows) this.remember(row);
  }

  /** Rows recorded as failed, which a resume runs again. */
  get failed(): RunRecord[] {
    return this.records.filter((r) => r.status === "failed");
  }

  private remember(record: RunRecord): void {
    const key = doneKey(record.engine, record.caseKey, record.seed);
    const at = this.positions.get(key);
    this.rowCounts.set(key, (this.rowCounts.get(key) ?? 0) + 1);
    if (at === undefined) {
      this.positions.set(key, this.records.length);
      this.records.push(record);
    } else this.records[at] = record;
    if (record.status === "ok") this.done.add(key);
    else this.done.delete(key);
  }

  /**
   * Opens `dir` for `experiment`: a new or empty folder, with `resume` one that holds comparable rows,
   * with `force` one whose experiment starts over (its result files replaced, other files kept).
   */
  static open(dir: string, experiment: Experiment, resume: boolean, force = false): ResultsFolder {
    if (resume && force)
      throw new ResultsFolderError("--resume continues the recorded runs and --force starts over: give one of them");
    const runsPath = join(dir, RESULT_FILES.runs);
    const metaPath = join(dir, RESULT_FILES.experiment);
    const entries = folderEntries(dir);
    const results = new Set<string>([...Object.values(RESULT_FILES), INCOMPLETE_FILE]);
    const battleFiles = entries.filter((e) => (RUN_FOLDER_FILES as readonly string[]).includes(e) && !results.has(e));
    if (battleFiles.length > 0)
      throw new ResultsFolderError(
        `${dir} is a battle's run folder (${battleFiles.slice(0, 4).join(", ")}): an experiment writes a folder of its own; choose another --out`,
      );
    const mark = readIncompleteMark(dir);
    if (mark !== undefined && mark.pid !== process.pid && processAlive(mark.pid))
      throw new ResultsFolderError(
        `another experiment (pid ${mark.pid}) is running in ${dir}: wait for it to end, or choose another --out`,
      );
    const holdsExperiment = existsSync(runsPath) || existsSync(metaPath);
    if (holdsExperiment && resume && !force) {
      checkFingerprint(metaPath, experiment);
      const records = readRuns(runsPath, experiment);
      markIncomplete(dir);
      return new ResultsFolder(dir, experiment, records, mark !== undefined);
    }
    if (holdsExperiment && !force)
      throw new ResultsFolderError(
        `${dir} already holds an experiment's results; pass --resume to continue it, --force to start it over, or choose another --out`,
      );
    if (entries.length > 0 && !force)
      throw new ResultsFolderError(
        `${dir} is not empty (${entries.slice(0, 4).join(", ")}${entries.length > 4 ? ", …" : ""}) and holds no experiment: choose another --out, or pass --force to write the results there (files an experiment writes are replaced, others stay)`,
      );
    for (const name of entries.filter(isResultFile)) rmSync(join(dir, name), { force: true });
    makeFolderSync(dir, "create the results folder");
    markIncomplete(dir);
    writeFileAtomicallySync(
      metaPath,
      stableJson({
        kind: EXPERIMENT_KIND,
        version: 1,
        name: experiment.name,
        file: experiment.source,
        scenario: experiment.scenarioPath,
        fingerprint: experiment.fingerprint,
      }),
    );
    writeFileAtomicallySync(runsPath, csvHeader(runColumns(experiment)));
    return new ResultsFolder(dir, experiment, []);
  }

  /** best.json and report.html now describe every recorded run. */
  finish(): void {
    rmSync(join(this.dir, INCOMPLETE_FILE), { force: true });
  }

  /** True when the run is recorded as ok (a failed one is not done: a resume runs it again). */
  has(engine: RunEngine, caseKey: string, seed: bigint): boolean {
    return this.done.has(doneKey(engine, caseKey, seed));
  }

  /** Rows runs.csv holds for the run (0 when it never ran; a retried failure has one row per try). */
  rowsOf(engine: RunEngine, caseKey: string, seed: bigint): number {
    return this.rowCounts.get(doneKey(engine, caseKey, seed)) ?? 0;
  }

  append(record: RunRecord, error?: string): void {
    const row: Record<string, string> = {
      engine: record.engine,
      seed: record.seed.toString(),
      status: record.status,
      wallMs: String(Math.round(record.wallMs)),
    };
    this.parameterNames.forEach((name, i) => (row[`${name}`] = record.values[i]));
    this.columns
      .slice(2 + this.parameterNames.length, -2)
      .forEach((metric, i) => (row[metric] = String(record.metrics[i])));
    try {
      appendWholeSync(join(this.dir, RESULT_FILES.runs), csvLine(this.columns, row));
    } catch (error) {
      if (!(error instanceof FileWriteError)) throw error;
      throw new ResultsFolderError(
        `${error.message}\n${RESULT_FILES.runs} keeps the ${this.records.length} runs recorded before it, whole; run the experiment again with --resume once the disk has room`,
        { cause: error },
      );
    }
    if (error !== undefined)
      appendWholeSync(
        join(this.dir, RESULT_FILES.errors),
        `${record.engine} seed ${record.seed} ${record.caseKey}: ${error.replaceAll("\n", " | ")}\n`,
      );
    this.remember(record);
  }
}

/** The names in `dir` (none when it does not exist); a file where the folder should be is refused. */
function folderEntries(dir: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = lstatSync(dir).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw asWriteError(error, dir, "use");
  }
  if (!isFolder)
    throw new ResultsFolderError(`--out ${dir} is a file, not a folder: choose a folder for the experiment's results`);
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    throw asWriteError(error, dir, "read the folder");
  }
}

/** A file of an experiment's results (or a temporary file of one): what --force replaces. */
function isResultFile(name: string): boolean {
  const base = /^(.+)\.\d+\.tmp$/.exec(name)?.[1] ?? name;
  return base === INCOMPLETE_FILE || (Object.values(RESULT_FILES) as string[]).includes(base);
}

function markIncomplete(dir: string): void {
  writeFileAtomicallySync(
    join(dir, INCOMPLETE_FILE),
    `An experiment is running in this folder, or was killed: best.json and report.html may not describe every row of runs.csv.\nRun it again with --resume to finish them.\npid ${process.pid}\nfinal ${dir}\n`,
  );
}

/** engine, seed, every grid parameter, every objective metric, status, wallMs. */
export function runColumns(experiment: Experiment): string[] {
  return ["engine", "seed", ...experiment.parameters.map((p) => p.name), ...experiment.measured, "status", "wallMs"];
}

export function caseKeyOf(names: readonly string[], values: readonly string[]): string {
  return names.map((name, i) => `${name}=${values[i]}`).join(" ");
}

function doneKey(engine: RunEngine, caseKey: string, seed: bigint): string {
  return `${engine}|${seed}|${caseKey}`;
}

function checkFingerprint(metaPath: string, experiment: Experiment): void {
  let recorded: ExperimentFingerprint;
  try {
    const meta = JSON.parse(readFileSync(metaPath, "utf8"));
    if (meta.kind !== EXPERIMENT_KIND) throw new Error(`kind is ${JSON.stringify(meta.kind)}`);
    recorded = meta.fingerprint;
  } catch (error) {
    throw new ResultsFolderError(
      `${metaPath} is missing or unreadable (${(error as Error).message}), so the rows beside it cannot be checked; choose another --out`,
    );
  }
  const now = experiment.fingerprint;
  const changes: string[] = [];
  if (recorded.scenarioSha256 !== now.scenarioSha256)
    changes.push(`the scenario file ${experiment.scenarioPath} changed`);
  if (recorded.genesisSha256 !== now.genesisSha256) changes.push("the scenario's genesis file changed");
  if (recorded.blocks !== now.blocks) changes.push(`blocks per run changed from ${recorded.blocks} to ${now.blocks}`);
  if (JSON.stringify(recorded.parameters) !== JSON.stringify(now.parameters))
    changes.push(
      `the grid's parameters changed from [${recorded.parameters.join(", ")}] to [${now.parameters.join(", ")}]`,
    );
  if (JSON.stringify(recorded.metrics) !== JSON.stringify(now.metrics))
    changes.push(
      `the measured metrics (objectives, then subjectTo's) changed from [${recorded.metrics.join(", ")}] to [${now.metrics.join(", ")}]`,
    );
  if (changes.length > 0) {
    throw new ResultsFolderError(
      `cannot resume into ${metaPath.slice(0, -RESULT_FILES.experiment.length - 1)}: its rows are not comparable with ${experiment.source} as it is now:\n  ${changes.join("\n  ")}\n` +
        "run into another --out folder, or undo the change (values, seeds, workers and the engine may change between resumes)",
    );
  }
}

function readRuns(path: string, experiment: Experiment): RunRecord[] {
  if (!existsSync(path)) return [];
  let text = readFileSync(path, "utf8");
  // A torn last line (the process died mid-write) is dropped from the file, not half-read.
  if (text.length > 0 && !text.endsWith("\n")) {
    const keep = text.lastIndexOf("\n") + 1;
    truncateSync(path, Buffer.byteLength(text.slice(0, keep)));
    text = text.slice(0, keep);
  }
  const lines = text.split("\n").filter((line) => line !== "");
  const columns = runColumns(experiment);
  if (lines.length === 0) {
    writeFileAtomicallySync(path, csvHeader(columns));
    return [];
  }
  if (lines[0] !== columns.join(","))
    throw new ResultsFolderError(
      `${path}:1: header is ${lines[0]}, expected ${columns.join(",")}; choose another --out`,
    );
  const names = experiment.parameters.map((p) => p.name);
  const metricCount = experiment.measured.length;
  return lines.slice(1).map((line, i) => {
    const fields = line.split(",");
    const engine = fields[0];
    if (fields.length !== columns.length || (engine !== "chain" && engine !== "model") || !/^\d+$/.test(fields[1])) {
      throw new ResultsFolderError(
        `${path}:${i + 2}: not a row this experiment wrote (${JSON.stringify(line)}); fix or remove the line`,
      );
    }
    const values = fields.slice(2, 2 + names.length);
    const status = fields[columns.length - 2] === "ok" ? "ok" : "failed";
    return {
      engine,
      seed: BigInt(fields[1]),
      values,
      caseKey: caseKeyOf(names, values),
      metrics: fields.slice(2 + names.length, 2 + names.length + metricCount).map(Number),
      status,
      wallMs: Number(fields[columns.length - 1]),
    };
  });
}
