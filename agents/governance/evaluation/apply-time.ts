// When a proposal would take effect, and which parameter changes it makes. A draft would be proposed
// in the next block, wait the voting delay and period (blocks of the scenario's length), be queued in
// the block after the deadline and executed when the Timelock's delay has passed, and never before
// each parameter it touches may change again. A submitted proposal is timed from its own deadline, or
// its ETA once queued.

import type { Address } from "viem";

import type { Chain } from "../../chain/chain.ts";
import { nextAllowedAt, readParameters } from "../protocol/changes.ts";
import { formatTime } from "../protocol/display.ts";
import { decodeParameterChanges, GOVERNOR_ABI, type ProposalActions, TIMELOCK_ABI } from "../protocol/proposal.ts";
import type { ProposalRef } from "./voters.ts";

export interface ApplyTime {
  /** Unix seconds the change would take effect. */
  applyAt: bigint;
  /** How it was reckoned, for the report. */
  why: string;
}

export async function expectedApplyAt(
  chain: Chain,
  addresses: { governor: Address; timelock: Address; store: Address },
  blockSeconds: number,
  actions: ProposalActions,
  proposal: ProposalRef,
): Promise<ApplyTime> {
  const latest = await chain.client.getBlock();
  const bs = BigInt(blockSeconds);
  const minDelay = await chain.client.readContract({
    address: addresses.timelock,
    abi: TIMELOCK_ABI,
    functionName: "getMinDelay",
  });
  const timeOfBlock = (block: bigint) => latest.timestamp + (block > latest.number ? (block - latest.number) * bs : bs);

  let applyAt: bigint;
  let why: string;
  if (proposal.kind === "draft") {
    const delay = await chain.client.readContract({
      address: addresses.governor,
      abi: GOVERNOR_ABI,
      functionName: "votingDelay",
    });
    const period = await chain.client.readContract({
      address: addresses.governor,
      abi: GOVERNOR_ABI,
      functionName: "votingPeriod",
    });
    const deadline = latest.number + 1n + delay + period;
    applyAt = timeOfBlock(deadline + 1n) + minDelay;
    why = `proposed in block ${latest.number + 1n}, voting delay ${delay} + period ${period} blocks of ${blockSeconds} s, queued in block ${deadline + 1n}, Timelock delay ${minDelay} s`;
  } else {
    const eta = await chain.client.readContract({
      address: addresses.governor,
      abi: GOVERNOR_ABI,
      functionName: "proposalEta",
      args: [proposal.id],
    });
    if (eta > 0n) {
      applyAt = eta > latest.timestamp ? eta : latest.timestamp + bs;
      why = `queued: executable at its ETA, ${formatTime(eta)}`;
    } else {
      const deadline = await chain.client.readContract({
        address: addresses.governor,
        abi: GOVERNOR_ABI,
        functionName: "proposalDeadline",
        args: [proposal.id],
      });
      applyAt = timeOfBlock(deadline + 1n) + minDelay;
      why = `voting ends at block ${deadline} (blocks of ${blockSeconds} s), queued in the next block, Timelock delay ${minDelay} s`;
    }
  }

  const changes = decodeParameterChanges(actions, addresses.store);
  if (changes.length > 0) {
    const parameters = await readParameters(chain.client, addresses.store);
    for (const change of changes) {
      const p = parameters.get(change.key);
      if (p === undefined) continue;
      const allowed = nextAllowedAt(p);
      if (allowed > applyAt) {
        applyAt = allowed;
        why = `${change.key} may not change before ${formatTime(allowed)} (its minimum interval), later than the vote and Timelock allow`;
      }
    }
  }
  return { applyAt, why };
}
