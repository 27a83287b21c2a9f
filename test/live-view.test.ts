// The live view (agents/live/): following files as they grow, `view` on a finished run folder, a run
// folder still being written (its `.partial` folder renamed into place), folders that are not runs,
// corrupt files shown on the page, and an experiment's progress advancing while it runs.

import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { csvHeader, csvLine } from "../agents/core/csv.ts";
import { STEP_COLUMNS } from "../agents/mechanisms/registry.ts";
import { INCOMPLETE_FILE, incompleteMarkText } from "../agents/run/run-files.ts";
import { ExperimentSource, sourceForFolder } from "../agents/live/sources.ts";
import { LiveServer, LiveViewError } from "../agents/live/server.ts";
import { LineTail } from "../agents/live/tail.ts";
import { BattleView, KEPT_POINTS } from "../agents/live/battle-view.ts";
import { loadExperiment } from "../agents/experiment/experiment-file.ts";
import { runExperiment } from "../agents/experiment/run-experiment.ts";
import experimentTask from "../scripts/experiment.ts";
import { captured } from "./helpers/captured.ts";
import { syntheticSteps, writeSyntheticRun } from "./helpers/synthetic-run.ts";

async function page(server: LiveServer): Promise<string> {
  const response = await fetch(server.url);
  expect(response.status).to.equal(200);
  return response.text();
}

const attribute = (html: string, id: string, name: string) =>
  new RegExp(`id="${id}"[^>]*?${name}="([^"]*)"`).exec(html)?.[1] ??
  new RegExp(`${name}="([^"]*)"[^>]*id="${id}"`).exec(html)?.[1];

