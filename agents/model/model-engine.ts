// The World (agents/world/world.ts) on the fast model: the same steps, observations, seeded order,
// forked random streams, outcomes and records, with the market, pool and vesting models where the
// World has a chain. Each step:
//   observe (the models' state) → decide (each agent, in the World's seeded order) → [priority mode:
//   behaviours that read the pending block react to it] → mine (intents in block order on the
//   models) → record (outcomes to the behaviours, one StepRow).
// Everything a behaviour sees is built as the World builds it, so the same behaviours, scenario and
// seed make the same decisions wherever the two states agree.

import type { Hex } from "viem";

import { markToMarket } from "../mechanisms/value.ts";
import { weiToQuote } from "../core/units.ts";
import { Random } from "../core/random.ts";
import type { Behaviour, IntentOutcome, PendingTx } from "../behaviours/behaviour.ts";
import type { Quoter } from "../mechanisms/market/quoter.ts";
import type { AgentView, GasTerms, Intent, Observation } from "../mechanisms/registry.ts";
import type { PoolState } from "../mechanisms/pool/state.ts";
import type { CurveState } from "../mechanisms/market/state.ts";
import type { StepRow } from "../core/records.ts";
import type { Scenario } from "../scenario/scenario-types.ts";
import { GAS_LIMITS } from "../world/intents.ts";
import { emptyFlows } from "../world/ledger.ts";
import type { AgentWallet } from "../world/setup.ts";
import { blockOrder } from "../engine/block-order.ts";
import {
  checkIntentWords,
  type IntentSender,
  type MinedIntent,
  mineIntent,
  type ModelVenues,
} from "./model-intents.ts";
import { modelQuoter } from "../mechanisms/market/quoter.ts";
import type { ModelStart } from "./model-setup.ts";
import { MAX_UINT256 } from "../core/units.ts";

export interface ModelAgent extends IntentSender {
  id: string;
  /** Position in the scenario's agent list. */
  index: number;
  behaviours: { behaviour: Behaviour; rng: Random }[];
  startValue: bigint;
  gasWei: bigint;
  txs: number;
  reverts: number;
  gasUsed: bigint;
  claimable: bigint;
  locked: bigint;
}

interface Pending {
  agent: ModelAgent;
  behaviourIndex: number;
  intent: Intent;
  sender: number;
  priorityFeeWei: bigint;
  mined?: MinedIntent;
}

export class ModelWorld {
  readonly scenario: Scenario;
  readonly agents: ModelAgent[];
  private readonly venues: ModelVenues;
  private readonly orderRng: Random;
  private readonly lastSetupBlock: bigint;
  private readonly startTimestamp: bigint;
  private readonly vestingAgents: ModelAgent[];
  private readonly reacts: boolean;
  private readonly history: { curve: bigint[]; pool: bigint[] } = { curve: [], pool: [] };
  private readonly gasTerms: GasTerms;
  private views!: { curve: CurveState; pool: PoolState };
  /** The treasury's quote balance: nothing in a battle pays it (fees accrue in the market until collected). */
  private readonly treasuryBalance = 0n;
  private stepIndex = 0;

  /** Builds the world over a model start; `build` makes each behaviour from its config (the World's own order of forks). */
  constructor(scenario: Scenario, start: ModelStart, build: (wallet: AgentWallet) => Behaviour[]) {
    this.scenario = scenario;
    this.venues = { market: start.market, pool: start.pool, vesting: start.vesting };
    this.lastSetupBlock = start.lastBlock;
    this.startTimestamp = start.lastTimestamp;
    this.gasTerms = {
      priorityFeeWei: scenario.gas.priorityFeeWei,
      baseFeeWei: 0n,
      ethPriceQuote: scenario.gas.ethPriceQuote,
      limits: GAS_LIMITS,
    };
    const root = new Random(scenario.seed);
    this.agents = start.agents.map((a, index): ModelAgent => {
      const behaviours = build({ config: a.config, address: a.address }).map((behaviour, j) => ({
        behaviour,
        rng: root.fork(`agent/${a.config.id}/${j}/${behaviour.label}`),
      }));
      const { claimable, locked } = start.vesting.view(a.key, start.lastTimestamp);
      return {
        id: a.config.id,
        index,
        address: a.address,
        key: a.key,
        holdings: { ...a.holdings },
        behaviours,
        startValue: 0n,
        gasWei: 0n,
        txs: 0,
        reverts: 0,
        gasUsed: 0n,
        claimable,
        locked,
      };
    });
    this.vestingAgents = this.agents.filter((a) => a.claimable + a.locked > 0n);
    this.reacts =
      scenario.mode === "priority" &&
      this.agents.some((a) => a.behaviours.some((b) => b.behaviour.react !== undefined));
    this.orderRng = new Random(scenario.seed).fork("world/order");
    this.readMarket();
    for (const agent of this.agents) agent.startValue = this.valueOf(agent);
  }

