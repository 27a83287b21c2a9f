// One arm of a what-if: on a snapshot of the chain, move to the time a proposal would take effect,
// optionally apply the proposal's calls exactly as the Timelock would, run the scenario's agents
// forward for some blocks with fresh behaviours seeded by the arm's seed, record what happened and
// revert the chain to the snapshot (always, also when something fails). Two arms with the same seed,
// one with and one without the change, differ only by the change: that is what evaluate.ts compares.
//
// What a revert does not undo, and why the outer battle is still unaffected:
//  - the node's nonces and balances are chain state, so they revert; the World's TxSender keeps no
//    nonces of its own (every send lets the node assign the nonce);
//  - the outer World's cached market read and price history describe the block the snapshot was taken
//    at, which is the latest block again after the revert;
//  - the what-if builds its own World, behaviours and generators, so none of the outer ones advance;
//  - impersonation and automine are node settings, not state: both are put back as they were.

import { type Address, getAddress, type Hex } from "viem";

import { createBehaviourAfter } from "../../behaviours/registry.ts";
import { isLocalChain } from "../../chain/network-guard.ts";
import { weiToQuote } from "../../core/units.ts";
import type { GasTotals } from "../../gas/profile.ts";
import type { GasRecord } from "../../core/records.ts";
import type { StepRow } from "../../mechanisms/vocabulary.ts";
import type { Scenario } from "../../inputs/scenario-types.ts";
import type { Chain } from "../../chain/chain.ts";
import type { AgentWallet } from "../../inputs/scenario-types.ts";
import type { SystemAbis, SystemAddresses } from "../../chain/system.ts";
import { hex, TxSender } from "../../chain/tx-sender.ts";
import { createChainWorld } from "../../engine/create.ts";
import { runSteps } from "../../engine/run-steps.ts";
import type { EngineAgent } from "../../engine/backend.ts";
import type { PriceHistory, World } from "../../engine/world.ts";
import type { MarketTwin } from "../../mechanisms/market/mechanism.ts";
import { GOVERNANCE_GAS, type ProposalActions } from "../protocol/proposal.ts";
import { ArenaError } from "../../core/errors.ts";

/** The system's addresses and the governance contracts a proposal goes through. */
export type GovernedAddresses = SystemAddresses & {
  governor: Address;
  /** The Timelock: executes proposals, writes the store, holds the treasury. */
  timelock: Address;
  store: Address;
};

/** Everything a what-if needs to know about the chain it runs on. */
export interface WhatIfContext {
  /** A local chain (in-process or `npx hardhat node`) with the system deployed and the agents set up. */
  chain: Chain;
  abis: SystemAbis;
  addresses: GovernedAddresses;
  /** Whose agents run forward: configs, block time, ordering mode, gas terms (its seed is replaced by each arm's). */
  scenario: Scenario;
  /** The agents' wallets on this chain, in the scenario's order (SetupResult.wallets). */
  wallets: AgentWallet[];
  /** Prices of the steps before the snapshot (World.priceHistory() of the battle being evaluated in). */
  history?: PriceHistory;
  /**
   * Unix seconds of the battle's step 0 (its World's start): an arm's agents count steps from it, so
   * a phase (`activeFrom`, `activeUntil`) switches at the battle's step. Absent: from the arm's start.
   */
  stepZeroTimestamp?: bigint;
}

/** One arm: which seed, how many blocks, and the change (absent: the status quo). */
export interface WhatIfArm {
  /** Seeds the agents' behaviours and the order they act in. */
  seed: bigint;
  /** Blocks (World steps) to run after the change takes effect. */
  blocks: number;
  /** The proposal's calls, executed from the Timelock in the block at `applyAt`. */
  actions?: ProposalActions;
  /**
   * Unix seconds at which the change takes effect: the arm mines one block at this time (holding the
   * Timelock's calls in the arm with the change, empty in the other) and step s is mined at
   * applyAt + s × blockSeconds. Must be later than the chain's latest block.
   */
  applyAt: bigint;
}

