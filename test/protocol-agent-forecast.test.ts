// The protocol agent's forecast over the whole run (judgeOverRun, agents/governance/evaluation/model-fork.ts):
// the fast model forked from a chain battle between two steps. On a run with no randomness and no
// behaviour state (the classic daily model) the status quo's forecast is the rest of the battle itself,
// to the wei, and its whole-run metric the battle's; a change takes effect in the block it would
// execute in and moves nothing before it. And the scenario reader's judgeOverRun field.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import type { SetupResult } from "../agents/deploy/agents.ts";
import { STEP_COLUMNS } from "../agents/mechanisms/registry.ts";
import type { StepRow } from "../agents/mechanisms/vocabulary.ts";
import { type Forecast, RunForecast } from "../agents/governance/evaluation/model-fork.ts";
import type { ArmPair } from "../agents/governance/evaluation/evaluation.ts";
import { windowMetrics } from "../agents/governance/evaluation/window-metrics.ts";
import { loadScenario, parseScenario } from "../agents/inputs/scenario.ts";
import { runBattle } from "../agents/run/battle.ts";
import { readStepsCsv } from "../agents/run/run-csv.ts";

const MARKET_COLUMNS = STEP_COLUMNS.filter((c) => c !== "gasUsed");
const FORK_AFTER = 100;
const CHANGE_AT = 5; // the fork's fifth step: the battle's step 105

describe("the protocol agent's forecast over the whole run", function () {
  this.timeout(300_000);
  let root: string;
  let battle: StepRow[];
  let pairs: ArmPair[];
  let forecast: Forecast;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "arena-forecast-"));
    const scenario = await loadScenario("scenarios/classic-daily.yaml");
    // The battle as it runs without forecasts; the same battle again, forecast after step FORK_AFTER.
    await runBattle(hre, { scenario, out: join(root, "battle"), quiet: true, noReport: true });
    battle = await readStepsCsv(join(root, "battle", "steps.csv"));
    let setup: SetupResult | undefined;
    await runBattle(hre, {
      scenario,
      out: join(root, "forecast"),
      quiet: true,
      noReport: true,
      onSetup: (s) => {
        setup = s;
      },
      onStep: async (step, world) => {
        if (step !== FORK_AFTER) return;
        const run = new RunForecast(
          { world, wallets: setup!.wallets, scenario, stepZeroTimestamp: setup!.lastTimestamp },
          {
            applyAt: world.backend.latestTimestamp + BigInt(CHANGE_AT * scenario.blockSeconds),
            seeds: [7n, 8n],
            history: battle.slice(0, FORK_AFTER),
          },
        );
        const change = [{ key: "pool.feeBps", value: 100n }];
        pairs = await run.pairs(change);
        forecast = await run.of(change);
      },
    });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("forks after the battle's steps so far and runs to the run's last block", () => {
    expect(battle).to.have.length(365);
    for (const pair of pairs) {
      expect(pair.without.steps).to.have.length(365);
      expect(pair.with.steps).to.have.length(365);
      // The battle's steps so far, then its own, numbered as the battle's.
      expect(pair.without.steps.map((r) => r.step)).to.deep.equal(battle.map((r) => r.step));
      expect(pair.with.steps.map((r) => r.time)).to.deep.equal(battle.map((r) => r.time));
    }
  });

  it("without a change, forecasts the rest of a deterministic battle to the wei, and the whole run's metric", () => {
    const mismatches: string[] = [];
    for (const [p, pair] of pairs.entries())
      for (let i = FORK_AFTER; i < 365; i++)
        for (const column of MARKET_COLUMNS)
          if (pair.without.steps[i]![column] !== battle[i]![column])
            mismatches.push(
              `arm ${p} step ${i + 1} ${column}: forecast ${pair.without.steps[i]![column]}, battle ${battle[i]![column]}`,
            );
    expect(mismatches.slice(0, 10)).to.deep.equal([]);
    expect(forecast.metrics.poolVolatilityBps.without.mean).to.equal(windowMetrics(battle).poolVolatilityBps);
  });

  it("applies the change in the block it executes in: the same steps before it, the fee from it on", () => {
    const changed = FORK_AFTER + CHANGE_AT - 1; // index of the battle's step 105
    for (const pair of pairs) {
      const price = (rows: readonly StepRow[]) => rows.map((r) => r.poolPriceWad);
      expect(price(pair.with.steps.slice(0, changed))).to.deep.equal(price(pair.without.steps.slice(0, changed)));
      expect(price(pair.with.steps.slice(changed))).to.not.deep.equal(price(pair.without.steps.slice(changed)));
      // A 1% fee on a fee-less pool: the same trades earn the pool fees from that block on.
      expect(pair.without.steps.slice(changed).every((r) => r.poolFeesQuote === 0n)).to.equal(true);
      expect(pair.with.steps.slice(changed).some((r) => r.poolFeesQuote > 0n)).to.equal(true);
    }
    expect(forecast.metrics.poolVolatilityBps.difference.n).to.equal(2);
    expect(forecast.metrics.poolVolatilityBps.difference.mean).to.not.equal(0);
  });

  it("reads judgeOverRun, and refuses a value that is not true or false", () => {
    const document = (judgeOverRun: unknown) => ({
      name: "s",
      seed: 1,
      blocks: 20,
      agents: [
        {
          id: "a",
          funds: { quote: "100" },
          behaviours: [{ kind: "noise", ratePerStep: 1, minQuote: "1", maxQuote: "2", venues: ["curve"] }],
        },
      ],
      governance: {
        protocolAgent: {
          id: "poa",
          objective: { minimise: "curveVolatilityBps" },
          parameters: ["pool.feeBps"],
          judgeOverRun,
        },
      },
    });
    expect(parseScenario(document(true), "s.yaml").governance!.protocolAgent!.judgeOverRun).to.equal(true);
    expect(parseScenario(document(false), "s.yaml").governance!.protocolAgent!.judgeOverRun).to.equal(undefined);
    expect(() => parseScenario(document("yes"), "s.yaml")).to.throw(
      /governance\.protocolAgent\.judgeOverRun[\s\S]*true or false/,
    );
  });
});
