import { expect } from "chai";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { gasProfileJson } from "../agents/gas/profile-file.ts";
import { buildGasProfile } from "../agents/gas/profile.ts";
import type { GasRecord } from "../agents/core/records.ts";
import gasCompareTask from "../scripts/gas-compare.ts";
import gasProfileTask from "../scripts/gas-profile.ts";
import { captured } from "./helpers/captured.ts";

// The actions never touch the runtime environment: they only read run folders.
const hre = {} as HardhatRuntimeEnvironment;

function record(agent: string, fn: string, gasUsed: number): GasRecord {
  return {
    step: 1,
    agent,
    behaviour: "noise",
    policy: "baseline",
    contract: "BondingCurveMarket",
    fn,
    gasUsed,
    status: "success",
  };
}

describe("gas-profile and gas-compare tasks", function () {
  let dir: string;
  let base: string;
  let tuned: string;
  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "arena-gas-tasks-"));
    base = join(dir, "base");
    tuned = join(dir, "tuned");
    await mkdir(base);
    await mkdir(tuned);
    await writeFile(
      join(base, "gas.json"),
      gasProfileJson(buildGasProfile([record("a-1", "buyExactTokens", 100_000), record("a-2", "sell", 80_000)])),
    );
    await writeFile(
      join(tuned, "gas.json"),
      gasProfileJson(buildGasProfile([record("a-1", "buyExactTokens", 90_000), record("a-2", "sell", 80_000)])),
    );
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("gas-profile prints one table per grouping asked for", async function () {
    const { result, out } = await captured(() => gasProfileTask({ run: base, by: "all", limit: 0 }, hre));
    expect(result.success).to.equal(true);
    for (const by of ["function", "agent", "behaviour", "policy"]) expect(out).to.contain(`Gas by ${by}: `);
    expect(out).to.match(/BondingCurveMarket\.buyExactTokens\s+1\s+0\s+100,000/);

    const agentOnly = await captured(() => gasProfileTask({ run: base, by: "agent", limit: 1 }, hre));
    expect(agentOnly.out).to.not.contain("Gas by function");
    expect(agentOnly.out).to.contain("… 1 more");
  });

  it("gas-profile refuses a bad grouping or a folder without gas.json, with the reason", async function () {
    const badBy = await captured(() => gasProfileTask({ run: base, by: "contract", limit: 0 }, hre));
    expect(badBy.result.success).to.equal(false);
    expect(badBy.err).to.contain('--by "contract" is not a grouping: use function, agent, behaviour, policy or all');
    const noRun = await captured(() => gasProfileTask({ run: dir, by: "all", limit: 0 }, hre));
    expect(noRun.result.success).to.equal(false);
    expect(noRun.err).to.match(/no gas profile at .*gas\.json/);
    const missing = await captured(() => gasProfileTask({ by: "all", limit: 0 }, hre));
    expect(missing.err).to.contain("--run is required");
  });

  it("gas-compare prints the change and writes it as markdown with --out", async function () {
    const out = join(dir, "gas.md");
    const { result, out: printed } = await captured(() =>
      gasCompareTask({ a: base, b: tuned, by: "function", limit: 0, out }, hre),
    );
    expect(result.success).to.equal(true);
    expect(printed).to.match(/BondingCurveMarket\.buyExactTokens\s+1\s+1\s+100,000\s+90,000\s+-10,000\s+-10\.0%/);
    const markdown = await readFile(out, "utf8");
    expect(markdown).to.contain(`## Gas: ${base} → ${tuned}`);
    expect(markdown).to.contain(
      "| BondingCurveMarket.buyExactTokens | 1 | 1 | 100,000 | 90,000 | -10,000 | -10.0% | 100,000 | 90,000 | -10,000 | -10.0% |",
    );
    expect(markdown).to.contain(
      "| BondingCurveMarket.sell | 1 | 1 | 80,000 | 80,000 | 0 | 0.0% | 80,000 | 80,000 | 0 | 0.0% |",
    );

    const missing = await captured(() => gasCompareTask({ a: base, by: "function", limit: 0 }, hre));
    expect(missing.result.success).to.equal(false);
    expect(missing.err).to.contain("--a and --b are both required");
  });
});
