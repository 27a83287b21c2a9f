// An agent's derived wallet: a stable address for an agent id, the same in every run, so a battle on
// the chain and a run of the fast model name the same wallets. Kept apart from setup.ts so that code
// with no chain (the model) can use it without loading the deployment's dependencies.

import { type Address, getAddress, keccak256, stringToHex } from "viem";

/** A stable address for an agent id: the same id gets the same wallet in every run. */
export function derivedAgentAddress(id: string): Address {
  return getAddress(`0x${keccak256(stringToHex(`token-arena/agent/${id}`)).slice(-40)}`);
}
