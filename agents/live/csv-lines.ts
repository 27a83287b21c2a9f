// Lines of a followed CSV file turned into rows by the header's column names. The header is the first
// line; a line with the wrong number of fields or a value that is not what its column holds is a
// problem naming the file and line, and is skipped: the rest of the file still shows.

export class CsvLines {
  readonly file: string;
  private columns: string[] | undefined;
  private lineNumber = 0;
  /** The start of a record whose quoted field holds a line break (txs.csv's decoded errors may). */
  private pending: string | undefined;

  constructor(file: string) {
    this.file = file;
  }

  get header(): readonly string[] | undefined {
    return this.columns;
  }

  restart(): void {
    this.columns = undefined;
    this.lineNumber = 0;
    this.pending = undefined;
  }

  /** The rows of `lines` (the next lines of the file) as column → text; problems go to `problem`. */
  rows(lines: readonly string[], problem: (message: string) => void): Record<string, string>[] {
    const rows: Record<string, string>[] = [];
    for (const next of lines) {
      this.lineNumber++;
      const line = this.pending === undefined ? next : `${this.pending}\n${next}`;
      if (quotesOpen(line)) {
        this.pending = line;
        continue;
      }
      this.pending = undefined;
      if (this.columns === undefined) {
        this.columns = line.replace(/^\uFEFF/, "").split(",");
        continue;
      }
      if (line.trim() === "") continue;
      const values = splitCsvLine(line);
      if (values.length !== this.columns.length) {
        problem(
          `${this.file}:${this.lineNumber}: expected ${this.columns.length} fields as in the header, found ${values.length}`,
        );
        continue;
      }
      const row: Record<string, string> = {};
      this.columns.forEach((column, i) => (row[column] = values[i]!));
      rows.push(row);
    }
    return rows;
  }

  /** The 1-based number of the last line read (for messages about a row's values). */
  get line(): number {
    return this.lineNumber;
  }
}

function quotesOpen(line: string): boolean {
  let count = 0;
  for (let i = line.indexOf('"'); i >= 0; i = line.indexOf('"', i + 1)) count++;
  return count % 2 === 1;
}

/** RFC 4180 fields (txs.csv quotes its errors and notes; the other files never quote). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}
