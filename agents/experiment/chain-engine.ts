// The chain engine inside one worker: an in-process Hardhat chain per set of store and genesis values. The system
// is deployed and the agents set up once, a snapshot taken, and each run (a seed, or other behaviour
// values) steps from the snapshot and is reverted after. A new set of store values gets a new chain:
// they are launch values the store would refuse to change afterwards.

import { readFile } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { ParameterChange } from "../core/parameters.ts";
import type { Scenario } from "../inputs/scenario-types.ts";
import { type Chain, openChain } from "../chain/chain.ts";
import { type SetupResult, setUpBattle } from "../deploy/agents.ts";
import { loadSystemAbis, type SystemAbis } from "../chain/system.ts";
import type { GenesisField } from "./experiment-types.ts";
import { genesisWithParameters } from "./genesis-parameters.ts";
import { runWorldSteps, type WorldRun } from "./snapshot-run.ts";

export interface ChainRun {
  /** Runs with the same key share a deployment: the same store and genesis values (and the same agents' funds). */
  deploymentKey: string;
  parameters: ParameterChange[];
  /** Genesis fields written into the genesis document (none when absent). */
  genesisFields?: GenesisField[];
  /** With the run's seed and blocks. */
  scenario: Scenario;
}

interface Deployed {
  key: string;
  chain: Chain;
  setup: SetupResult;
  snapshot: string;
}

export class ChainEngine {
  private readonly hre: HardhatRuntimeEnvironment;
  private abis?: SystemAbis;
  private deployed?: Deployed;
  private readonly genesisDocuments = new Map<string, unknown>();
  /** Deployments made so far (the benchmark and tests read it). */
  deployments = 0;

  constructor(hre: HardhatRuntimeEnvironment) {
    this.hre = hre;
  }

  async run(job: ChainRun): Promise<WorldRun> {
    const deployed = await this.deploymentFor(job);
    try {
      return await runWorldSteps(deployed.chain, job.scenario, this.abis!, deployed.setup);
    } finally {
      // Back to the state right after set-up; a snapshot is used up by reverting to it, so take another.
      const reverted = await deployed.chain.request<boolean>("evm_revert", [deployed.snapshot]);
      if (!reverted)
        throw new Error(
          `evm_revert to snapshot ${deployed.snapshot} failed: the chain cannot return to its set-up state`,
        );
      deployed.snapshot = await deployed.chain.request<string>("evm_snapshot");
    }
  }

  async close(): Promise<void> {
    const deployed = this.deployed;
    this.deployed = undefined;
    await deployed?.chain.close();
  }

  private async deploymentFor(job: ChainRun): Promise<Deployed> {
    if (this.deployed?.key === job.deploymentKey) return this.deployed;
    await this.close();
    this.abis ??= await loadSystemAbis(this.hre.artifacts);
    const { scenario } = job;
    let document = this.genesisDocuments.get(scenario.genesis);
    if (document === undefined) {
      document = JSON.parse(await readFile(scenario.genesis, "utf8"));
      this.genesisDocuments.set(scenario.genesis, document);
    }
    const genesis = genesisWithParameters(document, scenario.genesis, job.parameters, job.genesisFields);
    const chain = await openChain(this.hre, { mode: scenario.mode, startTime: scenario.startTime, allowLive: false });
    try {
      const setup = await setUpBattle(chain, scenario, this.abis, false, () => undefined, genesis);
      const snapshot = await chain.request<string>("evm_snapshot");
      this.deployments += 1;
      this.deployed = { key: job.deploymentKey, chain, setup, snapshot };
      return this.deployed;
    } catch (error) {
      await chain.close().catch(() => undefined);
      throw error;
    }
  }
}
