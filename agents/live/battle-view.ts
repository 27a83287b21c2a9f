// What a live view knows of a battle's run folder, built only from the files the battle records and
// brought up to date by `poll()`: steps.csv (prices, supply, reserve, treasury, the block counter),
// agents.csv (the leaderboard as it stands), txs.csv (gas per function while the battle runs),
// governance.jsonl (the trail), and summary.json and gas.json once the battle has written them. A
// running battle writes `<out>.partial` and renames it to `<out>` when it ends (run/run-folder.ts), so
// the view follows whichever of the two holds the run; a file that shrank or was replaced starts the
// view over. A file that cannot be read as a run's file is a problem shown on the page, never a crash.

import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { GOVERNANCE_FILES } from "../governance/battle/trail.ts";
import { TX_FILE } from "../run/recorder.ts";
import { processAlive, RUN_FILES, readIncompleteMark } from "../run/run-files.ts";
import { downsample, type Series as Line } from "../report/downsample.ts";
import { CsvLines } from "./csv-lines.ts";
import { LineTail } from "./tail.ts";

/** Where a battle's run lives: the folder it becomes and the one it writes until it ends. */
export interface BattleFolder {
  final: string;
  partial: string;
  /** Blocks the battle will run, when the view knows it (a battle of this process). */
  blocks?: number;
}

export type BattlePhase = "waiting" | "setting-up" | "running" | "finishing" | "finished" | "stopped";

export interface LeaderRow {
  rank: number;
  agent: string;
  behaviours: string[];
  pnlQuote: bigint;
  valueQuote: bigint;
  tokens: bigint;
  txs: number;
  reverts: number;
  gasUsed: number;
}

export interface GasLine {
  key: string;
  count: number;
  reverted: number;
  min: number;
  max: number;
  total: number;
  /** From gas.json only (txs.csv keeps no distribution). */
  median?: number;
  p95?: number;
}

export interface GovernanceEvent {
  step: number;
  kind: string;
  detail: string;
}

/** What summary.json says, as far as the live view shows it. */
export interface SummaryFacts {
  name: string;
  seed: string;
  stepsPlanned: number;
  stepsRecorded: number;
  complete: boolean;
  stoppedBy: string | null;
  leaderboard: LeaderRow[];
}

/** Each chart line by step; at most KEPT_POINTS × 2 points each however long the battle (see `keep`). */
export type Series = Record<keyof typeof SERIES_COLUMNS, Line>;

const SERIES_COLUMNS = {
  curvePrice: ["curvePriceWad", 1e18],
  poolPrice: ["poolPriceWad", 1e18],
  supply: ["supply", 1e18],
  reserve: ["reserve", 1e6],
  treasury: ["treasuryQuote", 1e6],
} as const;

/**
 * Points kept per line: when a line reaches twice this, it is thinned to this many, keeping each
 * bucket's lowest and highest point (report/downsample.ts), so memory stays flat on a battle of
 * millions of blocks and every spike still shows. The page draws at most MAX_POINTS_PER_LINE.
 */
export const KEPT_POINTS = 20_000;

const INTEGER = /^-?\d+$/;
const AGENT_NUMBERS = ["step", "pnlQuote", "valueQuote", "tokens", "txs", "reverts", "gasUsed"] as const;
/** Governance events kept for the page (the trail itself keeps all). */
const GOVERNANCE_SHOWN = 200;

export class BattleView {
  readonly folder: BattleFolder;
  phase: BattlePhase = "waiting";
  /** The folder the files are read from now. */
  readingFrom: string;
  series: Series = emptySeries();
  lastStep = 0;
  lastBlock = 0;
  txs = 0;
  agents = new Map<string, Record<string, string>>();
  behaviours = new Map<string, Set<string>>();
  gasLive = new Map<string, GasLine>();
  governance: GovernanceEvent[] = [];
  governanceCount = 0;
  summary: SummaryFacts | undefined;
  gasProfile: GasLine[] | undefined;
  /** The latest problem with each file, shown on the page. */
  problems = new Map<string, string>();
  /** Bumped whenever anything the page shows changed. */
  version = 0;

  private tails = new Map<string, LineTail>();
  private csv = new Map<string, CsvLines>();
  private jsonSeen = new Map<string, string>();

