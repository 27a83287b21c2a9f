// Run files are written whole or not at all: a reader (or a report rebuilt while a battle runs) never
// sees half a summary.json, and an interrupted write leaves the previous version in place.

import { rename, writeFile } from "node:fs/promises";

export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
