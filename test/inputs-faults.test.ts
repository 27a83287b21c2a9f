// Hostile input (issue 17): each fault a user met, reproduced, now refused early with a clear message
// or given the right result, with nothing recorded lost. Ranges and messages are the same from a file
// and from a command line; JSON refuses a key written twice as YAML does; a genesis reserve too low for
// the curve is refused before any transaction, with the contract's own minimum; failed experiment runs
// are reported, make the command fail and are run again by --resume; workers are bounded by the machine.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { closest, GenesisError, OptionError } from "../agents/core/document-reader.ts";
import { formatInterval, meanInterval } from "../agents/core/interval.ts";
import { BLOCKS, expectedWhole, SEED } from "../agents/core/limits.ts";
import { formatDecimal, QUOTE_DECIMALS } from "../agents/core/units.ts";
import { deploySystem } from "../agents/deploy/deploy.ts";
import { readDeploymentFile, DeploymentFileError } from "../agents/deploy/deployment-file.ts";
import { DeployError } from "../agents/deploy/errors.ts";
import { loadExperiment } from "../agents/experiment/experiment-file.ts";
import type { Experiment } from "../agents/experiment/experiment-types.ts";
import { runExperiment } from "../agents/experiment/run-experiment.ts";
import { workerCapacity, workerCount, WorkerLimitError } from "../agents/experiment/worker-limit.ts";
import { loadGenesis, parseGenesis } from "../agents/inputs/genesis.ts";
import { loadScenario, parseScenario, ScenarioError } from "../agents/inputs/scenario.ts";
import { genesisReserveRequired } from "../agents/mechanisms/market/genesis.ts";
import type { Genesis } from "../agents/mechanisms/vocabulary.ts";
import { readSummary } from "../agents/run/summary-file.ts";
import evaluateTask from "../scripts/evaluate.ts";
import experimentTask from "../scripts/experiment.ts";
import gasProfileTask from "../scripts/gas-profile.ts";
import { captured } from "./helpers/captured.ts";

const require = createRequire(import.meta.url);
const HARDHAT = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");
/** These actions fail before they touch the runtime environment. */
const NO_HRE = {} as HardhatRuntimeEnvironment;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Ran> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

const hardhat = (args: string[]) => run(process.execPath, [HARDHAT, ...args]);

function scenarioIssues(input: unknown): { path: string; expected: string; got: string; fix?: string }[] {
  try {
    parseScenario(input, "s.yaml");
  } catch (error) {
    expect(error).to.be.instanceOf(ScenarioError);
    return (error as ScenarioError).issues;
  }
  expect.fail("the scenario was accepted");
}

const SMALL_SCENARIO = {
  name: "small",
  seed: 1,
  blocks: 10,
  agents: [{ id: "arb", behaviours: [{ kind: "arbitrageur", minProfitQuote: "0.5", maxTradeQuote: "500" }] }],
};

/** Tokens a genesis mints: allocations, vesting and the pool seed. */
function mintedSupply(g: Genesis): bigint {
  return (
    g.allocations.reduce((sum, a) => sum + a.amount, 0n) +
    g.vesting.reduce((sum, v) => sum + v.amount, 0n) +
    (g.pool.seed?.tokens ?? 0n)
  );
}

