// Writes a run folder as the battle goes: steps.csv and txs.csv get a line per block as soon as the
// block is mined (written synchronously, so a crash or Ctrl-C loses nothing already recorded),
// agents.csv every `agentEvery` steps, and the gas profile is built incrementally.

import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";

import { GasProfileBuilder } from "../gas/profile.ts";
import type { TxEvent } from "../engine/world.ts";
import { csvHeader, csvLine } from "../core/csv.ts";
import { AGENT_COLUMNS, type AgentRow, type GasRecord } from "../core/records.ts";
import { STEP_COLUMNS } from "../mechanisms/registry.ts";
import { type StepColumn, type StepRow } from "../mechanisms/vocabulary.ts";
import { RUN_FILES } from "./run-files.ts";

/** The event log: one line per agent transaction. */
export const TX_FILE = "txs.csv";
export const TX_COLUMNS = [
  "step",
  "agent",
  "behaviour",
  "contract",
  "fn",
  "status",
  "gasUsed",
  "error",
  "note",
  "intent",
] as const;

export class RunRecorder {
  readonly dir: string;
  readonly gas = new GasProfileBuilder();
  private readonly steps: number;
  private readonly agents: number;
  private readonly txs: number;
  private readonly stepColumns: readonly StepColumn[];
  private closed = false;
  stepsRecorded = 0;

  /** `stepColumns`: steps.csv's columns, those of the run's mechanisms (registry.ts stepColumnsOf). */
  constructor(dir: string, stepColumns: readonly StepColumn[] = STEP_COLUMNS) {
    this.dir = dir;
    this.stepColumns = stepColumns;
    mkdirSync(dir, { recursive: true });
    this.steps = openSync(join(dir, RUN_FILES.steps), "w");
    this.agents = openSync(join(dir, RUN_FILES.agents), "w");
    this.txs = openSync(join(dir, TX_FILE), "w");
    writeSync(this.steps, csvHeader(stepColumns));
    writeSync(this.agents, csvHeader(AGENT_COLUMNS));
    writeSync(this.txs, csvHeader(TX_COLUMNS));
  }

  addGas(records: readonly GasRecord[]): void {
    for (const record of records) this.gas.add(record);
  }

  /** One mined block: its row, its transactions, and (every agentEvery steps) every agent's row. */
  recordStep(row: StepRow, events: readonly TxEvent[], agentRows: readonly AgentRow[] | undefined): void {
    let txLines = "";
    for (const e of events) txLines += txLine(e);
    if (txLines !== "") writeSync(this.txs, txLines);
    if (agentRows !== undefined) {
      let lines = "";
      for (const r of agentRows) lines += csvLine(AGENT_COLUMNS, r);
      writeSync(this.agents, lines);
    }
    // The step's row goes last: a steps.csv line means the whole block is on disk.
    writeSync(this.steps, csvLine(this.stepColumns, row));
    this.stepsRecorded++;
  }

  writeFile(name: string, content: string): void {
    writeFileSync(join(this.dir, name), content);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.steps);
    closeSync(this.agents);
    closeSync(this.txs);
  }
}

function txLine(e: TxEvent): string {
  const intent =
    e.intent === undefined ? "" : JSON.stringify(e.intent, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  const fields = [
    String(e.step),
    e.agent,
    e.behaviour,
    e.contract,
    e.fn,
    e.status,
    e.gasUsed.toString(),
    e.error ?? "",
    e.intent?.note ?? e.note ?? "",
    intent,
  ];
  return `${fields.map(quote).join(",")}\n`;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function quote(field: string): string {
  return /[,"\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
