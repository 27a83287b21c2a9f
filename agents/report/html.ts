// HTML pieces of the report: escaping, tables and the formats amounts are shown in.

import { REPORT_CSS } from "./style.ts";

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export const TOKEN_DECIMALS = 18;
export const QUOTE_DECIMALS = 6;

/** An integer amount in contract units as a decimal with `shown` fraction digits, rounded half up, grouped. */
export function formatUnits(value: string | bigint, decimals: number, shown: number): string {
  const amount = BigInt(value);
  const negative = amount < 0n;
  const magnitude = negative ? -amount : amount;
  const unit = 10n ** BigInt(decimals);
  const keep = 10n ** BigInt(shown);
  const scaled = (magnitude * keep * 2n + unit) / (unit * 2n);
  const whole = (scaled / keep).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = shown > 0 ? `.${(scaled % keep).toString().padStart(shown, "0")}` : "";
  return `${negative && scaled !== 0n ? "-" : ""}${whole}${fraction}`;
}

/** A WAD price (quote per whole token) with 6 significant digits. */
export function formatPriceWad(priceWad: string | bigint): string {
  const price = Number(BigInt(priceWad)) / 1e18;
  return price === 0 ? "0" : Number(price.toPrecision(6)).toString();
}

export const formatQuote = (value: string | bigint) => formatUnits(value, QUOTE_DECIMALS, 2);
export const formatTokens = (value: string | bigint) => formatUnits(value, TOKEN_DECIMALS, 2);

/** A float statistic with `digits` significant digits; "–" when absent. */
export function formatFloat(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return Number(value.toPrecision(digits)).toString();
}

export const formatPercent = (fraction: number, digits = 2) => `${(fraction * 100).toFixed(digits)}%`;

export interface HtmlColumn {
  title: string;
  numeric?: boolean;
}

/** A table; `rowAttributes` adds attributes (already escaped) to each <tr>. Cells are escaped here. */
export function htmlTable(
  id: string,
  columns: readonly HtmlColumn[],
  rows: readonly string[][],
  rowAttributes?: (index: number) => string,
): string {
  const head = columns
    .map((column) => `<th${column.numeric ? ' class="num"' : ""}>${escapeHtml(column.title)}</th>`)
    .join("");
  const body = rows
    .map((cells, index) => {
      const attributes = rowAttributes === undefined ? "" : ` ${rowAttributes(index)}`;
      const tds = cells
        .map((cell, i) => `<td${columns[i].numeric ? ' class="num"' : ""}>${escapeHtml(cell)}</td>`)
        .join("");
      return `<tr${attributes}>${tds}</tr>`;
    })
    .join("\n");
  return `<table id="${id}">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/**
 * A self-contained page: the report's CSS inline and a policy that fetches nothing, so the file can
 * be mailed or archived and still render. `header` is HTML placed under the title.
 */
export function htmlPage(page: { title: string; header: string; main: string; footer: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(page.title)}</h1>
${page.header}
</header>
<main>
${page.main}
</main>
<footer>${page.footer}</footer>
</body>
</html>
`;
}
