// The live page: the same charts, tables and stylesheet as report.html (report/svg-chart.ts,
// experiment/heat-map.ts, report/style.ts), drawn on the server from a view's state. The page is a shell
// whose sections the browser replaces with each update the server sends (live-client.ts); its first
// response already holds the current sections, so it also reads without its script.

import { basename } from "node:path";

import { caseStats, rankCases } from "../experiment/best.ts";
import { renderHeatMap } from "../experiment/heat-map.ts";
import { downsample, MAX_POINTS_PER_LINE } from "../report/downsample.ts";
import { escapeHtml, formatFloat, formatQuote, formatTokens, htmlTable } from "../report/html.ts";
import { renderLineChart } from "../report/svg-chart.ts";
import { withThousands } from "../core/table.ts";
import type { BattleView } from "./battle-view.ts";
import type { ExperimentView } from "./experiment-view.ts";

/** What the server sends: the page's title and the inner HTML of each section, by element id. */
export interface LiveUpdate {
  title: string;
  sections: Record<string, string>;
}

const COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2"];
const LEADERBOARD_ROWS = 20;
const GAS_ROWS = 20;
const GOVERNANCE_ROWS = 30;

/** The page around the sections of `update`. */
export function livePage(update: LiveUpdate): string {
  const sections = Object.entries(update.sections)
    .filter(([id]) => id !== "live-status")
    .map(([id, html]) => `<section id="${id}">${html}</section>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(update.title)}</title>
<link rel="stylesheet" href="/style.css">
<script src="/live.js" defer></script>
</head>
<body>
<header>
<h1 id="live-title">${escapeHtml(update.title)}</h1>
<div id="live-status">${update.sections["live-status"] ?? ""}</div>
<p class="run" id="live-connection">live: connecting…</p>
</header>
<main>
${sections}
</main>
<footer>Token Arena live view: drawn from the run's files as they are written.</footer>
</body>
</html>
`;
}

/** A page that says what went wrong while drawing, instead of the sections it could not draw. */
export function failedUpdate(title: string, error: unknown): LiveUpdate {
  return {
    title,
    sections: {
      "live-status": `<p class="warn">the view could not be drawn</p>`,
      "live-problems": problemList(new Map([["view", error instanceof Error ? error.message : String(error)]])),
    },
  };
}

function problemList(problems: ReadonlyMap<string, string>): string {
  if (problems.size === 0) return "";
  const items = [...problems.values()].map((message) => `<li>${escapeHtml(message)}</li>`).join("\n");
  return `<h2>Problems</h2>\n<ul class="problems warn">\n${items}\n</ul>`;
}

/* BATTLES */

const PHASE_TEXT = {
  waiting: "waiting for the battle to create its run folder",
  "setting-up": "setting up: deploying and funding the agents",
  running: "running",
  finishing: "writing the summary, gas profile and report",
  finished: "finished",
  stopped: "stopped before its summary was written (killed, or its disk filled up)",
} as const;

export function battleUpdate(view: BattleView): LiveUpdate {
  const summary = view.summary;
  // Until summary.json names the scenario, the folder's name (runs/<scenario>-seed<seed>) says which run it is.
  const name = summary?.name || basename(view.folder.final);
  const title = `Token Arena live — ${name}${summary === undefined ? "" : ` (seed ${summary.seed})`}`;
  const planned = summary?.stepsPlanned ?? view.folder.blocks;
  const counter = `block ${withThousands(view.lastBlock)} · step ${withThousands(view.lastStep)}${planned === undefined ? "" : ` of ${withThousands(planned)}`} · ${withThousands(view.txs)} txs`;
  let phase: string = PHASE_TEXT[view.phase];
  if (view.phase === "finished" && summary !== undefined)
    phase = summary.complete
      ? `finished: complete, ${withThousands(summary.stepsRecorded)} of ${withThousands(summary.stepsPlanned)} blocks`
      : `stopped after ${withThousands(summary.stepsRecorded)} of ${withThousands(summary.stepsPlanned)} blocks${summary.stoppedBy === null ? "" : ` (${summary.stoppedBy})`}`;
  const ok = view.phase === "finished" && summary?.complete === true;
  const status = `<p class="run"><span id="live-phase" data-phase="${view.phase}" class="${ok ? "ok" : view.phase === "stopped" ? "warn" : ""}">${escapeHtml(phase)}</span> · <span id="block-counter" data-step="${view.lastStep}" data-block="${view.lastBlock}">${escapeHtml(counter)}</span> · ${escapeHtml(view.readingFrom)}</p>`;
  return {
    title,
    sections: {
      "live-status": status,
      "live-problems": problemList(view.problems),
      "live-charts": `<h2>Market</h2>\n${battleCharts(view).join("\n")}`,
      "live-leaderboard": `<h2>Leaderboard</h2>\n${leaderboardTable(view)}`,
      "live-gas": `<h2>Gas per function</h2>\n${gasTable(view)}`,
      "live-governance": governanceList(view),
    },
  };
}

function battleCharts(view: BattleView): string[] {
  const { series } = view;
  const line = (points: { x: number[]; y: number[] }) => downsample(points, MAX_POINTS_PER_LINE);
  const empty = view.phase === "finished" ? "No block was recorded." : "Waiting for the first block.";
  return [
    renderLineChart({
      id: "chart-price",
      title: "Curve and pool price (quote per token)",
      xLabel: "step",
      leftLabel: "price",
      series: [
        { name: "curve", label: "curve", color: COLORS[0]!, ...line(series.curvePrice) },
        { name: "pool", label: "pool", color: COLORS[1]!, ...line(series.poolPrice) },
      ],
      emptyText: empty,
    }),
    renderLineChart({
      id: "chart-supply-reserve",
      title: "Supply (tokens, left) and reserve (quote, right)",
      xLabel: "step",
      leftLabel: "supply (tokens)",
      rightLabel: "reserve (quote)",
      series: [
        { name: "supply", label: "supply (left)", color: COLORS[2]!, ...line(series.supply) },
        { name: "reserve", label: "reserve (right)", color: COLORS[3]!, axis: "right", ...line(series.reserve) },
      ],
      emptyText: empty,
    }),
    renderLineChart({
      id: "chart-treasury",
      title: "Treasury (quote)",
      xLabel: "step",
      leftLabel: "treasury (quote)",
      series: [{ name: "treasury", label: "treasury", color: COLORS[4]!, ...line(series.treasury) }],
      emptyText: empty,
    }),
  ];
}

function leaderboardTable(view: BattleView): string {
  const all = view.leaderboard();
  if (all.length === 0)
    return `<p class="empty">No agent rows recorded yet (agents.csv grows every output.agentEvery blocks).</p>`;
  const entries = all.slice(0, LEADERBOARD_ROWS);
  const columns = [
    { title: "#", numeric: true },
    { title: "agent" },
    { title: "behaviours" },
    { title: "PnL (quote)", numeric: true },
    { title: "value (quote)", numeric: true },
    { title: "tokens", numeric: true },
    { title: "txs", numeric: true },
    { title: "reverts", numeric: true },
    { title: "gas", numeric: true },
  ];
  const rows = entries.map((e) => [
    String(e.rank),
    e.agent,
    e.behaviours.join(", "),
    formatQuote(e.pnlQuote),
    formatQuote(e.valueQuote),
    formatTokens(e.tokens),
    withThousands(e.txs),
    withThousands(e.reverts),
    withThousands(e.gasUsed),
  ]);
  const source =
    view.summary === undefined
      ? `<p class="note">As of the latest agents.csv rows${view.agents.size > entries.length ? `; ${withThousands(view.agents.size - entries.length)} more agents` : ""}.</p>`
      : `<p class="note">From summary.json${all.length > entries.length ? `; ${withThousands(all.length - entries.length)} more agents there` : ""}.</p>`;
  return `${htmlTable("leaderboard", columns, rows, (i) => `data-agent="${escapeHtml(entries[i]!.agent)}" data-rank="${entries[i]!.rank}"`)}\n${source}`;
}

function gasTable(view: BattleView): string {
  const { lines, fromProfile } = view.gasByFunction();
  if (lines.length === 0) return `<p class="empty">No transaction recorded yet.</p>`;
  const shown = lines.slice(0, GAS_ROWS);
  const columns = [
    { title: "function" },
    ...(fromProfile
      ? ["count", "reverted", "min", "median", "p95", "max", "total"]
      : ["count", "reverted", "min", "mean", "max", "total"]
    ).map((title) => ({ title, numeric: true })),
  ];
  const rows = shown.map((l) => [
    l.key,
    ...(fromProfile
      ? [l.count, l.reverted, l.min, l.median ?? 0, l.p95 ?? 0, l.max, l.total]
      : [l.count, l.reverted, l.min, Math.round(l.total / l.count), l.max, l.total]
    ).map(withThousands),
  ]);
  const note = fromProfile
    ? "From gas.json: every transaction, set-up included."
    : "From txs.csv as the battle runs: the agents' transactions (gas.json, with the set-up, comes at the end).";
  return `${htmlTable("gas-function", columns, rows, (i) => `data-key="${escapeHtml(shown[i]!.key)}"`)}\n<p class="note">${note}</p>`;
}

function governanceList(view: BattleView): string {
  if (view.governanceCount === 0) return "";
  const shown = view.governance.slice(-GOVERNANCE_ROWS).reverse();
  const rows = shown.map((e) => [String(e.step), e.kind, e.detail]);
  const table = htmlTable(
    "governance-events",
    [{ title: "step", numeric: true }, { title: "event" }, { title: "detail" }],
    rows,
  );
  return `<h2>Governance</h2>\n<p class="note">${withThousands(view.governanceCount)} events in governance.jsonl; the latest first.</p>\n${table}`;
}

/* EXPERIMENTS */

const EXPERIMENT_PHASE = {
  waiting: "waiting for the experiment to create runs.csv",
  running: "running",
  finished: "finished",
  stopped: "stopped before best.json and report.html were written (killed): run it again with --resume",
} as const;

export function experimentUpdate(view: ExperimentView): LiveUpdate {
  const shape = view.shape;
  const title = `Token Arena live — experiment ${shape?.name || view.dir}`;
  const total = shape?.total;
  const done = view.done;
  const eta = view.phase === "running" ? view.etaSeconds() : undefined;
  const progress = [
    `${withThousands(done)}${total === undefined ? "" : ` of ${withThousands(total)}`} runs${shape?.screen ? " on the model" : ""}`,
    ...(shape?.screen
      ? [`${withThousands(view.records.filter((r) => r.engine === "chain").length)} on the chain (the top k)`]
      : []),
    `${withThousands(view.failed)} failed`,
    ...(eta === undefined ? [] : [`ETA ${duration(eta)}`]),
  ].join(" · ");
  const bar =
    total === undefined
      ? ""
      : `<progress id="progress-bar" max="${total}" value="${Math.min(done, total)}"></progress>`;
  const status = `<p class="run"><span id="live-phase" data-phase="${view.phase}" class="${view.phase === "finished" ? "ok" : view.phase === "stopped" ? "warn" : ""}">${escapeHtml(EXPERIMENT_PHASE[view.phase])}</span> · <span id="progress" data-done="${done}" data-total="${total ?? ""}">${escapeHtml(progress)}</span> · ${escapeHtml(view.dir)}</p>${bar}`;
  return {
    title,
    sections: {
      "live-status": status,
      "live-problems": problemList(view.problems),
      "live-charts": `<h2>Objectives over the grid</h2>\n${objectiveCharts(view)}`,
      "live-best": bestSoFar(view),
    },
  };
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

function objectiveCharts(view: ExperimentView): string {
  const shape = view.shape;
  if (shape === undefined) return `<p class="empty">Waiting for experiment.json.</p>`;
  const note = shape.note === undefined ? "" : `<p class="note">${escapeHtml(shape.note)}</p>\n`;
  if (shape.engine === undefined) return `${note}<p class="empty">No run finished yet.</p>`;
  const stats = caseStats(view.records, shape.objectives, shape.engine);
  const byKey = new Map(stats.map((s) => [s.caseKey, s]));
  const { parameters } = shape;
  const charts = shape.objectives.map((objective, index) => {
    const title = `${objective.metric} (${objective.goal}), mean across seeds so far, ${shape.engine} engine`;
    if (parameters.length === 2) {
      const [px, py] = parameters as [(typeof parameters)[0], (typeof parameters)[0]];
      return renderHeatMap({
        id: `objective-${index}`,
        title,
        xLabel: px.name,
        yLabel: py.name,
        xValues: px.values,
        yValues: py.values,
        value: (x, y) =>
          byKey.get(`${px.name}=${px.values[x]} ${py.name}=${py.values[y]}`)?.intervals[index]!.mean ?? Number.NaN,
        goal: objective.goal,
      });
    }
    if (parameters.length === 1) {
      const p = parameters[0]!;
      const points = p.values
        .map((value, i) => ({
          x: Number.isFinite(Number(value)) ? Number(value) : i,
          s: byKey.get(`${p.name}=${value}`),
        }))
        .filter((point) => point.s !== undefined && Number.isFinite(point.s.intervals[index]!.mean));
      return renderLineChart({
        id: `objective-${index}`,
        title,
        xLabel: p.name,
        leftLabel: objective.metric,
        series: [
          {
            name: "mean",
            label: "mean across seeds",
            color: COLORS[index % COLORS.length]!,
            x: points.map((point) => point.x),
            y: points.map((point) => point.s!.intervals[index]!.mean),
          },
        ],
        emptyText: "No measurable run yet.",
      });
    }
    return "";
  });
  const cells =
    parameters.length <= 2
      ? ""
      : `<p class="note">A grid of ${parameters.length} parameters: the best cases so far are below; report.html draws each parameter at the end.</p>`;
  return `${note}${cells}${charts.join("\n")}`;
}

function bestSoFar(view: ExperimentView): string {
  const shape = view.shape;
  if (shape?.engine === undefined) return "";
  const stats = caseStats(view.records, shape.objectives, shape.engine);
  const tables = shape.objectives.map((objective, index) => {
    const ranked = rankCases(stats, index, objective.goal).slice(0, 5);
    const rows = ranked.map((s) => [
      s.caseKey === "" ? "the scenario" : s.caseKey,
      formatFloat(s.intervals[index]!.mean, 6),
      String(s.intervals[index]!.n),
    ]);
    return `<h3>${escapeHtml(`${objective.goal} ${objective.metric}`)}</h3>\n${htmlTable(`best-${index}`, [{ title: "case" }, { title: "mean", numeric: true }, { title: "seeds", numeric: true }], rows)}`;
  });
  return `<h2>Best so far</h2>\n${tables.join("\n")}`;
}
