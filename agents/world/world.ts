// The World: the one object agents see. It owns the chain, the deployed system, the clock, the run's
// seeded generator, the ledger of holdings and the log of what each transaction did. Each step is
//   observe (one lens read) → decide (each agent, in a seeded order) → act (transactions into the
//   pending block) → [priority mode: behaviours read the pending block and react] → mine → record.

import { type Address, decodeFunctionResult, encodeFunctionData, type Hex } from "viem";

import { MAX_UINT256, QUOTE_DECIMALS } from "../core/units.ts";
import { markToMarket } from "../mechanisms/value.ts";
import { weiToQuote } from "../core/units.ts";
import { Random } from "../core/random.ts";
import type { Behaviour, DecideContext, IntentOutcome, PendingTx } from "../behaviours/behaviour.ts";
import type { Quoter } from "../mechanisms/market/quoter.ts";
import type { AgentView, GasTerms, Intent, Observation } from "../mechanisms/registry.ts";
import type { PoolState } from "../mechanisms/pool/state.ts";
import type { CurveKind, CurveState } from "../mechanisms/market/state.ts";
import type { GasRecord, StepRow } from "../core/records.ts";
import { modelQuoter } from "../mechanisms/market/quoter.ts";
import type { Scenario } from "../scenario/scenario-types.ts";
import type { Chain } from "../chain/chain.ts";
import { NodeLostError } from "../chain/errors.ts";
import { decodeIntent, encodeIntent, GAS_LIMITS } from "./intents.ts";
import { emptyFlows, Ledger } from "./ledger.ts";
import type { Participant, ParticipantTurn, RawCall, RawCallResult } from "./participants.ts";
import type { AgentWallet, SetupResult } from "./setup.ts";
import type { SystemAbis, SystemAddresses } from "../chain/system.ts";
import { type MinedReceipt, type SentTx, TxSender } from "../chain/tx-sender.ts";
import { CURVE_KINDS } from "../mechanisms/market/state.ts";

export interface WorldAgent {
  id: string;
  address: Address;
  behaviours: { behaviour: Behaviour; rng: Random }[];
  startValue: bigint;
  gasWei: bigint;
  txs: number;
  reverts: number;
  gasUsed: bigint;
  claimable: bigint;
  locked: bigint;
}

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

/** One lens read of the market and the pool (ArenaLens.marketState). */
export interface MarketRead {
  blockNumber: bigint;
  timestamp: bigint;
  baseFee: bigint;
  curvePriceWad: bigint;
  supply: bigint;
  reserve: bigint;
  treasuryAccrued: bigint;
  treasuryBalance: bigint;
  scaleWad: bigint;
  p1: bigint;
  p2: bigint;
  p3: bigint;
  p4: bigint;
  buyFeeBps: bigint;
  sellFeeBps: bigint;
  treasuryShareBps: bigint;
  paused: boolean;
  solvencyWad: bigint;
  poolReserveToken: bigint;
  poolReserveQuote: bigint;
  poolFeeBps: bigint;
  poolPriceWad: bigint;
  poolLiquidity: bigint;
}

interface Pending {
  agent: WorldAgent;
  behaviour: string;
  behaviourIndex: number;
  intent: Intent;
  tx: SentTx | undefined;
  error?: string;
}

/** What a World needs of a set-up chain: a battle's SetupResult, or a what-if's view of a chain mid-battle. */
export type WorldSetup = Pick<SetupResult, "addresses" | "wallets" | "lastTimestamp">;

/** Curve and pool prices of past steps, oldest first (what observations carry as `history`). */
export interface PriceHistory {
  curve: bigint[];
  pool: bigint[];
}

export class World {
  readonly chain: Chain;
  readonly scenario: Scenario;
  readonly abis: SystemAbis;
  readonly addresses: SystemAddresses;
  readonly agents: WorldAgent[];
  readonly curveKind: CurveKind;
  readonly maxSupply: bigint;
  private readonly ledger: Ledger;
  private readonly sender: TxSender;
  private readonly orderRng: Random;
  private readonly startTimestamp: bigint;
  private readonly vestingAgents: WorldAgent[];
  private readonly history: PriceHistory;
  private market!: MarketRead;
  private views!: { curve: CurveState; pool: PoolState };
  /** True when some behaviour reads the pending block (priority mode only). */
  private readonly reacts: boolean;
  private stepIndex = 0;
  private readonly participants: Participant[] = [];
  private lastRow: StepRow | undefined;
  /** Sees every transaction as it is sent (the harness benchmark replays them raw). */
  onSent?: (step: number, tx: SentTx) => void;

