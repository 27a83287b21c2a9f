// report.html of an experiment: self-contained (inline SVG and CSS, nothing fetched), drawn from the
// recorded rows. Per objective, the mean across seeds over the grid — a heat map for two parameters,
// a line with its 95% interval for one, and for more the best mean at each value of each parameter —
// then the best cases, the Pareto front and, for the screen engine, model against chain.

import { join } from "node:path";

import { escapeHtml, formatFloat, htmlPage, htmlTable } from "../report/html.ts";
import { type ChartSeries, renderLineChart } from "../report/svg-chart.ts";
import { writeFileAtomically } from "../core/write-atomically.ts";
import { type CaseStats, better, paretoFront, rankCases } from "./best.ts";
import type { ExperimentResults } from "./best-file.ts";
import type { Experiment, GridParameter, GridValue, Objective } from "./experiment-types.ts";
import { renderHeatMap } from "./heat-map.ts";
import { RESULT_FILES, type RunRecord } from "./results-folder.ts";
import { searchSection } from "./search/search-report.ts";

const COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2"];
const TABLE_ROWS = 50;

export function renderExperimentReport(
  experiment: Experiment,
  results: ExperimentResults,
  records: readonly RunRecord[],
): string {
  const title = `Token Arena experiment — ${experiment.name}`;
  const facts = [
    `scenario ${experiment.scenarioPath}`,
    `${experiment.engine} engine`,
    `${experiment.cases.length} cases × ${experiment.seeds.length} seeds`,
    `${experiment.blocks} blocks per run`,
    `${records.length} runs recorded (${records.filter((r) => r.status === "failed").length} failed)`,
  ];
  const stats = results.stats;
  return htmlPage({
    title,
    header: `<p class="run">${escapeHtml(facts.join(" · "))}</p>
${experiment.description === "" ? "" : `<p>${escapeHtml(experiment.description)}</p>`}`,
    main: `${results.search === undefined ? "" : `${searchSection(experiment, results.search, results.screen?.modelStats ?? stats)}\n`}<section id="objectives"><h2>Objectives over the grid</h2>
${experiment.objectives.map((o, i) => objectiveCharts(experiment, results.screen?.modelStats ?? stats, o, i, results.screen === undefined ? experiment.engine : "model")).join("\n")}
</section>
<section id="best"><h2>Best cases</h2>
${bestTable(experiment, stats)}
</section>
${experiment.objectives.length > 1 ? `<section id="pareto"><h2>Pareto front</h2>\n${paretoTable(experiment, stats)}\n</section>` : ""}
${results.screen === undefined ? "" : screenSection(experiment, results)}`,
    footer: `Drawn from ${RESULT_FILES.runs} in this folder: means across seeds, 95% intervals from Student's t.`,
  });
}

export async function writeExperimentReport(
  dir: string,
  experiment: Experiment,
  results: ExperimentResults,
  records: readonly RunRecord[],
): Promise<string> {
  const path = join(dir, RESULT_FILES.report);
  await writeFileAtomically(path, renderExperimentReport(experiment, results, records));
  return path;
}

function objectiveCharts(
  experiment: Experiment,
  stats: readonly CaseStats[],
  objective: Objective,
  index: number,
  engine: string,
): string {
  const parameters = experiment.parameters;
  const byKey = new Map(stats.map((s) => [s.caseKey, s]));
  const title = `${objective.metric} (${objective.goal}), mean across seeds, ${engine} engine`;
  const id = `objective-${index}`;
  if (parameters.length === 2) {
    const [px, py] = parameters;
    const key = (x: number, y: number) => `${px.name}=${px.values[x].text} ${py.name}=${py.values[y].text}`;
    return renderHeatMap({
      id,
      title,
      xLabel: px.name,
      yLabel: py.name,
      xValues: px.values.map((v) => v.text),
      yValues: py.values.map((v) => v.text),
      value: (x, y) => byKey.get(key(x, y))?.intervals[index].mean ?? Number.NaN,
      goal: objective.goal,
    });
  }
  if (parameters.length === 1) {
    const p = parameters[0];
    const axis = axisOf(p);
    const points = p.values
      .map((v, i) => ({ x: axis.x(v, i), s: byKey.get(`${p.name}=${v.text}`) }))
      .filter((point) => point.s !== undefined && point.s.intervals[index].n > 0);
    const line = (name: string, label: string, color: string, pick: (s: CaseStats) => number): ChartSeries => ({
      name,
      label,
      color,
      x: points.map((q) => q.x),
      y: points.map((q) => pick(q.s!)),
    });
    return renderLineChart({
      id,
      title,
      xLabel: axis.label,
      leftLabel: objective.metric,
      series: [
        line("mean", "mean", COLORS[0], (s) => s.intervals[index].mean),
        line("low", "95% low", "#93c5fd", (s) => s.intervals[index].low),
        line("high", "95% high", "#93c5fd", (s) => s.intervals[index].high),
      ],
    });
  }
  // More than two parameters: for each value of each parameter, the best mean over the others.
  return parameters
    .map((p, j) => {
      const axis = axisOf(p);
      const bestAt = p.values
        .map((v, i) => {
          let value = Number.NaN;
          for (const s of stats) {
            const m = s.intervals[index].mean;
            if (
              s.values[j] === v.text &&
              Number.isFinite(m) &&
              (Number.isNaN(value) || better(m, value, objective.goal))
            )
              value = m;
          }
          return { x: axis.x(v, i), y: value };
        })
        .filter((point) => Number.isFinite(point.y));
      return renderLineChart({
        id: `${id}-${j}`,
        title: `${title}: best over the other parameters at each ${p.name}`,
        xLabel: axis.label,
        leftLabel: objective.metric,
        series: [
          {
            name: "best",
            label: "best mean",
            color: COLORS[j % COLORS.length],
            x: bestAt.map((q) => q.x),
            y: bestAt.map((q) => q.y),
          },
        ],
      });
    })
    .join("\n");
}