/** How one agent did in an arm. Amounts in quote units. */
export interface AgentOutcome {
  agent: string;
  /** The scenario entry it came from: `noise` for noise-1 … noise-8 (see agentGroup). */
  group: string;
  behaviours: string[];
  /** Mark-to-market value before the change took effect: the same in both arms of a seed. */
  baselineValueQuote: bigint;
  /** Mark-to-market value after the last block. */
  finalValueQuote: bigint;
  /** Gas the agent paid during the arm, valued at the scenario's ETH price. */
  gasQuote: bigint;
  /** finalValue − baselineValue − gas: comparable between arms because the baseline is shared. */
  pnlQuote: bigint;
  gasUsed: bigint;
  txs: number;
  reverts: number;
}

/** The Timelock's calls in the arm with the change. */
export interface ExecutionRecord {
  block: bigint;
  /** Gas of every call (the Timelock's own execute overhead is not included). */
  gasUsed: bigint;
}

/** The market before the change took effect (the same in both arms of a seed). */
export interface MarketBefore {
  block: bigint;
  curvePriceWad: bigint;
  poolPriceWad: bigint;
  /** The treasury's quote balance + fees accrued to it in the market. */
  treasuryQuote: bigint;
  solvencyWad: bigint;
}

export interface WhatIfRun {
  seed: bigint;
  blocks: number;
  applyAt: bigint;
  /** True for the arm with the change. */
  changed: boolean;
  execution?: ExecutionRecord;
  before: MarketBefore;
  /** One row per step, as steps.csv has them. */
  steps: StepRow[];
  agents: AgentOutcome[];
  /** Every agent transaction of the arm, attributed. */
  gas: GasRecord[];
  gasTotals: GasTotals;
  wallSeconds: number;
}

export class WhatIfError extends ArenaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A call of the proposal reverted when the Timelock made it: the change cannot take effect at applyAt. */
export class ProposalExecutionReverted extends WhatIfError {
  readonly reason: string;
  readonly callIndex: number;
  constructor(callIndex: number, target: Address, reason: string, applyAt: bigint) {
    super(
      `the proposal's call ${callIndex} to ${target} reverted with ${reason} when the Timelock executed it at ${applyAt}; ${executionHint(reason)}`,
    );
    this.reason = reason;
    this.callIndex = callIndex;
  }
}

/** ETH the Timelock gets on top of its balance to pay for the calls' gas (reverted with everything else). */
const TIMELOCK_GAS_ETH = 10n ** 21n;

export async function runWhatIf(ctx: WhatIfContext, arm: WhatIfArm): Promise<WhatIfRun> {
  const { chain } = ctx;
  if (!isLocalChain(chain.chainId)) {
    throw new WhatIfError(
      `a what-if needs a local chain: it snapshots and reverts the chain and impersonates the Timelock, which network "${chain.networkName}" (chain id ${chain.chainId}) cannot do; evaluate on the in-process chain or on \`npx hardhat node\``,
    );
  }
  if (!Number.isInteger(arm.blocks) || arm.blocks < 1)
    throw new WhatIfError(`blocks must be a whole number of at least 1, got ${arm.blocks}`);
  const latest = await chain.client.getBlock();
  if (arm.applyAt <= latest.timestamp) {
    throw new WhatIfError(
      `applyAt ${arm.applyAt} is not after the latest block (${latest.number} at ${latest.timestamp}); give a time after ${latest.timestamp}`,
    );
  }

  const wallStart = performance.now();
  const automine = await readAutomine(chain);
  const snapshot = await chain.request<Hex>("evm_snapshot");
  let failure: unknown;
  let result: WhatIfRun | undefined;
  try {
    if (automine) await chain.request("evm_setAutomine", [false]);
    result = await runArm(ctx, arm);
  } catch (error) {
    failure = error;
  } finally {
    const reverted = await chain.request<boolean>("evm_revert", [snapshot]).catch((error: unknown) => error);
    if (arm.actions !== undefined)
      await chain.request("hardhat_stopImpersonatingAccount", [ctx.addresses.timelock]).catch(() => undefined);
    if (automine) await chain.request("evm_setAutomine", [true]).catch(() => undefined);
    if (reverted !== true && failure === undefined) {
      failure = new WhatIfError(
        `could not revert the chain to snapshot ${snapshot} after the what-if (${reverted instanceof Error ? reverted.message : "the node said no"}); the chain now holds the what-if's blocks: restart it`,
      );
    }
  }
  if (failure !== undefined) throw failure;
  result!.wallSeconds = (performance.now() - wallStart) / 1000;
  return result!;
}

