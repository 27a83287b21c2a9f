// `npx hardhat deploy [--genesis genesis/x.json] [--network name] [--allow-live]`: deploys the system
// described by a genesis file and writes deployments/<network>.json. The work is in agents/deploy.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { deploySystem } from "../agents/deploy/deploy.ts";
import { writeDeploymentFile } from "../agents/deploy/deployment-file.ts";
import { assertDeployAllowed, assertKnownNetwork } from "../agents/chain/network-guard.ts";
import { NodeUnreachableError } from "../agents/chain/errors.ts";
import { displayUrl } from "../agents/core/display-url.ts";
import { loadGenesis } from "../agents/inputs/genesis.ts";
import { ArenaError } from "../agents/core/errors.ts";

interface DeployTaskArguments {
  genesis: string;
  allowLive: boolean;
}

export default async function deployTask(args: DeployTaskArguments, hre: HardhatRuntimeEnvironment) {
  try {
    const genesis = await loadGenesis(args.genesis);
    assertKnownNetwork(hre.config.networks, hre.globalOptions.network);
    const { ethers, networkName, networkConfig } = await hre.network.getOrCreate();
    const url = networkConfig.type === "http" ? String(await networkConfig.url.get()) : undefined;
    let chainId: bigint;
    try {
      ({ chainId } = await ethers.provider.getNetwork());
    } catch (error) {
      if (url === undefined) throw error;
      throw new NodeUnreachableError(networkName, url, error);
    }
    assertDeployAllowed(networkName, chainId, args.allowLive);

    console.log(`Deploying ${args.genesis} (${genesis.curve.kind} curve) to "${networkName}" (chain ${chainId})`);
    const deployment = await deploySystem(ethers, genesis, {
      networkName,
      allowLive: args.allowLive,
      ...(url === undefined ? {} : { where: `the node at ${displayUrl(url)}` }),
      onStep: (step) => {
        const position = `[${String(step.index).padStart(2)}/${step.total}]`;
        const gas = step.txHashes.length === 0 ? "" : `  (${step.txHashes.length} tx, ${step.gasUsed} gas)`;
        console.log(`${position} ${step.name.padEnd(10)} ${step.description}${gas}`);
      },
    });

    for (const [name, address] of Object.entries(deployment.addresses)) console.log(`  ${name.padEnd(9)} ${address}`);
    const path = await writeDeploymentFile(deployment);
    console.log(`Deployment written to ${path} (from block ${deployment.deployBlock})`);
    return successfulResult(path);
  } catch (error) {
    // Expected failures get their message alone; anything else keeps Hardhat's stack trace.
    if (error instanceof ArenaError) {
      console.error(`deploy: ${error.message}`);
      return errorResult(error.message);
    }
    throw error;
  }
}