  constructor(folder: BattleFolder) {
    this.folder = folder;
    this.readingFrom = folder.final;
  }

  /** Reads what was added since the last poll; true when the page has something new to show. */
  poll(): boolean {
    const before = this.version;
    const { dir, phase } = this.locate();
    if (dir !== this.readingFrom) this.readingFrom = dir;
    if (phase !== this.phase) {
      this.phase = phase;
      this.version++;
    }
    if (phase === "waiting") return this.version !== before;
    this.follow(RUN_FILES.steps, (rows, file) => this.addSteps(rows, file));
    this.follow(RUN_FILES.agents, (rows) => this.addAgents(rows));
    this.follow(TX_FILE, (rows, file) => this.addTxs(rows, file));
    this.followLines(GOVERNANCE_FILES.trail, (lines, tail) => this.addGovernance(lines, tail));
    this.readJson(RUN_FILES.summary, (value) => (this.summary = summaryFacts(value)));
    this.readJson(RUN_FILES.gas, (value) => (this.gasProfile = gasLines(value)));
    return this.version !== before;
  }

  /** The leaderboard: summary.json's once the battle has written it, else agents.csv's latest rows by PnL. */
  leaderboard(): LeaderRow[] {
    if (this.summary !== undefined) return this.summary.leaderboard;
    const rows: LeaderRow[] = [];
    for (const [agent, row] of this.agents) {
      rows.push({
        rank: 0,
        agent,
        behaviours: [...(this.behaviours.get(agent) ?? [])].sort(),
        pnlQuote: BigInt(row.pnlQuote!),
        valueQuote: BigInt(row.valueQuote!),
        tokens: BigInt(row.tokens!),
        txs: Number(row.txs),
        reverts: Number(row.reverts),
        gasUsed: Number(row.gasUsed),
      });
    }
    rows.sort((a, b) =>
      a.pnlQuote === b.pnlQuote ? a.agent.localeCompare(b.agent) : a.pnlQuote > b.pnlQuote ? -1 : 1,
    );
    rows.forEach((row, i) => (row.rank = i + 1));
    return rows;
  }

  /** Gas per function: gas.json's (set-up included) once written, else the agents' transactions in txs.csv. */
  gasByFunction(): { lines: GasLine[]; fromProfile: boolean } {
    if (this.gasProfile !== undefined) return { lines: this.gasProfile, fromProfile: true };
    return { lines: [...this.gasLive.values()].sort((a, b) => b.total - a.total), fromProfile: false };
  }

  private locate(): { dir: string; phase: BattlePhase } {
    const { final, partial } = this.folder;
    const mark = existsSync(partial) ? readIncompleteMark(partial) : undefined;
    const running = mark !== undefined && processAlive(mark.pid);
    const partialSteps = existsSync(join(partial, RUN_FILES.steps));
    if (running) return { dir: partial, phase: partialSteps ? "running" : "setting-up" };
    // Between the mark's removal and the rename the battle draws the report in the partial folder.
    if (mark === undefined && partialSteps) return { dir: partial, phase: "finishing" };
    if (existsSync(join(final, RUN_FILES.steps))) {
      const finalMark = readIncompleteMark(final);
      if (existsSync(join(final, RUN_FILES.summary)) && finalMark === undefined)
        return { dir: final, phase: "finished" };
      return { dir: final, phase: finalMark !== undefined && processAlive(finalMark.pid) ? "finishing" : "stopped" };
    }
    if (mark !== undefined && partialSteps) return { dir: partial, phase: "stopped" };
    return { dir: final, phase: "waiting" };
  }

  private tailOf(name: string): LineTail {
    const path = join(this.readingFrom, name);
    let tail = this.tails.get(name);
    // A rename of the whole folder keeps each file (and its offset): only the path to it changes.
    if (tail === undefined) {
      tail = new LineTail(path);
      this.tails.set(name, tail);
    } else if (tail.path !== path) tail.moveTo(path);
    return tail;
  }

  private followLines(name: string, add: (lines: string[], tail: LineTail) => void): void {
    const tail = this.tailOf(name);
    let read: ReturnType<LineTail["read"]>;
    try {
      read = tail.read();
    } catch (error) {
      this.problem(name, `${tail.path}: ${(error as Error).message}`);
      return;
    }
    if (read.reset) {
      this.startOver();
      return;
    }
    if (read.lines.length > 0) {
      add(read.lines, tail);
      this.version++;
    }
  }

