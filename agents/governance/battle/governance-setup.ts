// Governance set-up, in set-up blocks after the agents are funded: voters delegate their votes to
// themselves, and — when the scenario has a protocol-owned agent — the treasury's votes are handed to
// it the honest way: a real bootstrap proposal "the Timelock delegates its tokens' votes to the
// protocol agent" (token.delegate(poa), executed by the Timelock), proposed and passed by the genesis
// holders with delegated votes through the Governor, queued, and executed after the Timelock's delay.
// Nothing is impersonated but the agents' own wallets; every transaction's gas is set-up gas.

import { type Address, getAddress, keccak256, stringToHex } from "viem";

import type { ChainDeployment } from "../../deploy/deploy.ts";
import { voteWeight } from "./receipts.ts";
import {
  encodeDelegate,
  encodeExecute,
  encodePropose,
  encodeQueue,
  encodeVote,
  GOVERNANCE_GAS,
  GOVERNOR_ABI,
  PROPOSAL_STATES,
  type ProposalActions,
  proposalId,
  VOTES_ABI,
} from "../protocol/proposal.ts";
import type { Scenario } from "../../inputs/scenario-types.ts";
import type { Chain } from "../../chain/chain.ts";
import { BattleError } from "../../chain/errors.ts";
import type { SystemAbis } from "../../chain/system.ts";
import { type SentTx, TxSender } from "../../chain/tx-sender.ts";

const POA_ETH_WEI = 10n ** 24n;

export interface BootstrapRecord {
  proposalId: string;
  description: string;
  proposer: string;
  /** Each genesis holder's vote weight (token wei). */
  votes: { holder: string; weight: string }[];
  quorum: string;
  delegatee: Address;
  /** Votes the protocol agent holds once it is executed (token wei). */
  delegatedVotes: string;
  executedAt: string;
}

export interface GovernanceSetup {
  txs: { agent: string; tx: SentTx; gasUsed: bigint }[];
  lastTimestamp: bigint;
  protocolAgentAddress?: Address;
  bootstrap?: BootstrapRecord;
}

interface Holder {
  name: string;
  address: Address;
}