  private constructor(
    chain: Chain,
    scenario: Scenario,
    abis: SystemAbis,
    setup: WorldSetup,
    agents: WorldAgent[],
    market: MarketRead,
    curveKind: CurveKind,
    maxSupply: bigint,
    ledger: Ledger,
    vestingAgents: WorldAgent[],
    history: PriceHistory,
  ) {
    this.chain = chain;
    this.scenario = scenario;
    this.abis = abis;
    this.addresses = setup.addresses;
    this.agents = agents;
    this.maxSupply = maxSupply;
    this.curveKind = curveKind;
    this.setMarket(market);
    this.reacts =
      scenario.mode === "priority" && agents.some((a) => a.behaviours.some((b) => b.behaviour.react !== undefined));
    this.ledger = ledger;
    this.vestingAgents = vestingAgents;
    this.sender = new TxSender(chain, { maxFeePerGas: 10n ** 12n, priorityFeeWei: scenario.gas.priorityFeeWei });
    this.orderRng = new Random(scenario.seed).fork("world/order");
    this.startTimestamp = setup.lastTimestamp;
    this.history = history;
  }

  /**
   * Builds the World over a set-up chain; `build` makes each behaviour from its config. `history`
   * continues the price history of an earlier World on the same chain (a what-if in the middle of a
   * battle), so trend and mean-reversion traders see the market they were in.
   */
  static async create(
    chain: Chain,
    scenario: Scenario,
    abis: SystemAbis,
    setup: WorldSetup,
    build: (wallet: AgentWallet) => Behaviour[],
    options: { history?: PriceHistory } = {},
  ): Promise<World> {
    const ledger = new Ledger(setup.addresses);
    const root = new Random(scenario.seed);
    const addresses = setup.wallets.map((w) => w.address);
    const holdings = await readHoldings(chain, abis, setup.addresses, addresses);
    const market = await readMarket(chain, abis, setup.addresses);
    const kindIndex = Number(
      await chain.client.readContract({
        address: setup.addresses.market,
        abi: abis.byContract.market,
        functionName: "curveKind",
      }),
    );
    const maxSupply = (await chain.client.readContract({
      address: setup.addresses.market,
      abi: abis.byContract.market,
      functionName: "maxSupply",
    })) as bigint;
    const curveKind = CURVE_KINDS[kindIndex]!;
    const agents = setup.wallets.map((wallet, i): WorldAgent => {
      const h = holdings[i]!;
      ledger.track(wallet.address, { tokens: h.tokens, quote: h.quote, lp: h.lp });
      const behaviours = build(wallet).map((behaviour, j) => ({
        behaviour,
        rng: root.fork(`agent/${wallet.config.id}/${j}/${behaviour.label}`),
      }));
      return {
        id: wallet.config.id,
        address: wallet.address,
        behaviours,
        startValue: 0n,
        gasWei: 0n,
        txs: 0,
        reverts: 0,
        gasUsed: 0n,
        claimable: h.claimable,
        locked: h.locked,
      };
    });
    const vestingAgents = agents.filter((a, i) => holdings[i]!.claimable + holdings[i]!.locked > 0n);
    const limit = scenario.output.historyLength;
    const keep = (prices: bigint[] | undefined) => (limit > 0 && prices !== undefined ? prices.slice(-limit) : []);
    const history = { curve: keep(options.history?.curve), pool: keep(options.history?.pool) };
    const world = new World(
      chain,
      scenario,
      abis,
      setup,
      agents,
      market,
      curveKind,
      maxSupply,
      ledger,
      vestingAgents,
      history,
    );
    for (const agent of agents) agent.startValue = world.valueOf(agent);
    return world;
  }

  /** Adds a governance participant; participants take their turns in the order they were added. */
  addParticipant(participant: Participant): void {
    this.participants.push(participant);
  }

  /** The agent with this id (undefined for a participant's own id). */
  agentById(id: string): WorldAgent | undefined {
    return this.agents.find((a) => a.id === id);
  }