  private follow(name: string, add: (rows: Record<string, string>[], file: CsvLines) => void): void {
    let csv = this.csv.get(name);
    if (csv === undefined) {
      csv = new CsvLines(name);
      this.csv.set(name, csv);
    }
    const lines = csv;
    this.followLines(name, (text) =>
      add(
        lines.rows(text, (message) => this.problem(name, message)),
        lines,
      ),
    );
  }

  /** A file was cut back or replaced: everything is read again from the first line. */
  private startOver(): void {
    this.series = emptySeries();
    this.lastStep = 0;
    this.lastBlock = 0;
    this.txs = 0;
    this.agents.clear();
    this.behaviours.clear();
    this.gasLive.clear();
    this.governance = [];
    this.governanceCount = 0;
    this.summary = undefined;
    this.gasProfile = undefined;
    this.problems.clear();
    this.jsonSeen.clear();
    this.tails.clear();
    this.csv.clear();
    this.version++;
  }

  private problem(file: string, message: string): void {
    if (this.problems.get(file) === message) return;
    this.problems.set(file, message);
    this.version++;
  }

  private addSteps(rows: Record<string, string>[], csv: CsvLines): void {
    const missing = ["step", "block", ...Object.values(SERIES_COLUMNS).map(([column]) => column)].filter(
      (column) => !(csv.header ?? []).includes(column),
    );
    if (missing.length > 0) {
      this.problem(RUN_FILES.steps, `${RUN_FILES.steps}: the header lacks ${missing.join(", ")}`);
      return;
    }
    for (const row of rows) {
      const bad = Object.entries(row).find(([, text]) => !INTEGER.test(text));
      if (bad !== undefined) {
        this.problem(
          RUN_FILES.steps,
          `${RUN_FILES.steps}: step ${row.step}: ${bad[0]} must be an integer, found ${JSON.stringify(bad[1])}`,
        );
        continue;
      }
      this.lastStep = Number(row.step);
      this.lastBlock = Number(row.block);
      this.txs += Number(row.txs ?? 0);
      for (const [name, [column, unit]] of Object.entries(SERIES_COLUMNS))
        keep(this.series[name as keyof typeof SERIES_COLUMNS], this.lastStep, Number(row[column]) / unit);
    }
  }

  private addAgents(rows: Record<string, string>[]): void {
    for (const row of rows) {
      const bad = AGENT_NUMBERS.find((column) => !INTEGER.test(row[column] ?? ""));
      if (bad !== undefined) {
        this.problem(
          RUN_FILES.agents,
          `${RUN_FILES.agents}: agent ${row.agent} at step ${row.step}: ${bad} must be an integer, found ${JSON.stringify(row[bad] ?? "")}`,
        );
        continue;
      }
      this.agents.set(row.agent ?? "", row);
    }
  }

  private addTxs(rows: Record<string, string>[], csv: CsvLines): void {
    for (const row of rows) {
      const gas = Number(row.gasUsed);
      if (!Number.isInteger(gas) || gas < 0) {
        this.problem(
          TX_FILE,
          `${TX_FILE}:${csv.line}: gasUsed must be a whole number, found ${JSON.stringify(row.gasUsed)}`,
        );
        continue;
      }
      const agent = row.agent ?? "";
      if (row.behaviour) {
        const set = this.behaviours.get(agent) ?? new Set<string>();
        set.add(row.behaviour);
        this.behaviours.set(agent, set);
      }
      const key = `${row.contract}.${row.fn}`;
      const line = this.gasLive.get(key) ?? { key, count: 0, reverted: 0, min: gas, max: gas, total: 0 };
      line.count++;
      if (row.status === "reverted") line.reverted++;
      line.min = Math.min(line.min, gas);
      line.max = Math.max(line.max, gas);
      line.total += gas;
      this.gasLive.set(key, line);
    }
  }

