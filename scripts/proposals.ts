// `npx hardhat proposals [--id ref] [--state active] --network localhost`: every proposal with its
// state, votes, quorum, voting blocks and eta, or one proposal in full. Sends nothing.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { successfulResult } from "hardhat/utils/result";

import { formatTime } from "../agents/governance/protocol/display.ts";
import { GovernanceError } from "../agents/governance/lifecycle/errors.ts";
import { formatProposalDetail, formatProposalTable } from "../agents/governance/lifecycle/format-proposals.ts";
import { PROPOSAL_STATES, type ProposalState } from "../agents/governance/protocol/proposal.ts";
import { getProposal, listProposals } from "../agents/governance/lifecycle/proposals.ts";
import { openTaskChain, reportTaskError } from "../agents/governance/lifecycle/task-support.ts";

interface ProposalsTaskArguments {
  id: string;
  state: string;
}

export default async function proposalsTask(args: ProposalsTaskArguments, hre: HardhatRuntimeEnvironment) {
  try {
    const state = parseState(args.state);
    const chain = await openTaskChain(hre);
    const latest = await chain.client.getBlock();
    console.log(
      `"${chain.networkName}" (chain ${chain.chainId}) at block ${latest.number}, ${formatTime(latest.timestamp)}`,
    );
    if (args.id !== "") {
      console.log(formatProposalDetail(await getProposal(chain, args.id)));
      return successfulResult(args.id);
    }
    const proposals = await listProposals(chain, state === undefined ? {} : { state });
    if (proposals.length === 0)
      console.log(state === undefined ? "No proposals yet (npx hardhat propose)." : `No ${state} proposals.`);
    else console.log(formatProposalTable(proposals));
    return successfulResult(proposals.length);
  } catch (error) {
    return reportTaskError("proposals", error);
  }
}

function parseState(text: string): ProposalState | undefined {
  if (text.trim() === "") return undefined;
  const state = PROPOSAL_STATES.find((s) => s.toLowerCase() === text.trim().toLowerCase());
  if (state === undefined)
    throw new GovernanceError(`--state ${JSON.stringify(text)}: give one of ${PROPOSAL_STATES.join(", ")}`);
  return state;
}
