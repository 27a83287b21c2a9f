// `npx hardhat execute --id ref [--from N] --network localhost`: executes a queued proposal once its
// eta has come. The work is in agents/governance/lifecycle/execute.ts.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { successfulResult } from "hardhat/utils/result";

import { execute } from "../agents/governance/lifecycle/execute.ts";
import { accountAt, assertSendAllowed } from "../agents/governance/lifecycle/governance-chain.ts";
import { openTaskChain, reportTaskError } from "../agents/governance/lifecycle/task-support.ts";

interface ExecuteTaskArguments {
  id: string;
  from: number;
  allowLive: boolean;
}

export default async function executeTask(args: ExecuteTaskArguments, hre: HardhatRuntimeEnvironment) {
  try {
    const chain = await openTaskChain(hre);
    assertSendAllowed(chain, "execute", args.allowLive);
    const from = await accountAt(chain, args.from);
    const result = await execute(chain, { from, proposal: args.id });
    console.log(`Proposal #${result.proposal.index} executed in block ${result.blockNumber} (tx ${result.txHash})`);
    for (const line of result.applied) console.log(`  ${line}`);
    return successfulResult(result.txHash);
  } catch (error) {
    return reportTaskError("execute", error);
  }
}
