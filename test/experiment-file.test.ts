// Experiment files: the grid expands exactly (ranges in bigint steps, lists as written), cases carry
// their scenario and launch values, and every kind of mistake is named by path with a fix — a bad
// behaviour value through the scenario reader, a store value through the genesis reader.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { ExperimentError } from "../agents/experiment/experiment-error.ts";
import { loadExperiment, parseExperiment } from "../agents/experiment/experiment-file.ts";

const base = {
  scenario: "scenarios/classic.yaml",
  engine: "model",
  seeds: 2,
  grid: { "pool.feeBps": [0, 30] },
  objectives: [{ metric: "agents.buyer.returnBps", goal: "maximise" }],
};

async function problems(document: unknown): Promise<string[]> {
  try {
    await parseExperiment(document, "x.yaml");
  } catch (error) {
    expect(error).to.be.instanceOf(ExperimentError);
    return (error as ExperimentError).issues.map(
      (i) => `${i.path}: expected ${i.expected}, got ${i.got}${i.fix === undefined ? "" : `; ${i.fix}`}`,
    );
  }
  throw new Error("expected the experiment to be refused");
}

describe("experiment file", function () {
  this.timeout(30_000);

  it("expands a range exactly, with no float drift, and lists as written", async () => {
    const e = await parseExperiment(
      {
        ...base,
        grid: {
          "agents.buyer.buyBelow": { from: "0.0115", to: "0.0133", step: "0.00002" },
          "pool.feeBps": [0, "30", 100],
        },
      },
      "x.yaml",
    );
    const [buyBelow, fee] = e.parameters;
    expect(buyBelow.values).to.have.length(91);
    expect(buyBelow.values.map((v) => v.text).slice(0, 3)).to.deep.equal(["0.0115", "0.01152", "0.01154"]);
    expect(buyBelow.values[90].text).to.equal("0.0133");
    expect([buyBelow.values[45].exact, buyBelow.values[45].scale]).to.deep.equal([1240n, 5]); // 0.0124 at the 5 decimals the range was written with
    expect(fee.values.map((v) => v.exact)).to.deep.equal([0n, 30n, 100n]);
    expect(e.cases).to.have.length(273);
    // Last parameter fastest; cases keyed by their values.
    expect(e.cases[1].key).to.equal("agents.buyer.buyBelow=0.0115 pool.feeBps=30");
    expect(e.cases[1].parameters).to.deep.equal([{ key: "pool.feeBps", value: 30n }]);
    expect(e.cases[1].deploymentKey).to.equal("pool.feeBps=30");
    const buyer = e.cases[3].scenario.agents.find((a) => a.id === "buyer")!.behaviours[0] as { buyBelowWad: bigint };
    expect(buyer.buyBelowWad).to.equal(11_520_000_000_000_000n);
    // The seller is untouched, and seeds count up from the scenario's.
    expect(e.cases[3].scenario.agents.find((a) => a.id === "seller")).to.deep.equal(
      e.cases[0].scenario.agents.find((a) => a.id === "seller"),
    );
    expect(e.seeds).to.deep.equal([1n, 2n]);
  });

  it("steps a number range exactly and passes numbers on as numbers", async () => {
    const e = await parseExperiment(
      { ...base, grid: { "agents.buyer.cooldownSteps": { from: 0, to: 6, step: 3 } } },
      "x.yaml",
    );
    expect(e.parameters[0].values.map((v) => v.document)).to.deep.equal([0, 3, 6]);
    expect(
      e.cases.map((c) => (c.scenario.agents[0].behaviours[0] as { cooldownSteps: number }).cooldownSteps),
    ).to.deep.equal([0, 3, 6]);
  });

  it("reads the ready-made classic grid: 91 × 51 cases on the model engine", async () => {
    const e = await loadExperiment("experiments/classic-grid.yaml");
    expect(e.engine).to.equal("model");
    expect(e.parameters.map((p) => p.values.length)).to.deep.equal([91, 51]);
    expect(e.cases).to.have.length(4641);
  });

  it("reads the ready-made pool-seed grid: 21 × 20 launches of the classic daily model, none seeded at exactly 1", async () => {
    const e = await loadExperiment("experiments/pool-seed-grid.yaml");
    expect(e.engine).to.equal("screen");
    expect(e.scenarioPath).to.equal("scenarios/classic-daily.yaml");
    expect(e.parameters.map((p) => p.target)).to.deep.equal([
      { kind: "genesis", path: ["pool", "seed", "tokens"] },
      { kind: "genesis", path: ["pool", "seed", "quote"] },
    ]);
    expect(e.cases).to.have.length(420);
    expect(new Set(e.cases.map((c) => c.deploymentKey)).size).to.equal(420);
    expect(e.cases.some((c) => c.values[0]!.text === c.values[1]!.text)).to.equal(false);
  });

  it("names every bad field with what was expected and a fix", async () => {
    const found = await problems({
      scenario: "scenarios/classic.yaml",
      engine: "chian",
      seeds: [1, 1],
      workerz: 2,
      grid: {
        "pool.feeBp": [1],
        "agents.buyer.buyBelow": { from: "0.0115", to: "0.0120", step: "0.0002" },
        "agents.nobody.amount": ["1"],
      },
      objectives: [{ metric: "volatility.pool.annualised", goal: "maximize" }],
    });
    const text = found.join("\n");
    expect(text).to.include("workerz: expected one of the fields");
    expect(text).to.include("did you mean workers?");
    expect(text).to.include('engine: expected one of "chain", "model", "screen", got "chian"');
    expect(text).to.include("seeds[1]: expected each seed once");
    expect(text).to.include('grid["pool.feeBp"]: expected a parameter-store key');
    expect(text).to.include("did you mean pool.feeBps?");
    expect(text).to.include(
      'grid["agents.buyer.buyBelow"].to: expected from plus a whole number of steps ("0.0002"), got "0.012"; use to: "0.0119" or "0.0121"',
    );
    expect(text).to.include('grid["agents.nobody.amount"]: expected an agent id of the scenario file (buyer, seller)');
    expect(text).to.include("objectives[0].metric");
    expect(text).to.include("did you mean metrics.volatility.pool.annualised?");
    expect(text).to.include('objectives[0].goal: expected one of "maximise", "minimise", got "maximize"');
  });

  it("refuses a behaviour value with the scenario's own error, naming the case", async () => {
    // The buyer sells above 0.014: buying below 0.0145 would buy and sell at once.
    const found = await problems({ ...base, grid: { "agents.buyer.buyBelow": ["0.013", "0.0145"] } });
    expect(found[0]).to.match(
      /^grid case agents\.buyer\.buyBelow=0\.0145 → scenarios\/classic\.yaml: agents\[0\]\.behaviours\[0\]\.sellAbove: expected a price above buyBelow/,
    );
    expect(found.at(-1)).to.include("1 of 2 cases refused");
  });

  it("refuses a store value outside the genesis bounds with the genesis's error", async () => {
    const found = await problems({ ...base, grid: { "pool.feeBps": [50, 150] } });
    expect(found[0]).to.match(
      /^grid case pool\.feeBps=150 → genesis\/classic\.json: pool\.feeBps: expected a value within the bounds of parameters\["pool\.feeBps"\] \[0, 100\], got 150/,
    );
  });

  it("refuses fractions as numbers for store keys, reversed ranges and zero steps", async () => {
    const found = await problems({
      ...base,
      grid: { "curve.slope": [0.000000001], "pool.feeBps": { from: 30, to: 10, step: 0 } },
    });
    const text = found.join("\n");
    expect(text).to.include('grid["curve.slope"][0]: expected a decimal string, got 1e-9; write it as a string');
    expect(text).to.include('grid["pool.feeBps"].step: expected a step greater than 0');
  });

  it("refuses a scenario with language-model agents, which run in battles only", async () => {
    const text = (
      await problems({
        ...base,
        scenario: "scenarios/llm-traders.yaml",
        objectives: [{ metric: "minSolvencyRatio", goal: "maximise" }],
      })
    ).join("\n");
    expect(text).to.include(
      'scenario: expected a scenario without llm agents (language-model agents run in battles only, replayed from their cassette), got "scenarios/llm-traders.yaml", whose agent llm-value is one',
    );
  });

  it("reads YAML files and names a missing file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "arena-experiment-file-"));
    try {
      const file = join(dir, "e.yaml");
      writeFileSync(
        file,
        "scenario: scenarios/classic.yaml\nengine: screen\nseeds: [5, '18446744073709551615']\ngrid:\n  market.buyFeeBps: [50, 100]\nobjectives:\n  - { metric: totals.curveFeesQuote, goal: maximise }\n",
      );
      const e = await loadExperiment(file, { workers: 3 });
      expect(e.seeds).to.deep.equal([5n, 18446744073709551615n]);
      expect(e.workers).to.equal(3);
      expect(e.engine).to.equal("screen");
      expect(e.name).to.equal("e");
      let message = "";
      await loadExperiment(join(dir, "missing.yaml")).catch((error: Error) => (message = error.message));
      expect(message).to.match(/missing\.yaml: \(file\): expected a readable experiment file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
