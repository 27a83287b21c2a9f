// The chain engine: a run stepped from the snapshot taken after set-up gives the same summary as the
// same battle run fresh, for the first run and for a run after a revert, and launch values from the
// grid reach the deployed store.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { ChainEngine } from "../agents/experiment/chain-engine.ts";
import { runBattle } from "../agents/run/battle.ts";
import { stableJson } from "../agents/core/stable-json.ts";
import type { Summary } from "../agents/run/summary.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";

/** The summary without what depends on where it ran (none of it should differ, but the network name is the chain's). */
const comparable = (summary: Summary) => stableJson({ ...summary, network: null });

describe("experiment chain engine", function () {
  this.timeout(180_000);
  let root: string;
  before(() => (root = mkdtempSync(join(tmpdir(), "arena-experiment-chain-"))));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("runs a seed from the snapshot exactly as the same battle run fresh, before and after a revert", async () => {
    const base = await loadScenario("scenarios/classic.yaml");
    const scenario = { ...base, blocks: 25 };
    const fresh1 = await runBattle(hre, { scenario, seed: 1n, out: join(root, "s1"), quiet: true, noReport: true });
    const fresh2 = await runBattle(hre, { scenario, seed: 2n, out: join(root, "s2"), quiet: true, noReport: true });
    expect(fresh1.summary.totals.txs).to.be.greaterThan(0);

    const engine = new ChainEngine(hre);
    try {
      const job = (seed: bigint) => ({ deploymentKey: "", parameters: [], scenario: { ...scenario, seed } });
      const { summary: a1 } = await engine.run(job(1n));
      const { summary: a2 } = await engine.run(job(2n));
      const { summary: again } = await engine.run(job(1n));
      // Other behaviour values from the same snapshot: the run's own behaviours, not the set-up's.
      const eager = {
        ...scenario,
        agents: scenario.agents.map((a) =>
          a.id === "buyer" ? { ...a, behaviours: [{ ...a.behaviours[0]!, buyBelowWad: 12_300_000_000_000_000n }] } : a,
        ),
      } as typeof scenario;
      const { summary: variant } = await engine.run({ deploymentKey: "", parameters: [], scenario: eager });
      const freshVariant = await runBattle(hre, { scenario: eager, out: join(root, "v"), quiet: true, noReport: true });
      expect(comparable(variant)).to.equal(comparable(freshVariant.summary));
      expect(comparable(variant)).to.not.equal(comparable(a1));
      expect(engine.deployments).to.equal(1);
      expect(comparable(a1)).to.equal(comparable(fresh1.summary));
      expect(comparable(a2)).to.equal(comparable(fresh2.summary));
      expect(comparable(again)).to.equal(comparable(a1));
    } finally {
      await engine.close();
    }
  });

  it("deploys each set of store values once, with those values as launch values", async () => {
    const scenario = { ...(await loadScenario("scenarios/classic.yaml")), blocks: 20 };
    const engine = new ChainEngine(hre);
    try {
      const { summary: free } = await engine.run({
        deploymentKey: "pool.feeBps=0",
        parameters: [{ key: "pool.feeBps", value: 0n }],
        scenario,
      });
      const { summary: fee } = await engine.run({
        deploymentKey: "pool.feeBps=100",
        parameters: [{ key: "pool.feeBps", value: 100n }],
        scenario,
      });
      expect(engine.deployments).to.equal(2);
      expect(free.totals.poolFeesQuote).to.equal("0");
      expect(BigInt(fee.totals.poolFeesQuote)).to.be.greaterThan(0n);
    } finally {
      await engine.close();
    }
  });
});
