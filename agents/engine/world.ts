// The World: the one object agents see, and the one step of the arena, written once for the chain and
// the fast model. Each step is
//   observe (every mechanism's slice, from its twin) → participants take their turns → decide (each
//   agent, in an order drawn from the run's seeded generator, or the scenario's with `order: listed`;
//   on the start-of-step state, or with `decisions: sequential` on the block as the agents before it
//   left it, block-preview.ts) → [priority mode: behaviours that read the pending block react to it]
//   → mine (the backend) → record (outcomes to the behaviours, one row).
// A backend (backend.ts) executes: it sends and mines transactions on a chain, or applies intents to
// the twins on the model. Everything a behaviour sees is built here from the twins, so the same
// behaviours, scenario and seed make the same decisions on both wherever the two states agree.

import type { Hex } from "viem";

import { Random } from "../core/random.ts";
import { weiToQuote } from "../core/units.ts";
import type { Behaviour, DecideContext, IntentOutcome, PendingTx } from "../behaviours/behaviour.ts";
import type { GasRecord } from "../core/records.ts";
import { modelQuoter, type Quoter } from "../mechanisms/market/quoter.ts";
import type { CurveState } from "../mechanisms/market/state.ts";
import type { AnyMechanism, Flows, Settlement } from "../mechanisms/mechanism.ts";
import type { PoolState } from "../mechanisms/pool/state.ts";
import { GAS_LIMITS, MECHANISM_OF_KIND } from "../mechanisms/registry.ts";
import {
  type AgentView,
  type GasTerms,
  type Intent,
  type Observation,
  type StepRow,
} from "../mechanisms/vocabulary.ts";
import { markToMarket } from "../mechanisms/value.ts";
import type { Scenario } from "../inputs/scenario-types.ts";
import type { AgentsById, Backend, EngineAgent, PendingCall, PendingIntent } from "./backend.ts";
import { BlockPreview } from "./block-preview.ts";
import type { Participant, ParticipantTurn, RawCall, RawCallResult } from "./participants.ts";
import type { Chain } from "../chain/chain.ts";

/** One transaction of a step, as the event log keeps it. */
export interface TxEvent {
  step: number;
  agent: string;
  behaviour: string;
  /** The agent's intent; absent for a participant's raw call (its note says why it was sent). */
  intent?: Intent;
  note?: string;
  contract: string;
  fn: string;
  hash: Hex;
  status: "success" | "reverted" | "rejected";
  gasUsed: bigint;
  /** Decoded revert, or why the node refused the transaction. */
  error?: string;
}

export interface StepResult {
  row: StepRow;
  events: TxEvent[];
  gas: GasRecord[];
}

/** Prices of past steps by venue, oldest first (what observations carry as `history`). */
export type PriceHistory = Record<string, bigint[]>;

/** An agent to put into a World: who it is, what it holds, and its behaviours. */
export interface AgentStart {
  id: string;
  address: `0x${string}`;
  key: string;
  /** Live balances (the ledger's on a chain). */
  holdings: EngineAgent["holdings"];
  behaviours: Behaviour[];
}

export interface WorldOptions {
  /** Prices of an earlier World on the same chain (a what-if in the middle of a battle). */
  history?: Readonly<PriceHistory>;
  /** The chain, for participants' turns (what-ifs); none on the model. */
  chain?: Chain;
}

/** The slices of the mechanisms as of the last mined block, and the values an observation needs of them. */
interface Views {
  slices: Record<string, unknown>;
  curve: CurveState;
  pool: PoolState;
}

export class World {
  readonly scenario: Scenario;
  readonly backend: Backend;
  readonly agents: EngineAgent[];
  /** The agents by scenario id (an intent naming another agent, like a referrer, resolves through it). */
  private readonly agentsById: AgentsById;
  /** The mechanisms of this run (the backend's: every one its genesis deploys), in registry order. */
  readonly mechanisms: readonly AnyMechanism[];
  private readonly orderRng: Random;
  private readonly startTimestamp: bigint;
  private readonly positionAgents: EngineAgent[];
  private readonly history: PriceHistory;
  private readonly reacts: boolean;
  private readonly participants: Participant[] = [];
  /** The chain it runs on; undefined on the fast model. */
  readonly chain: Chain | undefined;
  /** Deferred intents waiting for their settlement, by ticket. */
  private readonly open = new Map<number, PendingIntent>();
  private views!: Views;
  private stepIndex = 0;
  private nextTicket = 0;
  private lastRow: StepRow | undefined;

