// `bin/arena smt` (scripts/smt-check.ts) as a user runs it, on scratch harnesses whose answers are known:
// a false assertion gives a counterexample with its values and a failing exit, a true one is proved safe,
// and one z3 cannot decide in its time is reported as unproved with the timeout as its reason, never as safe.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import type { TargetReport } from "../agents/formal/smt-check.ts";

const HARNESSES = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

contract FalseSmt {
    function triple(uint256 x) external pure {
        require(x < 100);
        assert(x * 3 < 200);
    }
}

contract TrueSmt {
    function double(uint256 x) external pure {
        require(x < 100);
        assert(x * 2 < 200);
    }
}

contract HardSmt {
    function cubes(uint256 x, uint256 y, uint256 z) external pure {
        require(x > 0 && y > 0 && z > 0 && x < 2 ** 64 && y < 2 ** 64 && z < 2 ** 64);
        assert(x * x * x + y * y * y != z * z * z);
        uint256 w;
        assembly {
            w := 1
        }
    }
}
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  report: { targets: TargetReport[] } | undefined;
}

function smt(dir: string, targets: unknown): Run {
  const file = join(dir, "targets.json");
  writeFileSync(file, JSON.stringify(targets));
  const out = join(dir, "report.json");
  rmSync(out, { force: true });
  const child = spawnSync(process.execPath, ["scripts/smt-check.ts", "--targets", file, "--root", dir, "--out", out], {
    encoding: "utf8",
  });
  let report: Run["report"];
  try {
    report = JSON.parse(readFileSync(out, "utf8"));
  } catch {}
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, report };
}

const target = (contract: string, timeoutSeconds = 30) => ({
  id: contract,
  source: "Scratch.sol",
  contract,
  property: contract,
  timeoutSeconds,
});

describe("smt check (scripts/smt-check.ts)", function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "arena-smt-"));
    writeFileSync(join(dir, "Scratch.sol"), HARNESSES);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a false assertion is a counterexample with its values, and fails the run", () => {
    const run = smt(dir, [target("FalseSmt")]);
    expect(run.status, run.stderr).to.equal(1);
    const [report] = run.report!.targets;
    expect(report.status).to.equal("counterexample");
    expect(report.checks).to.have.length(1);
    const [check] = report.checks;
    expect(check).to.include({ kind: "Assertion violation", status: "counterexample", at: "Scratch.sol:7:9" });
    expect(check.code).to.equal("assert(x * 3 < 200);");
    // The values that break it: x ≥ 67 (x < 100, 3x ≥ 200).
    const x = Number(/\bx = (\d+)/.exec(check.counterexample!)![1]);
    expect(x).to.be.within(67, 99);
    expect(run.stdout).to.match(/FalseSmt\s+counterexample\s+0\s+0\s+1/);
    expect(run.stdout).to.include("1 with a counterexample");
  });

  it("a true assertion is proved safe, and the run passes", () => {
    const run = smt(dir, [target("TrueSmt")]);
    expect(run.status, run.stderr).to.equal(0);
    const [report] = run.report!.targets;
    expect(report.status).to.equal("safe");
    expect(report.checks).to.deep.equal([
      { kind: "Assertion violation", status: "safe", at: "Scratch.sol:14:9", code: "assert(x * 2 < 200);" },
    ]);
    expect(report.queries.map((q) => q.answer)).to.include("sat");
  });

  it("a check z3 cannot decide in its time is unproved with the timeout as its reason, and does not fail the run", () => {
    const run = smt(dir, [target("HardSmt", 1), target("TrueSmt")]);
    expect(run.status, run.stderr).to.equal(0);
    const [hard, easy] = run.report!.targets;
    expect(hard.status).to.equal("unproved");
    expect(hard.checks).to.have.length(1);
    expect(hard.checks[0]).to.include({ status: "unproved", at: "Scratch.sol:21:9" });
    expect(hard.checks[0].reason).to.equal(
      "timeout: z3 ran out of its 1 s on 1 of 1 queries; unsupported in the code it reaches: Inline assembly may cause SMTChecker to produce spurious warnings (false positives) (1×)",
    );
    expect(hard.unsupported).to.deep.equal([
      { message: "Inline assembly may cause SMTChecker to produce spurious warnings (false positives).", count: 1 },
    ]);
    expect(hard.queries.map((q) => q.answer)).to.deep.equal(["timeout"]);
    expect(easy.status).to.equal("safe");
    expect(run.stdout).to.include("2 targets in");
    expect(run.stdout).to.include("1 proved safe, 1 unproved, 0 with a counterexample");
  });

  it("a wrong targets file is refused naming each bad field, without a stack trace", () => {
    const run = smt(dir, [
      { id: "a", source: "Missing.sol", contract: "X", property: "p" },
      { id: "b", source: "Scratch.sol", contract: "TrueSmt", property: "p", checks: ["asserts"], timeoutSeconds: 0 },
    ]);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/^smt: .*targets\.json has 3 problem\(s\):/);
    expect(run.stderr).to.include("[0].source: no file Missing.sol");
    expect(run.stderr).to.include("[1].checks: expected a non-empty list of assert, underflow");
    expect(run.stderr).to.include("[1].timeoutSeconds: expected a whole number of seconds 1 … 600, got 0");
    expect(run.stderr).not.to.include("    at ");
    expect(run.report).to.equal(undefined);
  });
});
