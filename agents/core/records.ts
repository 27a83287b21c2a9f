// The recorded run: what a battle writes into its folder, one row per block. Reports, summaries and
// gas profiles read these; they never drive the simulation.
//
// Folder layout (`runs/<scenario>-<seed>/` unless --out says otherwise):
//   steps.csv    one row per step (STEP_COLUMNS, mechanisms/registry.ts), appended as each block is mined
//   agents.csv   one row per agent every `output.agentEvery` steps (AGENT_COLUMNS)
//   gas.json     the gas profile (agents/gas/profile.ts)
//   summary.json the summary (agents/run/summary.ts), written at the end (also after an interruption)
//   report.html  self-contained charts and tables (agents/report/report.ts)
// Amounts are integers in contract units (token wei, quote units, WAD prices); no float is written
// for a chain value.

/** Columns of agents.csv, in order. Counts are cumulative since the start of the run. */
export const AGENT_COLUMNS = [
  "step",
  "agent",
  "tokens", // token wei held
  "quote", // quote units held
  "lp", // pool shares held
  "claimable", // vested tokens it could release
  "valueQuote", // mark-to-market: quote + tokens at the curve price + LP share of the pool
  "pnlQuote", // valueQuote − value at the start − gas paid (valued at gas.ethPriceQuote)
  "txs",
  "reverts",
  "gasUsed",
] as const;

export type AgentColumn = (typeof AGENT_COLUMNS)[number];
/** Columns of optional mechanisms' positions, written after `lp` only in their runs (registry.ts agentColumnsOf). */
export const OPTIONAL_AGENT_COLUMNS = [
  "staked", // tokens staked (staking runs)
] as const;
export type OptionalAgentColumn = (typeof OPTIONAL_AGENT_COLUMNS)[number];
export type AgentRow = { agent: string } & Record<Exclude<AgentColumn, "agent">, bigint> &
  Partial<Record<OptionalAgentColumn, bigint>>;

/** An agent at the end of the run: what its leaderboard line and the agents' metrics are read from. */
export interface AgentFinal {
  agent: string;
  /** Labels of its behaviours, as in gas records. */
  behaviours: string[];
  /** valueQuote at the start, before any step (the base of its return). */
  startValueQuote: bigint;
  /** Its last agents.csv row (or one built the same way at the end). */
  final: AgentRow;
}

/** One agent transaction's receipt, attributed. gas.json aggregates these. */
export interface GasRecord {
  step: number;
  agent: string;
  /** Label of the behaviour whose intent it was ("setup" for set-up transactions). */
  behaviour: string;
  /** The scenario's policy. */
  policy: string;
  /** Contract name (BondingCurveMarket, ConstantProductPool, Vesting, QuoteToken, ArenaToken, ...). */
  contract: string;
  /** Function name (buyExactTokens, swapExactIn, ...). */
  fn: string;
  gasUsed: number;
  status: "success" | "reverted";
}

/** One line of a leaderboard, best PnL first. */
export interface LeaderboardEntry {
  rank: number;
  agent: string;
  behaviours: string[];
  pnlQuote: string;
  /** pnl / starting value, in bps. */
  returnBps: number;
  valueQuote: string;
  tokens: string;
  quote: string;
  txs: number;
  reverts: number;
  gasUsed: number;
  /** Language-model agents only: model calls, answers refused or failed, tokens (input + output) and US dollars. */
  llmCalls?: number;
  llmRejected?: number;
  llmTokens?: number;
  llmUsd?: number;
}
