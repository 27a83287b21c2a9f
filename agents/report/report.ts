// report.html: one self-contained page per run (inline SVG charts and inline CSS, no script, nothing
// fetched; the Content-Security-Policy says so to the browser too). It only reads the run folder, so
// it can be rebuilt at any time from what a battle recorded.

import { join } from "node:path";

import { rowsByTotal } from "../gas/format-profile.ts";
import type { GasDimension, GasProfile } from "../gas/profile.ts";
import { withThousands } from "../core/table.ts";
import { llmCells } from "../run/leaderboard-table.ts";
import { RUN_FILES } from "../run/run-files.ts";
import { writeFileAtomically } from "../core/write-atomically.ts";
import type { Summary } from "../run/summary.ts";
import {
  escapeHtml,
  formatFloat,
  formatPercent,
  formatPriceWad,
  formatQuote,
  formatTokens,
  htmlPage,
  htmlTable,
} from "./html.ts";
import { governanceSection } from "./governance-section.ts";
import { readGovernanceRecord } from "../governance/battle/record-file.ts";
import { loadRunData, type RunData, type RunDataOptions } from "./run-data.ts";
import { renderLineChart } from "./svg-chart.ts";
import { type MetricName, metricNamed } from "../metrics/registry.ts";

export interface ReportOptions extends RunDataOptions {
  /** Leaderboard rows shown (the rest stay in summary.json); default 100. */
  leaderboardRows?: number;
  /** Rows of each gas table; default 40. */
  gasRows?: number;
}

const COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777"];

export async function renderReport(runDir: string, options: ReportOptions = {}): Promise<string> {
  const data = await loadRunData(runDir, options);
  const { summary } = data;
  const governance = await readGovernanceRecord(runDir);
  const title = `Token Arena — ${summary.scenario.name} (seed ${summary.scenario.seed})`;
  return htmlPage({
    title,
    header: runLine(summary),
    main: `<section id="metrics"><h2>Headline metrics</h2>
${metricsGrid(summary)}
</section>
<section id="charts"><h2>Market</h2>
${charts(data).join("\n")}
</section>
<section><h2>Leaderboard</h2>
${leaderboardTable(summary, options.leaderboardRows ?? 100)}
</section>
${governance === null ? "" : `<section id="governance"><h2>Governance</h2>\n${governanceSection(governance)}\n</section>\n`}<section id="gas"><h2>Gas</h2>
${gasSection(data.gas, options.gasRows ?? 40)}
</section>`,
    footer: `Drawn from ${Object.values(RUN_FILES)
      .filter((file) => file !== RUN_FILES.report)
      .join(", ")} in this run folder.`,
  });
}

/** Renders the report and writes it to `<runDir>/report.html`; returns that path. */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<string> {
  const html = await renderReport(runDir, options);
  const path = join(runDir, RUN_FILES.report);
  await writeFileAtomically(path, html);
  return path;
}

function runLine(summary: Summary): string {
  const { scenario, network, completion } = summary;
  const status = completion.complete
    ? `complete: ${withThousands(completion.stepsRecorded)} of ${withThousands(completion.stepsPlanned)} blocks`
    : `stopped after ${withThousands(completion.stepsRecorded)} of ${withThousands(completion.stepsPlanned)} blocks${completion.stoppedBy === null ? "" : ` (${completion.stoppedBy})`}`;
  const facts = [
    `policy ${scenario.policy}`,
    `${scenario.mode} ordering`,
    `${scenario.blockSeconds} s blocks`,
    `genesis ${scenario.genesis}`,
    `scenario ${scenario.source}`,
    `network ${network.name} (chain ${network.chainId})`,
  ];
  return `<p class="run"><span class="${completion.complete ? "ok" : "warn"}" id="completion">${escapeHtml(status)}</span> · ${facts.map(escapeHtml).join(" · ")}</p>`;
}

