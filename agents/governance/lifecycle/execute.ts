// Execute a queued proposal through the Timelock. Refused before sending until its eta, saying how
// long is left; the result lists each parameter as it was before and is after.

import { type Address, type Hex } from "viem";

import { readParameters } from "../protocol/changes.ts";
import { formatParameter } from "../../core/parameters.ts";
import { ActionRefused } from "./errors.ts";
import { assertIdle, type GovernanceChain, sendGovernanceTx } from "./governance-chain.ts";
import { encodeExecute, MARKET_GOVERNANCE_ABI } from "../protocol/proposal.ts";
import { advanceHint, getProposal, type ProposalInfo } from "./proposals.ts";
import { notSucceeded } from "./queue.ts";
import { formatDuration, formatTime } from "../protocol/display.ts";

export interface ExecuteResult {
  proposal: ProposalInfo;
  /** "market.buyFeeBps 100 → 120" as the store holds them before and after; "market unpaused". */
  applied: string[];
  txHash: Hex;
  blockNumber: bigint;
}

export async function execute(
  chain: GovernanceChain,
  options: { from: Address; proposal: string },
): Promise<ExecuteResult> {
  await assertIdle(chain, "execute");
  const proposal = await getProposal(chain, options.proposal);
  const name = `proposal #${proposal.index}`;
  if (proposal.state === "Succeeded")
    throw new ActionRefused(
      "execute",
      `${name} Succeeded but is not queued yet: queue it first (npx hardhat queue --id ${proposal.index})`,
    );
  if (proposal.state !== "Queued")
    throw new ActionRefused("execute", notSucceeded(chain, proposal, await chain.client.getBlockNumber()));
  const latest = await chain.client.getBlock();
  // The next block is at least one second after the latest.
  const eta = proposal.eta ?? 0n;
  if (eta > latest.timestamp + 1n) {
    const wait = eta - latest.timestamp;
    throw new ActionRefused(
      "execute",
      `${name} may execute from ${formatTime(eta)}, ${formatDuration(wait)} after the latest block (${formatTime(latest.timestamp)}); wait${advanceHint(chain, "eta", proposal)}`,
    );
  }

  const before = await readParameters(chain.client, chain.addresses.store);
  const receipt = await sendGovernanceTx(chain, {
    from: options.from,
    to: chain.addresses.governor,
    data: encodeExecute(proposal.actions),
    what: `execute ${name}`,
  });
  const after = await readParameters(chain.client, chain.addresses.store);
  const applied: string[] = [];
  for (const effect of proposal.effects) {
    if (effect.kind === "set")
      applied.push(
        `${effect.key} ${formatParameter(effect.key, before.get(effect.key)!.value)} → ${formatParameter(effect.key, after.get(effect.key)!.value)}`,
      );
    else if (effect.kind === "unpause") {
      const paused = await chain.client.readContract({
        address: chain.addresses.market,
        abi: MARKET_GOVERNANCE_ABI,
        functionName: "paused",
      });
      applied.push(paused ? "market still paused" : "market unpaused");
    } else applied.push(`called ${effect.target} ${effect.selector}`);
  }
  return { proposal, applied, txHash: receipt.transactionHash, blockNumber: receipt.blockNumber };
}
