// Writes a run folder as the battle goes: steps.csv and txs.csv get a line per block as soon as the
// block is mined (written synchronously, so a crash or Ctrl-C loses nothing already recorded),
// agents.csv every `agentEvery` steps, and the gas profile is built incrementally. A block is recorded
// whole or not at all: when the disk refuses part of it, all three files are cut back to the block
// before and the FileWriteError says which file failed.

import { join } from "node:path";

import { AppendFile } from "../core/append-file.ts";
import { makeFolderSync } from "../core/file-errors.ts";
import { writeFileAtomically } from "../core/write-atomically.ts";

import { GasProfileBuilder } from "../gas/profile.ts";
import type { TxEvent } from "../engine/world.ts";
import { csvHeader, csvLine } from "../core/csv.ts";
import {
  AGENT_COLUMNS,
  type AgentColumn,
  type AgentRow,
  type GasRecord,
  type OptionalAgentColumn,
} from "../core/records.ts";
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
  private readonly steps: AppendFile;
  private readonly agents: AppendFile;
  private readonly txs: AppendFile;
  private readonly stepColumns: readonly StepColumn[];
  private readonly agentColumns: readonly (AgentColumn | OptionalAgentColumn)[];
  private closed = false;
  stepsRecorded = 0;

  /** `stepColumns`: steps.csv's columns, those of the run's mechanisms (registry.ts stepColumnsOf). */
  constructor(
    dir: string,
    stepColumns: readonly StepColumn[] = STEP_COLUMNS,
    agentColumns: readonly (AgentColumn | OptionalAgentColumn)[] = AGENT_COLUMNS,
  ) {
    this.dir = dir;
    this.stepColumns = stepColumns;
    this.agentColumns = agentColumns;
    makeFolderSync(dir, "create the run folder");
    this.steps = new AppendFile(join(dir, RUN_FILES.steps), csvHeader(stepColumns));
    this.agents = new AppendFile(join(dir, RUN_FILES.agents), csvHeader(agentColumns));
    this.txs = new AppendFile(join(dir, TX_FILE), csvHeader(TX_COLUMNS));
  }

  addGas(records: readonly GasRecord[]): void {
    for (const record of records) this.gas.add(record);
  }

  /** One mined block: its row, its transactions, and (every agentEvery steps) every agent's row. */
  recordStep(row: StepRow, events: readonly TxEvent[], agentRows: readonly AgentRow[] | undefined): void {
    let txLines = "";
    for (const e of events) txLines += txLine(e);
    let agentLines = "";
    if (agentRows !== undefined) for (const r of agentRows) agentLines += csvLine(this.agentColumns, r);
    const files = [this.txs, this.agents, this.steps];
    const sizes = files.map((file) => file.size);
    try {
      this.txs.append(txLines);
      this.agents.append(agentLines);
      // The step's row goes last: a steps.csv line means the whole block is on disk.
      this.steps.append(csvLine(this.stepColumns, row));
    } catch (error) {
      files.forEach((file, i) => file.truncate(sizes[i]!));
      throw error;
    }
    this.stepsRecorded++;
  }

  /** Writes `<dir>/<name>` whole or not at all (summary.json, gas.json, run.json, governance.json). */
  async writeFile(name: string, content: string): Promise<void> {
    await writeFileAtomically(join(this.dir, name), content);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.steps.close();
    this.agents.close();
    this.txs.close();
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