describe("live view", function () {
  this.timeout(120_000);
  let root: string;
  before(() => (root = mkdtempSync(join(tmpdir(), "arena-live-"))));
  after(() => rmSync(root, { recursive: true, force: true }));

  describe("following a growing file", () => {
    it("returns whole lines only, holds a partly written line until its newline, and says when the file was cut back or replaced", () => {
      const file = join(root, "tail.csv");
      const tail = new LineTail(file);
      expect(tail.read()).to.deep.equal({ lines: [], reset: false, exists: false });
      writeFileSync(file, "a,b\n1,2\n3,");
      expect(tail.read()).to.deep.equal({ lines: ["a,b", "1,2"], reset: false, exists: true });
      expect(tail.read().lines).to.deep.equal([]);
      appendFileSync(file, "4\n5,6\n");
      expect(tail.read().lines).to.deep.equal(["3,4", "5,6"]);
      // A writer cut the last block back (a full disk): the reader starts again from the first line.
      truncateSync(file, "a,b\n1,2\n".length);
      expect(tail.read()).to.deep.equal({ lines: ["a,b", "1,2"], reset: true, exists: true });
      // Another file in its place (a run started over): the same.
      const other = join(root, "other.csv");
      writeFileSync(other, "a,b\n9,9\n8,8\n7,7\n");
      renameSync(other, file);
      expect(tail.read()).to.deep.equal({ lines: ["a,b", "9,9", "8,8", "7,7"], reset: true, exists: true });
      // A multi-byte character split across two reads comes out whole.
      appendFileSync(file, Buffer.from("é,", "utf8").subarray(0, 1));
      expect(tail.read().lines).to.deep.equal([]);
      appendFileSync(file, Buffer.concat([Buffer.from("é", "utf8").subarray(1), Buffer.from(",x\n")]));
      expect(tail.read().lines).to.deep.equal(["é,x"]);
    });
  });

  describe("view on a run folder", () => {
    it("shows a finished run's final block, its leaderboard and its gas per function", async () => {
      const dir = join(root, "finished");
      mkdirSync(dir);
      const run = await writeSyntheticRun(dir, { steps: 60, agents: 8, agentEvery: 5 });
      const server = await LiveServer.start(sourceForFolder(dir), { pollMs: 50 });
      try {
        const html = await page(server);
        const last = run.steps.at(-1)!;
        expect(attribute(html, "block-counter", "data-block")).to.equal(String(last.block));
        expect(attribute(html, "block-counter", "data-step")).to.equal("60");
        expect(attribute(html, "live-phase", "data-phase")).to.equal("finished");
        expect(html).to.include("finished: complete, 60 of 60 blocks");
        const ranks = [...html.matchAll(/data-agent="([^"]+)" data-rank="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
        expect(ranks).to.deep.equal(run.summary.leaderboard.map((e) => [e.agent, e.rank]));
        const functions = [...html.matchAll(/<tr data-key="([^"]+)"/g)].map((m) => m[1]).sort();
        expect(functions).to.deep.equal(run.profile.tables.function.map((row) => row.key).sort());
        expect(Number(/data-series="curve" data-points="(\d+)"/.exec(html)?.[1])).to.equal(60);
        // Its own script and stylesheet, nothing from elsewhere; only loopback may ask.
        expect(html).to.include('<script src="/live.js" defer></script>');
        expect(html).to.not.match(/(src|href)="https?:/);
        expect((await fetch(new URL("/live.js", server.url))).status).to.equal(200);
        expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      } finally {
        await server.close();
      }
    });

    it("follows a battle's `.partial` folder as blocks are appended, and the run once it is renamed into place", async () => {
      const dir = join(root, "running");
      const partial = `${dir}.partial`;
      mkdirSync(partial);
      writeFileSync(join(partial, INCOMPLETE_FILE), incompleteMarkText({ pid: process.pid, final: dir }));
      const source = sourceForFolder(dir);
      // `view runs/x.partial` names the folder being written: it follows the run into runs/x too.
      const byPartial = sourceForFolder(partial);
      const server = await LiveServer.start(source, { pollMs: 20 });
      try {
        expect(attribute(await page(server), "live-phase", "data-phase")).to.equal("setting-up");
        const rows = syntheticSteps(30);
        const lines = rows.map((row) => csvLine(STEP_COLUMNS, row));
        writeFileSync(join(partial, "steps.csv"), csvHeader(STEP_COLUMNS) + lines.slice(0, 10).join(""));
        // Half of block 11's line: not shown until the rest arrives.
        appendFileSync(join(partial, "steps.csv"), lines[10]!.slice(0, 20));
        await server.refresh();
        let html = await page(server);
        expect(attribute(html, "live-phase", "data-phase")).to.equal("running");
        expect(attribute(html, "block-counter", "data-step")).to.equal("10");
        appendFileSync(join(partial, "steps.csv"), lines[10]!.slice(20) + lines.slice(11, 20).join(""));
        await server.refresh();
        html = await page(server);
        expect(attribute(html, "block-counter", "data-step")).to.equal("20");
        expect(Number(/data-series="curve" data-points="(\d+)"/.exec(html)?.[1])).to.equal(20);
        expect(html).to.not.include("Problems");
        // The battle ends: the mark goes and the folder becomes `dir`; the view reads on from there.
        rmSync(join(partial, INCOMPLETE_FILE));
        renameSync(partial, dir);
        appendFileSync(join(dir, "steps.csv"), lines.slice(20).join(""));
        await server.refresh();
        html = await page(server);
        expect(attribute(html, "block-counter", "data-step")).to.equal("30");
        expect(html).to.include(`· ${dir}</p>`);
        await byPartial.poll();
        expect(byPartial.update().sections["live-status"]).to.include('data-step="30"').and.include(`· ${dir}</p>`);
      } finally {
        await server.close();
      }
    });

    it("refuses a folder that is not a run folder, naming what it lacks", () => {
      const empty = join(root, "not-a-run");
      mkdirSync(empty);
      writeFileSync(join(empty, "notes.txt"), "hello\n");
      expect(() => sourceForFolder(empty))
        .to.throw(LiveViewError)
        .with.property("message")
        .that.matches(
          /not-a-run is not a run folder: it has no steps\.csv .* and no runs\.csv or experiment\.json .*; it holds notes\.txt\. Pass a folder `bin\/arena battle` wrote/,
        );
      expect(() => sourceForFolder(join(root, "missing")))
        .to.throw(LiveViewError)
        .with.property("message")
        .that.matches(/missing does not exist, and no battle is writing .*missing\.partial/);
    });

    it("shows a corrupt file's problem on the page and keeps serving", async () => {
      const dir = join(root, "corrupt");
      mkdirSync(dir);
      mkdirSync(join(root, "fixed"));
      await writeSyntheticRun(dir, { steps: 20, agents: 3, agentEvery: 5 });
      appendFileSync(join(dir, "steps.csv"), "21,121,252\n");
      writeFileSync(join(dir, "summary.json"), "{ not json");
      const server = await LiveServer.start(sourceForFolder(dir), { pollMs: 20 });
      try {
        const html = await page(server);
        expect(html).to.include("<h2>Problems</h2>");
        expect(html).to.match(/steps\.csv:22: expected \d+ fields as in the header, found 3/);
        expect(html).to.match(/summary\.json: not JSON/);
        // What could be read still shows: the 20 whole blocks.
        expect(attribute(html, "block-counter", "data-step")).to.equal("20");
        // Fixed while the server runs: the problem goes.
        await writeSyntheticRun(join(root, "fixed"), { steps: 20, agents: 3, agentEvery: 5 });
        renameSync(join(root, "fixed", "summary.json"), join(dir, "summary.json"));
        await server.refresh();
        expect(await page(server)).to.not.match(/summary\.json: not JSON/);
      } finally {
        await server.close();
      }
    });
  });

  describe("long battles and governance", () => {
    it("keeps a bounded number of points per line however long the battle, with its spikes", async () => {
      const dir = join(root, "long");
      mkdirSync(dir);
      const rows = syntheticSteps(KEPT_POINTS * 2 + 5_000);
      const spike = 12_345;
      rows[spike - 1]!.curvePriceWad *= 3n;
      writeFileSync(
        join(dir, "steps.csv"),
        csvHeader(STEP_COLUMNS) + rows.map((r) => csvLine(STEP_COLUMNS, r)).join(""),
      );
      writeFileSync(join(dir, INCOMPLETE_FILE), incompleteMarkText({ pid: process.pid, final: dir }));
      const view = new BattleView({ final: dir, partial: `${dir}.partial` });
      while (view.poll()) {
        // Each poll reads at most 8 MiB; the file is caught up over a few.
      }
      const line = view.series.curvePrice;
      expect(view.lastStep).to.equal(rows.length);
      expect(line.x.length).to.be.lessThan(KEPT_POINTS * 2);
      expect(line.x.at(-1)).to.equal(rows.length);
      // The spike (three times its neighbours) survives the thinning.
      expect(line.y[line.x.indexOf(spike)]).to.equal(Number(rows[spike - 1]!.curvePriceWad) / 1e18);
    });

    it("lists the governance trail's events, the latest first", async () => {
      const dir = join(root, "governed");
      mkdirSync(dir);
      await writeSyntheticRun(dir, { steps: 20, agents: 3, agentEvery: 5 });
      const events = [
        { step: 3, kind: "proposed", proposal: "#1", changes: ["market.buyFeeBps 100 → 120"] },
        { step: 9, kind: "vote", proposal: "#1", voter: "whale-1", support: "for" },
        { step: 15, kind: "executed", proposal: "#1" },
      ];
      writeFileSync(join(dir, "governance.jsonl"), events.map((e) => `${JSON.stringify(e)}\n`).join(""));
      const server = await LiveServer.start(sourceForFolder(dir), { pollMs: 20 });
      try {
        const html = await page(server);
        const table = html.slice(html.indexOf('id="governance-events"'));
        const shown = [
          ...table.matchAll(/<tr><td class="num">(\d+)<\/td><td>([a-z-]+)<\/td><td>([^<]*)<\/td><\/tr>/g),
        ].map((m) => [Number(m[1]), m[2], m[3]]);
        expect(shown).to.deep.equal([
          [15, "executed", "proposal #1"],
          [9, "vote", "proposal #1 · voter whale-1 · support for"],
          [3, "proposed", "proposal #1 · changes market.buyFeeBps 100 → 120"],
        ]);
        expect(html).to.include("3 events in governance.jsonl");
      } finally {
        await server.close();
      }
    });
  });

  describe("experiments", () => {
    const EXPERIMENT = `scenario: scenarios/classic.yaml
engine: model
seeds: 2
blocks: 60
grid:
  pool.feeBps: [0, 30]
  agents.buyer.buyBelow: { from: "0.0120", to: "0.0126", step: "0.0002" }
objectives:
  - { metric: agents.buyer.returnBps, goal: maximise }
`;

    it("shows progress advancing and the heat map filling in while the experiment runs", async () => {
      const file = join(root, "grid.yaml");
      writeFileSync(file, EXPERIMENT);
      const experiment = await loadExperiment(file, { workers: 1 });
      const dir = join(root, "experiment");
      const source = new ExperimentSource(dir, experiment);
      const server = await LiveServer.start(source, { pollMs: 10 });
      const seen: { done: number; cells: number }[] = [];
      let etaShown = false;
      const sample = async () => {
        const html = await page(server);
        const done = Number(attribute(html, "progress", "data-done") ?? -1);
        const cells = [...html.matchAll(/<rect data-x="[^"]*" data-y="[^"]*" data-value="([^"]*)"/g)].filter(
          (m) => m[1] !== "",
        ).length;
        if (/ETA \d/.test(html)) etaShown = true;
        if (seen.at(-1)?.done !== done) seen.push({ done, cells });
      };
      try {
        await runExperiment({
          experiment,
          out: dir,
          quiet: true,
          onRecorded: () => {
            void server.refresh().then(sample);
          },
        });
        await server.refresh();
        await sample();
        const html = await page(server);
        expect(attribute(html, "live-phase", "data-phase")).to.equal("finished");
        expect(attribute(html, "progress", "data-total")).to.equal("16");
        expect(seen.at(-1)).to.deep.equal({ done: 16, cells: 8 });
        // Progress went up in several steps, never down, and cells filled in along the way.
        const dones = seen.map((s) => s.done);
        expect(dones.length).to.be.greaterThan(3);
        expect(dones).to.deep.equal([...dones].sort((a, b) => a - b));
        expect(seen.some((s) => s.cells > 0 && s.cells < 8)).to.equal(true);
        expect(etaShown, "an ETA while it ran").to.equal(true);
        expect(html).to.include('<progress id="progress-bar" max="16" value="16">');
      } finally {
        await server.close();
      }
    });

    it("`view` on an experiment's folder reads its grid from the file experiment.json names, or from the rows when it is gone", async () => {
      const dir = join(root, "experiment");
      let server = await LiveServer.start(sourceForFolder(dir), { pollMs: 20 });
      try {
        const html = await page(server);
        expect(attribute(html, "live-phase", "data-phase")).to.equal("finished");
        expect(attribute(html, "progress", "data-done")).to.equal("16");
        expect(attribute(html, "progress", "data-total")).to.equal("16");
        expect([...html.matchAll(/<rect data-x=/g)].length).to.equal(8);
      } finally {
        await server.close();
      }
      rmSync(join(root, "grid.yaml"));
      server = await LiveServer.start(sourceForFolder(dir), { pollMs: 20 });
      try {
        const html = await page(server);
        expect(attribute(html, "progress", "data-done")).to.equal("16");
        expect(attribute(html, "progress", "data-total")).to.equal("");
        expect(html).to.include("could not be read as the experiment of these rows");
        // The grid from the rows: the same 2 × 4 cells, every one filled.
        expect([...html.matchAll(/<rect data-x="[^"]*" data-y="[^"]*" data-value="[^"]+"/g)].length).to.equal(8);
      } finally {
        await server.close();
      }
    });

    it("`experiment --live` prints the view's address and stops it when the experiment ends", async () => {
      const file = join(root, "grid-cli.yaml");
      writeFileSync(file, EXPERIMENT.replace("seeds: 2", "seeds: 1"));
      const { out } = await captured(() =>
        experimentTask(
          {
            file,
            engine: "",
            workers: "1",
            out: join(root, "experiment-cli"),
            resume: false,
            force: false,
            quiet: true,
            live: true,
          },
          undefined as never,
        ),
      );
      const url = /live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
      expect(url, out).to.be.a("string");
      let refused = false;
      await fetch(url!).catch(() => (refused = true));
      expect(refused, "the server stopped with the experiment").to.equal(true);
    });
  });
});
