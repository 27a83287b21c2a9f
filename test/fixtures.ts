// Fixtures that deploy the whole system from a genesis file. Use them with the connection's
// loadFixture, which deploys once and then restores a snapshot:
//   const connection = await network.create();
//   const deployment = await connection.networkHelpers.loadFixture(deployFixture);

import type { NetworkConnection } from "hardhat/types/network";

import { type Deployment, deploySystem } from "../agents/deploy/deploy.ts";
import { loadGenesis } from "../agents/inputs/genesis.ts";

/** Deploys `genesisPath` on the connection's chain from its first account. */
export async function deployGenesis(connection: NetworkConnection, genesisPath: string): Promise<Deployment> {
  const genesis = await loadGenesis(genesisPath);
  return deploySystem(connection.ethers, genesis, { networkName: connection.networkName });
}

/** genesis/default.json: linear curve, treasury, delegating holders, vesting, seeded pool. */
export async function deployFixture(connection: NetworkConnection): Promise<Deployment> {
  return deployGenesis(connection, "genesis/default.json");
}

/** genesis/exponential.json. */
export async function deployExponentialFixture(connection: NetworkConnection): Promise<Deployment> {
  return deployGenesis(connection, "genesis/exponential.json");
}

/** genesis/sigmoid.json. */
export async function deploySigmoidFixture(connection: NetworkConnection): Promise<Deployment> {
  return deployGenesis(connection, "genesis/sigmoid.json");
}