export async function setUpGovernance(
  chain: Chain,
  scenario: Scenario,
  abis: SystemAbis,
  deployment: ChainDeployment,
  wallets: readonly { config: { id: string }; address: Address }[],
  startTimestamp: bigint,
  log: (line: string) => void,
): Promise<GovernanceSetup> {
  const governance = scenario.governance;
  const out: GovernanceSetup = { txs: [], lastTimestamp: startTimestamp };
  if (governance === undefined) return out;
  const sender = new TxSender(chain, { maxFeePerGas: 10n ** 12n, priorityFeeWei: scenario.gas.priorityFeeWei });
  const token = getAddress(deployment.addresses.token);
  const governor = getAddress(deployment.addresses.governor);
  let timestamp = startTimestamp;
  const mine = async (batch: { agent: string; tx: SentTx }[], what: string) => {
    const receipts = await sender.mine(
      batch.map((b) => b.tx),
      (timestamp += 1n),
    );
    const failed = receipts.findIndex((r) => r.status !== "success");
    if (failed >= 0) {
      const reason = await sender.revertReason(receipts[failed]!.hash, abis);
      throw new BattleError(
        `governance set-up failed (${what}) for "${batch[failed]!.agent}": ${batch[failed]!.tx.contract}.${batch[failed]!.tx.fn} reverted with ${reason}`,
      );
    }
    timestamp = receipts[receipts.length - 1]!.timestamp;
    out.txs.push(...receipts.map((r, i) => ({ agent: batch[i]!.agent, tx: batch[i]!.tx, gasUsed: r.gasUsed })));
    return receipts;
  };
  const delegateTx = (agent: string, from: Address, to: Address) =>
    sender
      .send({
        from,
        to: token,
        data: encodeDelegate(to),
        gas: GOVERNANCE_GAS.delegate,
        contract: "ArenaToken",
        fn: "delegate",
      })
      .then((tx) => ({ agent, tx }));

  const voters = governance.voters?.agents ?? [];
  if (voters.length > 0) {
    const batch = [];
    for (const id of voters) {
      const wallet = wallets.find((w) => w.config.id === id)!;
      batch.push(await delegateTx(id, wallet.address, wallet.address));
    }
    await mine(batch, "voters delegate to themselves");
    log(`${voters.length} voters delegated their votes to themselves`);
  }

  const poa = governance.protocolAgent;
  if (poa !== undefined) {
    const poaAddress = derivedParticipantAddress(poa.id);
    if (chain.inProcess || chain.chainId === 31337n || chain.chainId === 1337n) {
      await chain.request("hardhat_impersonateAccount", [poaAddress]);
      await chain.request("hardhat_setBalance", [poaAddress, `0x${POA_ETH_WEI.toString(16)}`]);
    } else {
      throw new BattleError(
        `${scenario.source}: governance.protocolAgent needs a local Hardhat chain to impersonate its wallet; run the battle on the in-process chain or a local node`,
      );
    }
    out.protocolAgentAddress = poaAddress;
    const holders = await genesisHolders(chain, deployment);
    out.bootstrap = await bootstrap();
    log(
      `bootstrap proposal executed: the treasury's votes are delegated to the protocol agent "${poa.id}" (${out.bootstrap.delegatedVotes} wei)`,
    );

    async function bootstrap(): Promise<BootstrapRecord> {
      const actions: ProposalActions = {
        targets: [token],
        values: [0n],
        calldatas: [encodeDelegate(poaAddress)],
        description: `Bootstrap: the treasury delegates its votes to the protocol-owned agent "${poa!.id}" (${poaAddress})`,
      };
      const id = proposalId(actions);
      const read = async <T>(functionName: string, args: readonly unknown[]) =>
        (await chain.client.readContract({
          address: governor,
          abi: GOVERNOR_ABI,
          functionName: functionName as "state",
          args: args as [bigint],
        })) as T;
      const latest = async () => (await chain.client.getBlock()).number;
      const votesOf = async (h: Holder) =>
        (await chain.client.readContract({
          address: token,
          abi: VOTES_ABI,
          functionName: "getVotes",
          args: [h.address],
        })) as bigint;
      const weights = await Promise.all(holders.map(votesOf));
      const order = holders.map((h, i) => ({ h, w: weights[i]! })).sort((a, b) => (a.w > b.w ? -1 : a.w < b.w ? 1 : 0));
      if (order.length === 0 || order[0]!.w === 0n) {
        throw new BattleError(
          `${scenario.source}: governance.protocolAgent needs the treasury's votes, handed over by a bootstrap proposal of the genesis holders with delegated votes, but ${deployment.genesis.source} has none; give some allocations "delegate": true`,
        );
      }
      const proposer = order[0]!.h;
      const governorCall = (agent: string, from: Address, data: `0x${string}`, fn: string, gas: bigint) =>
        sender.send({ from, to: governor, data, gas, contract: "ArenaGovernor", fn }).then((tx) => ({ agent, tx }));

      await mine(
        [
          await governorCall(
            proposer.name,
            proposer.address,
            encodePropose(actions),
            "propose",
            GOVERNANCE_GAS.propose,
          ),
        ],
        "bootstrap proposal",
      );
      const snapshot = await read<bigint>("proposalSnapshot", [id]);
      const deadline = await read<bigint>("proposalDeadline", [id]);
      await mineUntil(snapshot);
      const voting = order.filter((o) => o.w > 0n).map((o) => o.h);
      const voteReceipts = await mine(
        await Promise.all(
          voting.map((h) =>
            governorCall(
              h.name,
              h.address,
              encodeVote(id, "for", "bootstrap: hand the treasury's votes to the protocol agent"),
              "castVoteWithReason",
              GOVERNANCE_GAS.vote,
            ),
          ),
        ),
        "bootstrap votes",
      );
      const votes = voteReceipts.map((r, i) => ({
        holder: voting[i]!.name,
        weight: (voteWeight(r.logs) ?? 0n).toString(),
      }));
      await mineUntil(deadline + 1n);
      const state =
        PROPOSAL_STATES[
          Number(
            await chain.client.readContract({
              address: governor,
              abi: GOVERNOR_ABI,
              functionName: "state",
              args: [id],
              blockNumber: await latest(),
            }),
          )
        ];
      const quorum = await read<bigint>("quorum", [snapshot]);
      if (state !== "Succeeded") {
        throw new BattleError(
          `${scenario.source}: the bootstrap proposal handing the treasury's votes to the protocol agent ended ${state}: the genesis holders' ${votes.map((v) => v.weight).join(" + ")} votes against a quorum of ${quorum}; give the genesis holders more delegated tokens or lower governance.quorumPercent in ${deployment.genesis.source}`,
        );
      }
      await mine(
        [await governorCall(proposer.name, proposer.address, encodeQueue(actions), "queue", GOVERNANCE_GAS.queue)],
        "bootstrap queue",
      );
      const eta = await read<bigint>("proposalEta", [id]);
      if (eta > timestamp + 1n) timestamp = eta - 1n;
      await mine(
        [
          await governorCall(
            proposer.name,
            proposer.address,
            encodeExecute(actions),
            "execute",
            GOVERNANCE_GAS.execute,
          ),
        ],
        "bootstrap execute",
      );
      const delegatee = (await chain.client.readContract({
        address: token,
        abi: VOTES_ABI,
        functionName: "delegates",
        args: [getAddress(deployment.addresses.timelock)],
      })) as Address;
      const delegatedVotes = (await chain.client.readContract({
        address: token,
        abi: VOTES_ABI,
        functionName: "getVotes",
        args: [poaAddress],
      })) as bigint;
      return {
        proposalId: id.toString(),
        description: actions.description,
        proposer: proposer.name,
        votes,
        quorum: quorum.toString(),
        delegatee,
        delegatedVotes: delegatedVotes.toString(),
        executedAt: timestamp.toString(),
      };
    }
  }
  out.lastTimestamp = timestamp;
  return out;

  /** Mines empty blocks, one second apart, until the latest block is `block`. */
  async function mineUntil(block: bigint): Promise<void> {
    const latest = (await chain.client.getBlock()).number;
    for (let n = latest; n < block; n++) await sender.mine([], (timestamp += 1n));
  }
}

