// Run files are written whole or not at all: a reader (or a report rebuilt while a battle runs) never
// sees half a summary.json, and an interrupted write leaves the previous version in place. The content
// goes to a temporary file beside the target, is flushed to the disk, and is renamed over the target;
// a failed write (a full disk) removes the temporary file and throws a FileWriteError naming the path.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";

import { asWriteError } from "./file-errors.ts";

/** The temporary file a write of `path` goes through (left only if the process dies mid-write). */
export function temporaryPathOf(path: string): string {
  return `${path}.${process.pid}.tmp`;
}

export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const temporary = temporaryPathOf(path);
  try {
    const file = await open(temporary, "w");
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw asWriteError(error, path);
  }
}

/** writeFileAtomically for callers that must not yield (a results folder opened before any work starts). */
export function writeFileAtomicallySync(path: string, content: string): void {
  const temporary = temporaryPathOf(path);
  try {
    const fd = openSync(temporary, "w");
    try {
      const bytes = Buffer.from(content);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The temporary file could not be created in the first place.
    }
    throw asWriteError(error, path);
  }
}
