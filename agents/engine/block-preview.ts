// The step's block as it stands while agents decide in turn (a scenario's `decisions: sequential`):
// copies of the twins and of the senders' holdings with the intents sent so far applied in send order,
// the order a FIFO block mines them, so exactly what the chain will hold after them. An intent the model
// reverts changes nothing, as on the chain. Built from the twins alone: no chain call, and the same
// view on the chain engine as on the fast model, since the twins equal the contracts.

import { ModelRevert } from "../core/model-revert.ts";
import { weiToQuote } from "../core/units.ts";
import type { CurveState } from "../mechanisms/market/state.ts";
import type { AnyMechanism, Flows } from "../mechanisms/mechanism.ts";
import type { PoolState } from "../mechanisms/pool/state.ts";
import { MECHANISM_OF_KIND } from "../mechanisms/registry.ts";
import { markToMarket } from "../mechanisms/value.ts";
import type { AgentView } from "../mechanisms/vocabulary.ts";
import { applyContext } from "./apply-context.ts";
import type { AgentsById, EngineAgent, PendingIntent } from "./backend.ts";

/** What an agent deciding after others in the block sees: the mechanisms' slices, the curve, itself. */
export interface BlockView {
  slices: Record<string, unknown>;
  curve: CurveState;
  self: AgentView;
}

export interface BlockPreviewStart {
  mechanisms: readonly AnyMechanism[];
  /** The twins as of the last mined block (copied, never moved). */
  twins: ReadonlyMap<string, unknown>;
  /** The last mined block's timestamp (what positions kept by holder are read at, as at the step's start). */
  latestTimestamp: bigint;
  /** The block being decided: its timestamp and the deadline intents carry. */
  timestamp: bigint;
  deadline: bigint;
  ethPriceQuote: bigint;
  /** Every agent of the run (an intent may credit another's holdings: their copies here). */
  agents: AgentsById;
}

export class BlockPreview {
  private readonly twins = new Map<string, unknown>();
  private readonly holdings = new Map<EngineAgent, EngineAgent["holdings"]>();
  private readonly flows: Flows = {};
  private readonly start: BlockPreviewStart;
  private changed = false;
  private cached: Record<string, unknown> | undefined;

  constructor(start: BlockPreviewStart) {
    this.start = start;
    for (const m of start.mechanisms) {
      this.twins.set(m.id, m.model.clone(start.twins.get(m.id)));
      for (const column of m.flows) this.flows[column] = 0n;
    }
  }

  /** Applies an agent's intents of this step (those the engine sent) to the copies, in send order. */
  apply(items: readonly PendingIntent[]): void {
    const { timestamp, deadline } = this.start;
    const ctx = applyContext(this.twins, this.start.agents, (agent) => this.holdingsOf(agent));
    for (const p of items) {
      if (p.rejected !== undefined) continue;
      const m = MECHANISM_OF_KIND.get(p.intent.kind)!;
      const sender = { address: p.agent.address, key: p.agent.key, holdings: this.holdingsOf(p.agent) };
      try {
        const block = { timestamp, deadline, ticket: p.ticket };
        m.model.apply(this.twins.get(m.id), sender, p.intent, block, this.flows, ctx);
      } catch (error) {
        if (!(error instanceof ModelRevert)) throw error;
      }
      this.changed = true;
      this.cached = undefined;
    }
  }

  /** What the agent sees: undefined while nothing was sent before it (the start-of-step observation holds). */
  view(agent: EngineAgent): BlockView | undefined {
    if (!this.changed) return undefined;
    const slices = (this.cached ??= this.observe());
    const curve = slices.curve as CurveState;
    const holdings = { ...this.holdingsOf(agent) };
    const positions = { claimable: agent.claimable, locked: agent.locked };
    for (const m of this.start.mechanisms) {
      const p = m.agentPositions?.(this.twins.get(m.id), agent.key, this.start.latestTimestamp);
      if (p !== undefined) Object.assign(positions, p);
    }
    const gasQuote = weiToQuote(agent.gasWei, this.start.ethPriceQuote);
    const value = markToMarket(holdings, curve, slices.pool as PoolState);
    return {
      slices,
      curve,
      self: {
        id: agent.id,
        address: agent.address,
        holdings,
        ...positions,
        pnlQuote: value - agent.startValue - gasQuote,
      },
    };
  }

  private observe(): Record<string, unknown> {
    const slices: Record<string, unknown> = {};
    for (const m of this.start.mechanisms) Object.assign(slices, m.observe(this.twins.get(m.id)));
    return slices;
  }

  private holdingsOf(agent: EngineAgent): EngineAgent["holdings"] {
    let h = this.holdings.get(agent);
    if (h === undefined) this.holdings.set(agent, (h = { ...agent.holdings }));
    return h;
  }
}
