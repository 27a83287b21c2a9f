// The leaderboard as a terminal table: rank, agent, behaviours, PnL and return, activity.

import { alignedTable, type Column, withThousands } from "../core/table.ts";
import { formatDecimal } from "../core/units.ts";
import type { LeaderboardEntry } from "../core/records.ts";

const QUOTE_DECIMALS = 6;

export function formatLeaderboard(entries: readonly LeaderboardEntry[], limit: number): string {
  const shown = entries.slice(0, limit);
  const columns: Column[] = [
    { title: "#", align: "right" },
    { title: "agent", align: "left" },
    { title: "behaviours", align: "left" },
    { title: "pnl (quote)", align: "right" },
    { title: "return", align: "right" },
    { title: "value (quote)", align: "right" },
    { title: "txs", align: "right" },
    { title: "reverts", align: "right" },
    { title: "gas", align: "right" },
  ];
  // Tokens and money beside gas, when the run had language-model agents.
  const llm = shown.some((e) => e.llmCalls !== undefined);
  if (llm)
    columns.push(
      { title: "llm calls", align: "right" },
      { title: "refused", align: "right" },
      { title: "llm tokens", align: "right" },
      { title: "llm usd", align: "right" },
    );
  const rows = shown.map((e) => [
    String(e.rank),
    e.agent,
    e.behaviours.join("+"),
    roundQuote(e.pnlQuote),
    `${(e.returnBps / 100).toFixed(2)}%`,
    roundQuote(e.valueQuote),
    withThousands(e.txs),
    withThousands(e.reverts),
    withThousands(e.gasUsed),
    ...(llm ? llmCells(e) : []),
  ]);
  const more = entries.length - shown.length;
  return [
    `Leaderboard (${entries.length} agents, by mark-to-market PnL net of gas)`,
    alignedTable(columns, rows),
    ...(more > 0 ? [`… ${more} more in summary.json`] : []),
  ].join("\n");
}

/** A quote amount (decimal string of quote units) with 2 decimals. */
function roundQuote(units: string): string {
  const value = BigInt(units);
  const cents = (value < 0n ? value - 5_000n : value + 5_000n) / 10_000n;
  return formatDecimal(cents * 10_000n, QUOTE_DECIMALS);
}

/** An agent's model calls, answers refused or failed, tokens and dollars ("" for an agent without a model). */
export function llmCells(e: LeaderboardEntry): string[] {
  if (e.llmCalls === undefined) return ["", "", "", ""];
  return [
    withThousands(e.llmCalls),
    withThousands(e.llmRejected ?? 0),
    withThousands(e.llmTokens ?? 0),
    `$${(e.llmUsd ?? 0).toFixed(4)}`,
  ];
}
