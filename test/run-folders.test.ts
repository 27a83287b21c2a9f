// What a run folder promises (README, "What a run folder promises"): a battle never writes into a folder
// that holds something unless told --force, and then replaces only its own files; it writes
// <out>.partial and renames it into place when it ends, so a killed battle leaves the old run whole and
// an unfinished folder no reader takes for a run; a full or read-only disk is a clear error, before the
// first transaction when it can be, and never a torn line; Ctrl-C twice does not lose the report.
// Experiments, evaluation reports and gas comparisons keep the same rules for their outputs.

import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { AppendFile, appendWholeSync } from "../agents/core/append-file.ts";
import { ArenaError } from "../agents/core/errors.ts";
import { FileWriteError } from "../agents/core/file-errors.ts";
import { OutputFileError } from "../agents/core/output-file.ts";
import { temporaryPathOf, writeFileAtomically } from "../agents/core/write-atomically.ts";
import { ResultsFolderError } from "../agents/experiment/results-folder.ts";
import { runExperiment } from "../agents/experiment/run-experiment.ts";
import { readGasProfile } from "../agents/gas/profile-file.ts";
import { evaluationReportPath, runEvaluationTask } from "../agents/governance/evaluation/run-evaluation.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { renderReport } from "../agents/report/report.ts";
import { runBattle } from "../agents/run/battle.ts";
import { handleInterrupts } from "../agents/run/interrupts.ts";
import { readAgentsCsv, readStepsCsv } from "../agents/run/run-csv.ts";
import { INCOMPLETE_FILE, IncompleteRunError } from "../agents/run/run-files.ts";
import { defaultRunFolder, RunFolderError } from "../agents/run/run-folder.ts";
import { readSummary } from "../agents/run/summary-file.ts";
import gasCompareTask from "../scripts/gas-compare.ts";
import gasProfileTask from "../scripts/gas-profile.ts";
import { mountTinyDisk, type TinyDisk } from "./helpers/tiny-disk.ts";

const require = createRequire(import.meta.url);
const cli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");

/** An environment with no chain: anything that tried to deploy or send would fail on it with a TypeError. */
const NO_CHAIN = {} as HardhatRuntimeEnvironment;

