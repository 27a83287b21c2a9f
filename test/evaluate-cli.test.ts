// `hardhat evaluate` as a user runs it: a draft evaluated on the in-process chain writes its report and
// prints the prediction; a change the store would refuse is refused before anything runs.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

const require = createRequire(import.meta.url);
const cli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, "evaluate", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("evaluate task", function () {
  this.timeout(120_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-evaluate-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("evaluates a draft after a warm-up and writes the report", async () => {
    const out = join(root, "fees.md");
    const { code, stdout, stderr } = await run([
      "--change",
      "market.buyFeeBps=150, market.sellFeeBps=150",
      "--seeds",
      "2",
      "--blocks",
      "20",
      "--warmup",
      "5",
      "--out",
      out,
    ]);
    expect(code, stderr).to.equal(0);
    expect(stderr).to.include("warmed up for 5 blocks");
    expect(stderr).to.include("arm 4/4");
    expect(stdout).to.match(/treasury revenue\s+\+/);
    expect(stdout).to.match(/Predicted: (Succeeded|Defeated) — /);
    expect(stdout).to.include(`Report:    ${out}`);
    expect(existsSync(out)).to.equal(true);
    const report = readFileSync(out, "utf8");
    expect(report).to.include("# Proposal evaluation: Set market.buyFeeBps 100 → 150, market.sellFeeBps 100 → 150");
    expect(report).to.include("after 5 warm-up blocks");
    expect(report).to.include("Seeds: 1, 2 (2)");
  });

  it("refuses a change outside the store's rules, and --id without a node, naming the fix", async () => {
    const tooFar = await run([
      "--change",
      "market.buyFeeBps=400",
      "--seeds",
      "2",
      "--blocks",
      "5",
      "--out",
      join(root, "bad.md"),
    ]);
    expect(tooFar.code).to.not.equal(0);
    expect(tooFar.stderr).to.include(
      "market.buyFeeBps=400 is outside its bounds [0, 300]; propose a value within them",
    );
    expect(existsSync(join(root, "bad.md"))).to.equal(false);
    const noNode = await run(["--id", "123"]);
    expect(noNode.code).to.not.equal(0);
    expect(noNode.stderr).to.include("--id evaluates a proposal submitted on a node: add --network <name>");
  });
});