  private addGovernance(lines: string[], tail: LineTail): void {
    lines.forEach((text, i) => {
      if (text.trim() === "") return;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(text);
        if (typeof entry !== "object" || entry === null || typeof entry.kind !== "string") throw new Error("no kind");
      } catch {
        const line = tail.linesRead - lines.length + i + 1;
        this.problem(
          GOVERNANCE_FILES.trail,
          `${GOVERNANCE_FILES.trail}:${line}: not a trail entry (one JSON object with a kind per line)`,
        );
        return;
      }
      this.governanceCount++;
      this.governance.push({ step: Number(entry.step ?? 0), kind: entry.kind as string, detail: detailOf(entry) });
    });
    if (this.governance.length > GOVERNANCE_SHOWN) this.governance.splice(0, this.governance.length - GOVERNANCE_SHOWN);
  }

  /** Reads a whole-file JSON (written atomically) again whenever its size or time changed. */
  private readJson(name: string, take: (value: unknown) => void): void {
    const path = join(this.readingFrom, name);
    let stamp: string;
    try {
      const stats = statSync(path);
      stamp = `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    } catch {
      return;
    }
    if (this.jsonSeen.get(name) === stamp) return;
    this.jsonSeen.set(name, stamp);
    try {
      take(JSON.parse(readFileSync(path, "utf8")));
      if (this.problems.delete(name)) this.version++;
    } catch (error) {
      this.problem(
        name,
        `${name}: ${error instanceof SyntaxError ? `not JSON (${error.message})` : (error as Error).message}`,
      );
      return;
    }
    this.version++;
  }
}

function emptySeries(): Series {
  const line = () => ({ x: [], y: [] });
  return { curvePrice: line(), poolPrice: line(), supply: line(), reserve: line(), treasury: line() };
}

function keep(line: Line, x: number, y: number): void {
  line.x.push(x);
  line.y.push(y);
  if (line.x.length < KEPT_POINTS * 2) return;
  const thinned = downsample(line, KEPT_POINTS);
  line.x = thinned.x;
  line.y = thinned.y;
}

/** The entry's scalar fields but step and kind, as `key value` pairs. */
function detailOf(entry: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (key === "step" || key === "kind") continue;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      parts.push(`${key} ${value}`);
    else if (Array.isArray(value) && value.every((v) => typeof v === "string"))
      parts.push(`${key} ${value.join("; ")}`);
  }
  const text = parts.join(" · ");
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}

function fail(what: string): never {
  throw new Error(`not a run's ${what}`);
}

function summaryFacts(value: unknown): SummaryFacts {
  const v = value as {
    scenario?: { name?: unknown; seed?: unknown };
    completion?: { stepsPlanned?: unknown; stepsRecorded?: unknown; complete?: unknown; stoppedBy?: unknown };
    leaderboard?: unknown;
  };
  if (typeof v !== "object" || v === null || typeof v.completion !== "object" || !Array.isArray(v.leaderboard))
    fail("summary: it lacks completion or leaderboard");
  const c = v.completion!;
  return {
    name: String(v.scenario?.name ?? ""),
    seed: String(v.scenario?.seed ?? ""),
    stepsPlanned: Number(c.stepsPlanned),
    stepsRecorded: Number(c.stepsRecorded),
    complete: c.complete === true,
    stoppedBy: typeof c.stoppedBy === "string" ? c.stoppedBy : null,
    leaderboard: (v.leaderboard as Record<string, unknown>[]).map((e) => ({
      rank: Number(e.rank),
      agent: String(e.agent),
      behaviours: Array.isArray(e.behaviours) ? e.behaviours.map(String) : [],
      pnlQuote: BigInt(String(e.pnlQuote)),
      valueQuote: BigInt(String(e.valueQuote)),
      tokens: BigInt(String(e.tokens)),
      txs: Number(e.txs),
      reverts: Number(e.reverts),
      gasUsed: Number(e.gasUsed),
    })),
  };
}

function gasLines(value: unknown): GasLine[] {
  const rows = (value as { tables?: { function?: unknown } })?.tables?.function;
  if (!Array.isArray(rows)) fail("gas profile: it has no tables.function");
  return (rows as Record<string, unknown>[])
    .map((r) => ({
      key: String(r.key),
      count: Number(r.count),
      reverted: Number(r.reverted),
      min: Number(r.min),
      max: Number(r.max),
      total: Number(r.total),
      median: Number(r.median),
      p95: Number(r.p95),
    }))
    .sort((a, b) => b.total - a.total);
}
