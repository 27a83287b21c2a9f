// A tiny file system for tests of what a full or read-only disk does: a tmpfs of `kib` KiB mounted on a
// fresh folder (root only: the test skips, saying why, where mount is not permitted).

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TinyDisk {
  dir: string;
  unmount: () => void;
}

/** Mounts the tmpfs, or returns why it cannot (not root, no mount permitted in this container). */
export function mountTinyDisk(kib: number, options: { readOnly?: boolean } = {}): TinyDisk | string {
  const dir = mkdtempSync(join(tmpdir(), "arena-tiny-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${kib}k${options.readOnly ? ",ro" : ""}`, "tmpfs", dir], {
      stdio: "pipe",
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs here (${(error as Error).message.split("\n")[0]}); run as root to test a full or read-only disk`;
  }
  return {
    dir,
    unmount: () => {
      execFileSync("umount", [dir], { stdio: "pipe" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
