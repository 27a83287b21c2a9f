// Faults on a node (issue 17). A battle of 1,500 agents reads their holdings in chunks, exactly: one
// ArenaLens call for all of them needs more gas than a call may have.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { runBattle } from "../agents/run/battle.ts";
import { readAgentsCsv } from "../agents/run/run-csv.ts";

describe("node faults: a battle of 1,500 agents", function () {
  this.timeout(300_000);

  it("reads every agent's holdings, in order, in lens calls that fit the gas cap", async () => {
    const root = mkdtempSync(join(tmpdir(), "arena-many-"));
    const group = (id: string, count: number, quote: string) => `
  - id: ${id}
    count: ${count}
    funds: { quote: "${quote}", tokens: "0" }
    behaviours:
      - { kind: noise, venues: [curve], ratePerStep: 0.005, minQuote: "5", maxQuote: "10" }`;
    const file = join(root, "many.yaml");
    writeFileSync(
      file,
      `name: many\ngenesis: genesis/default.json\nseed: 1\nblocks: 2\nmode: sequential\nagents:${group("small", 600, "100")}${group("mid", 600, "250")}${group("big", 300, "400")}\n`,
    );
    try {
      const result = await runBattle(hre, { scenario: file, out: join(root, "run"), quiet: true, noReport: true });
      expect(result.summary.completion.complete).to.equal(true);
      expect(result.reconcileProblems).to.deep.equal([]);
      const finals = (await readAgentsCsv(join(root, "run", "agents.csv"))).filter((r) => r.step === 2n);
      expect(finals).to.have.length(1_500);
      const funds: Record<string, bigint> = { small: 100_000_000n, mid: 250_000_000n, big: 400_000_000n };
      const idle = finals.filter((r) => r.txs === 0n);
      expect(idle.length).to.be.above(1_400);
      for (const row of idle) expect(row.quote, row.agent).to.equal(funds[row.agent.replace(/-\d+$/, "")]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