  /**
   * A World over a backend whose latest block is the run's start: step s is mined at
   * `startTimestamp + s × blockSeconds`. Behaviours draw from generators forked from the scenario's
   * seed by agent and behaviour; the order agents act in from a generator of its own.
   */
  constructor(
    scenario: Scenario,
    backend: Backend,
    starts: readonly AgentStart[],
    startTimestamp: bigint,
    options: WorldOptions = {},
  ) {
    this.scenario = scenario;
    this.backend = backend;
    this.mechanisms = backend.mechanisms;
    this.chain = options.chain;
    this.startTimestamp = startTimestamp;
    const root = new Random(scenario.seed);
    this.refreshViews();
    this.agents = starts.map((start, index): EngineAgent => {
      const behaviours = start.behaviours.map((behaviour, j) => ({
        behaviour,
        rng: root.fork(`agent/${start.id}/${j}/${behaviour.label}`),
      }));
      const agent: EngineAgent = {
        id: start.id,
        index,
        address: start.address,
        key: start.key,
        holdings: start.holdings,
        behaviours,
        startValue: 0n,
        gasWei: 0n,
        txs: 0,
        reverts: 0,
        gasUsed: 0n,
        claimable: 0n,
        locked: 0n,
      };
      this.readPositions(agent);
      return agent;
    });
    this.agentsById = new Map(this.agents.map((a) => [a.id, a]));
    this.positionAgents = this.agents.filter((a) => a.claimable + a.locked > 0n);
    this.reacts =
      scenario.mode === "priority" &&
      this.agents.some((a) => a.behaviours.some((b) => b.behaviour.react !== undefined));
    this.orderRng = new Random(scenario.seed).fork("world/order");
    const limit = scenario.output.historyLength;
    const keep = (prices: readonly bigint[] | undefined) =>
      limit > 0 && prices !== undefined ? prices.slice(-limit) : [];
    this.history = Object.fromEntries(
      this.mechanisms.flatMap((m) =>
        m.venue === undefined ? [] : [[m.venue.name, keep(options.history?.[m.venue.name])]],
      ),
    );
    for (const agent of this.agents) agent.startValue = this.valueOf(agent);
  }

  /** Adds a governance participant; participants take their turns in the order they were added. */
  addParticipant(participant: Participant): void {
    if (this.chain === undefined) throw new Error("participants need a chain: the fast model has no governance");
    this.participants.push(participant);
  }

  /** The agent with this id (undefined for a participant's own id). */
  agentById(id: string): EngineAgent | undefined {
    return this.agents.find((a) => a.id === id);
  }

  get step(): number {
    return this.stepIndex;
  }

  /** A copy of the prices of past steps (for a what-if that continues this market). */
  priceHistory(): PriceHistory {
    return Object.fromEntries(Object.entries(this.history).map(([venue, prices]) => [venue, prices.slice()]));
  }

  /** Timestamp of the block step `step` mines. */
  timestampOf(step: number): bigint {
    return this.startTimestamp + BigInt(step * this.scenario.blockSeconds);
  }

  /** Every agent's balances against the chain (exact to the wei); empty on the fast model. */
  async reconcile(): Promise<string[]> {
    return (await this.backend.reconcile?.(this.agents)) ?? [];
  }

  /* OBSERVE */

  /** The curve as of the last mined block (one object per block, shared by every observation). */
  curveState(): CurveState {
    return this.views.curve;
  }

  poolState(): PoolState {
    return this.views.pool;
  }

  /** Mark-to-market value of an agent's holdings at the last block's prices, in quote units. */
  valueOf(agent: EngineAgent): bigint {
    return markToMarket(agent.holdings, this.views.curve, this.views.pool);
  }

  pnlOf(agent: EngineAgent): bigint {
    return this.valueOf(agent) - agent.startValue - weiToQuote(agent.gasWei, this.scenario.gas.ethPriceQuote);
  }

  viewOf(agent: EngineAgent): AgentView {
    return {
      id: agent.id,
      address: agent.address,
      holdings: { ...agent.holdings },
      claimable: agent.claimable,
      locked: agent.locked,
      pnlQuote: this.pnlOf(agent),
    };
  }

  /** The run has ended: every behaviour frees what it holds beyond the heap (a strategy's sandbox). */
  dispose(): void {
    for (const agent of this.agents) for (const { behaviour } of agent.behaviours) behaviour.dispose?.();
  }

  private refreshViews(): void {
    const slices: Record<string, unknown> = {};
    for (const m of this.mechanisms) Object.assign(slices, m.observe(this.backend.twins.get(m.id)));
    this.views = { slices, curve: slices.curve as CurveState, pool: slices.pool as PoolState };
  }

