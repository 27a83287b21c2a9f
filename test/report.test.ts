import { expect } from "chai";
import { access, mkdtemp, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

import { downsample } from "../agents/report/downsample.ts";
import { renderReport, writeReport } from "../agents/report/report.ts";
import { ReportError } from "../agents/report/run-data.ts";
import { tickLabel } from "../agents/report/svg-chart.ts";
import { SummaryFileError } from "../agents/run/summary-file.ts";
import { type SyntheticRun, writeSyntheticRun } from "./helpers/synthetic-run.ts";
import { expectClose } from "./helpers/close.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

async function chromiumPath(): Promise<string> {
  try {
    await access(CHROMIUM);
  } catch {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the report test opens report.html in a real browser. Install it with \`apt-get install chromium\` (or point CHROMIUM_PATH at a Chromium binary).`,
    );
  }
  return CHROMIUM;
}

interface DrawnLine {
  chart: string;
  series: string;
  dataPoints: number;
  coordinates: number;
  width: number;
  height: number;
}

describe("HTML report", function () {
  this.timeout(60_000);
  let dir: string;
  let run: SyntheticRun;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "arena-report-"));
    run = await writeSyntheticRun(dir, { steps: 60, agents: 8, agentEvery: 5 });
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("is one self-contained file: no script, no stylesheet, font or image to fetch", async function () {
    const html = await readFile(await writeReport(dir), "utf8");
    expect(html).to.match(/^<!doctype html>/);
    expect(html).to.not.match(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).to.not.match(/\s(src|href)=/i);
    // The only URL in it is the SVG namespace, which is never fetched.
    expect(html.match(/https?:\/\/[^"\s]+/g)).to.deep.equal([
      "http://www.w3.org/2000/svg",
      "http://www.w3.org/2000/svg",
      "http://www.w3.org/2000/svg",
      "http://www.w3.org/2000/svg",
      "http://www.w3.org/2000/svg",
    ]);
    expect(await renderReport(dir)).to.equal(html); // rebuilt from the same folder: the same page
  });

  it("draws every chart, the leaderboard and the gas tables in Chromium", async function () {
    const reportPath = await writeReport(dir);
    const browser = await chromium.launch({ executablePath: await chromiumPath(), args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning")
          problems.push(`${message.type()}: ${message.text()}`);
      });
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("request", (request) => requests.push(request.url()));
      const url = pathToFileURL(reportPath).href;
      await page.goto(url);

      const lines: DrawnLine[] = await page.$$eval("figure.chart polyline", (polylines) =>
        polylines.map((polyline) => {
          const box = polyline.getBoundingClientRect();
          return {
            chart: polyline.closest("figure")!.id,
            series: polyline.getAttribute("data-series")!,
            dataPoints: Number(polyline.getAttribute("data-points")),
            coordinates: (polyline.getAttribute("points") ?? "").trim().split(/\s+/).length,
            width: box.width,
            height: box.height,
          };
        }),
      );
      const leaders = run.summary.leaderboard.slice(0, 5).map((entry) => entry.agent);
      const expected = [
        ["chart-price", "curve", 60],
        ["chart-price", "pool", 60],
        ["chart-supply-reserve", "supply", 60],
        ["chart-supply-reserve", "reserve", 60],
        ["chart-treasury", "treasury", 60],
        ["chart-volume", "curve", 60],
        ["chart-volume", "pool", 60],
        // agents.csv has a row every 5 steps: 12 per agent.
        ...leaders.map((agent) => ["chart-agent-pnl", agent, 12]),
      ];
      expect(lines.map((line) => [line.chart, line.series, line.dataPoints])).to.deep.equal(expected);
      for (const line of lines) {
        expect(line.coordinates, `${line.chart}/${line.series} points`).to.equal(line.dataPoints);
        expect(line.width, `${line.chart}/${line.series} width`).to.be.greaterThan(100);
        expect(line.height, `${line.chart}/${line.series} height`).to.be.greaterThan(10);
      }

      const leaderboard = await page.$$eval("#leaderboard tbody tr", (rows) =>
        rows.map((row) => [row.getAttribute("data-rank"), row.getAttribute("data-agent"), row.children[3].textContent]),
      );
      expect(leaderboard).to.have.length(8);
      expect(leaderboard.map(([rank, agent]) => [Number(rank), agent])).to.deep.equal(
        run.summary.leaderboard.map((entry) => [entry.rank, entry.agent]),
      );
      // PnL in quote with two decimals: the leader's figure as recorded.
      const leaderPnl = Number(BigInt(run.summary.leaderboard[0].pnlQuote)) / 1e6;
      expectClose(Number(leaderboard[0][2]!.replace(/,/g, "")), leaderPnl, 0.005);

      const gasKeys = await page.$$eval("#gas-function tbody tr", (rows) =>
        rows.map((row) => row.getAttribute("data-key")),
      );
      expect([...gasKeys].sort()).to.deep.equal(run.profile.tables.function.map((row) => row.key).sort());
      expect(await page.$$eval("#gas-agent tbody tr", (rows) => rows.length)).to.equal(8);
      expect(await page.textContent('[data-metric="txs"] dd')).to.equal(
        `${run.summary.totals.txs} (${run.summary.totals.reverts})`,
      );

      expect(problems).to.deep.equal([]);
      expect(requests).to.deep.equal([url]);

      const screenshot = join(dir, "report.png");
      await page.screenshot({ path: screenshot, fullPage: true });
      const png = await readFile(screenshot);
      expect(png.length).to.be.greaterThan(10_000);
      expect(png.subarray(1, 4).toString()).to.equal("PNG");
    } finally {
      await browser.close();
    }
  });

  it("keeps a 20,000-block run small: at most 2,000 points per line", async function () {
    const big = await mkdtemp(join(tmpdir(), "arena-report-big-"));
    try {
      await writeSyntheticRun(big, { steps: 20_000, agents: 6, agentEvery: 5 });
      const html = await readFile(await writeReport(big), "utf8");
      const counts = [...html.matchAll(/data-points="(\d+)"/g)].map((match) => Number(match[1]));
      expect(counts).to.have.length(7 + 5);
      for (const count of counts) expect(count).to.be.within(1_000, 2_000);
      expect(html.length).to.be.below(800_000);
    } finally {
      await rm(big, { recursive: true, force: true });
    }
  });

  it("still renders without agents.csv and gas.json, and escapes what the run named", async function () {
    const partial = await mkdtemp(join(tmpdir(), "arena-report-partial-"));
    try {
      await writeSyntheticRun(partial, { steps: 10, agents: 2, agentEvery: 1 });
      await unlink(join(partial, "agents.csv"));
      await unlink(join(partial, "gas.json"));
      const summary = JSON.parse(await readFile(join(partial, "summary.json"), "utf8"));
      summary.scenario.name = "<script>alert(1)</script>";
      await writeFile(join(partial, "summary.json"), JSON.stringify(summary));
      const html = await renderReport(partial);
      expect(html).to.contain("&lt;script&gt;alert(1)&lt;/script&gt;");
      expect(html).to.not.contain("<script");
      expect(html).to.contain("No agents.csv in this run folder.");
      expect(html).to.contain("No gas.json in this run folder.");
      expect(html).to.contain('id="chart-price"');
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  });

  it("says which folder or file is missing", async function () {
    const missing = join(dir, "no-such-run");
    await expectError(renderReport(missing), ReportError, /no run folder at .*no-such-run/);
    const empty = await mkdtemp(join(tmpdir(), "arena-report-empty-"));
    try {
      await expectError(renderReport(empty), SummaryFileError, /no summary at .*summary\.json/);
      expect((await stat(empty)).isDirectory()).to.equal(true);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("labels axis ticks with just enough digits", function () {
    expect(tickLabel(0, 200, 1_000)).to.equal("0");
    expect(tickLabel(1_200, 200, 3_000)).to.equal("1.2k");
    expect(tickLabel(2_500_000, 500_000, 3_000_000)).to.equal("2.5M");
    expect(tickLabel(0.0125, 0.0005, 0.02)).to.equal("0.0125");
    expect(tickLabel(-40, 20, 100)).to.equal("-40");
  });

  describe("downsampling", function () {
    it("thins a long series to the limit and keeps its first, last, lowest and highest points", function () {
      const n = 20_000;
      const x = Array.from({ length: n }, (_, i) => i + 1);
      const y = x.map((i) => Math.sin(i / 50) + (i === 7_777 ? -9 : 0) + (i === 12_345 ? 9 : 0));
      const thin = downsample({ x, y }, 2_000);
      expect(thin.x.length).to.be.at.most(2_000).and.at.least(1_900);
      expect(thin.x[0]).to.equal(1);
      expect(thin.x[thin.x.length - 1]).to.equal(n);
      expect(thin.x).to.include(7_777).and.include(12_345);
      expect(thin.x.every((value, i) => i === 0 || value > thin.x[i - 1])).to.equal(true);
      expect(downsample({ x: [1, 2, 3], y: [3, 1, 2] }, 2_000)).to.deep.equal({ x: [1, 2, 3], y: [3, 1, 2] });
    });
  });
});

async function expectError(
  promise: Promise<unknown>,
  type: new (...args: never[]) => Error,
  message: RegExp,
): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect((error as Error).message).to.match(message);
    return;
  }
  expect.fail(`expected ${type.name} matching ${message}`);
}
