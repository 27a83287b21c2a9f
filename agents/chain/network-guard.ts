// Sending transactions to a chain that is not a local development chain needs an explicit flag.

import { ArenaError } from "../core/errors.ts";

/** Hardhat's in-process and `npx hardhat node` chains (31337), and the usual local dev chain id (1337). */
export const LOCAL_CHAIN_IDS: readonly bigint[] = [31337n, 1337n];

export function isLocalChain(chainId: bigint): boolean {
  return LOCAL_CHAIN_IDS.includes(chainId);
}

export class LiveNetworkError extends ArenaError {
  readonly networkName: string;
  readonly chainId: bigint;

  /** `consequence` says what would happen there: "deploying there sends real transactions from your account". */
  constructor(
    networkName: string,
    chainId: bigint,
    consequence = "deploying there sends real transactions from your account",
  ) {
    super(
      `network "${networkName}" has chain id ${chainId}, which is not a local chain (${LOCAL_CHAIN_IDS.join(", ")}): ` +
        `${consequence}. Pass --allow-live to confirm.`,
    );
    this.networkName = networkName;
    this.chainId = chainId;
  }
}

/** Throws LiveNetworkError unless the chain is local or the caller passed --allow-live. */
export function assertDeployAllowed(networkName: string, chainId: bigint, allowLive: boolean): void {
  if (!isLocalChain(chainId) && !allowLive) throw new LiveNetworkError(networkName, chainId);
}