  get step(): number {
    return this.stepIndex;
  }

  /** Timestamp of the block step `step` mines. */
  timestampOf(step: number): bigint {
    return this.startTimestamp + BigInt(step * this.scenario.blockSeconds);
  }

  /* OBSERVE */

  private readMarket(): void {
    const { market, pool } = this.venues;
    const m = market.state;
    const p = pool.state;
    this.views = {
      curve: {
        kind: m.kind,
        params: m.params,
        scaleWad: m.scaleWad,
        priceWad: market.priceWad(),
        supply: m.supply,
        maxSupply: m.maxSupply,
        reserve: m.reserve,
        treasuryAccrued: m.treasuryAccrued,
        buyFeeBps: m.buyFeeBps,
        sellFeeBps: m.sellFeeBps,
        treasuryShareBps: m.treasuryShareBps,
        paused: m.paused,
      },
      pool: {
        reserveToken: p.reserveToken,
        reserveQuote: p.reserveQuote,
        feeBps: p.feeBps,
        priceWad: pool.priceWad(),
        totalLiquidity: p.totalLiquidity,
      },
    };
  }

  curveState(): CurveState {
    return this.views.curve;
  }

  poolState(): PoolState {
    return this.views.pool;
  }

  valueOf(agent: ModelAgent): bigint {
    return markToMarket(agent.holdings, this.views.curve, this.views.pool);
  }

  pnlOf(agent: ModelAgent): bigint {
    return this.valueOf(agent) - agent.startValue - weiToQuote(agent.gasWei, this.scenario.gas.ethPriceQuote);
  }

  viewOf(agent: ModelAgent): AgentView {
    return {
      id: agent.id,
      address: agent.address,
      holdings: { ...agent.holdings },
      claimable: agent.claimable,
      locked: agent.locked,
      pnlQuote: this.pnlOf(agent),
    };
  }

  /** Exact quotes against the step's start, built only if a behaviour asks for one. */
  private quoter(curve: CurveState): Quoter {
    let inner: Quoter | undefined;
    const get = () => (inner ??= modelQuoter(curve));
    return {
      curveBuyExactTokens: (amount) => get().curveBuyExactTokens(amount),
      curveBuyExactQuote: (quoteIn) => get().curveBuyExactQuote(quoteIn),
      curveSell: (amount) => get().curveSell(amount),
    };
  }

  /* ONE STEP */