/** The genesis allocations that delegate their votes, as the network's accounts. */
async function genesisHolders(chain: Chain, deployment: ChainDeployment): Promise<Holder[]> {
  const accounts = (await chain.request<string[]>("eth_accounts")).map((a) => getAddress(a));
  const holders: Holder[] = [];
  for (const a of deployment.genesis.allocations) {
    if (!a.delegate) continue;
    const ref = a.to;
    const holder =
      ref.kind === "deployer"
        ? { name: "genesis:deployer", address: getAddress(deployment.deployer) }
        : ref.kind === "guardian"
          ? { name: "genesis:guardian", address: getAddress(deployment.accounts.guardian) }
          : ref.kind === "account"
            ? { name: `genesis:account:${ref.index}`, address: accounts[ref.index] }
            : ref.kind === "address"
              ? { name: `genesis:${ref.address}`, address: getAddress(ref.address) }
              : undefined;
    if (holder?.address === undefined || !accounts.includes(holder.address)) continue;
    if (!holders.some((h) => h.address === holder.address)) holders.push(holder as Holder);
  }
  return holders;
}

/** A participant's wallet (the protocol agent's): derived from its id like an agent's, in a namespace of its own. */
export function derivedParticipantAddress(id: string): Address {
  return getAddress(`0x${keccak256(stringToHex(`token-arena/participant/${id}`)).slice(-40)}`);
}
