// The leaderboard: every agent's final standing, best PnL first. summary.json records it; the agents'
// metrics (agents.<id>.returnBps, …, in registry.ts) are read from its lines.

import type { AgentFinal, LeaderboardEntry } from "../core/records.ts";
import { BPS } from "../core/units.ts";

/** Best PnL first; equal PnL by agent id (code-unit order, the same on every machine). */
export function leaderboard(agents: readonly AgentFinal[]): LeaderboardEntry[] {
  const seen = new Set<string>();
  for (const { agent, final } of agents) {
    if (final.agent !== agent) throw new RangeError(`leaderboard: the final row of ${agent} belongs to ${final.agent}`);
    if (seen.has(agent)) throw new RangeError(`leaderboard: agent ${agent} appears twice`);
    seen.add(agent);
  }
  const ordered = [...agents].sort((a, b) =>
    a.final.pnlQuote > b.final.pnlQuote
      ? -1
      : a.final.pnlQuote < b.final.pnlQuote
        ? 1
        : a.agent < b.agent
          ? -1
          : a.agent > b.agent
            ? 1
            : 0,
  );
  return ordered.map(({ agent, behaviours, startValueQuote, final }, i) => ({
    rank: i + 1,
    agent,
    behaviours: [...behaviours],
    pnlQuote: final.pnlQuote.toString(),
    // An agent that started with nothing has no return to speak of: 0 rather than infinity.
    returnBps: startValueQuote > 0n ? Number((final.pnlQuote * BPS) / startValueQuote) : 0,
    valueQuote: final.valueQuote.toString(),
    tokens: final.tokens.toString(),
    quote: final.quote.toString(),
    txs: Number(final.txs),
    reverts: Number(final.reverts),
    gasUsed: Number(final.gasUsed),
  }));
}
