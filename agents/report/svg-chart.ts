// Line charts as inline SVG: no script, no font or stylesheet to fetch, so the report opens anywhere.
// Each line is one <polyline data-series="…" data-points="N">, which is what the report test checks.

import { escapeHtml } from "./html.ts";

export interface ChartSeries {
  /** Machine name (data-series). */
  name: string;
  /** Legend text. */
  label: string;
  color: string;
  x: readonly number[];
  y: readonly number[];
  /** Which y axis it is read against (default left). */
  axis?: "left" | "right";
}

export interface ChartSpec {
  /** Element id of the figure (`chart-…`). */
  id: string;
  title: string;
  xLabel: string;
  leftLabel: string;
  rightLabel?: string;
  series: readonly ChartSeries[];
  /** Shown instead of the plot when no series has a point. */
  emptyText?: string;
}

const WIDTH = 960;
const HEIGHT = 300;
const MARGIN = { top: 16, right: 72, bottom: 40, left: 72 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

interface Scale {
  min: number;
  max: number;
  ticks: number[];
  step: number;
}

/** A tick step of 1, 2 or 5 × 10ⁿ giving about `count` intervals. */
function niceStep(range: number, count: number): number {
  const rough = range / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const scaled = rough / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

function scaleOf(values: Iterable<number>, count: number): Scale {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min === Infinity) [min, max] = [0, 1];
  if (min === max) {
    const pad = Math.abs(min) * 0.05 || 1;
    [min, max] = [min - pad, max + pad];
  }
  const step = niceStep(max - min, count);
  const low = Math.floor(min / step) * step;
  const high = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; low + i * step <= high + step / 2; i++) ticks.push(low + i * step);
  return { min: low, max: high, ticks, step };
}

/** 0.0122, 1.5k, 2.25M: enough decimals to tell neighbouring ticks apart. */
export function tickLabel(value: number, step: number, largest: number): string {
  if (Math.abs(value) < step / 1e6) return "0";
  const units: [number, string][] = [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  const [unit, suffix] = units.find(([size]) => largest >= size) ?? [1, ""];
  const decimals = Math.min(10, Math.max(0, Math.ceil(-Math.log10(step / unit) - 1e-9)));
  return `${(value / unit).toFixed(decimals)}${suffix}`;
}

const coordinate = (value: number) => (Math.round(value * 10) / 10).toString();

export function renderLineChart(spec: ChartSpec): string {
  const drawn = spec.series.filter((series) => series.x.length > 0);
  const legend = spec.series
    .map((series) => `<span class="key"><i style="background:${series.color}"></i>${escapeHtml(series.label)}</span>`)
    .join("");
  const head = `<figure class="chart" id="${spec.id}" data-series="${spec.series.map((series) => series.name).join(",")}">
<figcaption>${escapeHtml(spec.title)}</figcaption>
<div class="legend">${legend}</div>`;
  if (drawn.length === 0)
    return `${head}\n<p class="empty">${escapeHtml(spec.emptyText ?? "Nothing recorded for this chart.")}</p>\n</figure>`;

  const onAxis = (axis: "left" | "right") => drawn.filter((series) => (series.axis ?? "left") === axis);
  const xScale = scaleOf(
    drawn.flatMap((series) => [series.x[0], series.x[series.x.length - 1]]),
    8,
  );
  const left = scaleOf(
    onAxis("left").flatMap((series) => series.y),
    5,
  );
  const right =
    onAxis("right").length > 0
      ? scaleOf(
          onAxis("right").flatMap((series) => series.y),
          5,
        )
      : undefined;
  const px = (x: number) => MARGIN.left + ((x - xScale.min) / (xScale.max - xScale.min)) * PLOT_W;
  const py = (y: number, scale: Scale) => MARGIN.top + PLOT_H - ((y - scale.min) / (scale.max - scale.min)) * PLOT_H;
  const largest = (scale: Scale) => Math.max(Math.abs(scale.min), Math.abs(scale.max));

  const parts: string[] = [];
  for (const tick of left.ticks) {
    const y = coordinate(py(tick, left));
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>`);
    parts.push(
      `<text class="tick" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickLabel(tick, left.step, largest(left))}</text>`,
    );
  }
  if (right !== undefined) {
    for (const tick of right.ticks) {
      const y = coordinate(py(tick, right));
      parts.push(
        `<text class="tick" x="${WIDTH - MARGIN.right + 6}" y="${y}" dominant-baseline="middle">${tickLabel(tick, right.step, largest(right))}</text>`,
      );
    }
  }
  for (const tick of xScale.ticks) {
    const x = coordinate(px(tick));
    parts.push(
      `<text class="tick" x="${x}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${tickLabel(tick, xScale.step, largest(xScale))}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + PLOT_H}" y2="${MARGIN.top + PLOT_H}"/>`,
  );
  parts.push(
    `<text class="label" x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 4}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text class="label" transform="translate(14 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.leftLabel)}</text>`,
  );
  if (right !== undefined && spec.rightLabel !== undefined) {
    parts.push(
      `<text class="label" transform="translate(${WIDTH - 12} ${MARGIN.top + PLOT_H / 2}) rotate(90)" text-anchor="middle">${escapeHtml(spec.rightLabel)}</text>`,
    );
  }
  for (const series of drawn) {
    const scale = (series.axis ?? "left") === "right" && right !== undefined ? right : left;
    const points = series.x.map((x, i) => `${coordinate(px(x))},${coordinate(py(series.y[i], scale))}`).join(" ");
    parts.push(
      `<polyline class="line" data-series="${escapeHtml(series.name)}" data-points="${series.x.length}" fill="none" stroke="${series.color}" stroke-width="1.6" stroke-linejoin="round" points="${points}"><title>${escapeHtml(series.label)}</title></polyline>`,
    );
  }
  return `${head}
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}" xmlns="http://www.w3.org/2000/svg">
${parts.join("\n")}
</svg>
</figure>`;
}
