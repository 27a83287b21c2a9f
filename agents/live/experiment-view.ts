// What a live view knows of an experiment's results folder, read from its files as they grow:
// experiment.json (what the rows are: the grid's parameters and the objectives' metrics), runs.csv
// (one row per finished run, followed line by line) and the INCOMPLETE mark (running, or killed). The
// grid's values, the objectives' goals and the number of runs come from the experiment itself: the
// one this process runs, or the file experiment.json names when its fingerprint still matches; without
// it the grid is the values seen so far and the total is unknown.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { loadExperiment } from "../experiment/experiment-file.ts";
import type { Experiment, Goal, RunEngine } from "../experiment/experiment-types.ts";
import { caseKeyOf, RESULT_FILES, type RunRecord } from "../experiment/results-folder.ts";
import { processAlive, readIncompleteMark } from "../run/run-files.ts";
import { CsvLines } from "./csv-lines.ts";
import { LineTail } from "./tail.ts";

export type ExperimentPhase = "waiting" | "running" | "finished" | "stopped";

/** The grid as the view draws it. */
export interface GridShape {
  name: string;
  parameters: { name: string; values: string[] }[];
  objectives: { metric: string; goal: Goal }[];
  /** Runs of the first phase (every case × seed); undefined when the experiment file could not be read. */
  total: number | undefined;
  /** The engine whose rows the heat map shows (the screen engine's model phase covers the grid). */
  engine: RunEngine | undefined;
  screen: boolean;
  /** Why the grid is only what the rows show, when it is. */
  note?: string;
}

export class ExperimentView {
  readonly dir: string;
  phase: ExperimentPhase = "waiting";
  shape: GridShape | undefined;
  /** The last row of each (engine, case, seed), in the order first recorded. */
  records: RunRecord[] = [];
  problems = new Map<string, string>();
  version = 0;
  private readonly given: Experiment | undefined;
  private positions = new Map<string, number>();
  private tail: LineTail;
  private csv = new CsvLines(RESULT_FILES.runs);
  private metaText: string | undefined;
  /** When this view first saw rows, and how many: the rate since then gives the ETA. */
  private firstSeen: { at: number; done: number } | undefined;
  private lastArrival: { at: number; done: number } | undefined;

  constructor(dir: string, experiment?: Experiment) {
    this.dir = dir;
    this.given = experiment;
    this.tail = new LineTail(join(dir, RESULT_FILES.runs));
  }

  get done(): number {
    return this.records.filter((r) => this.shape === undefined || r.engine === this.shape.engine).length;
  }

  get failed(): number {
    return this.records.filter((r) => r.status === "failed").length;
  }

  /** Seconds left at the rate runs arrived since this view started, or undefined while there is no rate. */
  etaSeconds(now = performance.now()): number | undefined {
    const total = this.shape?.total;
    if (total === undefined || this.firstSeen === undefined || this.lastArrival === undefined) return undefined;
    const runs = this.lastArrival.done - this.firstSeen.done;
    const seconds = (now - this.firstSeen.at) / 1000;
    if (runs <= 0 || seconds <= 0) return undefined;
    return Math.max(0, (total - this.done) / (runs / seconds));
  }

  async poll(): Promise<boolean> {
    const before = this.version;
    await this.readMeta();
    const phase = this.locate();
    if (phase !== this.phase) {
      this.phase = phase;
      this.version++;
    }
    if (this.shape !== undefined) this.readRuns();
    return this.version !== before;
  }

  private locate(): ExperimentPhase {
    if (!existsSync(join(this.dir, RESULT_FILES.runs))) return "waiting";
    const mark = readIncompleteMark(this.dir);
    if (mark !== undefined) return processAlive(mark.pid) ? "running" : "stopped";
    return existsSync(join(this.dir, RESULT_FILES.best)) ? "finished" : "running";
  }

  private problem(file: string, message: string): void {
    if (this.problems.get(file) === message) return;
    this.problems.set(file, message);
    this.version++;
  }