  async runStep(): Promise<StepRow> {
    const step = ++this.stepIndex;
    const timestamp = this.timestampOf(step);
    const deadline = timestamp + BigInt(this.scenario.blockSeconds);
    // The World reads vesting from the latest mined block, the one before this step's.
    if (this.vestingAgents.length > 0) this.readVesting(this.timestampOf(step - 1));

    const curve = this.views.curve;
    const pool = this.views.pool;
    const base = {
      step,
      block: this.lastSetupBlock + BigInt(step),
      timestamp,
      blockSeconds: this.scenario.blockSeconds,
      mode: this.scenario.mode,
      curve,
      pool,
      history: { curve: this.history.curve.slice(), pool: this.history.pool.slice() },
      gas: this.gasTerms,
    };
    const quoter = this.quoter(curve);
    const observation = (agent: ModelAgent): Observation => ({ ...base, self: this.viewOf(agent) });
    const order = this.orderRng.shuffle(this.agents);
    const pending: Pending[] = [];
    const submit = (agent: ModelAgent, behaviourIndex: number, intent: Intent) => {
      checkIntentWords(intent);
      pending.push({
        agent,
        behaviourIndex,
        intent,
        sender: agent.index,
        priorityFeeWei: intent.priorityFeeWei ?? this.scenario.gas.priorityFeeWei,
      });
    };

    // decide and act
    for (const agent of order) {
      const obs = observation(agent);
      for (let j = 0; j < agent.behaviours.length; j++) {
        const { behaviour, rng } = agent.behaviours[j]!;
        const decided = behaviour.step(obs, { rng, quoter });
        // Most behaviours decide synchronously: no microtask for them.
        const intents = decided instanceof Promise ? await decided : decided;
        for (const intent of intents) submit(agent, j, intent);
      }
    }
    // priority mode: behaviours that read the pending block react to it
    if (this.reacts) {
      const visible = this.pendingBlock(pending);
      for (const agent of order) {
        for (let j = 0; j < agent.behaviours.length; j++) {
          const { behaviour, rng } = agent.behaviours[j]!;
          if (behaviour.react === undefined) continue;
          const others = visible.filter((p) => p.agentId !== agent.id);
          const reacted = behaviour.react(observation(agent), others, { rng, quoter });
          const intents = reacted instanceof Promise ? await reacted : reacted;
          for (const intent of intents) submit(agent, j, intent);
        }
      }
    }

    // mine
    const flows = emptyFlows();
    const block = { timestamp, deadline, poolFeeBps: BigInt(pool.feeBps) };
    for (const i of blockOrder(pending, this.scenario.mode === "priority")) {
      const p = pending[i]!;
      p.mined = mineIntent(this.venues, p.agent, p.intent, block, flows);
    }

    // record, in send order as the World does
    const outcomes = new Map<Behaviour, IntentOutcome[]>();
    let reverts = 0;
    let gasUsed = 0n;
    for (const p of pending) {
      const { status, gasUsed: gas, error } = p.mined!;
      const behaviour = p.agent.behaviours[p.behaviourIndex]!.behaviour;
      let list = outcomes.get(behaviour);
      if (list === undefined) outcomes.set(behaviour, (list = []));
      // The effective gas price is the priority fee: the in-process chain's base fee stays 0.
      const costWei = gas * p.priorityFeeWei;
      p.agent.gasWei += costWei;
      p.agent.gasUsed += gas;
      p.agent.txs++;
      gasUsed += gas;
      if (status === "reverted") {
        p.agent.reverts++;
        reverts++;
      }
      list.push({
        intent: p.intent,
        status,
        gasUsed: gas,
        gasCostWei: costWei,
        ...(error === undefined ? {} : { error }),
      });
    }

    const before = this.views;
    this.readMarket();
    this.pushHistory(before.curve.priceWad, before.pool.priceWad);
    const curvePrice = this.views.curve.priceWad;
    const poolPrice = this.views.pool.priceWad;
    for (const agent of this.agents) {
      for (const { behaviour } of agent.behaviours) {
        if (behaviour.settle === undefined) continue;
        behaviour.settle({
          step,
          outcomes: outcomes.get(behaviour) ?? [],
          self: this.viewOf(agent),
          curvePriceWad: curvePrice,
          poolPriceWad: poolPrice,
        });
      }
    }

    const m = this.venues.market;
    const solvency = m.solvencyWad();
    const { supply, reserve, treasuryAccrued } = this.views.curve;
    return {
      step: BigInt(step),
      block: this.lastSetupBlock + BigInt(step),
      time: BigInt(step * this.scenario.blockSeconds),
      curvePriceWad: curvePrice,
      poolPriceWad: poolPrice,
      gapBps: curvePrice === 0n || poolPrice === 0n ? 0n : ((poolPrice - curvePrice) * 10_000n) / curvePrice,
      supply,
      reserve,
      treasuryQuote: this.treasuryBalance + treasuryAccrued,
      solvencyWad: solvency === MAX_UINT256 ? 0n : solvency,
      curveVolumeQuote: flows.curveVolumeQuote,
      poolVolumeQuote: flows.poolVolumeQuote,
      curveFeesQuote: flows.curveFeesQuote,
      poolFeesQuote: flows.poolFeesQuote,
      txs: BigInt(pending.length),
      reverts: BigInt(reverts),
      gasUsed,
    };
  }

  /** The pending block as a behaviour reading it sees it: in the order it will be mined. */
  private pendingBlock(pending: readonly Pending[]): PendingTx[] {
    return blockOrder(pending, true).map((i) => {
      const p = pending[i]!;
      return {
        hash: pendingHash(i),
        from: p.agent.address,
        agentId: p.agent.id,
        intent: p.intent,
        priorityFeeWei: p.priorityFeeWei,
      };
    });
  }

  private readVesting(timestamp: bigint): void {
    for (const a of this.vestingAgents) {
      const { claimable, locked } = this.venues.vesting.view(a.key, timestamp);
      a.claimable = claimable;
      a.locked = locked;
    }
  }

  private pushHistory(curve: bigint, pool: bigint): void {
    const limit = this.scenario.output.historyLength;
    this.history.curve.push(curve);
    this.history.pool.push(pool);
    if (this.history.curve.length > limit) {
      this.history.curve.shift();
      this.history.pool.shift();
    }
  }
}

/** A stand-in transaction hash for the pending block (the model has no transactions to hash). */
function pendingHash(index: number): Hex {
  return `0x${index.toString(16).padStart(64, "0")}`;
}
