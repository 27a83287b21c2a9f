// The protocol-owned agent tunes every parameter its objective depends on, the pool's fee included:
// the keys it takes when a scenario lists none, the combined move of several keys (one trip through
// the Governor instead of one per key), and a short battle in which it proposes and executes a change
// of pool.feeBps that the pool then charges.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { judge } from "../agents/governance/battle/objective.ts";
import { combinedCandidate, draftCandidates } from "../agents/governance/battle/candidates.ts";
import type { Evaluation } from "../agents/governance/evaluation/evaluate.ts";
import { evaluationFromArms, evaluationWithHistory } from "../agents/governance/evaluation/evaluation.ts";
import { windowMetrics } from "../agents/governance/evaluation/window-metrics.ts";
import type { StepRow } from "../agents/mechanisms/vocabulary.ts";
import type { GovernanceRecord } from "../agents/governance/battle/record-file.ts";
import type { StoredParameter } from "../agents/governance/protocol/changes.ts";
import { objectiveParameters } from "../agents/inputs/objective-parameters.ts";
import { loadScenario, parseScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { runBattle } from "../agents/run/battle.ts";
import { expectClose } from "./helpers/close.ts";

const DAY = 86_400n;
const STORE_KEYS = [
  "curve.slope",
  "curve.basePrice",
  "market.buyFeeBps",
  "market.sellFeeBps",
  "market.treasuryShareBps",
  "pool.feeBps",
];

function parameter(key: string, value: bigint): StoredParameter {
  return { key, value, min: 5n, max: 1000n, maxStepBps: 10_000, minIntervalSeconds: 86_400, updatedAt: 1_000n };
}

describe("the protocol agent's keys and combined moves", function () {
  it("takes every store key its objective's metric depends on, the pool's fee included, when a scenario lists none", async () => {
    expect(objectiveParameters("curveVolatilityBps", STORE_KEYS)).to.deep.equal([
      "curve.slope",
      "curve.basePrice",
      "market.buyFeeBps",
      "market.sellFeeBps",
      "pool.feeBps",
    ]);
    expect(objectiveParameters("treasuryRevenueQuote", STORE_KEYS)).to.include("market.treasuryShareBps");
    expect(objectiveParameters("minSolvencyRatio", STORE_KEYS)).to.not.include("pool.feeBps");

    const document = {
      name: "s",
      seed: 1,
      blocks: 20,
      agents: [
        {
          id: "a",
          funds: { quote: "100" },
          behaviours: [{ kind: "noise", venues: ["pool"], ratePerStep: 1, minQuote: "1", maxQuote: "2" }],
        },
      ],
      governance: { protocolAgent: { id: "poa", objective: { minimise: "poolVolatilityBps" } } },
    };
    const read = parseScenario(document, "s.yaml").governance!.protocolAgent!;
    expect(read.parameters).to.include("pool.feeBps");
    expect(read.parameters).to.deep.equal(objectiveParameters("poolVolatilityBps", STORE_KEYS));
    expect(read.combine).to.equal(undefined);
    expect(read.judgeWithWindow).to.equal(undefined);
    const tuned = parseScenario(
      {
        ...document,
        governance: {
          protocolAgent: {
            ...document.governance.protocolAgent,
            combine: true,
            judgeWithWindow: true,
          },
        },
      },
      "s.yaml",
    ).governance!.protocolAgent!;
    expect(tuned).to.deep.include({ combine: true, judgeWithWindow: true });
  });

  it("combines the best winning move of each key into one change, within the store's rules", () => {
    const store = new Map(
      ["market.buyFeeBps", "market.sellFeeBps", "pool.feeBps"].map((k) => [
        k,
        parameter(k, k === "pool.feeBps" ? 30n : 100n),
      ]),
    );
    const executeAt = 1_000n + DAY;
    const { candidates } = draftCandidates(store, [...store.keys()], [0.5, 1], executeAt);
    const improvement = new Map([
      ["market.buyFeeBps 100 → 200", 0.4],
      ["market.buyFeeBps 100 → 150", 0.6], // the best of its key
      ["pool.feeBps 30 → 60", 0.3],
      ["market.sellFeeBps 100 → 50", 0.9], // not a winner: its interval includes zero
    ]);
    const scored = candidates.map((candidate) => ({
      candidate,
      winner: improvement.has(candidate.description) && !candidate.description.startsWith("market.sellFeeBps"),
      improvement: improvement.get(candidate.description) ?? 0,
    }));
    const combined = combinedCandidate(store, scored, executeAt);
    expect(combined).to.deep.equal({
      changes: [
        { key: "market.buyFeeBps", value: 150n },
        { key: "pool.feeBps", value: 60n },
      ],
      description: "market.buyFeeBps 100 → 150, pool.feeBps 30 → 60",
    });
    // One winning key alone has nothing to combine; a key with a proposal pending is not combined.
    expect(
      combinedCandidate(
        store,
        scored.filter((s) => !s.candidate.description.startsWith("pool")),
        executeAt,
      ),
    ).to.equal(undefined);
    const pending = [{ name: "poa-1", keys: ["pool.feeBps"], unpause: false, standing: "Active" }];
    expect(combinedCandidate(store, scored, executeAt, pending)).to.equal(undefined);
  });
});

const WAD = 10n ** 18n;
const row = (step: number, priceWad: bigint) =>
  ({
    step: BigInt(step),
    block: 0n,
    time: 0n,
    curvePriceWad: priceWad,
    poolPriceWad: priceWad,
    gapBps: 0n,
    supply: 0n,
    reserve: 0n,
    treasuryQuote: 0n,
    solvencyWad: WAD,
    curveVolumeQuote: 0n,
    poolVolumeQuote: 0n,
    curveFeesQuote: 0n,
    poolFeesQuote: 0n,
    txs: 0n,
    reverts: 0n,
    gasUsed: 0n,
  }) as StepRow;
/** Prices from `from` moving by `stepBps` bps a block. */
const path = (first: number, count: number, fromWad: bigint, stepBps: bigint) =>
  Array.from({ length: count }, (_, i) =>
    row(first + i, (fromWad * (10_000n + stepBps) ** BigInt(i)) / 10_000n ** BigInt(i)),
  );

describe("judging a change over the monitor window and the horizon (judgeWithWindow)", () => {
  it("counts a change that keeps the recent trend, which the horizon alone cannot tell from one that stops it", () => {
    // The market rose 1% a block for 20 blocks. Without the change the rise stops; with it, it goes on.
    const history = path(1, 20, WAD, 100n);
    const top = history.at(-1)!.curvePriceWad;
    const seeds = [0n, 1n, 2n];
    const arms = seeds.map((k) => ({
      with: path(21, 10, top + k, 100n),
      without: path(21, 10, top + k, 0n),
    }));
    const pnl = new Map<string, bigint>();
    const source = {
      blocks: 10,
      applyAt: 0n,
      runs: {
        with: arms.map((a) => ({ steps: a.with, agents: [] })),
        without: arms.map((a) => ({ steps: a.without, agents: [] })),
      },
    } as unknown as Evaluation;
    const horizonOnly = {
      ...evaluationFromArms(
        arms.map((a) => ({ with: { steps: a.with, pnlQuote: pnl }, without: { steps: a.without, pnlQuote: pnl } })),
        10,
        0n,
      ),
      source,
    };
    const objective = { direction: "minimise" as const, metric: "curveVolatilityBps" as const, constraints: [] };
    // Over the horizon alone a steady rise and a flat price both have no volatility: nothing to choose.
    expectClose(horizonOnly.metrics.curveVolatilityBps.difference.mean, 0, 1e-6);
    // Over the window and the horizon, stopping the rise is a break from the past; keeping it is not.
    const withWindow = evaluationWithHistory(horizonOnly, history);
    expectClose(
      withWindow.metrics.curveVolatilityBps.with.mean,
      windowMetrics([...history, ...arms[0]!.with]).curveVolatilityBps,
      1e-9,
    );
    const j = judge(objective, withWindow);
    expect(j.significant).to.equal(true);
    expect(j.improvement.mean).to.be.greaterThan(10);
    expect(evaluationWithHistory(horizonOnly, [])).to.equal(horizonOnly);
  });
});

describe("the protocol agent tunes the pool's fee in a battle", function () {
  this.timeout(300_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-poa-pool-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("proposes a pool.feeBps change, executes it through the Governor and Timelock, and the pool charges it", async () => {
    const base = await loadScenario("scenarios/regime-change.yaml");
    const scenario: Scenario = {
      ...base,
      blocks: 20,
      governance: {
        ...base.governance!,
        protocolAgent: {
          ...base.governance!.protocolAgent!,
          // A narrower arbitrage band: the arbitrageur trades more on the curve as the pool's fee falls.
          objective: { direction: "maximise", metric: "curveVolumeQuote", constraints: [] },
          parameters: ["pool.feeBps"],
          everySteps: 1000,
          evaluation: { seeds: 4, blocks: 10 },
        },
      },
    };
    const dir = join(root, "pool-fee");
    let poolFeeBps: number | undefined;
    await runBattle(hre, {
      scenario,
      out: dir,
      quiet: true,
      noReport: true,
      onStep: async (step, world) => {
        if (step === scenario.blocks) poolFeeBps = world.poolState().feeBps;
      },
    });
    const gov = JSON.parse(readFileSync(join(dir, "governance.json"), "utf8")) as GovernanceRecord;
    const decision = gov.trail.find((e) => e.kind === "decision")!;
    expect(decision.choice).to.equal("pool.feeBps 30 → 5");
    expect(gov.proposals[0]).to.deep.include({ by: "poa", state: "Executed" });
    expect(gov.parameters["pool.feeBps"]).to.deep.include({ initial: "30", final: "5" });
    expect(poolFeeBps).to.equal(5);
  });
});
