// The chain an evaluation runs on: either the in-process chain with the scenario deployed and set up
// from scratch, or a node that already has a deployment (deployments/<network>.json), where the
// scenario's agents are set up inside a snapshot that closing reverts. Either way the scenario may
// run some warm-up blocks first, so the evaluation starts from a lived-in market.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { type Address, getAddress } from "viem";

import { createBehaviour } from "../../behaviours/registry.ts";
import type { DeploymentRecord } from "../../deploy/deployment-file.ts";
import type { Scenario } from "../../inputs/scenario-types.ts";
import { openChain } from "../../chain/chain.ts";
import { setUpAgents, setUpBattle, type AgentSetup } from "../../deploy/agents.ts";
import { loadSystemAbis } from "../../chain/system.ts";
import { createChainWorld } from "../../engine/create.ts";
import { runSteps } from "../../engine/run-steps.ts";
import type { World } from "../../engine/world.ts";
import { type GovernedAddresses, type WhatIfContext, WhatIfError } from "./what-if.ts";

export interface EvaluationChain {
  ctx: WhatIfContext;
  /** The World that ran the warm-up (its price history is ctx.history); absent without warm-up. */
  world?: World;
  /** Reverts what the evaluation set up on a node (nothing to do in-process) and closes the connection. */
  close(): Promise<void>;
}

export interface PrepareOptions {
  scenario: Scenario;
  /** Scenario blocks to run before evaluating (0: evaluate right after set-up). */
  warmup: number;
  /** A network of hardhat.config.ts with a deployment; the in-process chain when absent. */
  network?: string;
  /** deployments/<network>.json of that network. */
  deployment?: DeploymentRecord;
  log?: (line: string) => void;
}

export async function prepareEvaluationChain(
  hre: HardhatRuntimeEnvironment,
  options: PrepareOptions,
): Promise<EvaluationChain> {
  const { scenario } = options;
  const log = options.log ?? (() => undefined);
  const onNode = options.network !== undefined && options.network !== "default";
  if (onNode && options.deployment === undefined)
    throw new WhatIfError(
      `network "${options.network}" needs its deployment file (deployments/${options.network}.json); deploy first: npx hardhat deploy --network ${options.network}`,
    );
  const chain = await openChain(hre, {
    ...(onNode ? { network: options.network } : {}),
    mode: scenario.mode,
    startTime: scenario.startTime,
    allowLive: false,
    action: "evaluate",
  });
  let outer: { snapshot: string; automine: boolean } | undefined;
  try {
    const abis = await loadSystemAbis(hre.artifacts);
    let setup: AgentSetup;
    let governance: { governor: Address; timelock: Address; store: Address };
    if (onNode) {
      const record = options.deployment!;
      if (BigInt(record.chainId) !== chain.chainId)
        throw new WhatIfError(
          `deployments/${options.network}.json is for chain ${record.chainId}, but network "${options.network}" is chain ${chain.chainId}; deploy again to this node`,
        );
      outer = {
        automine: await chain.request<boolean>("hardhat_getAutomine").catch(() => true),
        snapshot: await chain.request<string>("evm_snapshot"),
      };
      const [deployer] = await chain.request<string[]>("eth_accounts");
      if (deployer === undefined)
        throw new WhatIfError(
          `network "${options.network}" has no unlocked account to deploy the lens from; use npx hardhat node`,
        );
      setup = await setUpAgents(
        chain,
        scenario,
        abis,
        { addresses: record.addresses, treasury: record.accounts.treasury, deployer },
        log,
      );
      governance = {
        governor: getAddress(record.addresses.governor),
        timelock: getAddress(record.addresses.timelock),
        store: getAddress(record.addresses.store),
      };
    } else {
      const battle = await setUpBattle(chain, scenario, abis, false, log);
      setup = battle;
      const d = battle.deployment.addresses;
      governance = { governor: getAddress(d.governor), timelock: getAddress(d.timelock), store: getAddress(d.store) };
    }
    const addresses: GovernedAddresses = { ...setup.addresses, ...governance };
    const ctx: WhatIfContext = { chain, abis, addresses, scenario, wallets: setup.wallets };
    let world: World | undefined;
    if (options.warmup > 0) {
      ({ world } = await createChainWorld(chain, scenario, abis, setup, (wallet) =>
        wallet.config.behaviours.map(createBehaviour),
      ));
      const warmup = await runSteps(world, options.warmup);
      if (warmup.failure !== undefined) throw warmup.failure;
      ctx.history = world.priceHistory();
      log(`warmed up for ${options.warmup} blocks`);
    }
    const close = async () => {
      try {
        if (outer !== undefined) {
          await chain.request("evm_revert", [outer.snapshot]);
          await chain.request("evm_setAutomine", [outer.automine]);
        }
      } finally {
        await chain.close().catch(() => undefined);
      }
    };
    return { ctx, ...(world === undefined ? {} : { world }), close };
  } catch (error) {
    if (outer !== undefined) await chain.request("evm_revert", [outer.snapshot]).catch(() => undefined);
    if (outer !== undefined) await chain.request("evm_setAutomine", [outer.automine]).catch(() => undefined);
    await chain.close().catch(() => undefined);
    throw error;
  }
}