function metricsGrid(summary: Summary): string {
  const { metrics, totals, market } = summary;
  const last = market.last;
  const solvency = metrics.solvency;
  const cards: [string, string, string][] = [
    ["curve-price", "Curve price", last === null ? "–" : formatPriceWad(last.curvePriceWad)],
    ["pool-price", "Pool price", last === null ? "–" : formatPriceWad(last.poolPriceWad)],
    [
      "gap",
      "Mean |gap| (max, final)",
      `${formatFloat(metrics.gap.meanAbsBps)} bps (${metrics.gap.maxAbsBps}, ${metrics.gap.finalBps})`,
    ],
    ["volatility-curve", labelOf("curveAnnualVolatilityFraction"), formatPercent(metrics.volatility.curve.annualised)],
    ["volatility-pool", labelOf("poolAnnualVolatilityFraction"), formatPercent(metrics.volatility.pool.annualised)],
    [
      "drawdown",
      "Max drawdown (curve / pool)",
      `${formatPercent(metrics.maxDrawdown.curve)} / ${formatPercent(metrics.maxDrawdown.pool)}`,
    ],
    [
      "solvency",
      "Solvency (min / final)",
      solvency === null ? "–" : `${formatFloat(solvency.min)} / ${formatFloat(solvency.final)}`,
    ],
    [
      "gini",
      "Gini of tokens / value",
      `${formatFloat(metrics.gini.tokens, 3)} / ${formatFloat(metrics.gini.value, 3)}`,
    ],
    ["supply", "Supply (tokens)", last === null ? "–" : formatTokens(last.supply)],
    ["reserve", "Reserve (quote)", last === null ? "–" : formatQuote(last.reserve)],
    ["treasury", "Treasury (quote)", last === null ? "–" : formatQuote(last.treasuryQuote)],
    [
      "volume",
      "Volume curve / pool (quote)",
      `${formatQuote(totals.curveVolumeQuote)} / ${formatQuote(totals.poolVolumeQuote)}`,
    ],
    [
      "fees",
      "Fees curve / pool (quote)",
      `${formatQuote(totals.curveFeesQuote)} / ${formatQuote(totals.poolFeesQuote)}`,
    ],
    ["txs", "Transactions (reverted)", `${withThousands(totals.txs)} (${withThousands(totals.reverts)})`],
    ["gas-total", "Gas, all transactions", withThousands(summary.gas.gasUsed)],
  ];
  const items = cards.map(
    ([id, label, value]) =>
      `<div class="metric" data-metric="${id}"><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd></div>`,
  );
  return `<dl class="metrics">\n${items.join("\n")}\n</dl>`;
}

