// `npx hardhat propose --change key=value[,key=value…] [key=value …] --description "…" [--unpause] [--from N] --network localhost`:
// checks the changes against the store's rules and the proposer's votes, then proposes. The work is in
// agents/governance/lifecycle/propose.ts.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { successfulResult } from "hardhat/utils/result";

import { parseChange, ProposalRefused } from "../agents/governance/protocol/changes.ts";
import { type ParameterChange } from "../agents/core/parameters.ts";
import { formatTime } from "../agents/governance/protocol/display.ts";
import { accountAt, assertSendAllowed } from "../agents/governance/lifecycle/governance-chain.ts";
import { propose } from "../agents/governance/lifecycle/propose.ts";
import { openTaskChain, reportTaskError } from "../agents/governance/lifecycle/task-support.ts";

interface ProposeTaskArguments {
  change: string;
  changes: string[];
  description: string;
  unpause: boolean;
  from: number;
  allowLive: boolean;
}

export default async function proposeTask(args: ProposeTaskArguments, hre: HardhatRuntimeEnvironment) {
  try {
    const changes = parseChanges([...args.change.split(","), ...args.changes]);
    const chain = await openTaskChain(hre);
    assertSendAllowed(chain, "propose", args.allowLive);
    const from = await accountAt(chain, args.from);
    const result = await propose(chain, { from, changes, description: args.description, unpause: args.unpause });
    const n = result.index;
    console.log(
      `Proposal #${n} created on "${chain.networkName}" by ${from} (block ${result.blockNumber}, tx ${result.txHash})`,
    );
    console.log(`  id        ${result.id}`);
    for (const [i, line] of result.lines.entries()) console.log(`  ${i === 0 ? "changes " : "        "}  ${line}`);
    console.log(`  voting    from block ${result.snapshot + 1n} through block ${result.deadline}`);
    console.log(`  execution ${formatTime(result.estimate.timestamp)} at the earliest (${result.estimate.assumption})`);
    const network = `--network ${chain.networkName}`;
    console.log(
      `Next: ${chain.local ? `npx hardhat advance --to start --id ${n} ${network}, then ` : ""}npx hardhat vote --id ${n} --support for --reason "…" ${network}`,
    );
    return successfulResult(result.id.toString());
  } catch (error) {
    return reportTaskError("propose", error);
  }
}

/** Every change given, or one ProposalRefused listing every one that does not parse. */
function parseChanges(texts: readonly string[]): ParameterChange[] {
  const changes: ParameterChange[] = [];
  const problems: string[] = [];
  for (const text of texts.map((t) => t.trim()).filter((t) => t !== "")) {
    try {
      changes.push(parseChange(text));
    } catch (error) {
      if (!(error instanceof ProposalRefused)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ProposalRefused(problems);
  return changes;
}
