// steps.csv and agents.csv: plain comma-separated integers under a header naming the columns (no
// quoting: every field is an integer or an agent id, and ids carry no commas). Rows are read as a
// stream, so an agents.csv of millions of rows never has to sit in memory as text.

import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

import { ArenaError } from "./errors.ts";

export class CsvError extends ArenaError {
  readonly file: string;
  /** 1-based; the header is line 1. */
  readonly line: number;

  constructor(file: string, line: number, detail: string, options?: { cause?: unknown }) {
    super(`${file}:${line}: ${detail}`, options);
    this.file = file;
    this.line = line;
  }
}

const INTEGER = /^-?\d+$/;

/**
 * Yields each data row of `file` as column → text, for the `wanted` columns. The header must name
 * every wanted column (in any order; extra columns are ignored); every row must have as many fields
 * as the header. Blank lines are skipped.
 */
export async function* csvRows<C extends string>(
  file: string,
  wanted: readonly C[],
): AsyncGenerator<{ line: number; fields: Record<C, string> }> {
  const input = createReadStream(file, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let indexes: number[] | undefined;
  let width = 0;
  try {
    for await (const raw of lines) {
      lineNumber += 1;
      const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (indexes === undefined) {
        const header = text
          .replace(/^\uFEFF/, "")
          .split(",")
          .map((name) => name.trim());
        const missing = wanted.filter((column) => !header.includes(column));
        if (missing.length > 0)
          throw new CsvError(
            file,
            lineNumber,
            `header lacks column(s) ${missing.join(", ")}; expected ${wanted.join(",")}`,
          );
        indexes = wanted.map((column) => header.indexOf(column));
        width = header.length;
        continue;
      }
      if (text.trim() === "") continue;
      const values = text.split(",");
      if (values.length !== width)
        throw new CsvError(file, lineNumber, `expected ${width} fields as in the header, found ${values.length}`);
      const fields = {} as Record<C, string>;
      wanted.forEach((column, i) => (fields[column] = values[indexes![i]].trim()));
      yield { line: lineNumber, fields };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new CsvError(file, 0, "no such file: is this a run folder a battle wrote?", { cause: error });
    throw error;
  } finally {
    lines.close();
    input.destroy();
  }
  if (indexes === undefined) throw new CsvError(file, 1, `empty file: expected a header line (${wanted.join(",")})`);
}

export function csvInteger(file: string, line: number, column: string, text: string): bigint {
  if (!INTEGER.test(text))
    throw new CsvError(file, line, `${column} must be an integer, found ${JSON.stringify(text)}`);
  return BigInt(text);
}

/** The header line (with newline) for `columns`. */
export function csvHeader(columns: readonly string[]): string {
  return `${columns.join(",")}\n`;
}

/** One row in `columns` order (with newline); refuses a field that would break the format. */
/** A row's fields by column; a column of an optional mechanism may be absent from the type (it is written only in its runs). */
export function csvLine<C extends string>(
  columns: readonly C[],
  row: Partial<Record<C, bigint | string | number>>,
): string {
  return `${columns
    .map((column) => {
      const text = String(row[column]);
      if (/[,\r\n"]/.test(text))
        throw new RangeError(`csv field ${column} ${JSON.stringify(text)} contains a comma, quote or line break`);
      return text;
    })
    .join(",")}\n`;
}
