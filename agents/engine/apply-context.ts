// The ApplyContext (mechanisms/mechanism.ts) an engine gives a mechanism's model: the twins it holds
// and the agents' holdings it moves, live (the fast model) or copies (a block preview, a revert
// prediction), so an intent that reaches another mechanism or pays another agent (a referred buy)
// behaves the same on every engine.

import type { ApplyContext, ModelSender } from "../mechanisms/mechanism.ts";
import type { AgentsById, EngineAgent } from "./backend.ts";

/** An ApplyContext over `twins`, with each agent's holdings as `holdingsOf` gives them (live or copied). */
export function applyContext(
  twins: ReadonlyMap<string, unknown>,
  agents: AgentsById,
  holdingsOf: (agent: EngineAgent) => ModelSender["holdings"] = (agent) => agent.holdings,
): ApplyContext {
  return {
    twin: (id) => twins.get(id),
    agent(id) {
      const agent = agents.get(id);
      return agent === undefined ? undefined : { address: agent.address, key: agent.key, holdings: holdingsOf(agent) };
    },
  };
}
