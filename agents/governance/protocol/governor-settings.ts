// The Governor's and Timelock's settings that decide a proposal's timeline and who may propose.

import type { Address, PublicClient } from "viem";

import { GOVERNOR_ABI, TIMELOCK_ABI } from "./proposal.ts";

export interface GovernorSettings {
  /** Blocks from proposing to the snapshot (voting opens the block after it). */
  votingDelayBlocks: bigint;
  votingPeriodBlocks: bigint;
  /** Votes (token wei) a proposer needs. */
  proposalThreshold: bigint;
  timelockDelaySeconds: bigint;
}

export async function readGovernorSettings(
  client: PublicClient,
  addresses: { governor: Address; timelock: Address },
): Promise<GovernorSettings> {
  const read = (functionName: "votingDelay" | "votingPeriod" | "proposalThreshold") =>
    client.readContract({ address: addresses.governor, abi: GOVERNOR_ABI, functionName });
  const [votingDelayBlocks, votingPeriodBlocks, proposalThreshold, timelockDelaySeconds] = await Promise.all([
    read("votingDelay"),
    read("votingPeriod"),
    read("proposalThreshold"),
    client.readContract({ address: addresses.timelock, abi: TIMELOCK_ABI, functionName: "getMinDelay" }),
  ]);
  return { votingDelayBlocks, votingPeriodBlocks, proposalThreshold, timelockDelaySeconds };
}
