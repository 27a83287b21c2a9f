// A gas profile as a terminal table: the costliest keys first.

import type { GasDimension, GasProfile, GasRow } from "./profile.ts";
import { alignedTable, type Column, withThousands } from "../core/table.ts";

export interface GasTableOptions {
  by: GasDimension;
  /** Show at most this many rows (the costliest by total); all when omitted. */
  limit?: number;
  /** More columns beside each row's gas (a run's model tokens and dollars per policy), by row key. */
  extra?: { titles: readonly string[]; cells(key: string): readonly string[] };
}

/** Rows ordered by total gas, highest first; ties by key. */
export function rowsByTotal(rows: readonly GasRow[]): GasRow[] {
  return [...rows].sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function formatGasTable(profile: GasProfile, { by, limit, extra }: GasTableOptions): string {
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const all = rowsByTotal(profile.tables[by]);
  const shown = limit === undefined ? all : all.slice(0, limit);
  const { transactions, reverted, gasUsed } = profile.totals;
  const title = `Gas by ${by}: ${withThousands(all.length)} keys, ${withThousands(transactions)} transactions (${withThousands(reverted)} reverted), ${withThousands(gasUsed)} gas`;
  if (all.length === 0) return `${title}\n(no transactions recorded)`;
  const columns: Column[] = [
    { title: by, align: "left" },
    ...["count", "reverted", "min", "median", "p95", "max", "total"].map(
      (title): Column => ({ title, align: "right" }),
    ),
    ...(extra?.titles ?? []).map((title): Column => ({ title, align: "right" })),
  ];
  const cells = shown.map((row) => [
    row.key,
    ...[row.count, row.reverted, row.min, row.median, row.p95, row.max, row.total].map(withThousands),
    ...(extra?.cells(row.key) ?? []),
  ]);
  const more = all.length - shown.length;
  return [
    title,
    alignedTable(columns, cells),
    ...(more > 0 ? [`… ${withThousands(more)} more (raise --limit to see them)`] : []),
  ].join("\n");
}
