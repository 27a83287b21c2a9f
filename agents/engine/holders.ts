// Who holds what on the model, without a chain to resolve accounts: every holder is a key. A genesis
// AccountRef and an agent's wallet that would be the same address on the in-process chain get the
// same key, so genesis allocations and vesting schedules reach the agents trading from those wallets.

import type { Address } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import type { Genesis } from "../mechanisms/vocabulary.ts";
import type { AccountRef } from "../core/document-reader.ts";
import type { WalletRef } from "../inputs/scenario-types.ts";
import { derivedAgentAddress } from "../chain/agent-address.ts";

/** Hardhat's default accounts on the in-process chain (its default mnemonic, 20 accounts). */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
export const HARDHAT_ACCOUNT_COUNT = 20;

const accountAddresses = new Map<number, Address>();
/** Derived wallets by agent id (a keccak each: worth keeping across the runs of a grid). */
const derivedAddresses = new Map<string, Address>();

/** The address of the in-process chain's account:N (derived once per process: ~50 ms each). */
export function hardhatAccount(index: number): Address {
  let address = accountAddresses.get(index);
  if (address === undefined) {
    address = mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index }).address;
    accountAddresses.set(index, address);
  }
  return address;
}

/** The holder key of a genesis account reference ("account:0" for the deployer, who is the first account). */
export function holderOfRef(ref: AccountRef, genesis: Genesis): string {
  switch (ref.kind) {
    case "deployer":
      return "account:0";
    case "account":
      return `account:${ref.index}`;
    case "treasury":
      return "treasury";
    case "guardian":
      return genesis.governance.guardian.kind === "guardian"
        ? "guardian"
        : holderOfRef(genesis.governance.guardian, genesis);
    case "address":
      return `address:${ref.address.toLowerCase()}`;
  }
}

/** The holder key and address of an agent's wallet. */
export function holderOfWallet(wallet: WalletRef, agentId: string): { key: string; address: Address } {
  if (wallet.kind === "account") return { key: `account:${wallet.index}`, address: hardhatAccount(wallet.index) };
  let address = derivedAddresses.get(agentId);
  if (address === undefined) {
    address = derivedAgentAddress(agentId);
    derivedAddresses.set(agentId, address);
  }
  return { key: `address:${address.toLowerCase()}`, address };
}
