// The report's stylesheet, inlined into every report.html (system fonts only: nothing to fetch).

export const REPORT_CSS = `
:root { color-scheme: light; --ink: #111827; --muted: #6b7280; --rule: #e5e7eb; --ok: #047857; --warn: #b45309; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
header, main, footer { max-width: 1040px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 20px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 18px 0 6px; }
.run { color: var(--muted); margin: 0; }
.ok { color: var(--ok); font-weight: 600; }
.warn { color: var(--warn); font-weight: 600; }
.metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 8px; margin: 0; }
.metric { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 10px; }
.metric dt { color: var(--muted); font-size: 12px; }
.metric dd { margin: 2px 0 0; font-size: 15px; font-variant-numeric: tabular-nums; }
.chart { margin: 0 0 18px; }
.chart figcaption { font-weight: 600; }
.chart svg { width: 100%; height: auto; display: block; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: 12px; color: var(--muted); margin: 2px 0; }
.legend i { display: inline-block; width: 12px; height: 3px; margin-right: 5px; vertical-align: middle; }
.grid { stroke: var(--rule); stroke-width: 1; }
.axis { stroke: #9ca3af; stroke-width: 1; }
.tick { font-size: 11px; fill: var(--muted); }
.label { font-size: 12px; fill: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--rule); text-align: left; white-space: nowrap; }
th { color: var(--muted); font-weight: 600; }
.num { text-align: right; }
.empty, .note { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; padding: 24px 20px; }
`;