async function runArm(ctx: WhatIfContext, arm: WhatIfArm): Promise<WhatIfRun> {
  const { chain, abis, addresses } = ctx;
  const scenario: Scenario = { ...ctx.scenario, seed: arm.seed, blocks: arm.blocks };
  const setupAt = (lastTimestamp: bigint) => ({ addresses, wallets: ctx.wallets, lastTimestamp });

  // Values before the change, read through a World with no behaviours: the base every PnL is measured from.
  const { world: probe, backend: probed } = await createChainWorld(
    chain,
    scenario,
    abis,
    setupAt(arm.applyAt),
    () => [],
  );
  const baseline = new Map(probe.agents.map((a) => [a.id, a.startValue]));
  const curve = probe.curveState();
  const before: MarketBefore = {
    block: probed.latestBlock,
    curvePriceWad: curve.priceWad,
    poolPriceWad: probe.poolState().priceWad,
    treasuryQuote: probed.treasuryBalanceQuote + curve.treasuryAccrued,
    solvencyWad: (probed.twins.get("market") as MarketTwin).model.solvencyWad(),
  };

  const sender = new TxSender(chain, { maxFeePerGas: 10n ** 12n, priorityFeeWei: scenario.gas.priorityFeeWei });
  let execution: ExecutionRecord | undefined;
  if (arm.actions === undefined) {
    await chain.request("evm_mine", [Number(arm.applyAt)]);
  } else {
    execution = await executeAsTimelock(ctx, sender, arm.actions, arm.applyAt);
  }

  const { world } = await createChainWorld(
    chain,
    scenario,
    abis,
    setupAt(arm.applyAt),
    (wallet) => wallet.config.behaviours.map(createBehaviourAfter(stepsBefore(ctx, arm, scenario.blockSeconds))),
    ctx.history === undefined ? {} : { history: ctx.history },
  );
  const run = await runSteps(world, arm.blocks, { keepGas: true });
  world.dispose();
  if (run.failure !== undefined) throw run.failure;
  const { rows: steps, gas } = run;

  const groups = agentGroups(ctx.wallets.map((w) => w.config.id));
  const agents = world.agents.map((a) => outcomeOf(world, a, baseline.get(a.id)!, groups.get(a.id)!));
  const gasTotals: GasTotals = {
    transactions: gas.length,
    reverted: gas.filter((g) => g.status === "reverted").length,
    gasUsed: gas.reduce((sum, g) => sum + g.gasUsed, 0),
  };
  return {
    seed: arm.seed,
    blocks: arm.blocks,
    applyAt: arm.applyAt,
    changed: arm.actions !== undefined,
    ...(execution === undefined ? {} : { execution }),
    before,
    steps,
    agents,
    gas,
    gasTotals,
    wallSeconds: 0,
  };
}

