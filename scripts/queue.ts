// `npx hardhat queue --id ref [--from N] --network localhost`: queues a proposal that passed.
// The work is in agents/governance/lifecycle/queue.ts.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { successfulResult } from "hardhat/utils/result";

import { formatTime } from "../agents/governance/protocol/display.ts";
import { accountAt, assertSendAllowed } from "../agents/governance/lifecycle/governance-chain.ts";
import { queue } from "../agents/governance/lifecycle/queue.ts";
import { openTaskChain, reportTaskError } from "../agents/governance/lifecycle/task-support.ts";

interface QueueTaskArguments {
  id: string;
  from: number;
  allowLive: boolean;
}

export default async function queueTask(args: QueueTaskArguments, hre: HardhatRuntimeEnvironment) {
  try {
    const chain = await openTaskChain(hre);
    assertSendAllowed(chain, "queue", args.allowLive);
    const from = await accountAt(chain, args.from);
    const result = await queue(chain, { from, proposal: args.id });
    const n = result.proposal.index;
    console.log(`Proposal #${n} queued (tx ${result.txHash}); it may execute from ${formatTime(result.eta)}`);
    const network = `--network ${chain.networkName}`;
    console.log(
      `Next: ${chain.local ? `npx hardhat advance --to eta --id ${n} ${network}, then ` : ""}npx hardhat execute --id ${n} ${network}`,
    );
    return successfulResult(result.eta.toString());
  } catch (error) {
    return reportTaskError("queue", error);
  }
}
