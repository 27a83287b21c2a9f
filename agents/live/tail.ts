// Following a file that another writer appends to (steps.csv, agents.csv, txs.csv, governance.jsonl,
// runs.csv): each read returns the whole lines added since the last one. The byte offset is remembered,
// a partly written last line waits for its newline, and a file that shrank or was replaced by another
// (a block cut back after a full disk, a run started over) is reported as `reset` so the reader starts
// again from its first line.

import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** What one read found. */
export interface TailRead {
  /** Whole lines added since the last read (without their newlines), in file order. */
  lines: string[];
  /** The file shrank or is another file: `lines` start again from its first line, earlier ones no longer hold. */
  reset: boolean;
  /** The file exists (a reader may wait for one that has not been created yet). */
  exists: boolean;
}

/** The most bytes one read takes, so a huge file is caught up over several polls instead of in one stall. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

export class LineTail {
  private file: string;
  private offset = 0;
  private identity: string | undefined;
  private rest = "";
  private readonly decoder = new TextDecoder("utf-8");
  private lineCount = 0;

  constructor(path: string) {
    this.file = path;
  }

  get path(): string {
    return this.file;
  }

  /** The file was moved (its folder renamed): the same file, read on from where it was. */
  moveTo(path: string): void {
    this.file = path;
  }

  /** Whole lines read so far (1-based line number of the last one; the header is line 1). */
  get linesRead(): number {
    return this.lineCount;
  }

  read(maxBytes = MAX_READ_BYTES): TailRead {
    let fd: number;
    try {
      fd = openSync(this.file, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      const reset = this.identity !== undefined;
      this.restart(undefined);
      return { lines: [], reset, exists: false };
    }
    try {
      const stats = fstatSync(fd);
      const identity = `${stats.dev}:${stats.ino}`;
      let reset = false;
      if (this.identity !== undefined && (identity !== this.identity || stats.size < this.offset)) {
        reset = true;
        this.restart(identity);
      }
      this.identity = identity;
      const available = Math.min(stats.size - this.offset, maxBytes);
      if (available <= 0) return { lines: [], reset, exists: true };
      const buffer = Buffer.alloc(available);
      let got = 0;
      while (got < available) {
        const n = readSync(fd, buffer, got, available - got, this.offset + got);
        if (n === 0) break;
        got += n;
      }
      this.offset += got;
      const text = this.rest + this.decoder.decode(buffer.subarray(0, got), { stream: true });
      const end = text.lastIndexOf("\n");
      if (end < 0) {
        this.rest = text;
        return { lines: [], reset, exists: true };
      }
      this.rest = text.slice(end + 1);
      const lines = text
        .slice(0, end)
        .split("\n")
        .map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
      this.lineCount += lines.length;
      return { lines, reset, exists: true };
    } finally {
      closeSync(fd);
    }
  }

  private restart(identity: string | undefined): void {
    this.offset = 0;
    this.identity = identity;
    this.rest = "";
    this.lineCount = 0;
    this.decoder.decode(new Uint8Array(0));
  }
}
