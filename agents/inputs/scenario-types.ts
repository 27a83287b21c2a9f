// A parsed, validated scenario: everything a battle needs to run, in contract units. The reader
// (scenario.ts) builds it from a JSON or YAML file and refuses the file with every bad field path.

import type { AgentOrder, DecisionMode, OrderingMode } from "../core/types.ts";
import type { BehaviourConfig } from "../behaviours/registry.ts";
import type { GovernanceConfig } from "./governance-types.ts";
import type { LlmShared } from "./llm-reader.ts";

/** Where an agent's wallet comes from. */
export type WalletRef =
  /** An address derived from the run and the agent id, impersonated on a local chain (the default). */
  | { kind: "derived" }
  /** The network's N-th configured account (`account:N`), e.g. a genesis vesting beneficiary. */
  | { kind: "account"; index: number };

export interface AgentConfig {
  /** Unique in the scenario; `count: N` in the file expands to `<id>-1` … `<id>-N`. */
  id: string;
  wallet: WalletRef;
  funds: {
    /** Quote units minted to the agent at set-up (the test stablecoin has an open mint). */
    quote: bigint;
    /** Tokens (wei) the agent buys from the curve at set-up, paid from its quote. */
    tokens: bigint;
  };
  behaviours: BehaviourConfig[];
}

export interface Scenario {
  /** The file it came from (for messages). */
  source: string;
  name: string;
  description: string;
  /** Genesis file the battle deploys, relative to the working directory. */
  genesis: string;
  seed: bigint;
  /** Steps (blocks) to run. */
  blocks: number;
  mode: OrderingMode;
  /** What agents decide on within a block (absent: "simultaneous", every agent on the start-of-step state). */
  decisions?: DecisionMode;
  /** The order agents decide and send in (absent: "shuffled", drawn from the seed each step). */
  order?: AgentOrder;
  /** Seconds between blocks (12 by default; 86400 for a daily model). */
  blockSeconds: number;
  /** The policy name gas and results are filed under (default: the scenario's name). */
  policy: string;
  /** Unix time of the in-process chain's first block (default 2026-01-01T00:00:00Z), so runs repeat exactly. */
  startTime: number;
  gas: {
    /** Priority fee every transaction bids unless its behaviour bids more (wei per gas). */
    priorityFeeWei: bigint;
    /** Quote units per ETH, to value gas in quote. */
    ethPriceQuote: bigint;
  };
  agents: AgentConfig[];
  output: {
    /** Write every agent's row to agents.csv every this many steps (1 = every step). */
    agentEvery: number;
    /** Prices kept in each observation's history. */
    historyLength: number;
  };
  /** Governance inside the battle (a protocol-owned agent, voters, a guardian, scripted proposals); absent: none. */
  governance?: GovernanceConfig;
  /** The model settings llm behaviours share, and where the cassette is (its behaviours hold their merged settings); absent: none. */
  llm?: LlmShared;
}

/** An agent's config and the address its transactions come from on a chain. */
export interface AgentWallet {
  config: AgentConfig;
  address: `0x${string}`;
}