  /** Positions kept by holder (vesting) as of the latest block. */
  private readPositions(agent: EngineAgent): void {
    for (const m of this.mechanisms) {
      const p = m.agentPositions?.(this.backend.twins.get(m.id), agent.key, this.backend.latestTimestamp);
      if (p !== undefined) {
        agent.claimable = p.claimable;
        agent.locked = p.locked;
      }
    }
  }

  private gasTerms(): GasTerms {
    return {
      priorityFeeWei: this.scenario.gas.priorityFeeWei,
      baseFeeWei: this.backend.baseFeeWei,
      ethPriceQuote: this.scenario.gas.ethPriceQuote,
      limits: GAS_LIMITS,
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

  async runStep(): Promise<StepResult> {
    const step = ++this.stepIndex;
    const timestamp = this.timestampOf(step);
    const deadline = timestamp + BigInt(this.scenario.blockSeconds);
    const backend = this.backend;
    for (const m of this.mechanisms) m.beginStep?.(backend.twins.get(m.id));
    for (const agent of this.positionAgents) this.readPositions(agent);

    const start = this.views;
    const base = {
      step,
      block: backend.latestBlock + 1n,
      timestamp,
      blockSeconds: this.scenario.blockSeconds,
      mode: this.scenario.mode,
      ...start.slices,
      history: this.priceHistory(),
      gas: this.gasTerms(),
    } as unknown as Omit<Observation, "self">;
    const quoter = this.quoter(start.curve);
    const observation = (agent: EngineAgent): Observation => ({ ...base, self: this.viewOf(agent) });

    // participants: every turn first (what-ifs need an empty pending block), then their calls go in ahead of the trades
    const turn: ParticipantTurn = {
      step,
      block: base.block,
      timestamp,
      curve: start.curve,
      pool: start.pool,
      lastRow: this.lastRow,
      chain: this.chain!,
    };
    const turns: { participant: Participant; calls: RawCall[] }[] = [];
    for (const participant of this.participants) turns.push({ participant, calls: await participant.turn(turn) });
    const calls: PendingCall[] = [];
    for (const { calls: list } of turns) for (const call of list) calls.push(await backend.sendCall(call));

    const order = this.scenario.order === "listed" ? this.agents : this.orderRng.shuffle(this.agents);
    const pending: PendingIntent[] = [];
    const submit = async (agent: EngineAgent, behaviourIndex: number, intent: Intent) => {
      const item: PendingIntent = {
        agent,
        behaviourIndex,
        intent,
        ticket: this.nextTicket++,
        priorityFeeWei: intent.priorityFeeWei ?? this.scenario.gas.priorityFeeWei,
        contract: "",
        fn: intent.kind,
      };
      const mechanism = MECHANISM_OF_KIND.get(intent.kind)!;
      if (!this.mechanisms.includes(mechanism))
        item.rejected = `${intent.kind} goes to ${mechanism.id}, which this run's genesis does not deploy; add its "${mechanism.id}" section to the genesis file`;
      else await backend.submit(item, deadline, this.agentsById);
      pending.push(item);
    };

    // decide and act (sequential decisions: each agent on the block as the agents before it left it)
    const preview =
      this.scenario.decisions === "sequential"
        ? new BlockPreview({
            mechanisms: this.mechanisms,
            twins: backend.twins,
            latestTimestamp: backend.latestTimestamp,
            timestamp,
            deadline,
            ethPriceQuote: this.scenario.gas.ethPriceQuote,
            agents: this.agentsById,
          })
        : undefined;
    // Simultaneous decisions: behaviours that decide ahead (a language model's) start together, in order.
    const ahead = preview === undefined ? this.startAhead(order, observation, quoter) : undefined;
    for (const agent of order) {
      const seen = preview?.view(agent);
      const obs = seen === undefined ? observation(agent) : { ...base, ...seen.slices, self: seen.self };
      const agentQuoter = seen === undefined ? quoter : this.quoter(seen.curve);
      const sent = pending.length;
      for (let j = 0; j < agent.behaviours.length; j++) {
        const { behaviour, rng } = agent.behaviours[j]!;
        const ctx: DecideContext = { rng, quoter: agentQuoter };
        const decided = ahead?.get(behaviour) ?? behaviour.step(obs, ctx);
        // Most behaviours decide synchronously: no microtask for them.
        const intents = decided instanceof Promise ? await decided : decided;
        for (const intent of intents) await submit(agent, j, intent);
      }
      preview?.apply(pending.slice(sent));
    }
    // priority mode: behaviours that read the pending block react to it
    if (this.reacts) {
      const byAddress = new Map(this.agents.map((a) => [a.address.toLowerCase(), a.id]));
      const visible: PendingTx[] = await backend.pendingBlock(pending, (address) =>
        byAddress.get(address.toLowerCase()),
      );
      for (const agent of order) {
        for (let j = 0; j < agent.behaviours.length; j++) {
          const { behaviour, rng } = agent.behaviours[j]!;
          if (behaviour.react === undefined) continue;
          const others = visible.filter((p) => p.agentId !== agent.id);
          const reacted = behaviour.react(observation(agent), others, { rng, quoter });
          const intents = reacted instanceof Promise ? await reacted : reacted;
          for (const intent of intents) await submit(agent, j, intent);
        }
      }
    }

    // mine
    const flows: Flows = {};
    for (const m of this.mechanisms) for (const column of m.flows) flows[column] = 0n;
    await backend.mine(timestamp, deadline, calls, pending, flows, this.agentsById);

    // record the participants' calls like agent transactions (a trading agent that votes pays its own gas)
    const events: TxEvent[] = [];
    const gas: GasRecord[] = [];
    const policy = this.scenario.policy;
    let reverts = 0;
    let gasUsed = 0n;
    const callResults: RawCallResult[] = [];
    for (const { call, rejected, result: r } of calls) {
      const note = call.note === undefined ? {} : { note: call.note };
      if (r === undefined) {
        events.push({
          step,
          agent: call.agent,
          behaviour: call.role,
          contract: call.contract,
          fn: call.fn,
          hash: "0x",
          status: "rejected",
          gasUsed: 0n,
          error: rejected,
          ...note,
        });
        callResults.push({
          call,
          status: "rejected",
          hash: "0x",
          gasUsed: 0n,
          blockNumber: 0n,
          timestamp,
          logs: [],
          error: rejected,
        });
        reverts++;
        continue;
      }
      const agent = this.agentById(call.agent);
      if (r.status === "reverted") reverts++;
      if (agent !== undefined) {
        agent.gasWei += r.gasCostWei;
        agent.gasUsed += r.gasUsed;
        agent.txs++;
        if (r.error !== undefined) agent.reverts++;
      }
      gasUsed += r.gasUsed;
      const failure = r.error === undefined ? {} : { error: r.error };
      events.push({
        step,
        agent: call.agent,
        behaviour: call.role,
        contract: call.contract,
        fn: call.fn,
        hash: r.hash,
        status: r.status,
        gasUsed: r.gasUsed,
        ...failure,
        ...note,
      });
      gas.push({
        step,
        agent: call.agent,
        behaviour: call.role,
        policy,
        contract: call.contract,
        fn: call.fn,
        gasUsed: Number(r.gasUsed),
        status: r.status,
      });
      callResults.push({
        call,
        status: r.status,
        hash: r.hash,
        gasUsed: r.gasUsed,
        blockNumber: r.blockNumber,
        timestamp: r.timestamp,
        logs: r.logs,
        ...failure,
      });
    }

    // record the agents' transactions, in send order
    const outcomes = new Map<Behaviour, IntentOutcome[]>();
    const outcomesOf = (behaviour: Behaviour) => {
      let list = outcomes.get(behaviour);
      if (list === undefined) outcomes.set(behaviour, (list = []));
      return list;
    };
    for (const p of pending) {
      const { agent, intent } = p;
      const behaviour = agent.behaviours[p.behaviourIndex]!.behaviour;
      const label = behaviour.label;
      const list = outcomesOf(behaviour);
      const r = p.result;
      if (r === undefined) {
        events.push({
          step,
          agent: agent.id,
          behaviour: label,
          intent,
          contract: "",
          fn: intent.kind,
          hash: "0x",
          status: "rejected",
          gasUsed: 0n,
          error: p.rejected,
        });
        list.push({ intent, status: "reverted", gasUsed: 0n, gasCostWei: 0n, error: p.rejected });
        agent.reverts++;
        reverts++;
        continue;
      }
      agent.gasWei += r.gasCostWei;
      agent.gasUsed += r.gasUsed;
      agent.txs++;
      gasUsed += r.gasUsed;
      if (r.status === "reverted") {
        agent.reverts++;
        reverts++;
      }
      const failure = r.error === undefined ? {} : { error: r.error };
      events.push({
        step,
        agent: agent.id,
        behaviour: label,
        intent,
        contract: p.contract,
        fn: p.fn,
        hash: r.hash,
        status: r.status,
        gasUsed: r.gasUsed,
        ...failure,
      });
      gas.push({
        step,
        agent: agent.id,
        behaviour: label,
        policy,
        contract: p.contract,
        fn: p.fn,
        gasUsed: Number(r.gasUsed),
        status: r.status,
      });
      if (r.status === "success" && isDeferred(intent)) {
        this.open.set(p.ticket, p);
        list.push({ intent, status: "success", gasUsed: r.gasUsed, gasCostWei: r.gasCostWei, pending: true });
      } else list.push({ intent, status: r.status, gasUsed: r.gasUsed, gasCostWei: r.gasCostWei, ...failure });
    }
    // deferred intents of earlier steps that settled in this block
    for (const m of this.mechanisms) {
      if (m.settlements === undefined) continue;
      for (const settled of m.settlements(backend.twins.get(m.id)) as readonly Settlement[]) {
        const p = this.open.get(settled.ticket);
        if (p === undefined) continue;
        this.open.delete(settled.ticket);
        const behaviour = p.agent.behaviours[p.behaviourIndex]!.behaviour;
        const error = settled.error === undefined ? {} : { error: settled.error };
        outcomesOf(behaviour).push({
          intent: p.intent,
          status: settled.status,
          gasUsed: 0n,
          gasCostWei: 0n,
          settled: settled.note,
          ...error,
        });
        events.push({
          step,
          agent: p.agent.id,
          behaviour: behaviour.label,
          intent: p.intent,
          note: settled.note,
          contract: p.contract,
          fn: "settled",
          hash: p.result!.hash,
          status: settled.status === "success" ? "success" : "reverted",
          gasUsed: 0n,
          ...error,
        });
      }
    }

    this.refreshViews();
    this.pushHistory(start.slices);
    const curvePriceWad = this.views.curve.priceWad;
    const poolPriceWad = this.views.pool.priceWad;
    for (const agent of this.agents) {
      for (const { behaviour } of agent.behaviours) {
        if (behaviour.settle === undefined) continue;
        behaviour.settle({
          step,
          outcomes: outcomes.get(behaviour) ?? [],
          self: this.viewOf(agent),
          curvePriceWad,
          poolPriceWad,
        });
      }
    }

    const row = {
      step: BigInt(step),
      block: backend.latestBlock,
      time: BigInt(step * this.scenario.blockSeconds),
    } as StepRow;
    const rowContext = {
      slices: this.views.slices,
      flows,
      treasuryBalanceQuote: backend.treasuryBalanceQuote,
      timestamp: backend.latestTimestamp,
    };
    for (const m of this.mechanisms) Object.assign(row, m.row(backend.twins.get(m.id), this.views.slices, rowContext));
    row.txs = BigInt(pending.length + calls.length);
    row.reverts = BigInt(reverts);
    row.gasUsed = gasUsed;
    this.lastRow = row;

    let at = 0;
    for (const { participant, calls: list } of turns) {
      const mine = callResults.slice(at, at + list.length);
      at += list.length;
      await participant.settle?.(mine, turn);
    }
    return { row, events, gas };
  }

  /**
   * Starts the step of every behaviour that decides ahead, in the agents' order (each on its agent's
   * start-of-step observation, its own random stream), so their slow decisions overlap; none when no
   * behaviour does, so other runs are untouched. A failure is seen where the loop awaits it.
   */
  private startAhead(
    order: readonly EngineAgent[],
    observation: (agent: EngineAgent) => Observation,
    quoter: Quoter,
  ): Map<Behaviour, Promise<Intent[]>> | undefined {
    let started: Map<Behaviour, Promise<Intent[]>> | undefined;
    for (const agent of order) {
      for (const { behaviour, rng } of agent.behaviours) {
        if (behaviour.decidesAhead !== true) continue;
        const decided = Promise.resolve(behaviour.step(observation(agent), { rng, quoter }));
        decided.catch(() => {});
        (started ??= new Map()).set(behaviour, decided);
      }
    }
    return started;
  }

  private pushHistory(before: Record<string, unknown>): void {
    const limit = this.scenario.output.historyLength;
    for (const m of this.mechanisms) {
      if (m.venue === undefined) continue;
      const prices = this.history[m.venue.name]!;
      prices.push(m.venue.priceWad(before));
      if (prices.length > limit) prices.shift();
    }
  }
}

/** Whether the intent's mechanism settles it in a later block. */
function isDeferred(intent: Intent): boolean {
  return MECHANISM_OF_KIND.get(intent.kind)!.intents.deferred?.includes(intent.kind) === true;
}
