// The protocol agent's remaining-horizon rule (`minRemainingSteps`, agents/governance/battle/horizon.ts):
// how many steps a change would be in effect for, the scenario key, and two short battles either side
// of the boundary — one step short of the rule, it proposes nothing and says why; exactly at it, it
// proposes, executes, and records the change's effect over the whole run beside its whole-run forecast.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { executionStep, stepsInEffect } from "../agents/governance/battle/horizon.ts";
import type { GovernanceRecord } from "../agents/governance/battle/record-file.ts";
import { windowMetrics } from "../agents/governance/evaluation/window-metrics.ts";
import { loadScenario, parseScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { runBattle } from "../agents/run/battle.ts";
import { readStepsCsv } from "../agents/run/run-csv.ts";

const T = 1_000_000n;

describe("the protocol agent's remaining-horizon rule", function () {
  this.timeout(600_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-poa-horizon-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("counts the steps a change is in effect for: from the step it executes in to the run's last, both counted", () => {
    const at = (step: number, executeAt: bigint, blocks: number) => ({
      step,
      timestamp: T,
      executeAt,
      blockSeconds: 1800,
      blocks,
    });
    // Ten blocks ahead: it executes in step 11's block, and steps 11 … 20 run with it.
    expect(executionStep(at(1, T + 18_000n, 20))).to.equal(11);
    expect(stepsInEffect(at(1, T + 18_000n, 20))).to.equal(10);
    // A second past a block boundary lands in the next block.
    expect(executionStep(at(1, T + 18_001n, 20))).to.equal(12);
    expect(stepsInEffect(at(1, T + 18_001n, 20))).to.equal(9);
    // Executing in the last step counts that step; after the run, nothing.
    expect(stepsInEffect(at(10, T + 18_000n, 20))).to.equal(1);
    expect(stepsInEffect(at(11, T + 18_000n, 20))).to.equal(0);
    expect(stepsInEffect(at(15, T + 18_000n, 20))).to.equal(0);
  });

  it("reads minRemainingSteps, and refuses one that is not a whole number ≥ 1 or exceeds the run", () => {
    const document = (minRemainingSteps: unknown) => ({
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
          ...(minRemainingSteps === undefined ? {} : { minRemainingSteps }),
        },
      },
    });
    expect(parseScenario(document(16), "s.yaml").governance!.protocolAgent!.minRemainingSteps).to.equal(16);
    expect(parseScenario(document(undefined), "s.yaml").governance!.protocolAgent!).to.not.have.property(
      "minRemainingSteps",
    );
    expect(() => parseScenario(document(0), "s.yaml")).to.throw(/governance\.protocolAgent\.minRemainingSteps/);
    expect(() => parseScenario(document(2.5), "s.yaml")).to.throw(/governance\.protocolAgent\.minRemainingSteps/);
    expect(() => parseScenario(document(21), "s.yaml")).to.throw(
      /governance\.protocolAgent\.minRemainingSteps[\s\S]*at most the run's blocks \(20\)[\s\S]*lower minRemainingSteps/,
    );
  });

  /** 20 blocks of regime-change with the agent tuning the pool's fee for curve volume: at step 1 it moves it 30 → 5 (test/protocol-agent-tuning.test.ts), executed in step 11, in effect for 10 steps. */
  async function battle(minRemainingSteps: number) {
    const base = await loadScenario("scenarios/regime-change.yaml");
    const scenario: Scenario = {
      ...base,
      blocks: 20,
      governance: {
        ...base.governance!,
        protocolAgent: {
          ...base.governance!.protocolAgent!,
          objective: { direction: "maximise", metric: "curveVolumeQuote", constraints: [] },
          parameters: ["pool.feeBps"],
          everySteps: 1000,
          evaluation: { seeds: 4, blocks: 10 },
          minRemainingSteps,
        },
      },
    };
    const dir = join(root, `min-${minRemainingSteps}`);
    await runBattle(hre, { scenario, out: dir, quiet: true, noReport: true });
    const gov = JSON.parse(readFileSync(join(dir, "governance.json"), "utf8")) as GovernanceRecord;
    return { gov, steps: await readStepsCsv(join(dir, "steps.csv")) };
  }

  it("proposes nothing when the change would be in effect for fewer steps than the rule asks, and says why", async () => {
    const { gov } = await battle(11);
    const decisions = gov.trail.filter((e) => e.kind === "decision");
    expect(decisions).to.have.length(1);
    expect(decisions[0]).to.deep.include({
      step: 1,
      choice: null,
      horizon: { executionStep: 11, stepsInEffect: 10, minRemainingSteps: 11 },
    });
    expect(String(decisions[0]!.reason)).to.include("fewer than minRemainingSteps (11)");
    expect(gov.proposals).to.have.length(0);
    expect(gov.parameters["pool.feeBps"]).to.deep.include({ initial: "30", final: "30" });
  });

  it("proposes when the change has exactly the steps the rule asks, and records its whole-run effect beside the forecast", async () => {
    const { gov, steps } = await battle(10);
    expect(gov.trail.find((e) => e.kind === "decision")!.choice).to.equal("pool.feeBps 30 → 5");
    expect(gov.proposals[0]).to.deep.include({ by: "poa", state: "Executed" });
    const effects = gov.trail.filter((e) => e.kind === "run-effect");
    expect(effects).to.have.length(1);
    const effect = effects[0]!;
    expect(effect).to.deep.include({ step: 20, metric: "curveVolumeQuote", executedStep: 11, laterChanges: 0 });
    // The actual is the whole recorded run, measured as the forecast measures its arms (governance.json
    // keeps 10 significant digits of a float: agents/core/stable-json.ts).
    const close = (x: number) => [x, Math.abs(x) * 1e-9] as const;
    const actual = effect.actual as number;
    expect(Math.abs(actual - windowMetrics(steps).curveVolumeQuote)).to.be.at.most(close(actual)[1]);
    const predicted = effect.predictedWith as { mean: number; n: number };
    expect(predicted.n).to.equal(4);
    const gap = actual - predicted.mean;
    expect(Math.abs((effect.actualMinusPredicted as number) - gap)).to.be.at.most(close(gap)[1]);
    // Its forecast said the lower fee raises curve volume over the run.
    expect((effect.predictedChange as { low: number }).low).to.be.greaterThan(0);
  });
});