describe("hostile inputs", function () {
  this.timeout(240_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-inputs-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  describe("one range per value, from a file or a command line", function () {
    it("battle refuses a seed above 2⁶⁴−1 and too many blocks with the scenario reader's messages, and writes nothing", async () => {
      const out = join(root, "refused");
      const { code, stderr } = await hardhat([
        "battle",
        "--seed",
        "18446744073709551617",
        "--blocks",
        "99999999999",
        "--out",
        out,
      ]);
      expect(code).to.not.equal(0);
      expect(stderr).to.include(
        'battle: 2 problems\n--seed: expected an integer from 0 to 18446744073709551615, got "18446744073709551617"\n' +
          '--blocks: expected a whole number of blocks to run from 1 to 10000000, got "99999999999"',
      );
      expect(stderr).to.not.include("    at ");
      expect(existsSync(out)).to.equal(false);

      // The same ranges in a scenario file.
      const [blocks] = scenarioIssues({ ...SMALL_SCENARIO, blocks: 1_000_000_000 });
      expect(blocks).to.deep.equal({ path: "blocks", expected: expectedWhole(BLOCKS), got: "1000000000" });
      const [seed] = scenarioIssues({ ...SMALL_SCENARIO, seed: "18446744073709551617" });
      expect(seed).to.deep.include({ path: "seed", expected: `${expectedWhole(SEED)}, or a string of its digits` });
      expect(parseScenario({ ...SMALL_SCENARIO, blocks: 10_000_000 }, "s.yaml").blocks).to.equal(10_000_000);
    });

    it("battle runs the largest seed as itself, from a start time of 1 s", async () => {
      const scenario = join(root, "epoch.yaml");
      const calm = readFileSync("scenarios/calm.yaml", "utf8");
      writeFileSync(scenario, calm.replace(/^blocks: 300$/m, "blocks: 300\nstartTime: 1"));
      const out = join(root, "largest-seed");
      const { code, stderr } = await hardhat([
        "battle",
        "--scenario",
        scenario,
        "--seed",
        "18446744073709551615",
        "--blocks",
        "2",
        "--out",
        out,
        "--quiet",
      ]);
      expect(code, stderr).to.equal(0);
      const summary = await readSummary(join(out, "summary.json"));
      expect(summary.scenario.seed).to.equal("18446744073709551615");
      expect(summary.completion).to.deep.include({ stepsRecorded: 2, complete: true });
    });

    it("evaluate, experiment and gas-profile check their options the same way before anything runs", async () => {
      const evaluate = await captured(() =>
        evaluateTask(
          {
            force: false,
            scenario: "",
            change: "market.buyFeeBps=150",
            id: "",
            description: "",
            seeds: "1e9", // Hardhat's INT read this as 1,000,000,000 and the seeds list ran out of memory
            blocks: "5",
            warmup: "x",
            out: join(root, "never.md"),
            summary: "",
            llm: "",
            cassette: "",
            quiet: true,
          },
          NO_HRE,
        ),
      );
      expect(evaluate.result.success).to.equal(false);
      expect(evaluate.err).to.equal(
        "evaluate: 2 problems\n" +
          '--seeds: expected a whole number of seeds from 1 to 64 (5 gives useful intervals), got "1e9"\n' +
          '--warmup: expected a whole number of warm-up blocks from 0 to 10000000, got "x"',
      );
      expect(existsSync(join(root, "never.md"))).to.equal(false);

      const experiment = await captured(() =>
        experimentTask(
          {
            force: false,
            file: "experiments/classic-grid.yaml",
            engine: "chian",
            workers: "999",
            out: join(root, "never"),
            resume: false,
            quiet: true,
          },
          NO_HRE,
        ),
      );
      expect(experiment.result.success).to.equal(false);
      expect(experiment.err).to.include('--engine: expected one of "chain", "model", "screen", got "chian"');
      expect(experiment.err).to.include('--workers: expected a number of worker threads from 1 to 256, got "999"');
      expect(existsSync(join(root, "never"))).to.equal(false);

      const gas = await captured(() => gasProfileTask({ run: root, by: "all", limit: "1e99" }, NO_HRE));
      expect(gas.err).to.equal(
        'gas-profile: --limit: expected a number of rows per table from 0 to 1000000 (0 for all), got "1e99"',
      );
    });

    it("refuses startTime 0, where the chain's genesis block would be at −1 s, and accepts 1", () => {
      for (const startTime of [0, "1970-01-01T00:00:00Z"]) {
        const [issue] = scenarioIssues({ ...SMALL_SCENARIO, startTime });
        expect(issue).to.deep.equal({
          path: "startTime",
          expected:
            "a start time of at least 1 (1970-01-01T00:00:01Z): the in-process chain's genesis block is one second before startTime",
          got: JSON.stringify(startTime),
          fix: "use 1 or later, or leave startTime out for 2026-01-01T00:00:00Z",
        });
      }
      expect(parseScenario({ ...SMALL_SCENARIO, startTime: 1 }, "s.yaml").startTime).to.equal(1);
      expect(parseScenario({ ...SMALL_SCENARIO, startTime: "1970-01-01T00:00:01Z" }, "s.yaml").startTime).to.equal(1);
    });
  });

  describe("did you mean", function () {
    const TOP = [
      "name",
      "seed",
      "blocks",
      "agents",
      "description",
      "genesis",
      "mode",
      "blockSeconds",
      "policy",
      "startTime",
      "gas",
      "output",
      "governance",
    ];

    it("suggests the nearest whole name, not a shorter one it begins with", () => {
      const cases: [string, string | undefined][] = [
        ["blockSecond", "blockSeconds"],
        ["blocksecond", "blockSeconds"],
        ["blockSecs", "blockSeconds"],
        ["BlockSeconds", "blockSeconds"],
        ["blocksSeconds", "blockSeconds"],
        ["block", "blocks"],
        ["Blocks", "blocks"],
        ["seeds", "seed"],
        ["agent", "agents"],
        ["startTme", "startTime"],
        ["start", "startTime"],
        ["governence", "governance"],
        ["outputs", "output"],
        ["colour", undefined],
      ];
      for (const [given, expected] of cases) expect(closest(given, TOP), given).to.equal(expected);
      expect(closest("priorityFee", ["priorityFeeGwei", "ethPriceQuote"])).to.equal("priorityFeeGwei");
      const [issue] = scenarioIssues({ ...SMALL_SCENARIO, blockSecond: 6 });
      expect(issue).to.deep.include({ path: "blockSecond", fix: "did you mean blockSeconds?" });
    });
  });

  describe("a key written twice in a JSON file", function () {
    it("is refused in genesis, scenario and deployment files with its path and lines, as YAML refuses it", async () => {
      // Only the keys are judged first: a file with a key twice gets that problem alone, whatever else it holds.
      const genesisFile = join(root, "twice.json");
      writeFileSync(
        genesisFile,
        '{\n  "fees": { "buyBps": 100, "sellBps": 100, "buyBps": 5 },\n  "reserve": "24500",\n  "reserve": "1"\n}\n',
      );
      let genesisError: unknown;
      await loadGenesis(genesisFile).catch((error) => (genesisError = error));
      expect(genesisError).to.be.instanceOf(GenesisError);
      const twice = {
        expected: "each key once in an object (JSON would keep only the last)",
        fix: "remove one of them",
      };
      expect((genesisError as GenesisError).issues).to.deep.equal([
        {
          path: "fees.buyBps",
          got: 'a second "buyBps" at line 2, column 44 (the first is at line 2, column 13)',
          ...twice,
        },
        { path: "reserve", got: 'a second "reserve" at line 4, column 3 (the first is at line 3, column 3)', ...twice },
      ]);
      // The same file without the second keys is read on (and refused for what it lacks, not for its keys).
      expect(() => parseGenesis(JSON.parse(readFileSync(genesisFile, "utf8")), genesisFile)).to.throw(
        GenesisError,
        "token: expected a value for this required field",
      );

      // A scenario naming that genesis, and a JSON scenario with a key twice.
      let scenarioError: unknown;
      try {
        parseScenario({ ...SMALL_SCENARIO, genesis: genesisFile }, "s.yaml");
      } catch (error) {
        scenarioError = error;
      }
      expect((scenarioError as Error).message).to.include("reserve: expected each key once in an object");
      const scenarioFile = join(root, "twice-scenario.json");
      writeFileSync(scenarioFile, '{\n  "name": "a",\n  "seed": 1,\n  "blocks": 5,\n  "seed": 2,\n  "agents": []\n}\n');
      let jsonError: unknown;
      await loadScenario(scenarioFile).catch((error) => (jsonError = error));
      expect(jsonError).to.be.instanceOf(ScenarioError);
      expect((jsonError as ScenarioError).message).to.equal(
        `${scenarioFile}: seed: expected each key once in an object (JSON would keep only the last), got a second "seed" at line 5, column 3 (the first is at line 3, column 3); remove one of them`,
      );

      const deployment = join(root, "deployment.json");
      writeFileSync(deployment, '{\n  "chainId": 31337,\n  "chainId": 1\n}\n');
      let deploymentError: unknown;
      await readDeploymentFile(deployment).catch((error) => (deploymentError = error));
      expect(deploymentError).to.be.instanceOf(DeploymentFileError);
      expect((deploymentError as Error).message).to.equal(
        `${deployment}: not a valid deployment file:\n  chainId: a second "chainId" at line 3, column 3 (the first is at line 2, column 3); JSON keeps only the last, so remove one of them`,
      );
    });
  });

  describe("a genesis reserve too low for the curve", function () {
    it("is refused by the reader, before any transaction, with the minimum the contract computes", async () => {
      for (const file of ["genesis/default.json", "genesis/exponential.json", "genesis/sigmoid.json"]) {
        const genesis = await loadGenesis(file);
        const supply = mintedSupply(genesis);
        const required = genesisReserveRequired(genesis.curve, genesis.maxSupply, supply);
        const json = JSON.parse(readFileSync(file, "utf8"));

        json.reserve = formatDecimal(required - 1n, QUOTE_DECIMALS);
        let refused: unknown;
        try {
          parseGenesis(json, file);
        } catch (error) {
          refused = error;
        }
        expect(refused, file).to.be.instanceOf(GenesisError);
        expect((refused as GenesisError).issues).to.deep.equal([
          {
            path: "reserve",
            expected: `at least ${formatDecimal(required, QUOTE_DECIMALS)} quote: the curve's cost of the ${formatDecimal(supply, 18)} tokens the genesis mints (allocations, vesting and the pool seed), rounded up, as BondingCurveMarket.genesis requires`,
            got: JSON.stringify(json.reserve),
            fix: `raise "reserve" to "${formatDecimal(required, QUOTE_DECIMALS)}", or mint fewer tokens at genesis`,
          },
        ]);
        json.reserve = formatDecimal(required, QUOTE_DECIMALS);
        expect(parseGenesis(json, file).reserve).to.equal(required);

        // The contract's check agrees to the unit: one below the minimum reverts with exactly that minimum.
        const local = await network.create();
        try {
          await deploySystem(local.ethers, { ...genesis, reserve: required - 1n }, { networkName: local.networkName });
          expect.fail("deployed below the minimum reserve");
        } catch (error) {
          expect(error, file).to.be.instanceOf(DeployError);
          expect((error as DeployError).revert?.name).to.equal("GenesisReserveTooLow");
          expect((error as DeployError).revert?.args.requiredQuote, file).to.equal(required);
        } finally {
          await local.close();
        }
      }
    });
  });

  describe("an evaluation over one seed", function () {
    it("says there is no interval instead of ± 0", async () => {
      expect(formatInterval(meanInterval([1.5]), 3)).to.equal("1.50 ± n/a (1 seed)");
      expect(formatInterval(meanInterval([1, 2, 3]), 3)).to.match(/^2\.00 ± 2\.5$/);
      const out = join(root, "one-seed.md");
      const { code, stdout, stderr } = await hardhat([
        "evaluate",
        "--change",
        "market.buyFeeBps=150",
        "--seeds",
        "1",
        "--blocks",
        "5",
        "--out",
        out,
        "--quiet",
      ]);
      expect(code, stderr).to.equal(0);
      expect(stdout).to.match(/treasury revenue\s+\S+ ± n\/a \(1 seed\) /);
      expect(stdout).to.not.match(/± 0\.0/);
      expect(stdout).to.include("(one seed: these are single differences with no 95% interval");
      const report = readFileSync(out, "utf8");
      expect(report).to.include("**Note: one seed.**");
      expect(report).to.include("[n/a (1 seed)] | n/a (1 seed) |");
      expect(report).to.not.include("no effect beyond noise");
    });
  });

  describe("bin/arena with a script that does not exist", function () {
    it("names it, suggests the nearest script and lists them all", async () => {
      const { code, stdout, stderr } = await run("bin/arena", ["batle"]);
      expect(code).to.equal(1);
      expect(stdout).to.equal("");
      expect(stderr).to.include('arena: no script "batle"; did you mean "battle"?\nscripts: build, test, deploy,');
      expect(stderr).to.include("experiment");
    });
  });

  describe("failed experiment runs", function () {
    // One agent that buys its 100,000 starting tokens from the curve with just enough quote at a 1% fee:
    // at 3% it cannot pay, and the set-up of every run of that case fails.
    const scenario = (quote: string) => `name: poor
genesis: genesis/classic.json
seed: 1
blocks: 10
agents:
  - id: buyer
    funds: { quote: "${quote}", tokens: "100000" }
    behaviours:
      - { kind: threshold, venue: pool, buyBelow: "0.0125", sellAbove: "0.014", amount: "100" }
`;
    const experimentFile = (scenarioPath: string) => `name: poor
scenario: ${scenarioPath}
engine: model
seeds: 2
grid:
  market.buyFeeBps: [100, 300]
objectives:
  - { metric: agents.buyer.returnBps, goal: maximise }
`;

    it("are reported at the end, fail the command and are run again by --resume", async () => {
      const scenarioPath = join(root, "poor.yaml");
      writeFileSync(scenarioPath, scenario("1250"));
      const file = join(root, "poor-experiment.yaml");
      writeFileSync(file, experimentFile(scenarioPath));
      const out = join(root, "poor-out");
      const first = await hardhat(["experiment", "--file", file, "--out", out, "--quiet"]);
      expect(first.code).to.equal(1);
      expect(first.stdout).to.include("4 runs in");
      expect(first.stdout).to.include("· 2 failed");
      expect(first.stderr).to.include(
        'experiment: 2 of 4 runs failed: market.buyFeeBps=300 seed 1 (model), market.buyFeeBps=300 seed 2 (model); the first error: set-up failed (starting tokens) for agent "buyer": BondingCurveMarket.buyExactTokens reverted with ERC20InsufficientBalance(',
      );
      expect(first.stderr).to.include(
        `every error is in ${out}/errors.log; run it again with --resume to retry the failed runs`,
      );
      const rows = () => readFileSync(join(out, "runs.csv"), "utf8").trim().split("\n").slice(1);
      expect(rows().filter((row) => row.includes(",ok,"))).to.have.length(2);

      // --resume runs the two failed runs again (they fail again: the funds are still short), and keeps every row.
      const again = await hardhat(["experiment", "--file", file, "--out", out, "--quiet", "--resume"]);
      expect(again.code).to.equal(1);
      expect(again.stdout).to.include("2 runs in");
      expect(again.stdout).to.include("(2 already recorded) (2 failed before, run again)");
      expect(rows()).to.have.length(6);
    });

    it("are replaced by their retry once it succeeds", async () => {
      const scenarioPath = join(root, "funded.yaml");
      writeFileSync(scenarioPath, scenario("1300"));
      const file = join(root, "funded-experiment.yaml");
      writeFileSync(file, experimentFile(scenarioPath));
      const funded = await loadExperiment(file);
      // The same experiment, but the 3% case's agent short of quote: as if its first runs had failed for a passing reason.
      const short: Experiment = {
        ...funded,
        cases: funded.cases.map((c) =>
          c.key !== "market.buyFeeBps=300"
            ? c
            : {
                ...c,
                scenario: {
                  ...c.scenario,
                  agents: c.scenario.agents.map((a) => ({ ...a, funds: { ...a.funds, quote: 1_250_000_000n } })),
                },
              },
        ),
      };
      const out = join(root, "funded-out");
      const first = await runExperiment({ experiment: short, out, quiet: true, workers: 1 });
      expect(first.failures.map((f) => `${f.caseKey} ${f.seed}`)).to.deep.equal([
        "market.buyFeeBps=300 1",
        "market.buyFeeBps=300 2",
      ]);
      const resumed = await runExperiment({ experiment: funded, out, quiet: true, workers: 2, resume: true });
      expect([resumed.ran, resumed.skipped, resumed.retried, resumed.failures.length]).to.deep.equal([2, 2, 2, 0]);
      expect(resumed.records.map((r) => r.status)).to.deep.equal(["ok", "ok", "ok", "ok"]);
      const clean = await runExperiment({ experiment: funded, out: join(root, "funded-clean"), quiet: true });
      const metricsOf = (records: typeof clean.records) =>
        records.map((r) => `${r.caseKey} ${r.seed} ${r.metrics.join(" ")}`).sort();
      expect(metricsOf(resumed.records)).to.deep.equal(metricsOf(clean.records));
      const best = JSON.parse(readFileSync(join(out, "best.json"), "utf8"));
      expect(best.runs.failed).to.equal(0);
      // The failed rows stay in runs.csv, before their retries.
      const statuses = readFileSync(join(out, "runs.csv"), "utf8").trim().split("\n").slice(1);
      expect(statuses.filter((row) => row.includes(",failed,"))).to.have.length(2);
    });
  });

  describe("workers", function () {
    const GIB = 1024 ** 3;

    it("are bounded by the machine's cores and free memory, with the number that fits", () => {
      expect(workerCapacity("chain", { cores: 64, availableBytes: 2 * GIB, totalBytes: 4 * GIB })).to.equal(6);
      expect(workerCapacity("model", { cores: 64, availableBytes: 2 * GIB, totalBytes: 4 * GIB })).to.equal(22);
      expect(workerCapacity("chain", { cores: 2, availableBytes: 64 * GIB, totalBytes: 64 * GIB })).to.equal(2);
      expect(workerCapacity("chain", { cores: 8, availableBytes: 0.1 * GIB, totalBytes: 1 * GIB })).to.equal(1);
      const machine = { cores: 64, availableBytes: 2 * GIB, totalBytes: 4 * GIB };
      expect(workerCount({ engine: "chain", workers: undefined }, machine)).to.equal(6);
      expect(workerCount({ engine: "chain", workers: 6 }, machine)).to.equal(6);
      expect(() => workerCount({ engine: "chain", workers: 999 }, machine)).to.throw(
        WorkerLimitError,
        "999 workers (--workers, or the file's workers) are more than this machine holds: 64 cores, 2.0 GiB of 4.0 GiB memory free, about 300 MiB per chain worker; use --workers 6 or fewer (more would not fit in the free memory)",
      );
    });

    it("are refused before an experiment writes anything", async () => {
      const out = join(root, "too-many");
      let error: unknown;
      await runExperiment({ experiment: "experiments/pool-fee-screen.yaml", workers: 999, out, quiet: true }).catch(
        (caught) => (error = caught),
      );
      expect(error).to.be.instanceOf(WorkerLimitError);
      expect(existsSync(out)).to.equal(false);
    });

    it("on the chain run in processes of their own: two print no EDR warning", async () => {
      const file = join(root, "chain-two.yaml");
      writeFileSync(
        file,
        `scenario: scenarios/classic.yaml
engine: chain
seeds: 1
blocks: 5
grid:
  pool.feeBps: [0, 30]
objectives:
  - { metric: totals.poolFeesQuote, goal: maximise }
`,
      );
      const { code, stdout, stderr } = await hardhat([
        "experiment",
        "--file",
        file,
        "--workers",
        "2",
        "--out",
        join(root, "chain-two"),
        "--quiet",
      ]);
      expect(code, stderr).to.equal(0);
      expect(stdout).to.include("2 runs in");
      // Two EdrContexts in one process printed this from native code, once per extra worker thread.
      expect(stdout + stderr).to.not.include("global tracing subscriber");
      expect(stdout + stderr).to.not.include("EdrContext");
      expect(
        readFileSync(join(root, "chain-two", "runs.csv"), "utf8")
          .trim()
          .split("\n"),
      ).to.have.length(3);
    });
  });

  it("an OptionError lists every problem without a file name", () => {
    expect(
      new OptionError([
        { path: "--a", expected: "x", got: "1" },
        { path: "--b", expected: "y", got: "2", fix: "z" },
      ]).message,
    ).to.equal("2 problems\n--a: expected x, got 1\n--b: expected y, got 2; z");
  });
});
