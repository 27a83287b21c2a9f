// A run's gas profile: every attributed receipt folded into tables per function (contract.fn), per
// agent, per behaviour and per policy. The battle runner feeds receipts one at a time to a
// GasProfileBuilder, which keeps only the gas figures per key (numbers, not records), so a run of
// 100k+ transactions stays a few megabytes. Reverted transactions burn gas too, so they count in
// every statistic; `reverted` says how many of `count` they were.
//
// Percentiles are nearest-rank (agents/metrics/stats.ts `percentile`): the median and p95 are gas
// figures some transaction really used.

import { percentile } from "../core/stats.ts";
import type { GasRecord } from "../core/records.ts";

/** Identifies gas.json. */
export const GAS_PROFILE_KIND = "token-arena/gas-profile";
export const GAS_PROFILE_VERSION = 1;

/** The ways receipts are grouped. */
export const GAS_DIMENSIONS = ["function", "agent", "behaviour", "policy"] as const;
export type GasDimension = (typeof GAS_DIMENSIONS)[number];

/** One key's statistics: gas per transaction. */
export interface GasRow {
  /** `Contract.fn`, an agent id, a behaviour label or a policy name. */
  key: string;
  count: number;
  /** Of `count`, how many reverted. */
  reverted: number;
  min: number;
  median: number;
  p95: number;
  max: number;
  total: number;
}

export interface GasTotals {
  transactions: number;
  reverted: number;
  gasUsed: number;
}

export interface GasProfile {
  kind: typeof GAS_PROFILE_KIND;
  version: typeof GAS_PROFILE_VERSION;
  totals: GasTotals;
  /** Rows sorted by key, so two runs' gas.json files diff line by line. */
  tables: Record<GasDimension, GasRow[]>;
}

/** The key a record is filed under in each dimension. */
export function gasKey(record: GasRecord, dimension: GasDimension): string {
  switch (dimension) {
    case "function":
      return `${record.contract}.${record.fn}`;
    case "agent":
      return record.agent;
    case "behaviour":
      return record.behaviour;
    case "policy":
      return record.policy;
  }
}

interface KeyFigures {
  gas: number[];
  reverted: number;
}

export class GasProfileBuilder {
  private readonly figures: Record<GasDimension, Map<string, KeyFigures>> = {
    function: new Map(),
    agent: new Map(),
    behaviour: new Map(),
    policy: new Map(),
  };
  private readonly totals: GasTotals = { transactions: 0, reverted: 0, gasUsed: 0 };

  /** Files one receipt; refuses a record the profile could not account for. */
  add(record: GasRecord): this {
    if (!Number.isSafeInteger(record.gasUsed) || record.gasUsed < 0) {
      throw new RangeError(
        `gas record of ${record.agent} (${record.contract}.${record.fn}, step ${record.step}): gasUsed must be a non-negative integer, got ${record.gasUsed}`,
      );
    }
    if (record.status !== "success" && record.status !== "reverted") {
      throw new RangeError(
        `gas record of ${record.agent} (${record.contract}.${record.fn}, step ${record.step}): status must be "success" or "reverted", got ${JSON.stringify(record.status)}`,
      );
    }
    const reverted = record.status === "reverted" ? 1 : 0;
    for (const dimension of GAS_DIMENSIONS) {
      const key = gasKey(record, dimension);
      let entry = this.figures[dimension].get(key);
      if (entry === undefined) this.figures[dimension].set(key, (entry = { gas: [], reverted: 0 }));
      entry.gas.push(record.gasUsed);
      entry.reverted += reverted;
    }
    this.totals.transactions += 1;
    this.totals.reverted += reverted;
    this.totals.gasUsed += record.gasUsed;
    return this;
  }

  /** The profile so far; the builder stays usable (a run's profile can be written while it runs). */
  build(): GasProfile {
    const table = (dimension: GasDimension): GasRow[] =>
      [...this.figures[dimension].entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, entry]) => gasRow(key, entry));
    return {
      kind: GAS_PROFILE_KIND,
      version: GAS_PROFILE_VERSION,
      totals: { ...this.totals },
      tables: {
        function: table("function"),
        agent: table("agent"),
        behaviour: table("behaviour"),
        policy: table("policy"),
      },
    };
  }
}

function gasRow(key: string, entry: KeyFigures): GasRow {
  // Sorting the stored figures in place is harmless: their order never mattered.
  const sorted = entry.gas.sort((a, b) => a - b);
  let total = 0;
  for (const gas of sorted) total += gas;
  return {
    key,
    count: sorted.length,
    reverted: entry.reverted,
    min: sorted[0],
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1],
    total,
  };
}

/** The profile of a list of records (a GasProfileBuilder fed with each). */
export function buildGasProfile(records: Iterable<GasRecord>): GasProfile {
  const builder = new GasProfileBuilder();
  for (const record of records) builder.add(record);
  return builder.build();
}
