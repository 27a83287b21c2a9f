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

/** A --network that hardhat.config.ts does not define. */
export class UnknownNetworkError extends ArenaError {
  constructor(networkName: string, networks: Readonly<Record<string, { type: string }>>) {
    const known = Object.entries(networks).map(
      ([name, config]) => `${name} (${config.type === "edr-simulated" ? "in-process" : config.type})`,
    );
    super(
      `unknown network "${networkName}": hardhat.config.ts defines ${known.join(", ")}. ` +
        `Use one of those (--network localhost for a node on this machine), or add "${networkName}" to networks in hardhat.config.ts`,
    );
  }
}

/** Throws UnknownNetworkError unless `networkName` (absent: the in-process default) is one of `networks`. */
export function assertKnownNetwork(
  networks: Readonly<Record<string, { type: string }>>,
  networkName: string | undefined,
): void {
  if (networkName !== undefined && networks[networkName] === undefined)
    throw new UnknownNetworkError(networkName, networks);
}
