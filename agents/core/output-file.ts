// A single output file (an evaluation report, a gas comparison) is checked before any work: not a
// folder, not an existing file unless the user said --force, and in a folder that can be created and
// written. The write itself is atomic (write-atomically.ts).

import { lstatSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { ArenaError } from "./errors.ts";
import { asWriteError, makeFolderSync } from "./file-errors.ts";
import { temporaryPathOf } from "./write-atomically.ts";

export class OutputFileError extends ArenaError {}

/** Throws when `path` cannot or may not be written (`flag` names the option that gave it). */
export function checkOutputFile(path: string, force: boolean, flag = "--out"): void {
  let existing: ReturnType<typeof lstatSync> | undefined;
  try {
    existing = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw asWriteError(error, path, "use");
  }
  if (existing?.isDirectory())
    throw new OutputFileError(
      `${flag} ${path} is a folder: give the path of a file in it (e.g. ${join(path, "report.md")})`,
    );
  if (existing !== undefined && !force)
    throw new OutputFileError(`${path} already exists: pass --force to replace it, or choose another ${flag}`);
  makeFolderSync(dirname(path), "create the folder");
  // A file the folder refuses (read-only, no permission) is found now, not after the work.
  const probe = temporaryPathOf(path);
  try {
    writeFileSync(probe, "");
  } catch (error) {
    throw asWriteError(error, path);
  } finally {
    rmSync(probe, { force: true });
  }
}
