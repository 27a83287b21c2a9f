// `npx hardhat vote --id ref --support for|against|abstain [--reason "…"] [--from N] --network localhost`.
// The work is in agents/governance/lifecycle/vote.ts.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { successfulResult } from "hardhat/utils/result";

import { formatVotes } from "../agents/governance/protocol/display.ts";
import { accountAt, assertSendAllowed } from "../agents/governance/lifecycle/governance-chain.ts";
import { getProposal } from "../agents/governance/lifecycle/proposals.ts";
import { openTaskChain, reportTaskError } from "../agents/governance/lifecycle/task-support.ts";
import { parseSupport, vote } from "../agents/governance/lifecycle/vote.ts";

interface VoteTaskArguments {
  id: string;
  support: string;
  reason: string;
  from: number;
  allowLive: boolean;
}

export default async function voteTask(args: VoteTaskArguments, hre: HardhatRuntimeEnvironment) {
  try {
    const support = parseSupport(args.support);
    const chain = await openTaskChain(hre);
    assertSendAllowed(chain, "vote", args.allowLive);
    const from = await accountAt(chain, args.from);
    const result = await vote(chain, { from, proposal: args.id, support, reason: args.reason });
    console.log(
      `${from} voted ${support} on proposal #${result.proposal.index} with weight ${formatVotes(result.weight)} (tx ${result.txHash})`,
    );
    const { votes, quorum } = await getProposal(chain, args.id);
    console.log(
      `  tally: for ${formatVotes(votes.for)} · against ${formatVotes(votes.against)} · abstain ${formatVotes(votes.abstain)} (quorum ${formatVotes(quorum)})`,
    );
    if (result.warning !== undefined) console.warn(`warning: ${result.warning}`);
    return successfulResult(result.weight.toString());
  } catch (error) {
    return reportTaskError("vote", error);
  }
}
