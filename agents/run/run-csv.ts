// Reading a run folder's steps.csv and agents.csv back: every value an integer, every column present.

import { CsvError, csvInteger, csvRows } from "../core/csv.ts";
import { AGENT_COLUMNS, type AgentRow } from "../core/records.ts";
import { STEP_COLUMNS } from "../mechanisms/registry.ts";
import { type StepRow } from "../mechanisms/vocabulary.ts";

/** All rows of a steps.csv, in file order. */
export async function readStepsCsv(file: string): Promise<StepRow[]> {
  const rows: StepRow[] = [];
  for await (const { line, fields } of csvRows(file, STEP_COLUMNS)) {
    const row = {} as StepRow;
    for (const column of STEP_COLUMNS) row[column] = csvInteger(file, line, column, fields[column]);
    rows.push(row);
  }
  return rows;
}

/** Each row of an agents.csv, streamed in file order. */
export async function* agentRows(file: string): AsyncGenerator<AgentRow> {
  for await (const { line, fields } of csvRows(file, AGENT_COLUMNS)) {
    if (fields.agent === "") throw new CsvError(file, line, "agent must not be empty");
    const row = { agent: fields.agent } as AgentRow;
    for (const column of AGENT_COLUMNS)
      if (column !== "agent") row[column] = csvInteger(file, line, column, fields[column]);
    yield row;
  }
}

/** All rows of an agents.csv (for small runs and tests; the report streams `agentRows`). */
export async function readAgentsCsv(file: string): Promise<AgentRow[]> {
  const rows: AgentRow[] = [];
  for await (const row of agentRows(file)) rows.push(row);
  return rows;
}
