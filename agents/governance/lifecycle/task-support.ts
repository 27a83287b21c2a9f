// What every governance task does first and last: open the chain of --network with the contracts of
// deployments/<network>.json, and report a user's mistake as its message alone (no stack trace).

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult } from "hardhat/utils/result";

import { deploymentFilePath, readDeploymentFile } from "../../deploy/deployment-file.ts";
import { loadSystemAbis } from "../../chain/system.ts";
import { assertKnownNetwork } from "../../chain/network-guard.ts";
import { ArenaError } from "../../core/errors.ts";
import { GovernanceError } from "./errors.ts";
import { type GovernanceChain, openGovernanceChain } from "./governance-chain.ts";

export async function openTaskChain(hre: HardhatRuntimeEnvironment): Promise<GovernanceChain> {
  assertKnownNetwork(hre.config.networks, hre.globalOptions.network);
  const connection = await hre.network.getOrCreate();
  const { networkName } = connection;
  const path = deploymentFilePath(networkName);
  const record = await readDeploymentFile(path).catch((error: unknown) => {
    if (networkName !== "default") throw error;
    throw new GovernanceError(
      `no ${path}. The in-process network starts a fresh chain for every command, so by-hand governance runs against a node: ` +
        "`npx hardhat node` in another terminal, `npx hardhat deploy --network localhost`, then this command with --network localhost",
      { cause: error },
    );
  });
  const url = "url" in connection.networkConfig ? await resolveUrl(connection.networkConfig.url) : undefined;
  const { errors } = await loadSystemAbis(hre.artifacts);
  return openGovernanceChain(connection.provider, record, {
    networkName,
    errors,
    ...(url === undefined ? {} : { url }),
  });
}

/** A user's mistake is printed and returned as the task's error; anything else keeps its stack trace. */
export function reportTaskError(task: string, error: unknown) {
  if (error instanceof ArenaError) {
    console.error(`${task}: ${error.message}`);
    return errorResult(error.message);
  }
  throw error;
}

/** "" → undefined; a whole number otherwise, or an error naming the option. */
export function optionalWholeNumber(text: string, option: string): bigint | undefined {
  if (text.trim() === "") return undefined;
  if (!/^\d+$/.test(text.trim()))
    throw new GovernanceError(`${option} must be a whole number, got ${JSON.stringify(text)}`);
  return BigInt(text.trim());
}

async function resolveUrl(url: unknown): Promise<string> {
  if (typeof url === "string") return url;
  if (typeof url === "object" && url !== null && "get" in url && typeof url.get === "function")
    return String(await url.get());
  return String(url);
}
