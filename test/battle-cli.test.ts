// `hardhat battle` as a user runs it: Ctrl-C stops it with status 130, a clear message and every
// block mined so far on disk, summary and report included.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { readStepsCsv } from "../agents/run/run-csv.ts";
import { readSummary } from "../agents/run/summary-file.ts";

const require = createRequire(import.meta.url);

describe("battle task", function () {
  this.timeout(180_000);

  it("Ctrl-C stops the battle with status 130 and keeps every recorded block", async () => {
    const root = mkdtempSync(join(tmpdir(), "arena-cli-"));
    const dir = join(root, "run");
    try {
      const cli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");
      const child = spawn(
        process.execPath,
        [cli, "battle", "--scenario", "scenarios/calm.yaml", "--blocks", "100000", "--out", dir],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      // While it runs, the battle writes <out>.partial; it becomes <out> when the battle ends.
      const growing = join(`${dir}.partial`, "steps.csv");
      for (let i = 0; i < 600 && !(existsSync(growing) && readFileSync(growing, "utf8").split("\n").length > 30); i++)
        await new Promise((r) => setTimeout(r, 100));
      child.kill("SIGINT");
      expect(await exited).to.equal(130);
      expect(stderr).to.match(/battle: interrupted by SIGINT \(Ctrl-C\)\n(\d+) of 100000 blocks are recorded in /);
      const recorded = Number(/(\d+) of 100000 blocks/.exec(stderr)![1]);
      expect((await readStepsCsv(join(dir, "steps.csv"))).length).to.equal(recorded);
      expect(existsSync(`${dir}.partial`)).to.equal(false);
      const summary = await readSummary(join(dir, "summary.json"));
      expect(summary.completion).to.deep.include({ stepsRecorded: recorded, complete: false });
      expect(existsSync(join(dir, "report.html"))).to.equal(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
