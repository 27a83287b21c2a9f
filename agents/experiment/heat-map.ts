// A heat map as inline SVG (no script): one <rect data-x data-y data-value> per case of a two-parameter
// grid, coloured from light (worst) to dark (best) for the objective's goal, the best cell outlined.
// Cases without a value are left grey.

import { escapeHtml } from "../report/html.ts";
import type { Goal } from "./experiment-types.ts";

export interface HeatMapSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  xValues: readonly string[];
  yValues: readonly string[];
  /** value(x index, y index), NaN when the case has none. */
  value: (x: number, y: number) => number;
  goal: Goal;
}

const WIDTH = 960;
const HEIGHT = 420;
const MARGIN = { top: 16, right: 120, bottom: 48, left: 84 };
const LOW: [number, number, number] = [239, 246, 255];
const HIGH: [number, number, number] = [30, 64, 175];
const MAX_TICKS = 10;

export function renderHeatMap(spec: HeatMapSpec): string {
  const { xValues, yValues } = spec;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const cellW = plotW / xValues.length;
  const cellH = plotH / yValues.length;
  let min = Infinity;
  let max = -Infinity;
  let best: [number, number] | undefined;
  for (let x = 0; x < xValues.length; x++) {
    for (let y = 0; y < yValues.length; y++) {
      const v = spec.value(x, y);
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      const b = best === undefined ? undefined : spec.value(best[0], best[1]);
      if (b === undefined || (spec.goal === "maximise" ? v > b : v < b)) best = [x, y];
    }
  }
  const shade = (v: number): string => {
    if (!Number.isFinite(v)) return "#d1d5db";
    const t0 = max === min ? 1 : (v - min) / (max - min);
    const t = spec.goal === "maximise" ? t0 : 1 - t0;
    const c = LOW.map((lo, i) => Math.round(lo + (HIGH[i] - lo) * t));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  };
  const round = (n: number) => Math.round(n * 100) / 100;
  const parts: string[] = [];
  for (let x = 0; x < xValues.length; x++) {
    for (let y = 0; y < yValues.length; y++) {
      const v = spec.value(x, y);
      // y grows upwards: the first y value at the bottom.
      const top = MARGIN.top + plotH - (y + 1) * cellH;
      parts.push(
        `<rect data-x="${escapeHtml(xValues[x])}" data-y="${escapeHtml(yValues[y])}" data-value="${Number.isFinite(v) ? v : ""}" x="${round(MARGIN.left + x * cellW)}" y="${round(top)}" width="${round(cellW + 0.3)}" height="${round(cellH + 0.3)}" fill="${shade(v)}"><title>${escapeHtml(`${spec.xLabel}=${xValues[x]}, ${spec.yLabel}=${yValues[y]}: ${Number.isFinite(v) ? v.toPrecision(6) : "no value"}`)}</title></rect>`,
      );
    }
  }
  if (best !== undefined) {
    parts.push(
      `<rect class="best" x="${round(MARGIN.left + best[0] * cellW)}" y="${round(MARGIN.top + plotH - (best[1] + 1) * cellH)}" width="${round(cellW)}" height="${round(cellH)}" fill="none" stroke="#dc2626" stroke-width="2"/>`,
    );
  }
  const every = (count: number) => Math.max(1, Math.ceil(count / MAX_TICKS));
  for (let x = 0; x < xValues.length; x += every(xValues.length)) {
    parts.push(
      `<text class="tick" x="${round(MARGIN.left + (x + 0.5) * cellW)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeHtml(xValues[x])}</text>`,
    );
  }
  for (let y = 0; y < yValues.length; y += every(yValues.length)) {
    parts.push(
      `<text class="tick" x="${MARGIN.left - 6}" y="${round(MARGIN.top + plotH - (y + 0.5) * cellH)}" text-anchor="end" dominant-baseline="middle">${escapeHtml(yValues[y])}</text>`,
    );
  }
  parts.push(
    `<text class="label" x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text class="label" transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`,
  );
  const legendX = WIDTH - MARGIN.right + 24;
  const [top, bottom] = spec.goal === "maximise" ? [max, min] : [min, max];
  parts.push(
    `<rect x="${legendX}" y="${MARGIN.top}" width="14" height="14" fill="${shade(top)}"/><text class="tick" x="${legendX + 20}" y="${MARGIN.top + 11}">best ${Number.isFinite(top) ? top.toPrecision(4) : "–"}</text>`,
  );
  parts.push(
    `<rect x="${legendX}" y="${MARGIN.top + 22}" width="14" height="14" fill="${shade(bottom)}"/><text class="tick" x="${legendX + 20}" y="${MARGIN.top + 33}">worst ${Number.isFinite(bottom) ? bottom.toPrecision(4) : "–"}</text>`,
  );
  return `<figure class="chart heat" id="${spec.id}">
<figcaption>${escapeHtml(spec.title)}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}" xmlns="http://www.w3.org/2000/svg">
${parts.join("\n")}
</svg>
</figure>`;
}
