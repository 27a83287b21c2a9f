// The engine on the fast model: the mechanisms' twins are the whole state. An intent is queued when
// sent (its words checked as the encoder would) and applied, in the order the chain would mine the
// block, by its mechanism's model; a ModelRevert changes nothing but the gas paid. No chain, no
// transactions: hashes are stand-ins and the base fee is the in-process chain's (0).

import type { Hex } from "viem";

import type { PendingTx } from "../behaviours/behaviour.ts";
import { ModelRevert } from "../core/model-revert.ts";
import { checkWords } from "../mechanisms/calldata.ts";
import { revertGas } from "../mechanisms/model-gas.ts";
import type { AnyMechanism, Flows } from "../mechanisms/mechanism.ts";
import { MECHANISM_OF_KIND, mechanismsWithTwins } from "../mechanisms/registry.ts";
import { applyContext } from "./apply-context.ts";
import type { AgentsById, Backend, PendingCall, PendingIntent } from "./backend.ts";
import { blockOrder } from "./block-order.ts";
import type { RawCall } from "./participants.ts";

export class ModelBackend implements Backend {
  readonly twins: Map<string, unknown>;
  /** The mechanisms the genesis deploys: those the set-up gave a twin, in registry order. */
  readonly mechanisms: readonly AnyMechanism[];
  private block: bigint;
  private timestamp: bigint;
  /** The treasury's quote balance: what the mechanisms have paid it (the buyback's collect); fees accrue in the market until collected. */
  get treasuryBalanceQuote(): bigint {
    let paid = 0n;
    for (const m of this.mechanisms)
      if (m.treasuryPaidQuote !== undefined) paid += m.treasuryPaidQuote(this.twins.get(m.id));
    return paid;
  }
  readonly baseFeeWei = 0n;
  private readonly priority: boolean;

  /** Twins as the model's set-up left them; `lastBlock` and `lastTimestamp` those of the last set-up block. */
  constructor(twins: Map<string, unknown>, lastBlock: bigint, lastTimestamp: bigint, priority: boolean) {
    this.twins = twins;
    this.mechanisms = mechanismsWithTwins(twins);
    this.block = lastBlock;
    this.timestamp = lastTimestamp;
    this.priority = priority;
  }

  get latestBlock(): bigint {
    return this.block;
  }

  get latestTimestamp(): bigint {
    return this.timestamp;
  }

  async submit(item: PendingIntent): Promise<void> {
    checkWords(MECHANISM_OF_KIND.get(item.intent.kind)!.intents.words(item.intent));
  }

  async sendCall(call: RawCall): Promise<PendingCall> {
    throw new Error(`${call.role} sends raw calls, which need a chain: the fast model runs no governance`);
  }

  /** The pending block as a behaviour reading it sees it: in the order it will be mined. */
  async pendingBlock(items: readonly PendingIntent[]): Promise<PendingTx[]> {
    return blockOrder(queued(items), true).map((i) => {
      const p = items[i]!;
      return {
        hash: pendingHash(i),
        from: p.agent.address,
        agentId: p.agent.id,
        intent: p.intent,
        priorityFeeWei: p.priorityFeeWei,
      };
    });
  }

  async mine(
    timestamp: bigint,
    deadline: bigint,
    _calls: readonly PendingCall[],
    items: readonly PendingIntent[],
    flows: Flows,
    agents: AgentsById,
  ): Promise<void> {
    const ctx = applyContext(this.twins, agents);
    for (const i of blockOrder(queued(items), this.priority)) {
      const p = items[i]!;
      if (p.rejected !== undefined) continue; // refused before sending (its mechanism is not deployed)
      const m = MECHANISM_OF_KIND.get(p.intent.kind)!;
      const block = { timestamp, deadline, ticket: p.ticket };
      let status: "success" | "reverted";
      let gasUsed: bigint;
      let error: string | undefined;
      try {
        ({ status, gasUsed, error } = m.model.apply(this.twins.get(m.id), p.agent, p.intent, block, flows, ctx));
      } catch (e) {
        if (!(e instanceof ModelRevert)) throw e;
        status = "reverted";
        gasUsed = revertGas(m.model.gas[p.intent.kind], e.errorName);
        error = e.message;
      }
      // The effective gas price is the priority fee: the in-process chain's base fee stays 0.
      p.result = {
        status,
        gasUsed,
        gasCostWei: gasUsed * p.priorityFeeWei,
        hash: pendingHash(i),
        ...(error === undefined ? {} : { error }),
      };
    }
    this.block += 1n;
    this.timestamp = timestamp;
  }
}

function queued(items: readonly PendingIntent[]) {
  return items.map((p) => ({ sender: p.agent.index, priorityFeeWei: p.priorityFeeWei }));
}

/** A stand-in transaction hash (the model has no transactions to hash). */
function pendingHash(index: number): Hex {
  return `0x${index.toString(16).padStart(64, "0")}`;
}
