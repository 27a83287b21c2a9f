// One run of the World from a set-up chain, without a run folder: the experiment's chain engine needs
// each seed's steps, agents and summary in memory, not steps.csv. It builds the World over the set-up that is on the chain
// now, steps it, and summarizes exactly as a battle does (set-up gas included), so a run from a
// snapshot and a battle of the same scenario and seed give the same summary.

import { createBehaviour } from "../behaviours/registry.ts";
import { GasProfileBuilder } from "../gas/profile.ts";
import { type Summary, summarize } from "../run/summary.ts";
import { type VenueReading, venueReading } from "../metrics/registry.ts";
import { finalsOf, scenarioMeta } from "../run/world-summary.ts";
import type { Scenario } from "../inputs/scenario-types.ts";
import type { Chain } from "../chain/chain.ts";
import { type SetupResult, setupGasRecords } from "../deploy/agents.ts";
import type { SystemAbis } from "../chain/system.ts";
import { createChainWorld } from "../engine/create.ts";
import { runSteps } from "../engine/run-steps.ts";
import type { AgentFinal } from "../core/records.ts";
import type { StepRow } from "../mechanisms/vocabulary.ts";

/** A run from a snapshot: its summary, and the steps and agents' final standings its metrics read. */
export interface WorldRun {
  summary: Summary;
  steps: StepRow[];
  agents: AgentFinal[];
  /** Both venues before the first step and after the last. */
  venues: { first: VenueReading; last: VenueReading };
}

/** Runs `scenario.blocks` steps of `scenario` (its seed and behaviours) over `setup`, which the chain holds now. */
export async function runWorldSteps(
  chain: Chain,
  scenario: Scenario,
  abis: SystemAbis,
  setup: SetupResult,
): Promise<WorldRun> {
  // Behaviours come from this run's scenario, not the one the chain was set up with: runs from one
  // snapshot may differ in behaviour fields (set-up depends only on the agents' wallets and funds).
  const configs = new Map(scenario.agents.map((agent) => [agent.id, agent]));
  const { world } = await createChainWorld(chain, scenario, abis, setup, (wallet) => {
    const config = configs.get(wallet.config.id);
    if (config === undefined)
      throw new Error(`agent ${wallet.config.id} was set up on this chain but is not in scenario ${scenario.name}`);
    return config.behaviours.map(createBehaviour);
  });
  const gas = new GasProfileBuilder();
  for (const record of setupGasRecords(setup.txs, scenario.policy)) gas.add(record);
  const first = venueReading(world.curveState(), world.poolState());
  const run = await runSteps(world, scenario.blocks, {
    onStep: (result) => result.gas.forEach((record) => gas.add(record)),
  });
  world.dispose();
  if (run.failure !== undefined) throw run.failure;
  const steps = run.rows;
  const agents = finalsOf(world, scenario.blocks);
  const summary = summarize({
    scenario: scenarioMeta(scenario),
    network: { name: chain.networkName, chainId: Number(chain.chainId) },
    completion: { stepsRecorded: scenario.blocks, complete: true },
    steps,
    agents,
    gas: gas.build().totals,
  });
  return { summary, steps, agents, venues: { first, last: venueReading(world.curveState(), world.poolState()) } };
}
