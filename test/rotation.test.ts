// A long battle on the in-process chain moves to a fresh chain with the same state every so often
// (engine/chain-backend.ts rotateEvery), so memory stays bounded. The run must not notice: every file
// of the run folder is byte-identical to the same battle without rotating, governance included
// (proposals, votes, the Timelock's execution and what-ifs on snapshots between rotations).

import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { runBattle } from "../agents/run/battle.ts";

const FILES = ["steps.csv", "agents.csv", "txs.csv", "gas.json", "summary.json"];

describe("rotating the in-process chain", function () {
  this.timeout(600_000);
  const root = mkdtempSync(join(tmpdir(), "arena-rotation-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const [scenario, every, extra] of [
    ["scenarios/calm.yaml", 150, []],
    ["scenarios/governance.yaml", 120, ["governance.json", "governance.jsonl"]],
    ["scenarios/launch.yaml", 400, []],
    ["scenarios/staking.yaml", 200, []],
  ] as const) {
    it(`${scenario}: rotating every ${every} transactions changes nothing the run records`, async () => {
      const name = scenario.replace(/^scenarios\/|\.yaml$/g, "");
      const plain = join(root, `${name}-plain`);
      const rotated = join(root, `${name}-rotated`);
      await runBattle(hre, { scenario, out: plain, quiet: true, noReport: true, rotateEvery: 1_000_000_000 });
      await runBattle(hre, { scenario, out: rotated, quiet: true, noReport: true, rotateEvery: every });
      const run = (dir: string) => JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
      expect(run(plain).rotations).to.equal(0);
      expect(run(rotated).rotations).to.be.greaterThan(1);
      for (const file of [...FILES, ...extra]) {
        expect(readFileSync(join(rotated, file), "utf8"), file).to.equal(readFileSync(join(plain, file), "utf8"));
      }
    });
  }
});
