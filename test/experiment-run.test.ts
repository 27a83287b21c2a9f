// Running experiments on worker threads: the same rows whatever the number of workers, an interrupted
// experiment keeps its finished runs and a resume completes it without repeating one, a resume into
// rows that are no longer comparable is refused, and the chain engine in workers agrees with the model.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { ExperimentInterrupted, runExperiment } from "../agents/experiment/run-experiment.ts";
import { ResultsFolderError } from "../agents/experiment/results-folder.ts";

const EXPERIMENT = `scenario: scenarios/classic.yaml
engine: model
seeds: 2
blocks: BLOCKS
grid:
  pool.feeBps: [0, 30]
  agents.buyer.buyBelow: { from: "0.0120", to: "0.0126", step: "0.0002" }
objectives:
  - { metric: agents.buyer.returnBps, goal: maximise }
  - { metric: metrics.volatility.pool.annualised, goal: minimise }
`;

/** runs.csv rows without the wall time, sorted: what must not depend on workers or interruptions. */
function rowsOf(dir: string): string[] {
  return readFileSync(join(dir, "runs.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",").slice(0, -1).join(","))
    .sort();
}

describe("experiment runs", function () {
  this.timeout(120_000);
  let root: string;
  let file: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-experiment-run-"));
    file = join(root, "tiny.yaml");
    writeFileSync(file, EXPERIMENT.replace("BLOCKS", "40"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("gives the same runs.csv with 2 workers as with 1, and writes best.json and report.html", async () => {
    const one = await runExperiment({ experiment: file, workers: 1, out: join(root, "one"), quiet: true });
    const two = await runExperiment({ experiment: file, workers: 2, out: join(root, "two"), quiet: true });
    expect(one.ran).to.equal(16);
    expect(rowsOf(join(root, "two"))).to.deep.equal(rowsOf(join(root, "one")));
    expect(rowsOf(join(root, "one")).some((row) => !row.includes(",0,0,ok"))).to.equal(true); // something traded
    const best = JSON.parse(readFileSync(join(two.dir, "best.json"), "utf8"));
    expect(best.objectives.map((o: { metric: string }) => o.metric)).to.deep.equal([
      "agents.buyer.returnBps",
      "metrics.volatility.pool.annualised",
    ]);
    expect(best.objectives[0].best.metrics["agents.buyer.returnBps"].n).to.equal(2);
    expect(best.pareto.length).to.be.greaterThan(0);
    const html = readFileSync(join(two.dir, "report.html"), "utf8");
    expect((html.match(/<rect data-x=/g) ?? []).length).to.equal(2 * 8); // two heat maps of 2 × 4 cells
    expect(html).to.include('id="pareto-front"');
  });

  it("keeps the finished runs when interrupted and resumes without repeating one", async () => {
    const dir = join(root, "resumed");
    const stop = new AbortController();
    let error: unknown;
    try {
      await runExperiment({
        experiment: file,
        workers: 2,
        out: dir,
        quiet: true,
        signal: stop.signal,
        onRecorded: (_, n) => n === 5 && stop.abort("test"),
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ExperimentInterrupted);
    const kept = rowsOf(dir);
    expect(kept.length).to.be.within(5, 15);
    // A resume without saying so is refused; with --resume only the missing runs run.
    let refused: unknown;
    await runExperiment({ experiment: file, out: dir, quiet: true }).catch((caught) => (refused = caught));
    expect(refused).to.be.instanceOf(ResultsFolderError);
    const resumed = await runExperiment({ experiment: file, workers: 2, out: dir, quiet: true, resume: true });
    expect(resumed.skipped).to.equal(kept.length);
    expect(resumed.ran).to.equal(16 - kept.length);
    const all = rowsOf(dir);
    expect(new Set(all).size).to.equal(16);
    expect(all).to.deep.equal(rowsOf(join(root, "one")));
    // Nothing left: a second resume runs nothing.
    expect((await runExperiment({ experiment: file, out: dir, quiet: true, resume: true })).ran).to.equal(0);
  });

  it("refuses to resume into rows recorded with other blocks, saying what changed", async () => {
    const other = join(root, "other.yaml");
    writeFileSync(other, EXPERIMENT.replace("BLOCKS", "41"));
    let message = "";
    await runExperiment({ experiment: other, out: join(root, "one"), quiet: true, resume: true }).catch(
      (caught: Error) => (message = caught.message),
    );
    expect(message).to.include("not comparable");
    expect(message).to.include("blocks per run changed from 40 to 41");
  });

  it("runs the chain engine in workers, each with its own chain, agreeing with the model", async () => {
    const chainFile = join(root, "chain.yaml");
    writeFileSync(
      chainFile,
      EXPERIMENT.replace("BLOCKS", "15").replace("seeds: 2", "seeds: 1").replace('to: "0.0126"', 'to: "0.0122"'),
    );
    const chain = await runExperiment({
      experiment: chainFile,
      engine: "chain",
      workers: 2,
      out: join(root, "chain"),
      quiet: true,
    });
    const model = await runExperiment({
      experiment: chainFile,
      engine: "model",
      workers: 1,
      out: join(root, "model"),
      quiet: true,
    });
    expect(chain.ran).to.equal(4);
    const strip = (rows: string[]) => rows.map((row) => row.replace(/^(chain|model),/, ""));
    expect(strip(rowsOf(join(root, "chain")))).to.deep.equal(strip(rowsOf(join(root, "model"))));
    expect(model.records.every((r) => r.status === "ok")).to.equal(true);
  });
});
