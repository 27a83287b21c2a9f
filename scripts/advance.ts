// `npx hardhat advance (--to start|end|eta --id ref | --blocks N --seconds N) --network localhost`:
// moves a local node through a proposal's timeline. The work is in agents/governance/lifecycle/advance.ts.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { successfulResult } from "hardhat/utils/result";

import { ADVANCE_TARGETS, type AdvanceTarget, advance } from "../agents/governance/lifecycle/advance.ts";
import { formatTime } from "../agents/governance/protocol/display.ts";
import { GovernanceError } from "../agents/governance/lifecycle/errors.ts";
import { openTaskChain, optionalWholeNumber, reportTaskError } from "../agents/governance/lifecycle/task-support.ts";

interface AdvanceTaskArguments {
  to: string;
  id: string;
  blocks: string;
  seconds: string;
}

export default async function advanceTask(args: AdvanceTaskArguments, hre: HardhatRuntimeEnvironment) {
  try {
    const to = parseTarget(args.to);
    const blocks = optionalWholeNumber(args.blocks, "--blocks");
    const seconds = optionalWholeNumber(args.seconds, "--seconds");
    const chain = await openTaskChain(hre);
    const result = await advance(chain, {
      ...(to === undefined ? {} : { to }),
      ...(args.id === "" ? {} : { proposal: args.id }),
      ...(blocks === undefined ? {} : { blocks }),
      ...(seconds === undefined ? {} : { seconds }),
    });
    const mined = result.minedBlocks === 0n ? "already there, nothing mined" : `mined ${result.minedBlocks} block(s)`;
    console.log(`${result.reached}: ${mined}; now block ${result.block} at ${formatTime(result.timestamp)}`);
    return successfulResult(result.block.toString());
  } catch (error) {
    return reportTaskError("advance", error);
  }
}

function parseTarget(text: string): AdvanceTarget | undefined {
  if (text.trim() === "") return undefined;
  const target = ADVANCE_TARGETS.find((t) => t === text.trim().toLowerCase());
  if (target === undefined)
    throw new GovernanceError(
      `--to ${JSON.stringify(text)}: give start (voting opens), end (voting over) or eta (may execute)`,
    );
  return target;
}