  get step(): number {
    return this.stepIndex;
  }

  /** A copy of the prices of past steps (for a what-if that continues this market). */
  priceHistory(): PriceHistory {
    return { curve: this.history.curve.slice(), pool: this.history.pool.slice() };
  }

  /** Timestamp of the block step `step` mines. */
  timestampOf(step: number): bigint {
    return this.startTimestamp + BigInt(step * this.scenario.blockSeconds);
  }

  /* OBSERVE */

  /** The curve as of the last read (one object per read, shared by every observation of a step). */
  curveState(): CurveState {
    return this.views.curve;
  }

  poolState(): PoolState {
    return this.views.pool;
  }

  private setMarket(m: MarketRead): void {
    this.market = m;
    this.views = { curve: this.buildCurveState(m), pool: buildPoolState(m) };
  }

  private buildCurveState(m: MarketRead): CurveState {
    return {
      kind: this.curveKind,
      params: [m.p1, m.p2, m.p3, m.p4],
      scaleWad: m.scaleWad,
      priceWad: m.curvePriceWad,
      supply: m.supply,
      maxSupply: this.maxSupply,
      reserve: m.reserve,
      treasuryAccrued: m.treasuryAccrued,
      buyFeeBps: Number(m.buyFeeBps),
      sellFeeBps: Number(m.sellFeeBps),
      treasuryShareBps: Number(m.treasuryShareBps),
      paused: m.paused,
    };
  }

  /** Mark-to-market value of an agent's holdings at the last read prices, in quote units. */
  valueOf(agent: WorldAgent): bigint {
    return markToMarket(this.ledger.holdingsOf(agent.address), this.curveState(), this.poolState());
  }

  pnlOf(agent: WorldAgent): bigint {
    return this.valueOf(agent) - agent.startValue - weiToQuote(agent.gasWei, this.scenario.gas.ethPriceQuote);
  }

  viewOf(agent: WorldAgent): AgentView {
    return {
      id: agent.id,
      address: agent.address,
      holdings: { ...this.ledger.holdingsOf(agent.address) },
      claimable: agent.claimable,
      locked: agent.locked,
      pnlQuote: this.pnlOf(agent),
    };
  }

  private gasTerms(): GasTerms {
    return {
      priorityFeeWei: this.scenario.gas.priorityFeeWei,
      baseFeeWei: this.market.baseFee,
      ethPriceQuote: this.scenario.gas.ethPriceQuote,
      limits: GAS_LIMITS,
    };
  }

  /** Exact quotes from the fast model at the step's observed state: equal to the market's view
   * functions to the wei (test/model-differential.test.ts), without a chain call per quote. */
  private quoter(): Quoter {
    return modelQuoter(this.curveState(), QUOTE_DECIMALS);
  }

  /* ONE STEP */

