// Where a battle writes: never into a folder that holds something (unless --force), never beside another
// run's files, and never where a reader could take a half-written run for a finished one. The battle
// checks the folder before its first transaction, writes into `<out>.partial` (marked INCOMPLETE) and,
// once everything it recorded is on disk, renames it to `<out>`. --force replaces a folder's run files
// (RUN_FOLDER_FILES, and only those) at that moment: until the new run has ended, the old one stays.

import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  type Stats,
} from "node:fs";
import { basename, dirname, extname, join, normalize, resolve } from "node:path";

import { ArenaError } from "../core/errors.ts";
import { asWriteError, FileWriteError, makeFolderSync } from "../core/file-errors.ts";
import { writeFileAtomicallySync } from "../core/write-atomically.ts";
import {
  INCOMPLETE_FILE,
  incompleteMarkText,
  processAlive,
  RUN_FOLDER_FILES,
  readIncompleteMark,
} from "./run-files.ts";

export class RunFolderError extends ArenaError {}

/** `runs/<scenario>-seed<seed>`, or `runs/<scenario>-<genesis>-seed<seed>` on a genesis other than the scenario's. */
export function defaultRunFolder(scenario: string, seed: bigint, otherGenesis?: string): string {
  const genesis = otherGenesis === undefined ? "" : `-${basename(otherGenesis, extname(otherGenesis))}`;
  return join("runs", `${scenario}${genesis}-seed${seed}`);
}

/** The folder a battle writes into before it becomes `out`. */
export function partialFolderOf(out: string): string {
  const name = basename(normalize(out));
  if (name === "" || name === "." || name === "..") return `${resolve(out)}.partial`;
  return join(dirname(normalize(out)), `${name}.partial`);
}

/** A file --force may remove: one a battle writes, its INCOMPLETE mark, or a temporary file of either. */
function isRunFile(name: string): boolean {
  const base = /^(.+)\.\d+\.tmp$/.exec(name)?.[1] ?? name;
  return base === INCOMPLETE_FILE || (RUN_FOLDER_FILES as readonly string[]).includes(base);
}

function statOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw asWriteError(error, path, "use");
  }
}

function entriesOf(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    throw asWriteError(error, dir, "read the folder");
  }
}

function listed(names: readonly string[]): string {
  return names.length <= 4 ? names.join(", ") : `${names.slice(0, 4).join(", ")} and ${names.length - 4} more`;
}

function removeRunFiles(dir: string): void {
  for (const name of entriesOf(dir).filter(isRunFile)) {
    try {
      rmSync(join(dir, name), { force: true });
    } catch (error) {
      throw asWriteError(error, join(dir, name), "remove");
    }
  }
}

/** Moves a file, copying it when the rename crosses file systems. */
function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    copyFileSync(from, to);
    rmSync(from);
  }
}

export class RunFolder {
  /** The folder the run becomes, as the user named it. */
  readonly final: string;
  /** Where the battle writes until it ends. */
  readonly partial: string;
  private published = false;

  private constructor(final: string, partial: string) {
    this.final = final;
    this.partial = partial;
  }

