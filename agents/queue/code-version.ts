// The code version a queued job is tied to: the sha256 of everything that decides a run's results —
// the TypeScript under agents/, the Solidity under contracts/ (with hardhat.config.ts, which holds the
// compiler settings) and package-lock.json (the exact EDR, solc and libraries). Two checkouts of the
// same commit, built or not, have the same version; any edit to those files makes another. A worker
// refuses a job of another version (queue-worker.ts), so one experiment's rows never mix two codes.
// It is the content, not the git commit, so an uncommitted edit counts and no git is needed on workers.
//
// ARENA_QUEUE_CODE_VERSION replaces it: the tests use it to play a worker of another version.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FOLDERS: readonly [string, RegExp][] = [
  ["agents", /\.(ts|mjs|json)$/],
  ["contracts", /\.sol$/],
];
const FILES = ["hardhat.config.ts", "package-lock.json"];

let cached: string | undefined;

/** 16 hex digits of the sha256 over the files above (paths and bytes), or ARENA_QUEUE_CODE_VERSION. */
export function codeVersion(): string {
  const override = process.env.ARENA_QUEUE_CODE_VERSION;
  if (override !== undefined && override !== "") return override;
  if (cached !== undefined) return cached;
  const hash = createHash("sha256");
  const paths = [
    ...FOLDERS.flatMap(([folder, pattern]) => filesUnder(join(ROOT, folder), pattern)),
    ...FILES.map((f) => join(ROOT, f)),
  ];
  for (const path of paths.sort()) {
    hash.update(`${relative(ROOT, path)}\0`);
    hash.update(readFileSync(path));
    hash.update("\0");
  }
  cached = hash.digest("hex").slice(0, 16);
  return cached;
}

function filesUnder(folder: string, pattern: RegExp): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}
