import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { compareGasProfiles, formatGasComparison } from "../agents/gas/compare.ts";
import { formatGasTable } from "../agents/gas/format-profile.ts";
import { gasProfileJson, GasProfileError, readGasProfile } from "../agents/gas/profile-file.ts";
import { buildGasProfile, GasProfileBuilder, type GasRow } from "../agents/gas/profile.ts";
import type { GasRecord } from "../agents/core/records.ts";

function record(fields: Partial<GasRecord>): GasRecord {
  return {
    step: 1,
    agent: "trader-1",
    behaviour: "noise",
    policy: "baseline",
    contract: "BondingCurveMarket",
    fn: "buyExactTokens",
    gasUsed: 100_000,
    status: "success",
    ...fields,
  };
}

/** 20 buys of 100·i gas (i = 1..20) by two traders, two of them reverted; 3 swaps; one set-up approve. */
function sampleRecords(): GasRecord[] {
  const records: GasRecord[] = [];
  for (let i = 1; i <= 20; i++) {
    records.push(
      record({
        step: i,
        agent: i % 2 === 0 ? "trader-2" : "trader-1",
        gasUsed: 100 * i,
        status: i === 3 || i === 20 ? "reverted" : "success",
      }),
    );
  }
  for (const gasUsed of [90_000, 110_000, 100_000]) {
    records.push(
      record({ agent: "arb-1", behaviour: "arbitrage", contract: "ConstantProductPool", fn: "swapExactIn", gasUsed }),
    );
  }
  records.push(
    record({ step: 0, agent: "arb-1", behaviour: "setup", contract: "QuoteToken", fn: "approve", gasUsed: 46_000 }),
  );
  return records;
}

const rowOf = (rows: GasRow[], key: string) => {
  const row = rows.find((candidate) => candidate.key === key);
  if (row === undefined) throw new Error(`no row ${key}`);
  return row;
};

