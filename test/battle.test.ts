// A battle end to end on the in-process chain: the run folder, byte-identical results for the same
// scenario and seed, and a run stopped midway that keeps every block it recorded.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { compareGasProfiles } from "../agents/gas/compare.ts";
import { runBattle } from "../agents/run/battle.ts";
import { readStepsCsv } from "../agents/run/run-csv.ts";
import { readSummary } from "../agents/run/summary-file.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { BattleInterrupted, BattleStopped } from "../agents/chain/errors.ts";

describe("battle", function () {
  this.timeout(180_000);
  let root: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-battle-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("writes the run folder: steps per block, agents, transactions, gas profile, summary and report", async () => {
    const dir = join(root, "calm");
    const result = await runBattle(hre, { scenario: "scenarios/calm.yaml", blocks: 40, out: dir, quiet: true });
    for (const file of ["steps.csv", "agents.csv", "txs.csv", "gas.json", "summary.json", "report.html", "run.json"]) {
      expect(existsSync(join(dir, file)), file).to.equal(true);
    }
    const steps = await readStepsCsv(join(dir, "steps.csv"));
    expect(steps.map((s) => Number(s.step))).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(steps.every((s, i) => i === 0 || s.block === steps[i - 1]!.block + 1n)).to.equal(true);
    const summary = await readSummary(join(dir, "summary.json"));
    expect(summary.completion).to.deep.include({ stepsRecorded: 40, complete: true });
    expect(summary.leaderboard).to.have.length(15);
    expect(summary.totals.txs).to.equal(steps.reduce((n, s) => n + Number(s.txs), 0));
    expect(result.gas.totals.transactions).to.be.greaterThan(summary.totals.txs); // set-up transactions are profiled too
    expect(result.reconcileProblems).to.deep.equal([]);
    // Solvency holds on every block.
    expect(steps.every((s) => s.solvencyWad >= 10n ** 18n)).to.equal(true);
  });

  it("gives byte-identical summary.json and steps.csv for the same scenario and seed", async () => {
    const scenario = await loadScenario("scenarios/front-running.yaml");
    const a = join(root, "a");
    const b = join(root, "b");
    await runBattle(hre, { scenario, blocks: 60, out: a, quiet: true, noReport: true });
    await runBattle(hre, { scenario, blocks: 60, out: b, quiet: true, noReport: true });
    for (const file of ["summary.json", "steps.csv", "agents.csv", "txs.csv", "gas.json"]) {
      expect(readFileSync(join(a, file), "utf8"), file).to.equal(readFileSync(join(b, file), "utf8"));
    }
    const c = join(root, "c");
    await runBattle(hre, { scenario, seed: scenario.seed + 1n, blocks: 60, out: c, quiet: true, noReport: true });
    expect(readFileSync(join(c, "steps.csv"), "utf8")).to.not.equal(readFileSync(join(a, "steps.csv"), "utf8"));
  });

  it("stops after the current block when interrupted, keeping every recorded block", async () => {
    const dir = join(root, "interrupted");
    const stop = new AbortController();
    let error: unknown;
    try {
      await runBattle(hre, {
        scenario: "scenarios/calm.yaml",
        out: dir,
        quiet: true,
        signal: stop.signal,
        onStep: (step) => {
          if (step === 12) stop.abort(new BattleInterrupted("SIGINT (Ctrl-C)"));
        },
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(BattleStopped);
    expect((error as BattleStopped).cause).to.be.instanceOf(BattleInterrupted);
    expect((error as Error).message).to.include(`12 of 300 blocks are recorded in ${dir}`);
    const steps = await readStepsCsv(join(dir, "steps.csv"));
    expect(steps).to.have.length(12);
    const summary = await readSummary(join(dir, "summary.json"));
    expect(summary.completion).to.deep.include({
      stepsRecorded: 12,
      complete: false,
      stoppedBy: "interrupted by SIGINT (Ctrl-C)",
    });
    expect(existsSync(join(dir, "report.html"))).to.equal(true);
  });

  it("runs the same agents on another curve, and the gas comparison shows what the curve costs", async () => {
    const linear = await runBattle(hre, {
      scenario: "scenarios/front-running.yaml",
      blocks: 30,
      out: join(root, "linear"),
      quiet: true,
      noReport: true,
    });
    const sigmoid = await runBattle(hre, {
      scenario: "scenarios/front-running.yaml",
      genesis: "genesis/sigmoid.json",
      blocks: 30,
      out: join(root, "sigmoid"),
      quiet: true,
      noReport: true,
    });
    expect(sigmoid.summary.scenario.genesis).to.equal("genesis/sigmoid.json");
    const comparison = compareGasProfiles(linear.gas, sigmoid.gas, { a: "linear", b: "sigmoid" });
    const sell = comparison.tables.function.find((row) => row.key === "BondingCurveMarket.sell")!;
    // The sigmoid's refund needs exp and log: every sale costs more gas than on the linear curve.
    expect(sell.median.a).to.be.a("number");
    expect(sell.median.b! - sell.median.a!).to.be.greaterThan(3_000);
  });
});
