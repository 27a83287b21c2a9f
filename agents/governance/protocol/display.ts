// How the governance steps show votes and times: votes are token wei (18 decimals), read as tokens;
// times are unix seconds, shown as an ISO date in UTC with the unix seconds beside it (the chain's own
// number, to compare with a block's timestamp), and waits as durations.

import { formatDecimal } from "../../core/units.ts";

export const TOKEN_DECIMALS = 18;

/** 150000000000000000000000n → "150000". */
export function formatVotes(votes: bigint): string {
  return formatDecimal(votes, TOKEN_DECIMALS);
}

/** 3725 → "1 h 2 min 5 s". */
export function formatDuration(seconds: bigint): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ["d", 86_400n],
    ["h", 3_600n],
    ["min", 60n],
  ] as const) {
    if (rest >= size) {
      parts.push(`${rest / size} ${unit}`);
      rest %= size;
    }
  }
  if (rest > 0n || parts.length === 0) parts.push(`${rest} s`);
  return parts.join(" ");
}

export function isoTime(unixSeconds: bigint): string {
  return new Date(Number(unixSeconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** 1767225600 → "2026-01-01T00:00:00Z (unix 1767225600)": how every governance message shows a time. */
export function formatTime(unixSeconds: bigint): string {
  return `${isoTime(unixSeconds)} (unix ${unixSeconds})`;
}