describe("gas profile", function () {
  describe("building", function () {
    it("gives count, reverted, min, nearest-rank median and p95, max and total per function", function () {
      const profile = buildGasProfile(sampleRecords());
      // Sorted figures 100..2000: median is the 10th (⌈0.5·20⌉), p95 the 19th (⌈0.95·20⌉).
      expect(rowOf(profile.tables.function, "BondingCurveMarket.buyExactTokens")).to.deep.equal({
        key: "BondingCurveMarket.buyExactTokens",
        count: 20,
        reverted: 2,
        min: 100,
        median: 1_000,
        p95: 1_900,
        max: 2_000,
        total: 21_000,
      });
      expect(rowOf(profile.tables.function, "ConstantProductPool.swapExactIn")).to.include({
        count: 3,
        median: 100_000,
        p95: 110_000,
        total: 300_000,
      });
      expect(profile.totals).to.deep.equal({ transactions: 24, reverted: 2, gasUsed: 21_000 + 300_000 + 46_000 });
    });

    it("files the same receipts per agent, behaviour and policy, rows sorted by key", function () {
      const { tables } = buildGasProfile(sampleRecords());
      expect(tables.agent.map((row) => row.key)).to.deep.equal(["arb-1", "trader-1", "trader-2"]);
      // trader-1 made the odd-numbered buys: 100, 300, ..., 1900 (one of them, 300, reverted).
      expect(rowOf(tables.agent, "trader-1")).to.include({
        count: 10,
        reverted: 1,
        min: 100,
        max: 1_900,
        total: 10_000,
      });
      expect(rowOf(tables.agent, "arb-1")).to.include({ count: 4, total: 346_000 });
      expect(tables.behaviour.map((row) => [row.key, row.count])).to.deep.equal([
        ["arbitrage", 3],
        ["noise", 20],
        ["setup", 1],
      ]);
      expect(tables.policy).to.have.length(1);
      expect(tables.policy[0]).to.include({ key: "baseline", count: 24, total: 367_000 });
    });

    it("the incremental builder gives the same profile as the list, whatever the order", function () {
      const records = sampleRecords();
      const builder = new GasProfileBuilder();
      for (const each of [...records].reverse()) builder.add(each);
      expect(gasProfileJson(builder.build())).to.equal(gasProfileJson(buildGasProfile(records)));
      // Still usable after build(): later receipts show up in the next profile.
      builder.add(record({ gasUsed: 5 }));
      expect(builder.build().totals.transactions).to.equal(records.length + 1);
    });

    it("handles a long run's receipts", function () {
      const builder = new GasProfileBuilder();
      for (let i = 0; i < 120_000; i++)
        builder.add(record({ step: i, agent: `agent-${i % 100}`, gasUsed: 50_000 + (i % 1_000) }));
      const profile = builder.build();
      expect(profile.tables.agent).to.have.length(100);
      expect(profile.tables.function[0]).to.include({
        count: 120_000,
        min: 50_000,
        max: 50_999,
        median: 50_499,
        p95: 50_949,
      });
    });

    it("refuses a receipt it cannot account for", function () {
      const builder = new GasProfileBuilder();
      expect(() => builder.add(record({ gasUsed: -1 }))).to.throw(RangeError, /gasUsed must be a non-negative integer/);
      expect(() => builder.add(record({ gasUsed: 1.5 }))).to.throw(
        RangeError,
        /trader-1 \(BondingCurveMarket.buyExactTokens, step 1\)/,
      );
      expect(() => builder.add(record({ status: "ok" as GasRecord["status"] }))).to.throw(
        RangeError,
        /status must be "success" or "reverted"/,
      );
      expect(builder.build().totals.transactions).to.equal(0);
    });
  });

  describe("gas.json", function () {
    let dir: string;
    beforeEach(async function () {
      dir = await mkdtemp(join(tmpdir(), "arena-gas-"));
    });
    afterEach(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    it("round-trips through a file or a run folder", async function () {
      const profile = buildGasProfile(sampleRecords());
      const json = gasProfileJson(profile);
      expect(json.endsWith("}\n")).to.equal(true);
      await writeFile(join(dir, "gas.json"), json);
      expect(await readGasProfile(join(dir, "gas.json"))).to.deep.equal(profile);
      expect(await readGasProfile(dir)).to.deep.equal(profile);
    });

    it("says what is wrong when the file is missing or is not a gas profile", async function () {
      await expectGasProfileError(readGasProfile(dir), /no gas profile at .*gas\.json: pass a run folder/);
      await writeFile(join(dir, "gas.json"), "steps,block\n");
      await expectGasProfileError(readGasProfile(dir), /is not a gas profile: it is not JSON/);
      await writeFile(join(dir, "summary.json"), JSON.stringify({ scenario: { name: "x" } }));
      await expectGasProfileError(
        readGasProfile(join(dir, "summary.json")),
        /summary\.json is not a gas profile: expected "kind": "token-arena\/gas-profile"/,
      );
      const broken = JSON.parse(gasProfileJson(buildGasProfile(sampleRecords())));
      delete broken.tables.agent[0].p95;
      await writeFile(join(dir, "gas.json"), JSON.stringify(broken));
      await expectGasProfileError(readGasProfile(dir), /tables\.agent\[0\]\.p95 must be a number/);
    });
  });

  describe("terminal table", function () {
    it("puts the costliest keys first, with aligned columns and thousands separators", function () {
      const text = formatGasTable(buildGasProfile(sampleRecords()), { by: "function" });
      const lines = text.split("\n");
      expect(lines[0]).to.equal("Gas by function: 3 keys, 24 transactions (2 reverted), 367,000 gas");
      expect(lines[1]).to.match(/^function\s+count\s+reverted\s+min\s+median\s+p95\s+max\s+total$/);
      expect(lines[2]).to.match(
        /^ConstantProductPool\.swapExactIn\s+3\s+0\s+90,000\s+100,000\s+110,000\s+110,000\s+300,000$/,
      );
      expect(lines[3]).to.match(/^QuoteToken\.approve\s/);
      expect(lines[4]).to.match(/^BondingCurveMarket\.buyExactTokens\s+20\s+2\s+100\s+1,000\s+1,900\s+2,000\s+21,000$/);
      // Right-aligned numbers end in the same column as their titles.
      const width = lines[1].length;
      for (const line of lines.slice(2)) expect(line.length).to.equal(width);
    });

    it("cuts to the limit and says how many it left out", function () {
      const text = formatGasTable(buildGasProfile(sampleRecords()), { by: "agent", limit: 1 });
      const lines = text.split("\n");
      expect(lines).to.have.length(4);
      expect(lines[2]).to.match(/^arb-1\s/);
      expect(lines[3]).to.equal("… 2 more (raise --limit to see them)");
      expect(() => formatGasTable(buildGasProfile([]), { by: "agent", limit: 0 })).to.throw(RangeError, /limit/);
      expect(formatGasTable(buildGasProfile([]), { by: "agent" })).to.contain("(no transactions recorded)");
    });
  });

  describe("comparison", function () {
    const a = buildGasProfile([
      record({ fn: "buyExactTokens", gasUsed: 100_000 }),
      record({ fn: "buyExactTokens", gasUsed: 100_000 }),
      record({ fn: "sell", gasUsed: 80_000 }),
    ]);
    const b = buildGasProfile([
      record({ fn: "buyExactTokens", gasUsed: 90_000 }),
      record({ fn: "buyExactTokens", gasUsed: 90_000 }),
      record({ fn: "buyExactQuote", gasUsed: 95_000 }),
    ]);

    it("lists every key of either run with both figures and the change", function () {
      const comparison = compareGasProfiles(a, b, { a: "runs/base", b: "runs/tuned" });
      const rows = comparison.tables.function;
      // Largest |Δ total| first: buyExactQuote +95,000, sell −80,000, buyExactTokens −20,000.
      expect(rows.map((row) => row.key)).to.deep.equal([
        "BondingCurveMarket.buyExactQuote",
        "BondingCurveMarket.sell",
        "BondingCurveMarket.buyExactTokens",
      ]);
      expect(rows[2].median).to.deep.equal({ a: 100_000, b: 90_000, delta: -10_000, deltaPct: -10 });
      expect(rows[2].total).to.deep.equal({ a: 200_000, b: 180_000, delta: -20_000, deltaPct: -10 });
      // Only in B: no median in A, count and total from zero (no percentage of zero).
      expect(rows[0].median).to.deep.equal({ a: null, b: 95_000, delta: null, deltaPct: null });
      expect(rows[0].total).to.deep.equal({ a: 0, b: 95_000, delta: 95_000, deltaPct: null });
      // Only in A: gone in B.
      expect(rows[1].count).to.deep.equal({ a: 1, b: 0, delta: -1, deltaPct: -100 });
      expect(comparison.totals.gasUsed).to.deep.equal({
        a: 280_000,
        b: 275_000,
        delta: -5_000,
        deltaPct: (-5_000 / 280_000) * 100,
      });
    });

    it("formats as an aligned terminal table and as a markdown table", function () {
      const comparison = compareGasProfiles(a, b, { a: "runs/base", b: "runs/tuned" });
      const text = formatGasComparison(comparison, { by: "function", format: "text" });
      expect(text).to.contain("Total gas: A 280,000 → B 275,000 (-5,000, -1.8%)");
      expect(text).to.match(
        /BondingCurveMarket\.buyExactTokens\s+2\s+2\s+100,000\s+90,000\s+-10,000\s+-10\.0%\s+200,000\s+180,000\s+-20,000\s+-10\.0%/,
      );
      expect(text).to.match(
        /BondingCurveMarket\.buyExactQuote\s+0\s+1\s+–\s+95,000\s+–\s+–\s+0\s+95,000\s+\+95,000\s+–/,
      );

      const markdown = formatGasComparison(comparison, { by: "function", format: "markdown" }).split("\n");
      const header = markdown.findIndex((line) => line.startsWith("| function |"));
      expect(header).to.be.greaterThan(0);
      expect(markdown[header + 1]).to.equal("|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      expect(markdown[header + 2]).to.equal(
        "| BondingCurveMarket.buyExactQuote | 0 | 1 | – | 95,000 | – | – | 0 | 95,000 | +95,000 | – |",
      );
      expect(markdown.slice(header + 2).filter((line) => line.startsWith("|"))).to.have.length(3);
    });
  });
});

async function expectGasProfileError(promise: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(GasProfileError);
    expect((error as Error).message).to.match(message);
    return;
  }
  expect.fail(`expected a GasProfileError matching ${message}`);
}
