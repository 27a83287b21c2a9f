// Grids over any genesis field (`genesis.<path>`): the path is checked against the scenario's genesis
// file with a did-you-mean, each case's genesis goes through the genesis reader (its message naming
// the case), and a case runs exactly as a battle on a genesis file holding those values — on the
// model and on the chain engine alike, one deployment per set of genesis values.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { ExperimentError } from "../agents/experiment/experiment-error.ts";
import { parseExperiment } from "../agents/experiment/experiment-file.ts";
import { runExperiment } from "../agents/experiment/run-experiment.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { measure } from "../agents/metrics/registry.ts";
import { runModelBattle } from "../agents/run/model-battle.ts";

const base = {
  scenario: "scenarios/classic-daily.yaml",
  engine: "model",
  seeds: 1,
  blocks: 30,
  objectives: [{ metric: "poolVolumeQuote", goal: "maximise" }],
};

async function problems(grid: Record<string, unknown>): Promise<string> {
  try {
    await parseExperiment({ ...base, grid }, "x.yaml");
  } catch (error) {
    expect(error).to.be.instanceOf(ExperimentError);
    return (error as ExperimentError).issues
      .map((i) => `${i.path}: expected ${i.expected}, got ${i.got}${i.fix === undefined ? "" : `; ${i.fix}`}`)
      .join("\n");
  }
  throw new Error("expected the experiment to be refused");
}

const SEED_QUOTE = "genesis.pool.seed.quote";
const SEED_TOKENS = "genesis.pool.seed.tokens";

/** runs.csv's rows as objects by column, sorted by their grid values. */
function rows(dir: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, "runs.csv"), "utf8").trim().split("\n");
  const columns = header!.split(",");
  const caseOf = (row: Record<string, string>) => `${row[SEED_QUOTE]} ${row[SEED_TOKENS]}`;
  return lines
    .map((line) => Object.fromEntries(line.split(",").map((value, i) => [columns[i]!, value])))
    .sort((a, b) => (caseOf(a) < caseOf(b) ? -1 : 1));
}

