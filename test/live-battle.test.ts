// `battle --live` as a user watches it: headless Chromium opens the printed address while the battle
// runs and sees the price chart and the block counter grow as blocks arrive; the same folder opened from
// this (another) process by the view follows the running battle too; Ctrl-C stops the battle and the
// server with it, and the page says so. A screenshot of the page is kept at
// $TMPDIR/arena-live-battle.png (its path is printed).

import { spawn } from "node:child_process";
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { get as httpGet } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { chromium } from "playwright-core";

import { LiveServer } from "../agents/live/server.ts";
import { sourceForFolder } from "../agents/live/sources.ts";
import { writeSyntheticRun } from "./helpers/synthetic-run.ts";

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOT = join(tmpdir(), "arena-live-battle.png");

async function chromiumPath(): Promise<string> {
  try {
    await access(CHROMIUM);
  } catch {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the live view test opens the page in a real browser. Install it with \`apt-get install chromium\` (or point CHROMIUM_PATH at a Chromium binary).`,
    );
  }
  return CHROMIUM;
}

const until = async (what: string, check: () => Promise<boolean>, ms = 120_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe("battle --live", function () {
  this.timeout(240_000);

  it("serves a page whose charts and block counter grow as blocks are mined, until Ctrl-C stops both", async () => {
    const root = await mkdtemp(join(tmpdir(), "arena-live-battle-"));
    const dir = join(root, "run");
    const cli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");
    const child = spawn(
      process.execPath,
      [cli, "battle", "--scenario", "scenarios/calm.yaml", "--blocks", "100000", "--out", dir, "--live", "--quiet"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const browser = await chromium.launch({ executablePath: await chromiumPath(), args: ["--no-sandbox"] });
    let other: LiveServer | undefined;
    try {
      await until("the live view's address", async () => /live view: http:\/\/127\.0\.0\.1:\d+\//.test(stdout));
      const url = /live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)![1]!;
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(url);
      // One evaluation reads everything, so no update can land between two attributes (a string, so the
      // test's compiler adds no helper the page lacks).
      const read = (): Promise<{ step: number; block: number; points: number; coordinates: number; updates: number }> =>
        page.evaluate(`(() => {
          const counter = document.getElementById("block-counter");
          const curve = document.querySelector('#chart-price polyline[data-series="curve"]');
          return {
            step: Number(counter?.getAttribute("data-step") ?? 0),
            block: Number(counter?.getAttribute("data-block") ?? 0),
            points: Number(curve?.getAttribute("data-points") ?? 0),
            coordinates: (curve?.getAttribute("points") ?? "").trim().split(/\\s+/).filter(Boolean).length,
            updates: Number(document.body.dataset.updates ?? 0),
          };
        })()`);
      await until("the first blocks on the page", async () => (await read()).step >= 5);
      const first = await read();
      // The page is not reloaded: the server's events bring the next blocks.
      await until("more blocks on the page", async () => (await read()).step >= first.step + 10);
      const second = await read();
      expect(second.points, "points in the price chart").to.be.greaterThan(first.points);
      expect(second.coordinates).to.equal(second.points);
      expect(second.block).to.be.greaterThan(first.block);
      expect(second.updates).to.be.greaterThan(first.updates);
      expect(await page.textContent("#live-phase")).to.equal("running");
      expect(await page.textContent("#live-connection")).to.match(/connected/);
      await until("agents on the leaderboard", async () => (await page.$$("#leaderboard tbody tr")).length > 0);
      expect((await page.$$("#gas-function tbody tr")).length).to.be.greaterThan(0);

      // Another process (this one) opening the same folder follows the running battle too.
      other = await LiveServer.start(sourceForFolder(dir), { pollMs: 50 });
      const viewed = await (await fetch(other.url)).text();
      expect(viewed).to.include('data-phase="running"');
      expect(Number(/data-step="(\d+)"/.exec(viewed)![1])).to.be.greaterThanOrEqual(second.step);

      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      const png = await readFile(SCREENSHOT);
      expect(png.subarray(1, 4).toString()).to.equal("PNG");
      console.log(`      screenshot of the live page: ${SCREENSHOT}`);
      expect(
        requests.every((request) => request.startsWith(url)),
        requests.join("\n"),
      ).to.equal(true);
      expect(problems).to.deep.equal([]);

      // Ctrl-C stops the battle (status 130, everything recorded) and the server with it.
      child.kill("SIGINT");
      expect(await exited, stderr).to.equal(130);
      await until("the page to say the server stopped", async () =>
        /server stopped|disconnected/.test((await page.textContent("#live-connection")) ?? ""),
      );
      let refused = false;
      await fetch(url).catch(() => (refused = true));
      expect(refused, "the live server stopped with the battle").to.equal(true);
      // The view from this process now shows the finished folder's last block.
      await other.refresh();
      const finished = await (await fetch(other.url)).text();
      expect(finished).to.match(/data-phase="finished"/);
    } finally {
      child.kill("SIGKILL");
      await other?.close();
      await browser.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it("--live-keep serves the finished battle until Ctrl-C, which then ends the command with status 0", async () => {
    const root = await mkdtemp(join(tmpdir(), "arena-live-keep-"));
    const dir = join(root, "run");
    const cli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");
    const child = spawn(
      process.execPath,
      [cli, "battle", "--scenario", "scenarios/calm.yaml", "--blocks", "15", "--out", dir, "--live-keep", "--quiet"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await until("the battle to end with the view kept open", async () => /the live view stays open at/.test(stdout));
      const url = /live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)![1]!;
      const html = await (await fetch(url)).text();
      expect(html).to.include("finished: complete, 15 of 15 blocks");
      expect(html).to.match(/From summary\.json/);
      expect(html).to.match(/From gas\.json: every transaction, set-up included/);
      child.kill("SIGINT");
      expect(await exited).to.equal(0);
      let refused = false;
      await fetch(url).catch(() => (refused = true));
      expect(refused).to.equal(true);
    } finally {
      child.kill("SIGKILL");
      await rm(root, { recursive: true, force: true });
    }
  });

  it("`view` refuses a folder that is no run with its message alone, and serves a run until Ctrl-C", async () => {
    const root = await mkdtemp(join(tmpdir(), "arena-view-cli-"));
    const cli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");
    try {
      const refused = spawn(process.execPath, [cli, "view", root], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      refused.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      refused.stdout.on("data", (chunk: Buffer) => (err += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => refused.once("exit", (c) => resolve(c)));
      expect(code).to.not.equal(0);
      expect(err).to.match(/^view: .* is not a run folder: it has no steps\.csv/m);
      expect(err).to.not.match(/\n\s+at /); // no stack trace

      const run = join(root, "run");
      await mkdir(run);
      await writeSyntheticRun(run, { steps: 12, agents: 3, agentEvery: 4 });
      const child = spawn(process.execPath, [cli, "view", run], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
      try {
        await until("the view's address", async () => /Ctrl-C stops it/.test(stdout));
        const url = /live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)![1]!;
        const html = await (await fetch(url)).text();
        expect(html).to.include('data-step="12"');
        // A request naming another host (a rebound DNS name) is refused (fetch may not set Host; http may).
        const status = await new Promise<number | undefined>((resolve, reject) =>
          httpGet(url, { headers: { host: "example.com" } }, (response) => {
            response.resume();
            resolve(response.statusCode);
          }).on("error", reject),
        );
        expect(status).to.equal(403);
        child.kill("SIGINT");
        expect(await exited).to.equal(0);
        expect(stdout).to.include("view: stopped");
      } finally {
        child.kill("SIGKILL");
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("experiment --live", function () {
  this.timeout(240_000);

  it("shows runs finishing, and Ctrl-C stops the experiment (status 130, runs kept) and the server with it", async () => {
    const root = await mkdtemp(join(tmpdir(), "arena-live-experiment-"));
    const file = join(root, "grid.yaml");
    await writeFile(
      file,
      `scenario: scenarios/classic.yaml
engine: model
seeds: 200
blocks: 365
grid:
  pool.feeBps: [0, 30]
  agents.buyer.buyBelow: { from: "0.0120", to: "0.0126", step: "0.0002" }
objectives:
  - { metric: agents.buyer.returnBps, goal: maximise }
`,
    );
    const out = join(root, "out");
    const cli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");
    const child = spawn(
      process.execPath,
      [cli, "experiment", "--file", file, "--workers", "1", "--out", out, "--live", "--quiet"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await until("the live view's address", async () => /live view: http:\/\/127\.0\.0\.1:\d+\//.test(stdout));
      const url = /live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)![1]!;
      const done = async () => {
        const update = (await (await fetch(new URL("/update.json", url))).json()) as {
          sections: Record<string, string>;
        };
        return Number(/data-done="(\d+)"/.exec(update.sections["live-status"] ?? "")?.[1] ?? 0);
      };
      await until("a first finished run", async () => (await done()) >= 1);
      const first = await done();
      await until("more finished runs", async () => (await done()) > first);
      const html = await (await fetch(url)).text();
      expect(html).to.include('data-total="1600"');
      expect(html).to.include('data-phase="running"');
      child.kill("SIGINT");
      expect(await exited, stderr).to.equal(130);
      expect(stderr).to.match(/experiment: experiment interrupted \(SIGINT \(Ctrl-C\)\): \d+ runs are recorded/);
      let refused = false;
      await fetch(url).catch(() => (refused = true));
      expect(refused, "the live server stopped with the experiment").to.equal(true);
    } finally {
      child.kill("SIGKILL");
      await rm(root, { recursive: true, force: true });
    }
  });
});
