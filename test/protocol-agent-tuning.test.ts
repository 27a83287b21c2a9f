// The protocol-owned agent tunes every parameter its objective depends on, the pool's fee included:
// the keys it takes when a scenario lists none, the combined move of several keys (one trip through
// the Governor instead of one per key), and a short battle in which it proposes and executes a change
// of pool.feeBps that the pool then charges.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { combinedCandidate, draftCandidates } from "../agents/governance/battle/candidates.ts";
import type { GovernanceRecord } from "../agents/governance/battle/record-file.ts";
import type { StoredParameter } from "../agents/governance/protocol/changes.ts";
import { objectiveParameters } from "../agents/inputs/objective-parameters.ts";
import { loadScenario, parseScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { runBattle } from "../agents/run/battle.ts";

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