describe("experiment grids over genesis fields", function () {
  this.timeout(300_000);
  let root: string;
  before(() => (root = mkdtempSync(join(tmpdir(), "arena-genesis-grid-"))));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("reads genesis.<path> keys into each case's genesis fields, one deployment per set of genesis values", async () => {
    const e = await parseExperiment(
      {
        ...base,
        grid: {
          "genesis.pool.seed.quote": ["990", "1010"],
          "genesis.vesting[0].cliff": ["30d", "90d"],
          "genesis.parameters.curve.slope.max": ["0.000000002", "0.000000003"],
          "agents.buyer.amount": ["10", "12"],
        },
      },
      "x.yaml",
    );
    const flags = await parseExperiment(
      { ...base, grid: { "genesis.allocations[1].delegate": [true, false] } },
      "x.yaml",
    );
    expect(flags.cases.map((c) => c.genesisFields)).to.deep.equal([
      [{ path: ["allocations", 1, "delegate"], value: true }],
      [{ path: ["allocations", 1, "delegate"], value: false }],
    ]);
    expect(flags.cases.map((c) => c.key)).to.deep.equal([
      "genesis.allocations[1].delegate=true",
      "genesis.allocations[1].delegate=false",
    ]);
    expect(e.parameters.map((p) => p.target)).to.deep.equal([
      { kind: "genesis", path: ["pool", "seed", "quote"] },
      { kind: "genesis", path: ["vesting", 0, "cliff"] },
      { kind: "genesis", path: ["parameters", "curve.slope", "max"] },
      { kind: "behaviour", agentIndex: 0, agentId: "buyer", behaviourIndex: 0, field: "amount" },
    ]);
    expect(e.cases).to.have.length(16);
    expect(e.cases[1]!.genesisFields).to.deep.equal([
      { path: ["pool", "seed", "quote"], value: "990" },
      { path: ["vesting", 0, "cliff"], value: "30d" },
      { path: ["parameters", "curve.slope", "max"], value: "0.000000002" },
    ]);
    // The behaviour value does not change the deployment; the genesis values do.
    expect(e.cases[1]!.deploymentKey).to.equal(e.cases[0]!.deploymentKey);
    expect(e.cases[1]!.deploymentKey).to.equal(
      "genesis.pool.seed.quote=990 genesis.vesting[0].cliff=30d genesis.parameters.curve.slope.max=0.000000002",
    );
    expect(new Set(e.cases.map((c) => c.deploymentKey)).size).to.equal(8);
  });

  it("refuses an unknown path with the nearest field of the genesis file, and a section instead of a field", async () => {
    const text = await problems({
      "genesis.pool.sed.quote": ["990"],
      "genesis.vesting[7].cliff": ["30d"],
      "genesis.pool.seed": ["990"],
      "genesis.resreve": ["24500"],
    });
    expect(text).to.include(
      'grid["genesis.pool.sed.quote"]: expected a field of genesis/classic-daily.json at genesis.pool (feeBps, seed), got "genesis.pool.sed.quote"; did you mean genesis.pool.seed?',
    );
    expect(text).to.include(
      'grid["genesis.vesting[7].cliff"]: expected an entry of genesis.vesting from [0] to [2] (genesis/classic-daily.json lists 3)',
    );
    expect(text).to.include(
      'grid["genesis.pool.seed"]: expected a field of genesis/classic-daily.json that holds a number, a string or true/false (like genesis.pool.seed.quote), got genesis.pool.seed, a section with the fields tokens, quote; name one field inside it',
    );
    expect(text).to.include("did you mean genesis.reserve?");
  });

  it("refuses a value the genesis reader refuses with its message naming the case, and a field named twice", async () => {
    // An exponential curve has other parameters (initialPrice, growthRate) than the linear one's.
    const kind = await problems({ "genesis.curve.kind": ["linear", "exponential"] });
    expect(kind).to.match(/^grid case genesis\.curve\.kind=exponential → genesis\/classic-daily\.json: curve/);
    expect(kind).to.include("1 of 2 cases refused");
    const reserve = await problems({ "genesis.reserve": ["24500", "1"] });
    expect(reserve).to.match(/^grid case genesis\.reserve=1 → genesis\/classic-daily\.json: reserve/);
    const twice = await problems({ "pool.feeBps": [0], "genesis.pool.feeBps": [0, 10] });
    expect(twice).to.include(
      'grid["genesis.pool.feeBps"]: expected each field once, got the same field as pool.feeBps',
    );
    const range = await problems({ "genesis.vesting[0].cliff": { from: "30d", to: "90d", step: "30d" } });
    expect(range).to.include('expected a range of decimals, got "30d"; list the values instead');
    const spaced = await problems({ "genesis.token.name": ["Arena", "Arena Two"] });
    expect(spaced).to.include('grid["genesis.token.name"][1]: expected a word without spaces, commas, quotes or =');
  });

  it("draws a parameter of words at its values' positions, named in the axis label", async () => {
    const file = join(root, "cliff-grid.yaml");
    writeFileSync(
      file,
      `scenario: scenarios/classic-daily.yaml
engine: model
seeds: 1
blocks: 5
grid:
  genesis.vesting[0].cliff: ["30d", "90d", "52w"]
objectives:
  - { metric: poolVolumeQuote, goal: maximise }
`,
    );
    const outcome = await runExperiment({ experiment: file, workers: 1, out: join(root, "cliff"), quiet: true });
    expect(outcome.ran).to.equal(3);
    const html = readFileSync(join(root, "cliff", "report.html"), "utf8");
    expect(html).to.include("genesis.vesting[0].cliff (0 = 30d, 1 = 90d, 2 = 52w)");
    expect(html).to.not.include("NaN");
  });

  it("varies the curve kind with the genesis file itself (grid key genesis), alike on the chain and the model", async () => {
    const files = ["genesis/classic.json", "genesis/exponential.json", "genesis/sigmoid.json"];
    const file = join(root, "curve-kinds.yaml");
    writeFileSync(
      file,
      `scenario: scenarios/classic.yaml
engine: model
seeds: 1
blocks: 20
grid:
  genesis: ${JSON.stringify(files)}
objectives:
  - { metric: firstCurvePriceQuote, goal: maximise }
  - { metric: poolVolumeQuote, goal: maximise }
`,
    );
    const e = await parseExperiment(
      { ...base, scenario: "scenarios/classic.yaml", grid: { genesis: files } },
      "x.yaml",
    );
    expect(e.cases.map((c) => c.scenario.genesis)).to.deep.equal(files);
    expect(e.cases.map((c) => c.deploymentKey)).to.deep.equal(files.map((f) => `genesis=${f}`));
    await runExperiment({ experiment: file, workers: 1, out: join(root, "kinds-model"), quiet: true });
    await runExperiment({ experiment: file, engine: "chain", workers: 1, out: join(root, "kinds-chain"), quiet: true });
    const table = (dir: string) =>
      readFileSync(join(dir, "runs.csv"), "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => line.split(",").slice(2, 5).join(","))
        .sort();
    const onModel = table(join(root, "kinds-model"));
    expect(table(join(root, "kinds-chain"))).to.deep.equal(onModel);
    // Each curve's launch price: linear 0.01 + 1e-9 × 2.3M tokens, exponential and sigmoid their own.
    expect(new Set(onModel.map((row) => row.split(",")[1])).size).to.equal(3);
    expect(onModel.find((row) => row.startsWith("genesis/classic.json"))).to.match(/^genesis\/classic\.json,0\.0123,/);

    const missing = await problems({ genesis: ["genesis/classic-daily.json", "genesis/nope.json"] });
    expect(missing).to.include(
      "grid case genesis=genesis/nope.json → genesis/nope.json: (file): expected a readable genesis JSON file",
    );
    const fewer = JSON.parse(readFileSync("genesis/classic-daily.json", "utf8"));
    fewer.vesting = fewer.vesting.slice(0, 1);
    const fewerPath = join(root, "one-schedule.json");
    writeFileSync(fewerPath, JSON.stringify(fewer));
    const absent = await problems({ genesis: [fewerPath], "genesis.vesting[2].cliff": ["30d"] });
    expect(absent).to.include(
      `→ ${fewerPath}: vesting[2].cliff: expected a field for the grid's genesis parameter to set, got nothing: this genesis file has no such field`,
    );
  });

  it("runs each case as a battle on a genesis file with those values, the chain engine equal to the model", async () => {
    const file = join(root, "seed-grid.yaml");
    writeFileSync(
      file,
      `scenario: scenarios/classic-daily.yaml
engine: model
seeds: 1
blocks: 30
grid:
  genesis.pool.seed.quote: ["990", "1010"]
  genesis.pool.seed.tokens: ["1000", "1100"]
objectives:
  - { metric: poolVolumeQuote, goal: maximise }
  - { metric: finalPoolPriceQuote, goal: minimise }
`,
    );
    await runExperiment({ experiment: file, workers: 1, out: join(root, "model"), quiet: true });
    const chain = await runExperiment({
      experiment: file,
      engine: "chain",
      workers: 1,
      out: join(root, "chain"),
      quiet: true,
    });
    expect(chain.ran).to.equal(4);
    const onModel = rows(join(root, "model"));
    const onChain = rows(join(root, "chain"));
    const metrics = ["poolVolumeQuote", "finalPoolPriceQuote"];
    const pick = (row: Record<string, string>) => [row[SEED_QUOTE], row[SEED_TOKENS], ...metrics.map((m) => row[m])];
    expect(onChain.map(pick)).to.deep.equal(onModel.map(pick));
    expect(new Set(onModel.map((row) => row.finalPoolPriceQuote)).size, "the seed changes the run").to.equal(4);

    // One case against a battle on a genesis file holding its values.
    const genesis = JSON.parse(readFileSync("genesis/classic-daily.json", "utf8"));
    genesis.pool.seed = { tokens: "1100", quote: "1010" };
    const edited = join(root, "edited.json");
    writeFileSync(edited, JSON.stringify(genesis));
    const scenario = { ...(await loadScenario("scenarios/classic-daily.yaml")), genesis: edited };
    const direct = await runModelBattle(scenario, { blocks: 30 });
    const row = onModel.find((r) => r[SEED_QUOTE] === "1010" && r[SEED_TOKENS] === "1100")!;
    const run = { steps: direct.steps, agents: direct.agents, blockSeconds: scenario.blockSeconds };
    expect(Number(row.poolVolumeQuote)).to.equal(measure(run, "poolVolumeQuote"));
    expect(Number(row.finalPoolPriceQuote)).to.equal(measure(run, "finalPoolPriceQuote"));
  });
});
