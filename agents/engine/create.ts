// Building a World over a chain that holds a set-up system, or over the fast model's start.

import type { Behaviour } from "../behaviours/behaviour.ts";
import type { Chain } from "../chain/chain.ts";
import type { SystemAbis, SystemAddresses } from "../chain/system.ts";
import type { AgentWallet, Scenario } from "../inputs/scenario-types.ts";

export type { AgentWallet };
import { type ChainBackendOptions, ChainBackend, holderKey } from "./chain-backend.ts";
import { ModelBackend } from "./model-backend.ts";
import type { ModelStart } from "./model-setup.ts";
import { type PriceHistory, World } from "./world.ts";

/** What a World needs of a set-up chain: its addresses, the agents' wallets, and when step 0 was. */
export interface ChainSetup {
  addresses: SystemAddresses;
  wallets: readonly AgentWallet[];
  /** Timestamp step 0 counts from: step s is mined at this + s × blockSeconds. */
  lastTimestamp: bigint;
}

export interface ChainWorldOptions extends ChainBackendOptions {
  /** Continues the price history of an earlier World on the same chain (a what-if in the middle of a battle). */
  history?: Readonly<PriceHistory>;
}

/** A World on `chain`, from the state it holds now; `build` makes each agent's behaviours from its wallet. */
export async function createChainWorld(
  chain: Chain,
  scenario: Scenario,
  abis: SystemAbis,
  setup: ChainSetup,
  build: (wallet: AgentWallet) => Behaviour[],
  options: ChainWorldOptions = {},
): Promise<{ world: World; backend: ChainBackend }> {
  const { backend, holdings } = await ChainBackend.create(
    chain,
    abis,
    setup.addresses,
    setup.wallets.map((w) => w.address),
    scenario.gas.priorityFeeWei,
    options,
  );
  const starts = setup.wallets.map((wallet, i) => ({
    id: wallet.config.id,
    address: wallet.address,
    key: holderKey(wallet.address),
    holdings: holdings[i]!,
    behaviours: build(wallet),
  }));
  const world = new World(scenario, backend, starts, setup.lastTimestamp, {
    chain,
    ...(options.history === undefined ? {} : { history: options.history }),
  });
  return { world, backend };
}

/** A World on the fast model from its start (model-setup.ts); `build` makes each agent's behaviours. */
export function createModelWorld(
  scenario: Scenario,
  start: ModelStart,
  build: (wallet: AgentWallet) => Behaviour[],
): World {
  const backend = new ModelBackend(start.twins, start.lastBlock, start.lastTimestamp, scenario.mode === "priority");
  const starts = start.agents.map((a) => ({
    id: a.config.id,
    address: a.address,
    key: a.key,
    holdings: { ...a.holdings },
    behaviours: build({ config: a.config, address: a.address }),
  }));
  return new World(scenario, backend, starts, start.lastTimestamp);
}
