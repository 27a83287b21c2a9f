// What a run's summary is built from once the World has stepped: each agent's row at a step and its
// final standing, and the scenario facts the summary repeats. The battle runner and the experiment
// engines share these, so a summary means the same thing whichever of them ran the blocks.

import type { Behaviour } from "../behaviours/behaviour.ts";
import type { AgentView } from "../mechanisms/vocabulary.ts";
import type { Scenario } from "../inputs/scenario-types.ts";
import type { AgentRow } from "../core/records.ts";
import type { ScenarioMeta } from "./summary.ts";
import type { AgentFinal } from "../core/records.ts";

/** The counters every agent keeps, on the chain (the World) and on the fast model alike. */
export interface AgentCounters {
  id: string;
  behaviours: readonly { behaviour: Behaviour }[];
  startValue: bigint;
  txs: number;
  reverts: number;
  gasUsed: bigint;
  claimable: bigint;
}

/** What a row needs of a world: its agents, each one's view and mark-to-market value. */
export interface AgentBook<A extends AgentCounters> {
  readonly agents: readonly A[];
  viewOf(agent: A): AgentView;
  valueOf(agent: A): bigint;
}

/** Every agent's agents.csv row at `step`, from the world's ledger and last market read. */
export function agentRowsOf<A extends AgentCounters>(world: AgentBook<A>, step: number): AgentRow[] {
  return world.agents.map((a) => {
    const view = world.viewOf(a);
    return {
      step: BigInt(step),
      agent: a.id,
      tokens: view.holdings.tokens,
      quote: view.holdings.quote,
      lp: view.holdings.lp,
      ...(view.holdings.staked === undefined ? {} : { staked: view.holdings.staked }),
      claimable: a.claimable,
      valueQuote: world.valueOf(a),
      pnlQuote: view.pnlQuote,
      txs: BigInt(a.txs),
      reverts: BigInt(a.reverts),
      gasUsed: a.gasUsed,
    };
  });
}

/** Every agent's final standing after `step` (its row then, its behaviours and starting value). */
export function finalsOf<A extends AgentCounters>(world: AgentBook<A>, step: number): AgentFinal[] {
  const rows = agentRowsOf(world, step);
  return world.agents.map((a, i) => ({
    agent: a.id,
    behaviours: a.behaviours.map((b) => b.behaviour.label),
    startValueQuote: a.startValue,
    final: rows[i]!,
  }));
}

/** The scenario facts a summary records. */
export function scenarioMeta(scenario: Scenario): ScenarioMeta {
  return {
    name: scenario.name,
    source: scenario.source,
    policy: scenario.policy,
    seed: scenario.seed,
    blocks: scenario.blocks,
    mode: scenario.mode,
    blockSeconds: scenario.blockSeconds,
    genesis: scenario.genesis,
  };
}
