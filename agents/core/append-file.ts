// Files that grow a line at a time (steps.csv, agents.csv, txs.csv, governance.jsonl, runs.csv) hold
// whole lines only: a write the disk refuses halfway (a full disk) is cut back to the last whole line,
// and the failure is a FileWriteError naming the file, so what was recorded before stays readable.

import { appendFileSync, closeSync, ftruncateSync, openSync, statSync, truncateSync, writeSync } from "node:fs";

import { asWriteError } from "./file-errors.ts";

/** A file opened for appending lines; `size` is its length in bytes after the last whole write. */
export class AppendFile {
  readonly path: string;
  private fd: number | undefined;
  private bytes = 0;

  /** Creates (or empties) `path` and writes `header`. */
  constructor(path: string, header: string) {
    this.path = path;
    try {
      this.fd = openSync(path, "w");
    } catch (error) {
      throw asWriteError(error, path);
    }
    this.append(header);
  }

  get size(): number {
    return this.bytes;
  }

  /** Appends `text` whole, or cuts the file back to where it was and throws. */
  append(text: string): void {
    if (text === "") return;
    const bytes = Buffer.from(text);
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd!, bytes, done);
      this.bytes += bytes.length;
    } catch (error) {
      this.truncate(this.bytes);
      throw asWriteError(error, this.path);
    }
  }

  /** Cuts the file back to `size` bytes (a step that could not be recorded whole). */
  truncate(size: number): void {
    try {
      ftruncateSync(this.fd!, size);
      this.bytes = size;
    } catch {
      // Shortening a file needs no space; if even that fails, the next reader drops the torn line.
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** appendFileSync of whole lines: on failure the file is cut back to its length before, and the error names it. */
export function appendWholeSync(path: string, text: string): void {
  let before: number;
  try {
    before = statSync(path).size;
  } catch {
    before = 0;
  }
  try {
    appendFileSync(path, text);
  } catch (error) {
    try {
      truncateSync(path, before);
    } catch {
      // As above: a reader drops a torn last line.
    }
    throw asWriteError(error, path);
  }
}
