// Two runs' gas side by side: every key present in either, with both figures and the change from A
// to B. A key missing from a run had no transactions there: its count and total are 0, its median
// and p95 do not exist (null).

import { GAS_DIMENSIONS, type GasDimension, type GasProfile, type GasRow, type GasTotals } from "./profile.ts";
import { alignedTable, type Column, markdownTable, withThousands } from "../core/table.ts";

/** One figure in both runs. */
export interface GasDelta {
  a: number | null;
  b: number | null;
  /** b − a; null when either side is null. */
  delta: number | null;
  /** (b − a) / a · 100; null when a is null or 0. */
  deltaPct: number | null;
}

export interface GasComparisonRow {
  key: string;
  count: GasDelta;
  median: GasDelta;
  p95: GasDelta;
  total: GasDelta;
}

export interface GasComparison {
  labels: { a: string; b: string };
  totals: { transactions: GasDelta; reverted: GasDelta; gasUsed: GasDelta };
  /** Per dimension, rows ordered by |Δ total| (largest change first), then by key. */
  tables: Record<GasDimension, GasComparisonRow[]>;
}

export function gasDelta(a: number | null, b: number | null): GasDelta {
  const delta = a === null || b === null ? null : b - a;
  return { a, b, delta, deltaPct: delta === null || a === null || a === 0 ? null : (delta / a) * 100 };
}

export function compareGasProfiles(a: GasProfile, b: GasProfile, labels = { a: "A", b: "B" }): GasComparison {
  const totals = (field: keyof GasTotals) => gasDelta(a.totals[field], b.totals[field]);
  const tables = {} as Record<GasDimension, GasComparisonRow[]>;
  for (const dimension of GAS_DIMENSIONS) tables[dimension] = compareRows(a.tables[dimension], b.tables[dimension]);
  return {
    labels,
    totals: { transactions: totals("transactions"), reverted: totals("reverted"), gasUsed: totals("gasUsed") },
    tables,
  };
}

function compareRows(a: readonly GasRow[], b: readonly GasRow[]): GasComparisonRow[] {
  const inA = new Map(a.map((row) => [row.key, row]));
  const inB = new Map(b.map((row) => [row.key, row]));
  const keys = [...new Set([...inA.keys(), ...inB.keys()])];
  const rows = keys.map((key): GasComparisonRow => {
    const rowA = inA.get(key);
    const rowB = inB.get(key);
    return {
      key,
      count: gasDelta(rowA?.count ?? 0, rowB?.count ?? 0),
      median: gasDelta(rowA?.median ?? null, rowB?.median ?? null),
      p95: gasDelta(rowA?.p95 ?? null, rowB?.p95 ?? null),
      total: gasDelta(rowA?.total ?? 0, rowB?.total ?? 0),
    };
  });
  const change = (row: GasComparisonRow) => Math.abs(row.total.delta ?? 0);
  return rows.sort((x, y) => change(y) - change(x) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

export interface GasComparisonFormat {
  by: GasDimension;
  /** "text" for the terminal (aligned columns), "markdown" for a file or a pull request. */
  format: "text" | "markdown";
  limit?: number;
}

/** "+1,234" / "-56" / "0" / "–" for a missing figure. */
function signed(value: number | null): string {
  if (value === null) return "–";
  return value > 0 ? `+${withThousands(value)}` : withThousands(value);
}

function percent(value: number | null): string {
  if (value === null) return "–";
  const rounded = Math.round(value * 10) / 10;
  return `${rounded > 0 ? "+" : ""}${rounded.toFixed(1)}%`;
}

const plain = (value: number | null) => (value === null ? "–" : withThousands(value));

export function formatGasComparison(comparison: GasComparison, { by, format, limit }: GasComparisonFormat): string {
  const { a, b } = comparison.labels;
  const all = comparison.tables[by];
  const shown = limit === undefined ? all : all.slice(0, limit);
  const columns: Column[] = [
    { title: by, align: "left" },
    ...[
      "count A",
      "count B",
      "median A",
      "median B",
      "Δ median",
      "Δ median %",
      "total A",
      "total B",
      "Δ total",
      "Δ total %",
    ].map((title): Column => ({ title, align: "right" })),
  ];
  const cells = shown.map((row) => [
    row.key,
    plain(row.count.a),
    plain(row.count.b),
    plain(row.median.a),
    plain(row.median.b),
    signed(row.median.delta),
    percent(row.median.deltaPct),
    plain(row.total.a),
    plain(row.total.b),
    signed(row.total.delta),
    percent(row.total.deltaPct),
  ]);
  const { gasUsed, transactions } = comparison.totals;
  const summary = `Total gas: A ${plain(gasUsed.a)} → B ${plain(gasUsed.b)} (${signed(gasUsed.delta)}, ${percent(gasUsed.deltaPct)}); transactions ${plain(transactions.a)} → ${plain(transactions.b)}`;
  const more = all.length - shown.length;
  const moreLine = more > 0 ? [`… ${withThousands(more)} more ${more === 1 ? "key" : "keys"}`] : [];
  if (format === "markdown") {
    // A blank line before the note, or markdown would read it as one more table row.
    const note = moreLine.length > 0 ? ["", ...moreLine] : [];
    return [
      `### Gas by ${by}`,
      "",
      `A: \`${a}\`  `,
      `B: \`${b}\``,
      "",
      summary,
      "",
      markdownTable(columns, cells),
      ...note,
      "",
    ].join("\n");
  }
  return [`Gas by ${by}: A = ${a}, B = ${b}`, summary, alignedTable(columns, cells), ...moreLine].join("\n");
}
