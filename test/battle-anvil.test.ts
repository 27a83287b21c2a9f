// A battle over HTTP against Anvil (agents/chain/anvil.ts, `bin/arena anvil`), the second node for
// `--network localhost`: the same scenario and seed move the market exactly as on the in-process chain,
// block by block and to the wei. Gas may differ between the two chains; the state may not.

import { mkdtempSync, rmSync } from "node:fs";
import { freePort } from "./helpers/hardhat-node.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { type BattleResult, runBattle } from "../agents/run/battle.ts";
import { readStepsCsv } from "../agents/run/run-csv.ts";
import { STEP_COLUMNS } from "../agents/mechanisms/registry.ts";
import { type StepRow } from "../agents/mechanisms/vocabulary.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { type RunningAnvil, startAnvil } from "../agents/chain/anvil.ts";

/** Everything a step row says about the market and its transactions; block numbers and gas may differ. */
const MARKET_COLUMNS = STEP_COLUMNS.filter((column) => column !== "block" && column !== "gasUsed");

describe("battle on Anvil (--network localhost)", function () {
  this.timeout(300_000);
  let root: string;
  let anvil: RunningAnvil | undefined;

  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-anvil-"));
  });
  after(async () => {
    await anvil?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function battleOnBoth(scenario: Scenario): Promise<{ onAnvil: BattleResult; inProcess: BattleResult }> {
    anvil = await startAnvil({ port: await freePort(), mode: scenario.mode });
    try {
      const onAnvil = await runBattle(hre, {
        scenario,
        out: join(root, `${scenario.name}-anvil`),
        network: "localhost",
        url: anvil.url,
        quiet: true,
        noReport: true,
      });
      const inProcess = await runBattle(hre, {
        scenario,
        out: join(root, `${scenario.name}-in-process`),
        quiet: true,
        noReport: true,
      });
      return { onAnvil, inProcess };
    } finally {
      await anvil.stop();
      anvil = undefined;
    }
  }

  async function expectSameMarket(scenario: Scenario): Promise<StepRow[]> {
    const { onAnvil, inProcess } = await battleOnBoth(scenario);
    expect(onAnvil.summary.network).to.deep.equal({ name: "localhost", chainId: 31337 });
    expect(onAnvil.reconcileProblems).to.deep.equal([]);
    const anvilRows = await readStepsCsv(join(onAnvil.dir, "steps.csv"));
    const inProcessRows = await readStepsCsv(join(inProcess.dir, "steps.csv"));
    expect(anvilRows).to.have.length(scenario.blocks);
    expect(inProcessRows).to.have.length(scenario.blocks);
    const market = (row: StepRow) => Object.fromEntries(MARKET_COLUMNS.map((column) => [column, row[column]]));
    for (let i = 0; i < scenario.blocks; i++)
      expect(market(anvilRows[i]!), `step ${i + 1}`).to.deep.equal(market(inProcessRows[i]!));
    return inProcessRows;
  }

  const total = (rows: StepRow[], column: "curveVolumeQuote" | "poolVolumeQuote" | "reverts") =>
    rows.reduce((sum, row) => sum + row[column], 0n);

  it("moves the market of calm (sequential) exactly as the in-process chain, every block", async () => {
    const rows = await expectSameMarket({ ...(await loadScenario("scenarios/calm.yaml")), blocks: 60 });
    // The run exercised what could differ: trades on both venues and reverted transactions.
    expect(total(rows, "curveVolumeQuote")).to.be.greaterThan(0n);
    expect(total(rows, "poolVolumeQuote")).to.be.greaterThan(0n);
    expect(total(rows, "reverts")).to.be.greaterThan(0n);
  });

  it("orders blocks by priority fee as the in-process chain does (front-running, priority mode)", async () => {
    const scenario = { ...(await loadScenario("scenarios/front-running.yaml")), blocks: 40 };
    expect(scenario.mode).to.equal("priority");
    const rows = await expectSameMarket(scenario);
    expect(total(rows, "curveVolumeQuote")).to.be.greaterThan(0n);
    expect(total(rows, "reverts")).to.be.greaterThan(0n);
  });

  it("refuses an Anvil whose mempool order is not the scenario's, saying how to start one", async () => {
    anvil = await startAnvil({ port: await freePort(), mode: "sequential" });
    let error: unknown;
    try {
      await runBattle(hre, {
        scenario: "scenarios/front-running.yaml",
        blocks: 2,
        out: join(root, "wrong-order"),
        network: "localhost",
        url: anvil.url,
        quiet: true,
      });
    } catch (e) {
      error = e;
    } finally {
      await anvil.stop();
      anvil = undefined;
    }
    expect((error as Error).name).to.equal("BattleError");
    expect((error as Error).message)
      .to.include("orders its mempool by fifo, where a priority battle needs --order fees")
      .and.include("bin/arena anvil --mode priority");
  });
});
