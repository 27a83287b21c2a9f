// Plain-text and markdown tables for the terminal and for pull-request comments.

export type Align = "left" | "right";

export interface Column {
  title: string;
  align: Align;
}

/** 1234567 → "1,234,567" (grouping fixed to commas, whatever the machine's locale). */
export function withThousands(value: number): string {
  const sign = value < 0 ? "-" : "";
  const [whole, fraction] = Math.abs(value).toString().split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}

/** Columns padded to their widest cell, two spaces apart, trailing spaces trimmed. */
export function alignedTable(columns: readonly Column[], rows: readonly string[][]): string {
  const widths = columns.map((column, i) => Math.max(column.title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (columns[i].align === "left" ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(columns.map((column) => column.title)), ...rows.map(line)].join("\n");
}

/** A GitHub-flavoured markdown table; `|` inside a cell is escaped. */
export function markdownTable(columns: readonly Column[], rows: readonly string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, "\\|");
  const line = (cells: readonly string[]) => `| ${cells.map(escape).join(" | ")} |`;
  const rule = `|${columns.map((column) => (column.align === "right" ? "---:" : ":---")).join("|")}|`;
  return [line(columns.map((column) => column.title)), rule, ...rows.map(line)].join("\n");
}