/** Sends each call from the Timelock (value and calldata as the proposal gives them) in one block at `applyAt`. */
async function executeAsTimelock(
  ctx: WhatIfContext,
  sender: TxSender,
  actions: ProposalActions,
  applyAt: bigint,
): Promise<ExecutionRecord> {
  const { chain, addresses } = ctx;
  if (actions.targets.length !== actions.values.length || actions.targets.length !== actions.calldatas.length) {
    throw new WhatIfError(
      `the proposal has ${actions.targets.length} targets, ${actions.values.length} values and ${actions.calldatas.length} calldatas; give one of each per call`,
    );
  }
  if (actions.targets.length === 0) throw new WhatIfError("the proposal has no calls; give at least one target");
  const timelock = addresses.timelock;
  const balance = await chain.client.getBalance({ address: timelock });
  await chain.request("hardhat_impersonateAccount", [timelock]);
  await chain.request("hardhat_setBalance", [timelock, hex(balance + TIMELOCK_GAS_ETH)]);
  const sent = [];
  for (let i = 0; i < actions.targets.length; i++) {
    const to = getAddress(actions.targets[i]!);
    sent.push(
      await sender.send({
        from: timelock,
        to,
        data: actions.calldatas[i]!,
        value: actions.values[i]!,
        gas: GOVERNANCE_GAS.execute,
        contract: "ArenaTimelock",
        fn: `call${i}`,
      }),
    );
  }
  const receipts = await sender.mine(sent, applyAt);
  for (let i = 0; i < receipts.length; i++) {
    if (receipts[i]!.status !== "success")
      throw new ProposalExecutionReverted(
        i,
        sent[i]!.to!,
        await sender.revertReason(receipts[i]!.hash, ctx.abis),
        applyAt,
      );
  }
  const last = receipts[receipts.length - 1]!;
  if (last.timestamp !== applyAt)
    throw new WhatIfError(
      `the proposal's calls did not fit in the block at ${applyAt}; raise the chain's block gas limit`,
    );
  return { block: last.blockNumber, gasUsed: receipts.reduce((sum, r) => sum + r.gasUsed, 0n) };
}

function executionHint(reason: string): string {
  if (reason.startsWith("ParameterUpdateTooEarly"))
    return "the parameter changed too recently: evaluate with a later applyAt (after its minimum interval)";
  if (reason.startsWith("ParameterOutOfBounds") || reason.startsWith("ParameterStepTooLarge"))
    return "propose a value within the parameter's bounds and maximum step (see `checkChanges`)";
  return "check the proposal's calls against the contracts";
}

function outcomeOf(world: World, agent: EngineAgent, baselineValueQuote: bigint, group: string): AgentOutcome {
  const finalValueQuote = world.valueOf(agent);
  const gasQuote = weiToQuote(agent.gasWei, world.scenario.gas.ethPriceQuote);
  return {
    agent: agent.id,
    group,
    behaviours: agent.behaviours.map((b) => b.behaviour.label),
    baselineValueQuote,
    finalValueQuote,
    gasQuote,
    pnlQuote: finalValueQuote - baselineValueQuote - gasQuote,
    gasUsed: agent.gasUsed,
    txs: agent.txs,
    reverts: agent.reverts,
  };
}

/**
 * The scenario entry each agent id came from: `count: N` expands `noise` to noise-1 … noise-N, so ids
 * that differ only by a trailing number shared with another id form one group; any other id is its
 * own group.
 */
export function agentGroups(ids: readonly string[]): Map<string, string> {
  const stem = (id: string) => id.replace(/-\d+$/, "");
  const counts = new Map<string, number>();
  for (const id of ids) if (stem(id) !== id) counts.set(stem(id), (counts.get(stem(id)) ?? 0) + 1);
  return new Map(ids.map((id) => [id, stem(id) !== id && (counts.get(stem(id)) ?? 0) >= 2 ? stem(id) : id]));
}

async function readAutomine(chain: Chain): Promise<boolean> {
  try {
    return await chain.request<boolean>("hardhat_getAutomine");
  } catch {
    // A node without the method: assume the World's setting (off), which every battle leaves behind.
    return false;
  }
}

/** The battle's step at the arm's start (its World's step 0): whole blocks from the battle's step 0 to `applyAt`. */
function stepsBefore(ctx: WhatIfContext, arm: WhatIfArm, blockSeconds: number): number {
  if (ctx.stepZeroTimestamp === undefined || arm.applyAt <= ctx.stepZeroTimestamp) return 0;
  return Number((arm.applyAt - ctx.stepZeroTimestamp) / BigInt(blockSeconds));
}