  async runStep(): Promise<StepResult> {
    const step = ++this.stepIndex;
    const timestamp = this.timestampOf(step);
    const deadline = timestamp + BigInt(this.scenario.blockSeconds);
    if (this.vestingAgents.length > 0) await this.readVesting();

    const base = {
      step,
      block: this.market.blockNumber + 1n,
      timestamp,
      blockSeconds: this.scenario.blockSeconds,
      mode: this.scenario.mode,
      curve: this.curveState(),
      pool: this.poolState(),
      history: { curve: this.history.curve.slice(), pool: this.history.pool.slice() },
      gas: this.gasTerms(),
    };
    const quoter = this.quoter();
    const observation = (agent: WorldAgent): Observation => ({ ...base, self: this.viewOf(agent) });

    // participants: every turn first (what-ifs need an empty pending block), then their calls go in ahead of the trades
    const turn: ParticipantTurn = {
      step,
      block: base.block,
      timestamp,
      curve: base.curve,
      pool: base.pool,
      lastRow: this.lastRow,
      world: this,
    };
    const turns: { participant: Participant; calls: RawCall[] }[] = [];
    for (const participant of this.participants) turns.push({ participant, calls: await participant.turn(turn) });
    const calls: { call: RawCall; tx: SentTx | undefined; error?: string }[] = [];
    for (const { calls: list } of turns) for (const call of list) calls.push(await this.sendCall(call));

    const order = this.orderRng.shuffle(this.agents);
    const pending: Pending[] = [];

    // decide and act
    for (const agent of order) {
      const obs = observation(agent);
      for (let j = 0; j < agent.behaviours.length; j++) {
        const { behaviour, rng } = agent.behaviours[j]!;
        const ctx: DecideContext = { rng, quoter };
        const intents = await behaviour.step(obs, ctx);
        for (const intent of intents) pending.push(await this.submit(agent, j, intent, deadline));
      }
    }
    // priority mode: behaviours that read the pending block react to it
    if (this.reacts) {
      const visible = await this.readPendingBlock();
      for (const agent of order) {
        for (let j = 0; j < agent.behaviours.length; j++) {
          const { behaviour, rng } = agent.behaviours[j]!;
          if (behaviour.react === undefined) continue;
          const others = visible.filter((p) => p.agentId !== agent.id);
          const intents = await behaviour.react(observation(agent), others, { rng, quoter });
          for (const intent of intents) pending.push(await this.submit(agent, j, intent, deadline));
        }
      }
    }

    // mine
    const sent = pending.filter((p) => p.tx !== undefined);
    const sentCalls = calls.filter((c) => c.tx !== undefined).map((c) => c.tx!);
    const receipts = await this.sender.mine([...sentCalls, ...sent.map((p) => p.tx!)], timestamp);
    const flows = emptyFlows();
    const poolFeeBps = Number(this.market.poolFeeBps);
    const events: TxEvent[] = [];
    const gas: GasRecord[] = [];
    const outcomes = new Map<Behaviour, IntentOutcome[]>();
    let reverts = 0;
    let gasUsed = 0n;
    const receiptOf = new Map<Hex, MinedReceipt>(receipts.map((r) => [r.hash, r]));

    // record the participants' calls like agent transactions (a trading agent that votes pays its own gas)
    const callResults: RawCallResult[] = [];
    for (const { call, tx, error: refusal } of calls) {
      const agent = this.agentById(call.agent);
      if (tx === undefined) {
        events.push({
          step,
          agent: call.agent,
          behaviour: call.role,
          contract: call.contract,
          fn: call.fn,
          hash: "0x",
          status: "rejected",
          gasUsed: 0n,
          error: refusal,
          ...(call.note === undefined ? {} : { note: call.note }),
        });
        callResults.push({
          call,
          status: "rejected",
          hash: "0x",
          gasUsed: 0n,
          blockNumber: 0n,
          timestamp,
          logs: [],
          error: refusal,
        });
        reverts++;
        continue;
      }
      const r = receiptOf.get(tx.hash)!;
      this.ledger.apply(r.logs, flows, poolFeeBps);
      let error: string | undefined;
      if (r.status === "reverted") {
        error = await this.sender.revertReason(r.hash, this.abis);
        reverts++;
      }
      if (agent !== undefined) {
        agent.gasWei += r.gasUsed * r.effectiveGasPrice;
        agent.gasUsed += r.gasUsed;
        agent.txs++;
        if (error !== undefined) agent.reverts++;
      }
      gasUsed += r.gasUsed;
      const failure = error === undefined ? {} : { error };
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
        ...(call.note === undefined ? {} : { note: call.note }),
      });
      gas.push({
        step,
        agent: call.agent,
        behaviour: call.role,
        policy: this.scenario.policy,
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

    // record
    for (const p of pending) {
      const behaviour = p.agent.behaviours[p.behaviourIndex]!.behaviour;
      const list = outcomes.get(behaviour) ?? [];
      outcomes.set(behaviour, list);
      if (p.tx === undefined) {
        events.push({
          step,
          agent: p.agent.id,
          behaviour: p.behaviour,
          intent: p.intent,
          contract: "",
          fn: p.intent.kind,
          hash: "0x",
          status: "rejected",
          gasUsed: 0n,
          error: p.error,
        });
        list.push({ intent: p.intent, status: "reverted", gasUsed: 0n, gasCostWei: 0n, error: p.error });
        p.agent.reverts++;
        reverts++;
        continue;
      }
      const r = receiptOf.get(p.tx.hash)!;
      this.ledger.apply(r.logs, flows, poolFeeBps);
      const costWei = r.gasUsed * r.effectiveGasPrice;
      p.agent.gasWei += costWei;
      p.agent.gasUsed += r.gasUsed;
      p.agent.txs++;
      gasUsed += r.gasUsed;
      let error: string | undefined;
      if (r.status === "reverted") {
        error = await this.sender.revertReason(r.hash, this.abis);
        p.agent.reverts++;
        reverts++;
      }
      events.push({
        step,
        agent: p.agent.id,
        behaviour: p.behaviour,
        intent: p.intent,
        contract: p.tx.contract,
        fn: p.tx.fn,
        hash: r.hash,
        status: r.status,
        gasUsed: r.gasUsed,
        ...(error === undefined ? {} : { error }),
      });
      gas.push({
        step,
        agent: p.agent.id,
        behaviour: p.behaviour,
        policy: this.scenario.policy,
        contract: p.tx.contract,
        fn: p.tx.fn,
        gasUsed: Number(r.gasUsed),
        status: r.status,
      });
      list.push({
        intent: p.intent,
        status: r.status,
        gasUsed: r.gasUsed,
        gasCostWei: costWei,
        ...(error === undefined ? {} : { error }),
      });
    }

    const before = this.market;
    this.setMarket(await readMarket(this.chain, this.abis, this.addresses));
    this.pushHistory(before);
    const curve = this.market.curvePriceWad;
    const pool = this.market.poolPriceWad;
    for (const agent of this.agents) {
      for (const { behaviour } of agent.behaviours) {
        if (behaviour.settle === undefined) continue;
        behaviour.settle({
          step,
          outcomes: outcomes.get(behaviour) ?? [],
          self: this.viewOf(agent),
          curvePriceWad: curve,
          poolPriceWad: pool,
        });
      }
    }

    const m = this.market;
    const row: StepRow = {
      step: BigInt(step),
      block: m.blockNumber,
      time: BigInt(step * this.scenario.blockSeconds),
      curvePriceWad: curve,
      poolPriceWad: pool,
      gapBps: curve === 0n || pool === 0n ? 0n : ((pool - curve) * 10_000n) / curve,
      supply: m.supply,
      reserve: m.reserve,
      treasuryQuote: m.treasuryBalance + m.treasuryAccrued,
      solvencyWad: m.solvencyWad === MAX_UINT256 ? 0n : m.solvencyWad,
      curveVolumeQuote: flows.curveVolumeQuote,
      poolVolumeQuote: flows.poolVolumeQuote,
      curveFeesQuote: flows.curveFeesQuote,
      poolFeesQuote: flows.poolFeesQuote,
      txs: BigInt(pending.length + calls.length),
      reverts: BigInt(reverts),
      gasUsed,
    };
    this.lastRow = row;
    let at = 0;
    for (const { participant, calls: list } of turns) {
      const mine = callResults.slice(at, at + list.length);
      at += list.length;
      await participant.settle?.(mine, turn);
    }
    return { row, events, gas };
  }

  private async sendCall(call: RawCall): Promise<{ call: RawCall; tx: SentTx | undefined; error?: string }> {
    try {
      const tx = await this.sender.send({
        from: call.from,
        to: call.to,
        data: call.data,
        gas: call.gas,
        contract: call.contract,
        fn: call.fn,
      });
      this.onSent?.(this.stepIndex, tx);
      return { call, tx };
    } catch (error) {
      if (error instanceof NodeLostError) throw error;
      return {
        call,
        tx: undefined,
        error: `rejected by the node: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      };
    }
  }

  private async submit(agent: WorldAgent, behaviourIndex: number, intent: Intent, deadline: bigint): Promise<Pending> {
    const label = agent.behaviours[behaviourIndex]!.behaviour.label;
    const call = encodeIntent(intent, agent.address, deadline, this.addresses);
    try {
      const tx = await this.sender.send({
        from: agent.address,
        to: call.to,
        data: call.data,
        gas: GAS_LIMITS[intent.kind],
        priorityFeeWei: intent.priorityFeeWei,
        contract: call.contract,
        fn: call.fn,
      });
      this.onSent?.(this.stepIndex, tx);
      return { agent, behaviour: label, behaviourIndex, intent, tx };
    } catch (error) {
      if (error instanceof NodeLostError) throw error;
      return {
        agent,
        behaviour: label,
        behaviourIndex,
        intent,
        tx: undefined,
        error: `rejected by the node: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      };
    }
  }

  private async readPendingBlock(): Promise<PendingTx[]> {
    const block = await this.chain.request<{
      transactions: {
        hash: Hex;
        from: string;
        to: string | null;
        input: Hex;
        maxPriorityFeePerGas?: Hex;
        gasPrice?: Hex;
      }[];
    }>("eth_getBlockByNumber", ["pending", true]);
    const agentByAddress = new Map(this.agents.map((a) => [a.address.toLowerCase(), a.id]));
    const out: PendingTx[] = [];
    for (const tx of block.transactions) {
      const intent = decodeIntent(tx.to, tx.input, this.abis, this.addresses);
      if (intent === undefined) continue;
      const agentId = agentByAddress.get(tx.from.toLowerCase());
      out.push({
        hash: tx.hash,
        from: tx.from as Address,
        ...(agentId === undefined ? {} : { agentId }),
        intent,
        priorityFeeWei: BigInt(tx.maxPriorityFeePerGas ?? tx.gasPrice ?? "0x0"),
      });
    }
    return out;
  }

  private async readVesting(): Promise<void> {
    const data = encodeFunctionData({
      abi: this.abis.byContract.lens,
      functionName: "vestingOf",
      args: [this.addresses.vesting, this.vestingAgents.map((a) => a.address)],
    });
    const result = await this.chain.request<Hex>("eth_call", [{ to: this.addresses.lens, data }, "latest"]);
    const [claimable, locked] = decodeFunctionResult({
      abi: this.abis.byContract.lens,
      functionName: "vestingOf",
      data: result,
    }) as readonly [readonly bigint[], readonly bigint[]];
    this.vestingAgents.forEach((a, i) => {
      a.claimable = claimable[i]!;
      a.locked = locked[i]!;
    });
  }

  private pushHistory(m: MarketRead): void {
    const limit = this.scenario.output.historyLength;
    this.history.curve.push(m.curvePriceWad);
    this.history.pool.push(m.poolPriceWad);
    if (this.history.curve.length > limit) {
      this.history.curve.shift();
      this.history.pool.shift();
    }
  }

  /** Every agent's balances read from the chain, to check the ledger (exact to the wei). */
  async reconcile(): Promise<string[]> {
    const onChain = await readHoldings(
      this.chain,
      this.abis,
      this.addresses,
      this.agents.map((a) => a.address),
    );
    const problems: string[] = [];
    this.agents.forEach((a, i) => {
      const mine = this.ledger.holdingsOf(a.address);
      const chain = onChain[i]!;
      for (const field of ["tokens", "quote", "lp"] as const) {
        if (mine[field] !== chain[field])
          problems.push(`${a.id}.${field}: ledger ${mine[field]}, chain ${chain[field]}`);
      }
    });
    return problems;
  }
}

/** The market, the pool and the treasury at the latest block, in one lens call. */
export async function readMarket(chain: Chain, abis: SystemAbis, at: SystemAddresses): Promise<MarketRead> {
  const data = encodeFunctionData({
    abi: abis.byContract.lens,
    functionName: "marketState",
    args: [at.market, at.pool, at.quote, at.treasury],
  });
  const result = await chain.request<Hex>("eth_call", [{ to: at.lens, data }, "latest"]);
  return decodeFunctionResult({
    abi: abis.byContract.lens,
    functionName: "marketState",
    data: result,
  }) as unknown as MarketRead;
}

async function readHoldings(chain: Chain, abis: SystemAbis, at: SystemAddresses, accounts: Address[]) {
  if (accounts.length === 0) return [];
  const data = encodeFunctionData({
    abi: abis.byContract.lens,
    functionName: "holdings",
    args: [at.token, at.quote, at.pool, at.vesting, accounts],
  });
  const result = await chain.request<Hex>("eth_call", [{ to: at.lens, data }, "latest"]);
  return decodeFunctionResult({ abi: abis.byContract.lens, functionName: "holdings", data: result }) as unknown as {
    tokens: bigint;
    quote: bigint;
    lp: bigint;
    claimable: bigint;
    locked: bigint;
  }[];
}

function buildPoolState(m: MarketRead): PoolState {
  return {
    reserveToken: m.poolReserveToken,
    reserveQuote: m.poolReserveQuote,
    feeBps: Number(m.poolFeeBps),
    priceWad: m.poolPriceWad,
    totalLiquidity: m.poolLiquidity,
  };
}