  private async readMeta(): Promise<void> {
    const path = join(this.dir, RESULT_FILES.experiment);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return;
    }
    if (text === this.metaText) return;
    this.metaText = text;
    let meta: { name?: unknown; file?: unknown; fingerprint?: { parameters?: unknown; metrics?: unknown } };
    try {
      meta = JSON.parse(text);
      if (!Array.isArray(meta.fingerprint?.parameters) || !Array.isArray(meta.fingerprint?.metrics))
        throw new Error("it has no fingerprint with parameters and metrics");
    } catch (error) {
      this.problem(
        RESULT_FILES.experiment,
        `${RESULT_FILES.experiment}: not an experiment's record (${(error as Error).message})`,
      );
      return;
    }
    this.problems.delete(RESULT_FILES.experiment);
    const parameters = (meta.fingerprint!.parameters as unknown[]).map(String);
    const metrics = (meta.fingerprint!.metrics as unknown[]).map(String);
    const experiment = this.given ?? (await this.experimentNamed(meta.file, parameters, metrics));
    const next: GridShape =
      experiment !== undefined
        ? shapeOf(experiment)
        : {
            name: String(meta.name ?? ""),
            parameters: parameters.map((name) => ({ name, values: [] })),
            objectives: metrics.map((metric) => ({ metric, goal: "maximise" as const })),
            total: undefined,
            engine: undefined,
            screen: false,
            note: `${String(meta.file)} could not be read as the experiment of these rows: the grid shows the values recorded so far, coloured as if every objective were maximised, and the total is unknown`,
          };
    if (this.shape !== undefined && JSON.stringify(this.shape) === JSON.stringify(next)) return;
    this.shape = next;
    this.restart();
  }

  private async experimentNamed(
    file: unknown,
    parameters: string[],
    metrics: string[],
  ): Promise<Experiment | undefined> {
    if (typeof file !== "string") return undefined;
    try {
      const experiment = await loadExperiment(file);
      const same =
        JSON.stringify(experiment.fingerprint.parameters) === JSON.stringify(parameters) &&
        JSON.stringify(experiment.fingerprint.metrics) === JSON.stringify(metrics);
      return same ? experiment : undefined;
    } catch {
      return undefined;
    }
  }

  private restart(): void {
    this.records = [];
    this.positions.clear();
    this.tail = new LineTail(join(this.dir, RESULT_FILES.runs));
    this.csv = new CsvLines(RESULT_FILES.runs);
    this.firstSeen = undefined;
    this.lastArrival = undefined;
    this.problems.delete(RESULT_FILES.runs);
    this.version++;
  }

  private readRuns(): void {
    const shape = this.shape!;
    let read: ReturnType<LineTail["read"]>;
    try {
      read = this.tail.read();
    } catch (error) {
      this.problem(RESULT_FILES.runs, `${RESULT_FILES.runs}: ${(error as Error).message}`);
      return;
    }
    if (read.reset) {
      this.restart();
      read = this.tail.read();
    }
    if (read.lines.length === 0) return;
    const names = shape.parameters.map((p) => p.name);
    for (const row of this.csv.rows(read.lines, (message) => this.problem(RESULT_FILES.runs, message))) {
      const engine = row.engine;
      const values = names.map((name) => row[name] ?? "");
      if ((engine !== "chain" && engine !== "model") || !/^\d+$/.test(row.seed ?? "")) {
        this.problem(
          RESULT_FILES.runs,
          `${RESULT_FILES.runs}:${this.csv.line}: not a row an experiment wrote (engine ${JSON.stringify(engine)}, seed ${JSON.stringify(row.seed)})`,
        );
        continue;
      }
      const record: RunRecord = {
        engine,
        seed: BigInt(row.seed!),
        values,
        caseKey: caseKeyOf(names, values),
        metrics: shape.objectives.map((o) => Number(row[o.metric])),
        status: row.status === "ok" ? "ok" : "failed",
        wallMs: Number(row.wallMs),
      };
      if (shape.engine === undefined) shape.engine = engine;
      shape.parameters.forEach((p, i) => {
        if (!p.values.includes(values[i]!)) {
          p.values.push(values[i]!);
          if (shape.total === undefined) p.values.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
        }
      });
      const key = `${record.engine}|${record.seed}|${record.caseKey}`;
      const at = this.positions.get(key);
      if (at === undefined) {
        this.positions.set(key, this.records.length);
        this.records.push(record);
      } else this.records[at] = record;
    }
    const now = performance.now();
    if (this.firstSeen === undefined) this.firstSeen = { at: now, done: this.done };
    else this.lastArrival = { at: now, done: this.done };
    this.version++;
  }
}

function shapeOf(experiment: Experiment): GridShape {
  const screen = experiment.engine === "screen";
  return {
    name: experiment.name,
    parameters: experiment.parameters.map((p) => ({ name: p.name, values: p.values.map((v) => v.text) })),
    objectives: experiment.objectives.map((o) => ({ metric: o.metric, goal: o.goal })),
    total: experiment.cases.length * experiment.seeds.length,
    engine: screen ? "model" : experiment.engine === "chain" ? "chain" : "model",
    screen,
  };
}
