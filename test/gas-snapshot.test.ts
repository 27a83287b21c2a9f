// The hot paths' gas, checked against the committed snapshot (test/gas-snapshot.json). Gas on the
// in-process chain is deterministic, so any change shows up here; when a change is intended, run
// `UPDATE_GAS_SNAPSHOT=1 bin/arena test mocha test/gas-snapshot.test.ts` and commit the file.
import { readFile, writeFile } from "node:fs/promises";

import { expect } from "chai";
import { network } from "hardhat";

import { type GasFigures, measureHotPaths } from "../agents/gas/hot-paths.ts";

const SNAPSHOT = "test/gas-snapshot.json";

describe("gas snapshot", () => {
  it("matches the committed gas of every hot path", async function () {
    this.timeout(120_000);
    const measured = await measureHotPaths(() => network.create());
    if (process.env.UPDATE_GAS_SNAPSHOT === "1") {
      await writeFile(SNAPSHOT, `${JSON.stringify(measured, null, 2)}\n`);
      return;
    }
    const committed = JSON.parse(await readFile(SNAPSHOT, "utf8")) as GasFigures;
    const changed = Object.keys({ ...committed, ...measured })
      .filter((op) => committed[op] !== measured[op])
      .map((op) => `${op}: committed ${committed[op] ?? "—"}, measured ${measured[op] ?? "—"}`);
    expect(
      changed,
      `gas changed (update with UPDATE_GAS_SNAPSHOT=1 if intended):\n${changed.join("\n")}`,
    ).to.deep.equal([]);
  });
});
