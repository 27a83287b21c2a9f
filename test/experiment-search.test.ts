// Searching an experiment's grid instead of running all of it: CMA-ES finds the grid's best on a
// cut-down classic grid with a fraction of its cases and writes its trail; an interrupted search
// resumes from runs.csv to the same trail; successive halving keeps the best cases and gives them more
// seeds; `subjectTo` keeps an infeasible case from being best, also for a grid; and the fields are
// refused with the path, what was expected and a fix.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { ExperimentError } from "../agents/experiment/experiment-error.ts";
import { parseExperiment } from "../agents/experiment/experiment-file.ts";
import { ExperimentInterrupted, runExperiment } from "../agents/experiment/run-experiment.ts";
import { SearchSpace } from "../agents/experiment/search/search-space.ts";

/** 11 × 16 = 176 cases of the classic model's thresholds, 120 days. */
const GRID = `scenario: scenarios/classic.yaml
engine: model
seeds: SEEDS
blocks: 120
grid:
  agents.buyer.buyBelow: { from: "0.0115", to: "0.0125", step: "0.0001" }
  agents.seller.sellAbove: { from: "0.0115", to: "0.0130", step: "0.0001" }
objectives:
  - { metric: agents.buyer.returnBps, goal: maximise }
  - { metric: poolVolatilityBps, goal: minimise }
`;

function bestOf(dir: string) {
  return JSON.parse(readFileSync(join(dir, "best.json"), "utf8"));
}

function csv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  const columns = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((field, i) => [columns[i], field])));
}

