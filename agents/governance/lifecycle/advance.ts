// Moving a local chain through a proposal's timeline by hand: to the block where its voting opens,
// past the block where it closes, to the time it may execute, or by explicit blocks and seconds.
// Blocks are mined 1 s apart (hardhat_mine), as propose assumes on a local chain; a move in time
// mines one block at the exact timestamp (evm_mine with a timestamp, which also moves the node's
// clock), so the result does not depend on how far the node's clock has drifted from the wall.

import { formatTime } from "../protocol/display.ts";
import { ActionRefused } from "./errors.ts";
import { assertIdle, type GovernanceChain } from "./governance-chain.ts";
import { getProposal } from "./proposals.ts";

export const ADVANCE_TARGETS = ["start", "end", "eta"] as const;
export type AdvanceTarget = (typeof ADVANCE_TARGETS)[number];

export interface AdvanceOptions {
  /** start: voting open (the block after the snapshot); end: voting over (the block after the deadline); eta: the proposal may execute. */
  to?: AdvanceTarget;
  /** The proposal for `to` (id, id prefix or #N). */
  proposal?: string;
  blocks?: bigint;
  seconds?: bigint;
}

export interface AdvanceResult {
  minedBlocks: bigint;
  block: bigint;
  timestamp: bigint;
  /** What was reached: "voting of #2 opens (block 40)". */
  reached: string;
}

export async function advance(chain: GovernanceChain, options: AdvanceOptions): Promise<AdvanceResult> {
  if (!chain.local) {
    throw new ActionRefused(
      "advance",
      `network "${chain.networkName}" is chain ${chain.chainId}, not a local chain: its blocks and time move on their own; advance works on a local node (npx hardhat node, --network localhost)`,
    );
  }
  const explicit = options.blocks !== undefined || options.seconds !== undefined;
  if (options.to === undefined && !explicit)
    throw new ActionRefused("advance", "say how far: --to start|end|eta with --id, or --blocks N and/or --seconds N");
  if (options.to !== undefined && explicit)
    throw new ActionRefused("advance", "give either --to or --blocks/--seconds, not both");
  if ((options.blocks ?? 0n) < 0n || (options.seconds ?? 0n) < 0n)
    throw new ActionRefused("advance", "--blocks and --seconds must be zero or more");
  // A block mined now would take in whatever is pending: a battle's step, or a command killed while it waited.
  await assertIdle(chain, "advance");

  const start = await chain.client.getBlock();
  let reached: string;
  if (options.to === undefined) {
    if ((options.seconds ?? 0n) > 0n) await mineAt(chain, start.timestamp + options.seconds!);
    if ((options.blocks ?? 0n) > 0n) await mineBlocks(chain, options.blocks!);
    reached = [
      options.blocks === undefined ? "" : `${options.blocks} block(s)`,
      options.seconds === undefined ? "" : `${options.seconds} s`,
    ]
      .filter((s) => s !== "")
      .join(" and ");
  } else {
    if (options.proposal === undefined)
      throw new ActionRefused(
        "advance",
        `--to ${options.to} needs the proposal: --id (#N from the listing, or the id)`,
      );
    const proposal = await getProposal(chain, options.proposal);
    const name = `#${proposal.index}`;
    if (options.to === "eta") {
      if (proposal.eta === undefined)
        throw new ActionRefused(
          "advance",
          `proposal ${name} is ${proposal.state}, not queued, so it has no eta yet${proposal.state === "Succeeded" ? ` (queue it first: npx hardhat queue --id ${proposal.index})` : ""}`,
        );
      if (start.timestamp < proposal.eta) await mineAt(chain, proposal.eta);
      reached = `proposal ${name} may execute (eta ${formatTime(proposal.eta)})`;
    } else {
      const target = options.to === "start" ? proposal.snapshot + 1n : proposal.deadline + 1n;
      if (start.number < target) await mineBlocks(chain, target - start.number);
      reached =
        options.to === "start"
          ? `voting on proposal ${name} is open (from block ${target})`
          : `voting on proposal ${name} is over (it closed with block ${proposal.deadline})`;
    }
  }
  const end = await chain.client.getBlock();
  return { minedBlocks: end.number - start.number, block: end.number, timestamp: end.timestamp, reached };
}

async function mineBlocks(chain: GovernanceChain, blocks: bigint): Promise<void> {
  await chain.request("hardhat_mine", [`0x${blocks.toString(16)}`, "0x1"]);
}

async function mineAt(chain: GovernanceChain, timestamp: bigint): Promise<void> {
  await chain.request("evm_mine", [Number(timestamp)]);
}