function caseCells(experiment: Experiment, s: CaseStats): string[] {
  return [
    ...s.values,
    ...experiment.objectives.map(
      (_, i) => `${formatFloat(s.intervals[i].mean, 6)} ± ${formatFloat(s.intervals[i].halfWidth, 2)}`,
    ),
    String(s.runs),
  ];
}

function caseColumns(experiment: Experiment) {
  return [
    ...experiment.parameters.map((p) => ({ title: p.name })),
    ...experiment.objectives.map((o) => ({ title: `${o.metric} (${o.goal})`, numeric: true })),
    { title: "seeds", numeric: true },
  ];
}

function bestTable(experiment: Experiment, stats: readonly CaseStats[]): string {
  const rows = experiment.objectives.flatMap((o, i) => {
    const best = rankCases(stats, i, o.goal)[0];
    return best === undefined ? [] : [[`${o.goal} ${o.metric}`, ...caseCells(experiment, best)]];
  });
  if (rows.length === 0) return `<p class="empty">No finished run has a measurable value yet.</p>`;
  return htmlTable("best-cases", [{ title: "objective" }, ...caseColumns(experiment)], rows);
}

function paretoTable(experiment: Experiment, stats: readonly CaseStats[]): string {
  const front = paretoFront(stats, experiment.objectives);
  if (front.length === 0) return `<p class="empty">No case has every objective measured yet.</p>`;
  const note =
    front.length > TABLE_ROWS
      ? `<p class="note">${front.length} cases on the front; the first ${TABLE_ROWS} in grid order are shown (best.json has them all).</p>`
      : "";
  return `${note}${htmlTable(
    "pareto-front",
    caseColumns(experiment),
    front.slice(0, TABLE_ROWS).map((s) => caseCells(experiment, s)),
  )}`;
}

function screenSection(experiment: Experiment, results: ExperimentResults): string {
  const screen = results.screen!;
  const disagreements = screen.comparisons.filter((c) => !c.agrees);
  const verdict =
    screen.comparisons.length === 0
      ? `<p class="empty">The chain has not confirmed any case yet.</p>`
      : disagreements.length === 0
        ? `<p class="ok">The chain agrees with the model on all ${screen.comparisons.length} comparisons (tolerance ${experiment.tolerance}).</p>`
        : `<p class="warn">${disagreements.length} of ${screen.comparisons.length} comparisons disagree by more than ${experiment.tolerance} (relative).</p>`;
  const rows = screen.comparisons.map((c) => [
    c.case,
    c.metric,
    formatFloat(c.model, 8),
    formatFloat(c.chain, 8),
    formatFloat(c.relativeDifference, 3),
    c.agrees ? "yes" : "NO",
  ]);
  return `<section id="screen"><h2>Screen: model against chain on the model's top ${experiment.topK}</h2>
${verdict}
${rows.length === 0 ? "" : htmlTable("screen-comparisons", [{ title: "case" }, { title: "metric" }, { title: "model", numeric: true }, { title: "chain", numeric: true }, { title: "relative difference", numeric: true }, { title: "agrees" }], rows)}
</section>`;
}

/** A parameter's x axis: its values where they are numbers; where one is a word ("90d", "sigmoid"), their positions, named in the label. */
function axisOf(p: GridParameter): { x: (v: GridValue, i: number) => number; label: string } {
  if (p.values.every((v) => Number.isFinite(Number(v.text)))) return { x: (v) => Number(v.text), label: p.name };
  return { x: (_, i) => i, label: `${p.name} (${p.values.map((v, i) => `${i} = ${v.text}`).join(", ")})` };
}