describe("experiment search", function () {
  this.timeout(300_000);
  let root: string;
  const file = (name: string, text: string) => {
    const path = join(root, `${name}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  let gridDir: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "arena-experiment-search-"));
    gridDir = join(root, "grid");
    await runExperiment({
      experiment: file("grid", GRID.replace("SEEDS", "1")),
      workers: 2,
      out: gridDir,
      quiet: true,
    });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("finds the grid's best with CMA-ES on under half the cases, and writes every evaluated point to trail.csv", async () => {
    const search = file("cmaes", `${GRID.replace("SEEDS", "1")}search: { method: cmaes, budget: 80 }\n`);
    const outcome = await runExperiment({ experiment: search, out: join(root, "cmaes"), quiet: true });
    const grid = bestOf(gridDir).objectives[0].best;
    const best = bestOf(outcome.dir);
    expect(best.search.method).to.equal("cmaes");
    expect(best.search.best.value).to.equal(grid.metrics["agents.buyer.returnBps"].mean);
    expect(best.objectives[0].best.metrics["agents.buyer.returnBps"].mean).to.equal(
      grid.metrics["agents.buyer.returnBps"].mean,
    );
    expect(best.search.best.case).to.equal(best.objectives[0].best.case); // ties go to the first in grid order
    expect(best.search.evaluations).to.be.at.most(80);
    expect(outcome.ran).to.equal(best.search.evaluations); // one seed: a run per evaluation, none repeated
    const trail = csv(join(outcome.dir, "trail.csv"));
    expect(trail).to.have.length(best.search.evaluations);
    expect(Object.keys(trail[0]!)).to.deep.equal([
      "restart",
      "generation",
      "stage",
      "evaluation",
      "agents.buyer.buyBelow",
      "agents.seller.sellAbove",
      "seeds",
      "agents.buyer.returnBps",
      "poolVolatilityBps",
      "feasible",
      "bestSoFar",
    ]);
    // Each point once; the best so far never falls and ends at the best found.
    expect(new Set(trail.map((r) => `${r["agents.buyer.buyBelow"]} ${r["agents.seller.sellAbove"]}`)).size).to.equal(
      trail.length,
    );
    const bests = trail.map((r) => Number(r.bestSoFar));
    bests.slice(1).forEach((b, i) => expect(b).to.be.at.least(bests[i]!));
    expect(bests.at(-1)).to.equal(best.search.best.value);
    const html = readFileSync(join(outcome.dir, "report.html"), "utf8");
    expect(html).to.include('id="search"');
    expect(html).to.include('data-series="best-so-far"');
  });

  it("with stall, stops once that many evaluations have not improved its best, short of the budget", async () => {
    const full = file("stall-full", `${GRID.replace("SEEDS", "1")}search: { method: cmaes, budget: 176 }\n`);
    const stall = file("stall", `${GRID.replace("SEEDS", "1")}search: { method: cmaes, budget: 176, stall: 25 }\n`);
    const spent = bestOf((await runExperiment({ experiment: full, out: join(root, "stall-full"), quiet: true })).dir);
    const outcome = await runExperiment({ experiment: stall, out: join(root, "stall"), quiet: true });
    const best = bestOf(outcome.dir);
    expect(best.search.stoppedBecause).to.match(
      /has not improved by more than 0 over the last \d+ evaluations \(stall: 25\)/,
    );
    expect(best.search.evaluations).to.be.below(spent.search.evaluations);
    // The same search up to where it stopped: its trail is the full search's first evaluations.
    const trail = csv(join(outcome.dir, "trail.csv"));
    const fullTrail = csv(join(root, "stall-full", "trail.csv"));
    expect(trail).to.deep.equal(fullTrail.slice(0, trail.length));
    // At least the last 25 evaluations left the best as it was; an earlier stretch of 25 never did.
    const bests = trail.map((r) => Number(r.bestSoFar));
    const lastImprovement = bests.findIndex((b) => b === bests.at(-1));
    expect(bests.length - 1 - lastImprovement).to.be.at.least(25);
    let run = 0;
    for (let i = 1; i <= lastImprovement; i++) {
      run = bests[i] === bests[i - 1] ? run + 1 : 0;
      expect(run, `evaluation ${i + 1}`).to.be.below(25);
    }
  });

  it("replays a search over a folder that holds the whole grid without a run, and draws the grid's best", async () => {
    const dir = join(root, "over-grid");
    cpSync(gridDir, dir, { recursive: true });
    const search = file("over-grid", `${GRID.replace("SEEDS", "1")}search: { method: cmaes, budget: 80 }\n`);
    const outcome = await runExperiment({ experiment: search, out: dir, resume: true, quiet: true });
    expect(outcome.ran).to.equal(0);
    expect(outcome.skipped).to.equal(bestOf(dir).search.evaluations);
    expect(readFileSync(join(dir, "trail.csv"), "utf8")).to.equal(
      readFileSync(join(root, "cmaes", "trail.csv"), "utf8"),
    );
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).to.include('data-series="grid-best"');
    expect(html).to.not.include("not known (the grid was not run in full)");
  });

  it("resumes an interrupted search from runs.csv to the same trail", async () => {
    const search = file("resume", `${GRID.replace("SEEDS", "1")}search: { method: cmaes, budget: 40, seed: 9 }\n`);
    const whole = await runExperiment({ experiment: search, out: join(root, "whole"), quiet: true });
    const dir = join(root, "resumed");
    const stop = new AbortController();
    let error: unknown;
    try {
      await runExperiment({
        experiment: search,
        out: dir,
        quiet: true,
        signal: stop.signal,
        onRecorded: (_, n) => n === 15 && stop.abort("test"),
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ExperimentInterrupted);
    const resumed = await runExperiment({ experiment: search, out: dir, resume: true, quiet: true });
    expect(resumed.skipped).to.equal(15);
    expect(readFileSync(join(dir, "trail.csv"), "utf8")).to.equal(readFileSync(join(whole.dir, "trail.csv"), "utf8"));
  });

  it("finds classic-search.yaml's best on a cut-down grid: the same case as the grid's", async () => {
    // experiments/classic-search.yaml as written, with its ranges narrowed (11 × 16 cases) and 120 days.
    const written = readFileSync("experiments/classic-search.yaml", "utf8");
    const cut = written
      .replace(
        /agents\.buyer\.buyBelow: \{[^}]*\}/,
        'agents.buyer.buyBelow: { from: "0.0115", to: "0.0125", step: "0.0001" }',
      )
      .replace(
        /agents\.seller\.sellAbove: \{[^}]*\}/,
        'agents.seller.sellAbove: { from: "0.0115", to: "0.0130", step: "0.0001" }',
      )
      .replace(/budget: \d+/, "budget: 60")
      .replace("seeds: 1\n", "seeds: 1\nblocks: 120\n");
    expect(cut).to.include("method: cmaes");
    const outcome = await runExperiment({
      experiment: file("classic-search-cut", cut),
      out: join(root, "cut"),
      quiet: true,
    });
    const best = bestOf(outcome.dir);
    expect(outcome.experiment.cases).to.have.length(176);
    expect(best.search.evaluations).to.be.at.most(60);
    expect(best.search.best.value).to.equal(bestOf(gridDir).objectives[0].best.metrics["agents.buyer.returnBps"].mean);
  });

  it("confirms the search's best on the chain under the screen engine", async () => {
    const search = file(
      "screen",
      GRID.replace("SEEDS", "1").replace("engine: model", "engine: screen").replace("blocks: 120", "blocks: 30") +
        "topK: 1\nsearch: { method: cmaes, budget: 30 }\n",
    );
    const outcome = await runExperiment({ experiment: search, workers: 1, out: join(root, "screen"), quiet: true });
    const best = bestOf(outcome.dir);
    expect(best.screen.confirmed[0]).to.equal(best.search.best.case);
    expect(best.runs.chain).to.equal(best.screen.confirmed.length);
    expect(best.runs.model).to.equal(best.search.evaluations);
    expect(best.screen.disagreements).to.equal(0);
    expect(best.objectives[0].best.case).to.equal(best.search.best.case);
  });

  it("confirms halving's last rung on the chain under the screen engine", async () => {
    const search = file(
      "halving-screen",
      GRID.replace("SEEDS", "2").replace("engine: model", "engine: screen").replace("blocks: 120", "blocks: 30") +
        "topK: 2\nsearch: { method: halving, cases: 8 }\n",
    );
    const outcome = await runExperiment({
      experiment: search,
      workers: 1,
      out: join(root, "halving-screen"),
      quiet: true,
    });
    const best = bestOf(outcome.dir);
    const lastRung = csv(join(outcome.dir, "trail.csv")).filter((r) => r.rung === "2");
    expect(lastRung).to.have.length(4);
    // The chain runs the last rung's best two on both seeds: the search's answer first.
    expect(best.screen.confirmed).to.have.length(2);
    expect(best.screen.confirmed[0]).to.equal(best.search.best.case);
    expect(best.runs.chain).to.equal(4);
    expect(best.screen.disagreements).to.equal(0);
  });

  it("halves the cases and doubles the seeds until the last rung runs on every seed", async () => {
    const search = file("halving", `${GRID.replace("SEEDS", "4")}search: { method: halving, cases: 40 }\n`);
    const outcome = await runExperiment({ experiment: search, out: join(root, "halving"), quiet: true });
    const trail = csv(join(outcome.dir, "trail.csv"));
    const rungs = [1, 2, 3].map((rung) => trail.filter((r) => r.rung === String(rung)));
    expect(rungs.map((r) => r.length)).to.deep.equal([40, 20, 10]);
    expect(rungs.map((r) => r[0]!.seeds)).to.deep.equal(["1", "2", "4"]);
    // Runs: 40 on one seed, then one more seed for 20, then two more for 10.
    expect(outcome.ran).to.equal(40 + 20 + 20);
    const best = bestOf(outcome.dir).search;
    const lastRung = rungs[2]!.map((r) => Number(r["agents.buyer.returnBps"]));
    expect(best.best.value).to.equal(Math.max(...lastRung));
    // The cases kept were the best of the rung before.
    const second = rungs[1]!.map((r) => Number(r["agents.buyer.returnBps"])).sort((a, b) => b - a);
    const keptKeys = new Set(rungs[2]!.map((r) => r["agents.buyer.buyBelow"] + r["agents.seller.sellAbove"]));
    const secondKept = rungs[1]!
      .filter((r) => keptKeys.has(r["agents.buyer.buyBelow"] + r["agents.seller.sellAbove"]))
      .map((r) => Number(r["agents.buyer.returnBps"]));
    expect(Math.min(...secondKept)).to.be.at.least(second[9]!);
  });

  it("never picks a case that misses subjectTo, in a grid and in a search", async () => {
    const unconstrained = bestOf(gridDir).objectives[0].best;
    const volatility = unconstrained.metrics.poolVolatilityBps.mean as number;
    const condition = `subjectTo: ["poolVolatilityBps <= ${Math.floor(volatility / 2)}"]\n`;
    const grid = await runExperiment({
      experiment: file("constrained", GRID.replace("SEEDS", "1") + condition),
      out: join(root, "constrained"),
      workers: 2,
      quiet: true,
    });
    const best = bestOf(grid.dir);
    expect(best.subjectTo).to.deep.equal([`poolVolatilityBps <= ${Math.floor(volatility / 2)}`]);
    expect(best.infeasibleCases).to.be.greaterThan(0);
    const picked = best.objectives[0].best;
    expect(picked.case).to.not.equal(unconstrained.case);
    expect(picked.metrics.poolVolatilityBps.mean).to.be.at.most(volatility / 2);
    const searched = await runExperiment({
      experiment: file(
        "constrained-search",
        `${GRID.replace("SEEDS", "1")}${condition}search: { method: cmaes, budget: 80 }\n`,
      ),
      out: join(root, "constrained-search"),
      quiet: true,
    });
    const found = bestOf(searched.dir).search.best;
    expect(found.entry.metrics.poolVolatilityBps.mean).to.be.at.most(volatility / 2);
    expect(found.value).to.be.at.most(picked.metrics["agents.buyer.returnBps"].mean);
    const trail = csv(join(searched.dir, "trail.csv"));
    expect(trail.some((r) => r.feasible === "no")).to.equal(true);
  });

  it("snaps a point of the box to the nearest grid case, a list by its position, and steps to neighbours within the grid", async () => {
    const experiment = await parseExperiment(
      {
        scenario: "scenarios/classic.yaml",
        engine: "model",
        seeds: 1,
        grid: { "pool.feeBps": [100, 0, 30], "market.buyFeeBps": [50], "agents.buyer.amount": ["500", "1000"] },
        objectives: [{ metric: "agents.buyer.returnBps", goal: "maximise" }],
      },
      "x.yaml",
    );
    const space = new SearchSpace(experiment);
    expect(space.dimensions).to.equal(2); // the one-value parameter is not an axis
    const at = (x: number, y: number) => space.caseAt([x, y]).key;
    expect(at(0, 0)).to.equal("pool.feeBps=100 market.buyFeeBps=50 agents.buyer.amount=500");
    expect(at(0.76, 0.6)).to.equal("pool.feeBps=30 market.buyFeeBps=50 agents.buyer.amount=1000");
    expect(at(0.5, -3)).to.equal("pool.feeBps=0 market.buyFeeBps=50 agents.buyer.amount=500");
    const corner = space.caseAt([1, 1]);
    expect(space.neighbours(corner).map((c) => c.key)).to.deep.equal([
      "pool.feeBps=0 market.buyFeeBps=50 agents.buyer.amount=1000",
      "pool.feeBps=30 market.buyFeeBps=50 agents.buyer.amount=500",
    ]);
    expect(space.neighbours(corner, 2).map((c) => c.key)).to.deep.equal([
      "pool.feeBps=100 market.buyFeeBps=50 agents.buyer.amount=1000",
    ]);
  });

  it("refuses bad search and subjectTo fields with the path, what was expected and a fix", async () => {
    const base = {
      scenario: "scenarios/classic.yaml",
      engine: "model",
      seeds: 1,
      grid: { "pool.feeBps": [0, 30, 60] },
      objectives: [{ metric: "agents.buyer.returnBps", goal: "maximise" }],
    };
    const problems = async (extra: Record<string, unknown>) => {
      try {
        await parseExperiment({ ...base, ...extra }, "x.yaml");
      } catch (error) {
        expect(error).to.be.instanceOf(ExperimentError);
        return (error as ExperimentError).issues.map(
          (i) => `${i.path}: expected ${i.expected}, got ${i.got}${i.fix === undefined ? "" : `; ${i.fix}`}`,
        );
      }
      throw new Error("expected the experiment to be refused");
    };
    expect((await problems({ search: "cmaess" }))[0]).to.match(/^search: expected one of .*did you mean "cmaes"\?$/);
    expect((await problems({ search: { method: "cmaes", budjet: 10 } }))[0]).to.match(
      /^search\.budjet: expected one of the fields .*did you mean budget\?$/,
    );
    expect((await problems({ search: { method: "cmaes", budget: 4 } }))[0]).to.match(
      /^search\.budget: expected evaluations \(distinct cases\), from 1 to the grid's 3 cases, got 4$/,
    );
    expect((await problems({ search: { method: "cmaes", stall: 0 } }))[0]).to.match(
      /^search\.stall: expected evaluations without an improvement above tolerance that end the search, from 1 to the grid's 3 cases, got 0$/,
    );
    expect((await problems({ search: { method: "cmaes", objective: "agents.buyer.pnlQuote" } }))[0]).to.equal(
      'search.objective: expected the metric of one of the objectives (agents.buyer.returnBps), got "agents.buyer.pnlQuote"; add it to objectives first',
    );
    expect((await problems({ search: { method: "halving", eta: 1 } }))[0]).to.match(
      /^search\.eta: expected a reduction factor/,
    );
    expect((await problems({ search: "halving" }))[0]).to.match(
      /^seeds: expected at least 2 seeds for halving.*use search: cmaes/,
    );
    expect((await problems({ subjectTo: ["minSolvencyRatoi >= 1"] }))[0]).to.match(
      /^subjectTo\[0\]: expected a condition on a metric .*did you mean minSolvencyRatio\?$/,
    );
    expect((await problems({ subjectTo: ["minSolvencyRatio > 1"] }))[0]).to.match(
      /^subjectTo\[0\]: expected "<metric> >= <number>"/,
    );
    const ok = await parseExperiment({ ...base, subjectTo: ["minSolvencyRatio >= 1"], search: "cmaes" }, "x.yaml");
    expect(ok.measured).to.deep.equal(["agents.buyer.returnBps", "minSolvencyRatio"]);
    expect(ok.constraints).to.deep.equal([
      { metric: "minSolvencyRatio", op: ">=", value: 1, text: "minSolvencyRatio >= 1", index: 1 },
    ]);
    expect(ok.search).to.include({ method: "cmaes", budget: 3, population: 4 });
  });
});