/** A metric's label from the registry, as a card's title: "Curve volatility, annualised". */
function labelOf(name: MetricName): string {
  const { label } = metricNamed(name)!;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

function charts({ series, agentPnl, agentsRecorded }: RunData): string[] {
  return [
    renderLineChart({
      id: "chart-price",
      title: "Curve and pool price (quote per token)",
      xLabel: "step",
      leftLabel: "price",
      series: [
        { name: "curve", label: "curve", color: COLORS[0], ...series.curvePrice },
        { name: "pool", label: "pool", color: COLORS[1], ...series.poolPrice },
      ],
    }),
    renderLineChart({
      id: "chart-supply-reserve",
      title: "Supply (tokens, left) and reserve (quote, right)",
      xLabel: "step",
      leftLabel: "supply (tokens)",
      rightLabel: "reserve (quote)",
      series: [
        { name: "supply", label: "supply (left)", color: COLORS[2], ...series.supply },
        { name: "reserve", label: "reserve (right)", color: COLORS[3], axis: "right", ...series.reserve },
      ],
    }),
    renderLineChart({
      id: "chart-treasury",
      title: "Treasury (quote)",
      xLabel: "step",
      leftLabel: "treasury (quote)",
      series: [{ name: "treasury", label: "treasury", color: COLORS[4], ...series.treasury }],
    }),
    renderLineChart({
      id: "chart-volume",
      title: "Volume per block (quote)",
      xLabel: "step",
      leftLabel: "volume (quote)",
      series: [
        { name: "curve", label: "curve", color: COLORS[0], ...series.curveVolume },
        { name: "pool", label: "pool", color: COLORS[1], ...series.poolVolume },
      ],
    }),
    renderLineChart({
      id: "chart-agent-pnl",
      title: `PnL of the top ${agentPnl.length} agents (quote)`,
      xLabel: "step",
      leftLabel: "PnL (quote)",
      series: agentPnl.map(({ agent, pnl }, i) => ({
        name: agent,
        label: agent,
        color: COLORS[i % COLORS.length],
        ...pnl,
      })),
      emptyText: agentsRecorded ? "No agent rows recorded yet." : `No ${RUN_FILES.agents} in this run folder.`,
    }),
  ];
}

function leaderboardTable(summary: Summary, limit: number): string {
  const entries = summary.leaderboard.slice(0, limit);
  if (entries.length === 0) return `<p class="empty">No agents.</p>`;
  const columns = [
    { title: "#", numeric: true },
    { title: "agent" },
    { title: "behaviours" },
    { title: "PnL (quote)", numeric: true },
    { title: "return", numeric: true },
    { title: "value (quote)", numeric: true },
    { title: "tokens", numeric: true },
    { title: "quote", numeric: true },
    { title: "txs", numeric: true },
    { title: "reverts", numeric: true },
    { title: "gas", numeric: true },
  ];
  // Tokens and money beside gas, when the run had language-model agents.
  const llm = entries.some((entry) => entry.llmCalls !== undefined);
  if (llm)
    columns.push(
      { title: "LLM calls", numeric: true },
      { title: "refused", numeric: true },
      { title: "LLM tokens", numeric: true },
      { title: "LLM USD", numeric: true },
    );
  const rows = entries.map((entry) => [
    String(entry.rank),
    entry.agent,
    entry.behaviours.join(", "),
    formatQuote(entry.pnlQuote),
    `${(entry.returnBps / 100).toFixed(2)}%`,
    formatQuote(entry.valueQuote),
    formatTokens(entry.tokens),
    formatQuote(entry.quote),
    withThousands(entry.txs),
    withThousands(entry.reverts),
    withThousands(entry.gasUsed),
    ...(llm ? llmCells(entry) : []),
  ]);
  const more = summary.leaderboard.length - entries.length;
  const note = more > 0 ? `\n<p class="note">… ${withThousands(more)} more agents in ${RUN_FILES.summary}.</p>` : "";
  return (
    htmlTable(
      "leaderboard",
      columns,
      rows,
      (i) => `data-agent="${escapeHtml(entries[i].agent)}" data-rank="${entries[i].rank}"`,
    ) + note
  );
}

function gasTable(profile: GasProfile, by: GasDimension, limit: number): string {
  const all = rowsByTotal(profile.tables[by]);
  const rows = all
    .slice(0, limit)
    .map((row) => [
      row.key,
      ...[row.count, row.reverted, row.min, row.median, row.p95, row.max, row.total].map(withThousands),
    ]);
  const columns = [
    { title: by },
    ...["count", "reverted", "min", "median", "p95", "max", "total"].map((title) => ({ title, numeric: true })),
  ];
  const more = all.length - rows.length;
  const note = more > 0 ? `\n<p class="note">… ${withThousands(more)} more in ${RUN_FILES.gas}.</p>` : "";
  return `<h3>Per ${by}</h3>\n${htmlTable(`gas-${by}`, columns, rows, (i) => `data-key="${escapeHtml(all[i].key)}"`)}${note}`;
}

function gasSection(profile: GasProfile | null, limit: number): string {
  if (profile === null) return `<p class="empty">No ${RUN_FILES.gas} in this run folder.</p>`;
  const { transactions, reverted, gasUsed } = profile.totals;
  const intro = `<p>${withThousands(transactions)} transactions (${withThousands(reverted)} reverted), ${withThousands(gasUsed)} gas. Median and p95 are nearest-rank: gas some transaction really used.</p>`;
  return [intro, gasTable(profile, "function", limit), gasTable(profile, "agent", limit)].join("\n");
}
