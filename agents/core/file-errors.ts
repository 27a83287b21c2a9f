// What a failed write of the arena's own output (a run folder, results, a report) means to the user: the
// path, the reason in words (a full disk, a read-only file system, no permission, a file where a folder
// should be) and the fix. Anything else the file system throws stays itself.

import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

import { ArenaError } from "./errors.ts";

const REASONS: Record<string, { reason: string; fix: string }> = {
  ENOSPC: { reason: "no space left on the device", fix: "free some space, or choose an --out on another disk" },
  EDQUOT: { reason: "the disk quota is exceeded", fix: "free some space, or choose an --out on another disk" },
  EROFS: { reason: "the file system is read-only", fix: "choose an --out on a writable disk" },
  EACCES: { reason: "permission denied", fix: "choose an --out you may write to" },
  EPERM: { reason: "the operation is not permitted", fix: "choose an --out you may write to" },
  ENOTDIR: { reason: "a part of the path is a file, not a folder", fix: "choose another --out" },
  EISDIR: { reason: "it is a folder", fix: "give the path of a file, not of a folder" },
  EEXIST: { reason: "a file is in the way", fix: "choose another --out" },
  ENAMETOOLONG: { reason: "the name is too long", fix: "choose a shorter --out" },
  EIO: { reason: "an input/output error on the device", fix: "check the disk, or choose an --out on another one" },
};

export class FileWriteError extends ArenaError {
  readonly path: string;
  readonly code: string;

  constructor(path: string, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
    this.code = code;
  }
}

/** The error's errno code when it is one the user can act on (a full disk, a read-only folder, …). */
export function writeFailureCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && code in REASONS ? code : undefined;
}

/** `error` as a FileWriteError naming `path` (`doing`: "write", "create the folder", …), or `error` itself. */
export function asWriteError(error: unknown, path: string, doing = "write"): unknown {
  if (error instanceof FileWriteError) return error;
  const code = writeFailureCode(error);
  if (code === undefined) return error;
  const { reason, fix } = REASONS[code]!;
  return new FileWriteError(path, code, `cannot ${doing} ${path}: ${reason} (${code}); ${fix}`, { cause: error });
}

/**
 * mkdir -p that names the real reason: Node's recursive mkdir reports a read-only file system as ENOENT,
 * so on ENOENT the first missing folder is created alone to learn why it cannot be.
 */
export function makeFolderSync(path: string, doing = "create the folder"): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    let reason = error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      let missing = resolve(path);
      while (dirname(missing) !== missing && !existsSync(dirname(missing))) missing = dirname(missing);
      try {
        mkdirSync(missing);
      } catch (direct) {
        reason = direct;
      }
    }
    throw asWriteError(reason, path, doing);
  }
}