  /**
   * Checks `out` and creates `<out>.partial` with its INCOMPLETE mark, so a folder that cannot be
   * created or written (a file in the way, a read-only disk) is refused before the first transaction.
   */
  static prepare(out: string, force: boolean): RunFolder {
    const partial = partialFolderOf(out);
    const final = statOf(out);
    if (final !== undefined && !final.isDirectory())
      throw new RunFolderError(
        `--out ${out} is a file, not a folder: choose a folder for the run (a new or empty one)`,
      );
    if (final !== undefined && !force) {
      const entries = entriesOf(out);
      if (entries.length > 0) {
        const what = entries.includes("summary.json") ? "a run" : `files (${listed(entries)})`;
        throw new RunFolderError(
          `${out} already holds ${what}: a battle writes a folder of its own; choose another --out, or pass --force to replace its run files (${listed(entries.filter(isRunFile))}${entries.some((e) => !isRunFile(e)) ? "; other files stay" : ""})`,
        );
      }
    }

    const left = statOf(partial);
    if (left !== undefined && !left.isDirectory())
      throw new RunFolderError(
        `${partial} is a file, and a battle into ${out} writes that folder first: move the file away`,
      );
    if (left !== undefined) {
      const mark = readIncompleteMark(partial);
      if (mark !== undefined && mark.pid !== process.pid && processAlive(mark.pid))
        throw new RunFolderError(
          `another battle (pid ${mark.pid}) is writing ${partial}, the folder that becomes ${out}: wait for it to end, or choose another --out`,
        );
      const recorded = entriesOf(partial).filter((e) => e !== INCOMPLETE_FILE);
      if (recorded.length > 0 && !force)
        throw new RunFolderError(
          `${partial} holds an unfinished battle into ${out} (${listed(recorded)}): it stopped before its summary was written (killed, or the disk filled up); pass --force to replace it, or move it away`,
        );
      if (recorded.length > 0) {
        removeRunFiles(partial);
        const foreign = entriesOf(partial);
        if (foreign.length > 0)
          throw new RunFolderError(
            `${partial} holds files a battle does not write (${listed(foreign)}): move them away, or choose another --out`,
          );
      }
    }

    makeFolderSync(partial, "create the run folder");
    writeFileAtomicallySync(join(partial, INCOMPLETE_FILE), incompleteMarkText({ pid: process.pid, final: out }));
    return new RunFolder(out, partial);
  }

  /** Everything recorded is on disk: the folder is a run a reader may read (the report is drawn from it next). */
  unmark(): void {
    try {
      rmSync(join(this.partial, INCOMPLETE_FILE), { force: true });
    } catch (error) {
      throw asWriteError(error, join(this.partial, INCOMPLETE_FILE), "remove");
    }
  }

  /** Renames the finished folder into place; with --force, the old run's files go first. */
  publish(): void {
    if (this.published) return;
    this.unmark();
    try {
      if (statOf(this.final) !== undefined) {
        removeRunFiles(this.final);
        if (entriesOf(this.final).length === 0) {
          try {
            rmdirSync(this.final);
          } catch {
            // A mount point or a folder in use stays; the files are moved into it below.
          }
        }
      }
      if (statOf(this.final) === undefined) {
        try {
          renameSync(this.partial, this.final);
          this.published = true;
          return;
        } catch (error) {
          if (!["EXDEV", "EBUSY", "ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? ""))
            throw error;
          mkdirSync(this.final, { recursive: true });
        }
      }
      // The folder stays (it holds other files, or is a mount point): the files move one by one, under
      // the INCOMPLETE mark, so no reader sees the run half moved.
      const mark = join(this.final, INCOMPLETE_FILE);
      writeFileAtomicallySync(mark, incompleteMarkText({ pid: process.pid, final: this.final }));
      for (const name of entriesOf(this.partial)) moveFile(join(this.partial, name), join(this.final, name));
      rmdirSync(this.partial);
      rmSync(mark, { force: true });
      this.published = true;
    } catch (error) {
      const failure = asWriteError(error, this.final, "move the finished run into");
      if (!(failure instanceof FileWriteError)) throw failure;
      throw new RunFolderError(`${failure.message}\nthe finished run is in ${this.partial}`, { cause: failure });
    }
  }

  /** Nothing was recorded (the set-up failed): the partial folder goes, unless something else is in it. */
  abandon(): void {
    if (this.published) return;
    try {
      rmSync(join(this.partial, INCOMPLETE_FILE), { force: true });
      if (existsSync(this.partial) && readdirSync(this.partial).length === 0) rmdirSync(this.partial);
    } catch {
      // What is left is an empty folder or a mark; the next battle into it replaces either.
    }
  }
}
