// A battle on the fast model: the scenario's agents and behaviours, step by step, against the market,
// pool and vesting models instead of the contracts. The same scenario and seed give the same result
// every time; where no agent's decision depends on gas, the same prices, supply and reserves as the
// chain battle (runBattle) to the wei. Nothing is written to disk: the result carries the rows, the
// agents at the end and a Summary shaped like a chain battle's.

import { createBehaviour } from "../behaviours/registry.ts";
import type { ParameterChange } from "../core/parameters.ts";
import type { Genesis, StepRow } from "../mechanisms/vocabulary.ts";
import { type Summary, summarize } from "./summary.ts";
import { type VenueReading, venueReading } from "../metrics/registry.ts";
import type { AgentFinal } from "../core/records.ts";
import { finalsOf, scenarioMeta } from "./world-summary.ts";
import type { Scenario } from "../inputs/scenario-types.ts";
import { createModelWorld } from "../engine/create.ts";
import { runSteps } from "../engine/run-steps.ts";
import { setUpModel } from "../engine/model-setup.ts";

export interface ModelBattleOptions {
  seed?: bigint;
  blocks?: number;
  /** genesis parameter values (store keys, contract units) that replace the genesis file's */
  parameters?: ParameterChange[];
  /** the genesis to run instead of the scenario's file (an experiment case's edited genesis) */
  genesis?: Genesis;
}

export interface ModelBattleResult {
  summary: Summary;
  steps: StepRow[];
  agents: AgentFinal[];
  /** Both venues before the first step and after the last (the first/last price and reserve metrics). */
  venues: { first: VenueReading; last: VenueReading };
  wallSeconds: number;
}

/** The Summary's network for a model run (no chain). */
export const MODEL_NETWORK = { name: "model", chainId: 0 } as const;

export async function runModelBattle(scenario: Scenario, options: ModelBattleOptions = {}): Promise<ModelBattleResult> {
  const started = performance.now();
  const run: Scenario = { ...scenario, seed: options.seed ?? scenario.seed, blocks: options.blocks ?? scenario.blocks };
  const start = await setUpModel(run, options.parameters, options.genesis);
  const world = createModelWorld(run, start, (wallet) => wallet.config.behaviours.map(createBehaviour));
  const first = venueReading(world.curveState(), world.poolState());
  const { rows: steps, failure } = await runSteps(world, run.blocks);
  world.dispose();
  if (failure !== undefined) throw failure;
  const venues = { first, last: venueReading(world.curveState(), world.poolState()) };
  let txs = start.setupGas.transactions;
  let reverted = 0;
  let gasUsed = start.setupGas.gasUsed;
  for (const row of steps) {
    txs += Number(row.txs);
    reverted += Number(row.reverts);
    gasUsed += row.gasUsed;
  }
  const agents = finalsOf(world, run.blocks);
  const summary = summarize({
    scenario: scenarioMeta(run),
    network: MODEL_NETWORK,
    completion: { stepsRecorded: run.blocks, complete: true },
    steps,
    agents,
    gas: { transactions: txs, reverted, gasUsed: Number(gasUsed) },
  });
  return { summary, steps, agents, venues, wallSeconds: (performance.now() - started) / 1000 };
}
