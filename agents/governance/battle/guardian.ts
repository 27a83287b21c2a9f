// The guardian's monitor: each step it compares the last block's price moves (curve and pool) and the
// reserve's change with the recent window, and on an anomaly — a move far outside recent behaviour or
// a reserve drained faster than allowed — takes the one action the contracts give the guardian:
// market.pause(). Trades then revert with MarketPaused; only a governance proposal (unpauseProposal,
// executed by the Timelock) resumes trading, because the market lets only the Timelock unpause.

import type { Address } from "viem";

import { logReturns, mean as average, sampleStdev } from "../../core/stats.ts";
import type { GuardianConfig } from "../../inputs/governance-types.ts";
import type { Participant, ParticipantTurn, RawCall, RawCallResult } from "../../engine/participants.ts";
import type { GovernanceBook } from "./book.ts";
import { pauseCall, type Sender } from "./calls.ts";

export const GUARDIAN_ROLE = "guardian";

export interface MarketPoint {
  curvePriceWad: bigint;
  poolPriceWad: bigint;
  reserve: bigint;
}

/**
 * Why the latest point (the last of `points`) is an anomaly against the ones before it, or undefined.
 * A reserve drain is judged from the second point on; a price move only against a full window
 * (`windowSteps` returns before it), since a short window's σ says nothing about recent behaviour.
 */
export function detectAnomaly(points: readonly MarketPoint[], config: GuardianConfig): string | undefined {
  if (points.length < 2) return undefined;
  const latest = points[points.length - 1]!;
  const previous = points[points.length - 2]!;
  if (previous.reserve > 0n && latest.reserve < previous.reserve) {
    const drainBps = Number(((previous.reserve - latest.reserve) * 10_000n) / previous.reserve);
    if (drainBps > config.reserveDrainBps)
      return `the reserve fell ${drainBps} bps in one block (limit ${config.reserveDrainBps} bps)`;
  }
  if (points.length < config.windowSteps + 2) return undefined;
  for (const venue of ["curve", "pool"] as const) {
    const prices = points
      .slice(-(config.windowSteps + 2))
      .map((p) => (venue === "curve" ? p.curvePriceWad : p.poolPriceWad));
    const returns = logReturns(prices);
    if (returns.length < config.windowSteps / 2) continue;
    const last = returns[returns.length - 1]!;
    const window = returns.slice(0, -1);
    const mean = average(window);
    const sigma = sampleStdev(window);
    const moveBps = Math.abs(last) * 10_000;
    if (moveBps >= config.minMoveBps && Math.abs(last - mean) > config.priceMoveSigma * sigma) {
      return `the ${venue} price moved ${moveBps.toFixed(0)} bps in one block, ${sigma === 0 ? "after a flat window" : `${(Math.abs(last - mean) / sigma).toFixed(1)} σ of the last ${window.length} blocks`} (limit ${config.priceMoveSigma} σ and ${config.minMoveBps} bps)`;
    }
  }
  return undefined;
}

export class Guardian implements Participant {
  readonly id = "guardian";
  private readonly config: GuardianConfig;
  private readonly book: GovernanceBook;
  private readonly sender: Sender;
  private readonly points: MarketPoint[] = [];
  private reason: string | undefined;

  constructor(config: GuardianConfig, address: Address, book: GovernanceBook) {
    this.config = config;
    this.book = book;
    this.sender = { agent: "guardian", address, role: GUARDIAN_ROLE };
  }

  async turn(turn: ParticipantTurn): Promise<RawCall[]> {
    this.points.push({
      curvePriceWad: turn.curve.priceWad,
      poolPriceWad: turn.pool.priceWad,
      reserve: turn.curve.reserve,
    });
    if (this.points.length > this.config.windowSteps + 2) this.points.shift();
    this.reason = undefined;
    if (turn.curve.paused) return [];
    const reason = detectAnomaly(this.points, this.config);
    if (reason === undefined) return [];
    this.reason = reason;
    return [pauseCall(this.book.addresses, this.sender, reason)];
  }

  settle(results: readonly RawCallResult[], turn: ParticipantTurn): void {
    const result = results[0];
    if (result === undefined) return;
    this.book.trail.add({
      step: turn.step,
      kind: "pause",
      by: "guardian",
      reason: this.reason!,
      status: result.status,
      gasUsed: result.gasUsed.toString(),
      ...(result.error === undefined ? {} : { error: result.error }),
    });
    // Behaviour after the pause is a new regime: the window starts again when trading resumes.
    if (result.status === "success") this.points.length = 0;
  }
}