/** Every file of a folder with its sha256: what must not change. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort())
    out[name] = createHash("sha256")
      .update(readFileSync(join(dir, name)))
      .digest("hex");
  return out;
}

async function failure(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected it to fail");
}

function battleCli(args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, "battle", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

async function untilLines(file: string, lines: number): Promise<void> {
  for (let i = 0; i < 900; i++) {
    if (existsSync(file) && readFileSync(file, "utf8").split("\n").length > lines) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${file} never reached ${lines} lines`);
}

describe("run folders", function () {
  this.timeout(240_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-run-folders-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  describe("battles", () => {
    let first: string;
    let firstFiles: Record<string, string>;

    it("refuse a second battle into the same --out before any transaction, leaving the first run whole", async () => {
      first = join(root, "calm");
      await runBattle(hre, { scenario: "scenarios/calm.yaml", blocks: 5, out: first, quiet: true });
      firstFiles = fingerprint(first);
      expect(Object.keys(firstFiles)).to.include.members(["summary.json", "steps.csv", "report.html"]);
      expect(existsSync(`${first}.partial`)).to.equal(false);
      // On an environment without a chain: the refusal comes before anything is opened or sent.
      const error = await failure(() =>
        runBattle(NO_CHAIN, { scenario: "scenarios/calm.yaml", blocks: 5, out: first, quiet: true }),
      );
      expect(error).to.be.instanceOf(RunFolderError);
      expect(error.message).to.include(`${first} already holds a run`).and.include("pass --force");
      expect(fingerprint(first)).to.deep.equal(firstFiles);
      expect(existsSync(`${first}.partial`)).to.equal(false);
    });

    it("with --force replace only the run's own files: no governance file of the old run stays, the user's files do", async () => {
      const dir = join(root, "replaced");
      const governance = await loadScenario("scenarios/governance.yaml");
      await runBattle(hre, { scenario: { ...governance, blocks: 4 }, out: dir, quiet: true });
      expect(existsSync(join(dir, "governance.json"))).to.equal(true);
      expect(existsSync(join(dir, "governance.jsonl"))).to.equal(true);
      writeFileSync(join(dir, "notes.txt"), "mine");
      await runBattle(hre, { scenario: "scenarios/calm.yaml", blocks: 5, out: dir, quiet: true, force: true });
      expect(existsSync(join(dir, "governance.json"))).to.equal(false);
      expect(existsSync(join(dir, "governance.jsonl"))).to.equal(false);
      expect(readFileSync(join(dir, "notes.txt"), "utf8")).to.equal("mine");
      expect((await readSummary(join(dir, "summary.json"))).scenario.name).to.equal("calm");
      expect(await renderReport(dir)).to.not.include('<section id="governance">');
      expect(readdirSync(dir).some((name) => name.endsWith(".tmp") || name === INCOMPLETE_FILE)).to.equal(false);
    });

    it("name the default folder after the genesis when it is not the scenario's, so linear and sigmoid both stay", async () => {
      expect(defaultRunFolder("calm", 1n)).to.equal(join("runs", "calm-seed1"));
      expect(defaultRunFolder("calm", 1n, "genesis/sigmoid.json")).to.equal(join("runs", "calm-sigmoid-seed1"));
      const scenario = await loadScenario("scenarios/front-running.yaml");
      const work = join(root, "cwd");
      mkdirSync(work);
      const cwd = process.cwd();
      const genesis = (name: string) => resolve(cwd, "genesis", name);
      process.chdir(work);
      try {
        const base = { ...scenario, genesis: genesis("default.json"), blocks: 3 };
        const linear = await runBattle(hre, { scenario: base, quiet: true, noReport: true });
        const same = await runBattle(hre, {
          scenario: { ...base, seed: 2n },
          genesis: genesis("default.json"),
          quiet: true,
          noReport: true,
        });
        const sigmoid = await runBattle(hre, {
          scenario: base,
          genesis: genesis("sigmoid.json"),
          quiet: true,
          noReport: true,
        });
        expect([linear.dir, same.dir, sigmoid.dir]).to.deep.equal([
          join("runs", "front-running-seed13"),
          join("runs", "front-running-seed2"),
          join("runs", "front-running-sigmoid-seed13"),
        ]);
        const again = await failure(() => runBattle(NO_CHAIN, { scenario: base, quiet: true }));
        expect(again.message).to.include(`${join("runs", "front-running-seed13")} already holds a run`);
        expect((await readSummary(join(linear.dir, "summary.json"))).scenario.genesis).to.equal(
          genesis("default.json"),
        );
        expect((await readSummary(join(sigmoid.dir, "summary.json"))).scenario.genesis).to.equal(
          genesis("sigmoid.json"),
        );
      } finally {
        process.chdir(cwd);
      }
    });

    it("refuse an --out that is a file, or inside one, before any transaction", async () => {
      const file = join(root, "a-file");
      writeFileSync(file, "not a folder");
      const isFile = await failure(() => runBattle(NO_CHAIN, { scenario: "scenarios/calm.yaml", out: file }));
      expect(isFile).to.be.instanceOf(RunFolderError);
      expect(isFile.message).to.equal(
        `--out ${file} is a file, not a folder: choose a folder for the run (a new or empty one)`,
      );
      const inside = await failure(() =>
        runBattle(NO_CHAIN, { scenario: "scenarios/calm.yaml", out: join(file, "run") }),
      );
      expect(inside).to.be.instanceOf(FileWriteError);
      expect(inside.message).to.equal(
        `cannot use ${join(file, "run")}: a part of the path is a file, not a folder (ENOTDIR); choose another --out`,
      );
      expect(readFileSync(file, "utf8")).to.equal("not a folder");
    });

    it("refuse a read-only file system before any transaction (battle, experiment, evaluate)", async function () {
      const disk = mountTinyDisk(64, { readOnly: true });
      if (typeof disk === "string") return this.skip();
      try {
        const battle = await failure(() =>
          runBattle(NO_CHAIN, { scenario: "scenarios/calm.yaml", out: join(disk.dir, "run") }),
        );
        expect(battle).to.be.instanceOf(FileWriteError);
        expect(battle.message).to.equal(
          `cannot create the run folder ${join(disk.dir, "run.partial")}: the file system is read-only (EROFS); choose an --out on a writable disk`,
        );
        let recorded = 0;
        const experiment = await failure(() =>
          runExperiment({
            experiment: "experiments/classic-grid.yaml",
            out: join(disk.dir, "grid"),
            quiet: true,
            onRecorded: () => recorded++,
          }),
        );
        expect(experiment).to.be.instanceOf(FileWriteError);
        expect(experiment.message).to.include(`${join(disk.dir, "grid")}: the file system is read-only (EROFS)`);
        expect(recorded).to.equal(0);
        const evaluate = await failure(() =>
          runEvaluationTask(NO_CHAIN, {
            scenario: { name: "calm" } as never,
            changes: [{ key: "market.buyFeeBps", value: 150n }],
            seeds: 2,
            blocks: 5,
            warmup: 0,
            out: join(disk.dir, "report.md"),
          }),
        );
        expect(evaluate).to.be.instanceOf(FileWriteError);
        expect(evaluate.message).to.include("the file system is read-only (EROFS)");
      } finally {
        disk.unmount();
      }
    });

    it("stop on a full disk with a clear error, every recorded line whole", async function () {
      const disk = mountTinyDisk(96);
      if (typeof disk === "string") return this.skip();
      try {
        const out = join(disk.dir, "run");
        const error = await failure(() => runBattle(hre, { scenario: "scenarios/calm.yaml", out, quiet: true }));
        expect(error).to.be.instanceOf(ArenaError);
        expect(error.message).to.include("no space left on the device (ENOSPC); free some space");
        const recorded = Number(/(\d+) of 300 blocks are recorded in/.exec(error.message)?.[1]);
        expect(recorded).to.be.greaterThan(0);
        // Where the blocks are: the finished folder if the summary fitted, else the partial one (and it says so).
        const where = existsSync(out) ? out : `${out}.partial`;
        expect(error.message).to.include(`recorded in ${where}`);
        const steps = await readStepsCsv(join(where, "steps.csv"));
        expect(steps.map((s) => Number(s.step))).to.deep.equal(Array.from({ length: recorded }, (_, i) => i + 1));
        await readAgentsCsv(join(where, "agents.csv"));
        for (const file of ["steps.csv", "agents.csv", "txs.csv"])
          expect(readFileSync(join(where, file), "utf8").endsWith("\n"), file).to.equal(true);
        for (const name of readdirSync(where)) {
          if (name.endsWith(".json"))
            expect(() => JSON.parse(readFileSync(join(where, name), "utf8")), name).to.not.throw();
          expect(name.endsWith(".tmp"), name).to.equal(false);
        }
        if (where !== out) {
          expect(error.message).to.include("the run folder was not finished");
          const refused = await failure(() => readSummary(join(where, "summary.json")));
          expect(refused).to.be.instanceOf(IncompleteRunError);
        }
      } finally {
        disk.unmount();
      }
    });

    it("killed mid-run leave the finished folder as it was, and an unfinished one that every reader refuses", async () => {
      const partial = `${first}.partial`;
      const killed = battleCli(["--scenario", "scenarios/calm.yaml", "--blocks", "100000", "--out", first, "--force"]);
      await untilLines(join(partial, "steps.csv"), 12);
      killed.child.kill("SIGKILL");
      await killed.exited;
      expect(fingerprint(first)).to.deep.equal(firstFiles);
      expect(existsSync(join(partial, INCOMPLETE_FILE))).to.equal(true);

      const readers: [string, () => Promise<unknown>][] = [
        ["summary", () => readSummary(join(partial, "summary.json"))],
        ["gas profile", () => readGasProfile(partial)],
        ["report", () => renderReport(partial)],
      ];
      for (const [name, read] of readers) {
        const error = await failure(read);
        expect(error, name).to.be.instanceOf(IncompleteRunError);
        expect(error.message, name).to.include(`${partial} is an unfinished run folder`);
      }
      const printed: string[] = [];
      const { error: consoleError } = console;
      console.error = (...parts: unknown[]) => void printed.push(parts.join(" "));
      try {
        const profile = await gasProfileTask({ run: partial, by: "all", limit: 0 }, NO_CHAIN);
        expect(profile.success).to.equal(false);
        const compare = await gasCompareTask({ a: first, b: partial, by: "function", limit: 0 }, NO_CHAIN);
        expect(compare.success).to.equal(false);
      } finally {
        console.error = consoleError;
      }
      expect(printed[0]).to.match(/^gas-profile: .* is an unfinished run folder/);
      expect(printed[1]).to.match(/^gas-compare: .* is an unfinished run folder/);
      const resume = await failure(() =>
        runExperiment({ experiment: "experiments/classic-grid.yaml", out: partial, resume: true, quiet: true }),
      );
      expect(resume).to.be.instanceOf(ResultsFolderError);
      expect(resume.message).to.include(`${partial} is a battle's run folder`);

      // The next battle into the same --out says what is there; --force replaces it.
      const again = await failure(() =>
        runBattle(NO_CHAIN, { scenario: "scenarios/calm.yaml", blocks: 5, out: first, quiet: true }),
      );
      expect(again.message).to.include(`${first} already holds a run`);
      const fresh = join(root, "fresh");
      mkdirSync(`${fresh}.partial`);
      writeFileSync(join(`${fresh}.partial`, "steps.csv"), "step\n1\n");
      writeFileSync(join(`${fresh}.partial`, INCOMPLETE_FILE), "pid 0\n");
      const unfinished = await failure(() =>
        runBattle(NO_CHAIN, { scenario: "scenarios/calm.yaml", blocks: 5, out: fresh, quiet: true }),
      );
      expect(unfinished.message).to.include(`${fresh}.partial holds an unfinished battle into ${fresh} (steps.csv)`);
      await runBattle(hre, { scenario: "scenarios/calm.yaml", blocks: 5, out: first, quiet: true, force: true });
      expect(existsSync(partial)).to.equal(false);
      expect((await readSummary(join(first, "summary.json"))).completion.complete).to.equal(true);
    });

    it("Ctrl-C twice: the second says it is writing the summary and report, and waits for them", async () => {
      const dir = join(root, "twice");
      const battle = battleCli(["--scenario", "scenarios/calm.yaml", "--blocks", "100000", "--out", dir]);
      await untilLines(join(`${dir}.partial`, "steps.csv"), 20);
      battle.child.kill("SIGINT");
      await new Promise((r) => setTimeout(r, 5));
      battle.child.kill("SIGINT");
      expect(await battle.exited).to.equal(130);
      expect(battle.stderr()).to.include("battle: stopping:").and.include("Ctrl-C again quits without them");
      const recorded = Number(/(\d+) of 100000 blocks are recorded in/.exec(battle.stderr())![1]);
      const summary = await readSummary(join(dir, "summary.json"));
      expect(summary.completion).to.deep.include({ stepsRecorded: recorded, complete: false });
      expect(readFileSync(join(dir, "report.html"), "utf8")).to.include("</html>");
      expect(existsSync(`${dir}.partial`)).to.equal(false);
    });
  });

  describe("interrupts", () => {
    it("a third Ctrl-C quits with status 130, after saying what was not written", () => {
      const lines: string[] = [];
      const exits: number[] = [];
      let stops = 0;
      let beforeQuit = 0;
      const done = handleInterrupts({
        stop: () => stops++,
        waiting: () => "still writing",
        quitting: () => "quit without the report",
        beforeQuit: () => beforeQuit++,
        write: (line) => lines.push(line),
        exit: (code) => exits.push(code),
      });
      try {
        process.emit("SIGINT", "SIGINT");
        expect([stops, lines, exits]).to.deep.equal([1, [], []]);
        process.emit("SIGINT", "SIGINT");
        expect(lines).to.deep.equal(["still writing"]);
        expect(exits).to.deep.equal([]);
        process.emit("SIGINT", "SIGINT");
        expect(lines).to.deep.equal(["still writing", "quit without the report"]);
        expect([stops, beforeQuit, exits]).to.deep.equal([1, 1, [130]]);
      } finally {
        done();
      }
    });
  });

  describe("atomic and whole-line writes", () => {
    it("a full disk leaves the previous file whole, no temporary file, and an error naming the path", async () => {
      const dir = join(root, "atomic");
      mkdirSync(dir);
      const path = join(dir, "gas.json");
      writeFileSync(path, '{"before":true}\n');
      symlinkSync("/dev/full", temporaryPathOf(path));
      const error = await failure(() => writeFileAtomically(path, '{"after":true}\n'));
      expect(error).to.be.instanceOf(FileWriteError);
      expect(error.message).to.equal(
        `cannot write ${path}: no space left on the device (ENOSPC); free some space, or choose an --out on another disk`,
      );
      expect(readFileSync(path, "utf8")).to.equal('{"before":true}\n');
      expect(readdirSync(dir)).to.deep.equal(["gas.json"]);
    });

    it("a line the disk refuses halfway is cut back: the file holds whole lines only", function () {
      const disk: TinyDisk | string = mountTinyDisk(8);
      if (typeof disk === "string") return this.skip();
      try {
        const path = join(disk.dir, "agents.csv");
        const file = new AppendFile(path, "agent,tokens\n");
        let written = "agent,tokens\n";
        let error: unknown;
        for (let i = 0; error === undefined && i < 10_000; i++) {
          const line = `agent-${i},${"9".repeat(50)}\n`;
          try {
            file.append(line);
            written += line;
          } catch (caught) {
            error = caught;
          }
        }
        file.close();
        expect(error).to.be.instanceOf(FileWriteError);
        expect((error as Error).message).to.include(`cannot write ${path}: no space left on the device (ENOSPC)`);
        expect(readFileSync(path, "utf8")).to.equal(written);
        // The same for a file appended by path (an experiment's runs.csv): a refused row leaves the rows before it.
        const runs = join(disk.dir, "runs.csv");
        try {
          appendWholeSync(runs, "engine,seed\n");
        } catch {
          // The disk may be too full even for the header: then the file must stay empty.
        }
        const before = existsSync(runs) ? readFileSync(runs, "utf8") : "";
        expect(() => appendWholeSync(runs, `model,1,${"9".repeat(8192)}\n`)).to.throw(FileWriteError, "ENOSPC");
        expect(existsSync(runs) ? readFileSync(runs, "utf8") : "").to.equal(before);
      } finally {
        disk.unmount();
      }
    });
  });

  describe("experiments", () => {
    it("refuse a battle's run folder as --out, leaving its report as it was", async () => {
      const dir = join(root, "battle-for-experiment");
      await runBattle(hre, { scenario: "scenarios/calm.yaml", blocks: 3, out: dir, quiet: true });
      const before = fingerprint(dir);
      for (const flags of [{}, { resume: true }, { force: true }]) {
        const error = await failure(() =>
          runExperiment({ experiment: "experiments/classic-grid.yaml", out: dir, quiet: true, ...flags }),
        );
        expect(error).to.be.instanceOf(ResultsFolderError);
        expect(error.message).to.include(`${dir} is a battle's run folder`);
      }
      expect(fingerprint(dir)).to.deep.equal(before);
    });

    it("refuse a folder of other files, and an --out that is a file, before any run", async () => {
      const dir = join(root, "papers");
      mkdirSync(dir);
      writeFileSync(join(dir, "paper.pdf"), "x");
      const other = await failure(() =>
        runExperiment({ experiment: "experiments/classic-grid.yaml", out: dir, quiet: true }),
      );
      expect(other.message).to.include(`${dir} is not empty (paper.pdf) and holds no experiment`);
      const file = join(dir, "paper.pdf");
      const isFile = await failure(() =>
        runExperiment({ experiment: "experiments/classic-grid.yaml", out: file, quiet: true }),
      );
      expect(isFile.message).to.equal(
        `--out ${file} is a file, not a folder: choose a folder for the experiment's results`,
      );
      const both = await failure(() =>
        runExperiment({
          experiment: "experiments/classic-grid.yaml",
          out: dir,
          quiet: true,
          resume: true,
          force: true,
        }),
      );
      expect(both.message).to.include("give one of them");
      expect(readdirSync(dir)).to.deep.equal(["paper.pdf"]);
    });
  });

  describe("evaluation reports and gas comparisons", () => {
    it("name a draft's report after its change, and refuse an existing report before deploying", async () => {
      const fee = evaluationReportPath("calm", [{ key: "market.buyFeeBps", value: 150n }]);
      const price = evaluationReportPath("calm", [{ key: "curve.basePrice", value: 12n * 10n ** 15n }]);
      expect(fee).to.equal(join("runs", "evaluate-calm-market.buyFeeBps-150.md"));
      expect(price).to.equal(join("runs", "evaluate-calm-curve.basePrice-0.012.md"));
      expect(evaluationReportPath("calm", undefined, 12345678901234n)).to.equal(
        join("runs", "evaluate-calm-id1234567890.md"),
      );
      const out = join(root, "evaluation.md");
      writeFileSync(out, "the forum post I wrote");
      const options = {
        scenario: { name: "calm" } as never,
        changes: [{ key: "market.buyFeeBps", value: 150n }],
        seeds: 2,
        blocks: 5,
        warmup: 0,
        out,
      };
      const exists = await failure(() => runEvaluationTask(NO_CHAIN, options));
      expect(exists).to.be.instanceOf(OutputFileError);
      expect(exists.message).to.equal(`${out} already exists: pass --force to replace it, or choose another --out`);
      const folder = await failure(() => runEvaluationTask(NO_CHAIN, { ...options, out: root }));
      expect(folder.message).to.include(`--out ${root} is a folder`);
      expect(readFileSync(out, "utf8")).to.equal("the forum post I wrote");
    });

    it("gas-compare --out refuses an existing file (unless --force) and a folder, with the command's name", async () => {
      const a = join(root, "calm");
      const out = join(root, "compare.md");
      writeFileSync(out, "keep me");
      const printed: string[] = [];
      const { error: consoleError, log } = console;
      console.error = (...parts: unknown[]) => void printed.push(parts.join(" "));
      console.log = () => undefined;
      try {
        const refused = await gasCompareTask({ a, b: a, by: "function", limit: 0, out }, NO_CHAIN);
        expect(refused.success).to.equal(false);
        expect(readFileSync(out, "utf8")).to.equal("keep me");
        const folder = await gasCompareTask({ a, b: a, by: "function", limit: 0, out: root }, NO_CHAIN);
        expect(folder.success).to.equal(false);
        const forced = await gasCompareTask({ a, b: a, by: "function", limit: 0, out, force: true }, NO_CHAIN);
        expect(forced.success).to.equal(true);
      } finally {
        console.error = consoleError;
        console.log = log;
      }
      expect(printed).to.deep.equal([
        `gas-compare: ${out} already exists: pass --force to replace it, or choose another --out`,
        `gas-compare: --out ${root} is a folder: give the path of a file in it (e.g. ${join(root, "report.md")})`,
      ]);
      expect(readFileSync(out, "utf8")).to.include(`## Gas: ${a} → ${a}`);
    });
  });
});
