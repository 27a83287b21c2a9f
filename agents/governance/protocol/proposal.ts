// A proposal's actions as the Governor takes them (targets, values, calldatas, description), its id,
// and the calldata of every step of its life: propose, castVoteWithReason, queue, execute. The id is
// OpenZeppelin's hashProposal, so it is known before the proposal is sent.

import {
  type Address,
  decodeFunctionData,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  parseAbi,
  stringToHex,
} from "viem";

import { STORE_ABI } from "./changes.ts";
import { bytes32ToKey, keyToBytes32, type ParameterChange } from "../../core/parameters.ts";

/** The contracts a proposal's life goes through: the Governor and Timelock, the store it writes, the
 * market it may unpause and the token whose delegated votes count. */
export interface GovernanceAddresses {
  governor: Address;
  timelock: Address;
  store: Address;
  market: Address;
  token: Address;
}

export interface ProposalActions {
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
  description: string;
}

export const GOVERNOR_ABI = parseAbi([
  "function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns (uint256)",
  "function castVote(uint256 proposalId, uint8 support) returns (uint256)",
  "function castVoteWithReason(uint256 proposalId, uint8 support, string reason) returns (uint256)",
  "function queue(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns (uint256)",
  "function execute(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) payable returns (uint256)",
  "function state(uint256 proposalId) view returns (uint8)",
  "function proposalVotes(uint256 proposalId) view returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)",
  "function proposalSnapshot(uint256 proposalId) view returns (uint256)",
  "function proposalDeadline(uint256 proposalId) view returns (uint256)",
  "function proposalEta(uint256 proposalId) view returns (uint256)",
  "function proposalProposer(uint256 proposalId) view returns (address)",
  "function quorum(uint256 timepoint) view returns (uint256)",
  "function votingDelay() view returns (uint256)",
  "function votingPeriod() view returns (uint256)",
  "function proposalThreshold() view returns (uint256)",
  "function hasVoted(uint256 proposalId, address account) view returns (bool)",
  "function getVotes(address account, uint256 timepoint) view returns (uint256)",
  "event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)",
  "event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)",
  "event ProposalQueued(uint256 proposalId, uint256 etaSeconds)",
  "event ProposalExecuted(uint256 proposalId)",
]);

export const TIMELOCK_ABI = parseAbi(["function getMinDelay() view returns (uint256)"]);
export const MARKET_GOVERNANCE_ABI = parseAbi([
  "function unpause()",
  "function pause()",
  "function paused() view returns (bool)",
]);
export const VOTES_ABI = parseAbi([
  "function delegate(address delegatee)",
  "function delegates(address account) view returns (address)",
  "function getVotes(address account) view returns (uint256)",
  "function getPastVotes(address account, uint256 timepoint) view returns (uint256)",
]);

/** The Governor's ProposalState enum, in order. */
export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

/** GovernorCountingSimple's support values. */
export const SUPPORT = { against: 0, for: 1, abstain: 2 } as const;
export type Support = keyof typeof SUPPORT;

/** One store write per change: `set` for one, `setMany` for several (applied in order, one call). */
export function parameterProposal(
  store: Address,
  changes: readonly ParameterChange[],
  description: string,
): ProposalActions {
  const calldata =
    changes.length === 1
      ? encodeFunctionData({
          abi: STORE_ABI,
          functionName: "set",
          args: [keyToBytes32(changes[0]!.key), changes[0]!.value],
        })
      : encodeFunctionData({
          abi: STORE_ABI,
          functionName: "setMany",
          args: [changes.map((c) => keyToBytes32(c.key)), changes.map((c) => c.value)],
        });
  return { targets: [store], values: [0n], calldatas: [calldata], description };
}

/** The parameter writes of one call to the store (set, or setMany in order); undefined for any other call. */
export function decodeStoreWrites(data: Hex): ParameterChange[] | undefined {
  let call: ReturnType<typeof decodeFunctionData<typeof STORE_ABI>>;
  try {
    call = decodeFunctionData({ abi: STORE_ABI, data });
  } catch {
    return undefined;
  }
  if (call.functionName === "set") return [{ key: bytes32ToKey(call.args[0]), value: call.args[1] }];
  if (call.functionName === "setMany")
    return call.args[0].map((key, j) => ({ key: bytes32ToKey(key), value: call.args[1][j]! }));
  return undefined;
}

/** The parameter writes among a proposal's calls to `store`, in order. */
export function decodeParameterChanges(actions: ProposalActions, store: Address): ParameterChange[] {
  return actions.targets.flatMap((target, i) =>
    getAddress(target) === getAddress(store) ? (decodeStoreWrites(actions.calldatas[i]!) ?? []) : [],
  );
}

/** Resumes trading after a guardian's pause: only the Timelock may unpause the market. */
export function unpauseProposal(market: Address, description: string): ProposalActions {
  return {
    targets: [market],
    values: [0n],
    calldatas: [encodeFunctionData({ abi: MARKET_GOVERNANCE_ABI, functionName: "unpause" })],
    description,
  };
}

export function descriptionHash(description: string): Hex {
  return keccak256(stringToHex(description));
}

/** OpenZeppelin's hashProposal: keccak256(abi.encode(targets, values, calldatas, descriptionHash)). */
export function proposalId(actions: ProposalActions): bigint {
  const encoded = encodeAbiParameters(
    [{ type: "address[]" }, { type: "uint256[]" }, { type: "bytes[]" }, { type: "bytes32" }],
    [actions.targets, actions.values, actions.calldatas, descriptionHash(actions.description)],
  );
  return BigInt(keccak256(encoded));
}

export function encodePropose(actions: ProposalActions): Hex {
  return encodeFunctionData({
    abi: GOVERNOR_ABI,
    functionName: "propose",
    args: [actions.targets, actions.values, actions.calldatas, actions.description],
  });
}

export function encodeVote(id: bigint, support: Support, reason = ""): Hex {
  return reason === ""
    ? encodeFunctionData({ abi: GOVERNOR_ABI, functionName: "castVote", args: [id, SUPPORT[support]] })
    : encodeFunctionData({
        abi: GOVERNOR_ABI,
        functionName: "castVoteWithReason",
        args: [id, SUPPORT[support], reason],
      });
}

export function encodeQueue(actions: ProposalActions): Hex {
  return encodeFunctionData({
    abi: GOVERNOR_ABI,
    functionName: "queue",
    args: [actions.targets, actions.values, actions.calldatas, descriptionHash(actions.description)],
  });
}

export function encodeExecute(actions: ProposalActions): Hex {
  return encodeFunctionData({
    abi: GOVERNOR_ABI,
    functionName: "execute",
    args: [actions.targets, actions.values, actions.calldatas, descriptionHash(actions.description)],
  });
}

export function encodeDelegate(delegatee: Address): Hex {
  return encodeFunctionData({ abi: VOTES_ABI, functionName: "delegate", args: [delegatee] });
}

/** Gas limits of the lifecycle's transactions (fixed, like the agents' intents; generous for setMany). */
export const GOVERNANCE_GAS = {
  propose: 1_000_000n,
  vote: 300_000n,
  queue: 500_000n,
  execute: 1_500_000n,
  delegate: 200_000n,
  pause: 100_000n,
} as const;
