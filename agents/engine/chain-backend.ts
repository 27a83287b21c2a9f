// The engine on a chain. Intents become transactions with fixed gas limits and explicit fees, sent into
// the pending block; the block is mined at the step's timestamp; receipts are fetched together. The
// state agents observe comes from the mechanisms' twins, read once from the chain and then moved by
// the events of the run's receipts in block order (and the agents' holdings by their Transfer
// events), so a block costs no read beyond its receipts. Every `verifyEvery` blocks, and when a run
// ends, the twins are checked against the chain field by field: a difference is an error naming the
// block and the field.

import { type AbiEvent, type Address, decodeFunctionResult, encodeFunctionData, getAddress, type Hex } from "viem";

import { ArenaError } from "../core/errors.ts";
import { ModelRevert } from "../core/model-revert.ts";
import type { PendingTx } from "../behaviours/behaviour.ts";
import type { Chain } from "../chain/chain.ts";
import { NodeLostError } from "../chain/errors.ts";
import { inChunks, type SystemAbis, type SystemAddresses } from "../chain/system.ts";
import { type MinedReceipt, type SentTx, type TxRequest, TxSender } from "../chain/tx-sender.ts";
import type { ChainReadContext, FollowContext, Flows, TwinDifference } from "../mechanisms/mechanism.ts";
import { decodeIntent, MECHANISM_OF_KIND, mechanismsDeployed } from "../mechanisms/registry.ts";
import type { AnyMechanism } from "../mechanisms/mechanism.ts";
import { type Holdings } from "../mechanisms/vocabulary.ts";
import { applyContext } from "./apply-context.ts";
import type { AgentsById, Backend, EngineAgent, PendingCall, PendingIntent } from "./backend.ts";
import { Ledger, type LedgerAsset } from "./ledger.ts";
import type { RawCall } from "./participants.ts";

/** How often the twins are checked against the chain by default (and always when a run ends). */
export const DEFAULT_VERIFY_EVERY = 256;

/** The twins and the chain disagree: a bug in a twin, or something outside the run moved the chain. */
export class TwinDisagreement extends ArenaError {
  readonly block: bigint;
  readonly differences: readonly TwinDifference[];
  constructor(block: bigint, differences: readonly TwinDifference[]) {
    super(
      `at block ${block} the harness's twins disagree with the chain: ` +
        differences.map((d) => `${d.field}: twin ${d.twin}, chain ${d.chain}`).join("; ") +
        ". Either something outside this run sent transactions to these contracts, or a mechanism's twin " +
        "(agents/mechanisms/<id>/) does not follow one of its contract's changes: report it with the scenario and seed.",
    );
    this.block = block;
    this.differences = differences;
  }
}

/** Balances of one account as ArenaLens.holdings reads them. */
export interface LensHoldings {
  tokens: bigint;
  quote: bigint;
  lp: bigint;
  claimable: bigint;
  locked: bigint;
}

export interface ChainBackendOptions {
  /** Check the twins against the chain every this many blocks (and at the end). */
  verifyEvery?: number;
  /**
   * Move to a fresh in-process chain with the same state after every this many transactions (memory
   * stays bounded: EDR keeps every block's state). Only a run that holds no snapshot may rotate (a
   * battle, not a what-if or an experiment run reverted to its set-up).
   */
  rotateEvery?: number;
}

/** A battle's default rotation: every this many transactions. */
export const DEFAULT_ROTATE_EVERY = 10_000;

interface BlockHeader {
  number: bigint;
  timestamp: bigint;
  baseFee: bigint;
  gasUsed: bigint;
  gasLimit: bigint;
}

export class ChainBackend implements Backend {
  readonly chain: Chain;
  readonly abis: SystemAbis;
  readonly addresses: SystemAddresses;
  readonly twins: Map<string, unknown>;
  /** The mechanisms the deployment holds (an optional one only when its genesis enabled it), in registry order. */
  readonly mechanisms: readonly AnyMechanism[];
  private readonly ledger: Ledger;
  private readonly sender: TxSender;
  private readonly treasury: Holdings;
  /** Holders of positions the mechanisms keep by holder (vesting beneficiaries), for reads and checks. */
  private readonly holders: { key: string; address: Address }[];
  /** Every agent's account (set by create), whose positions staking reads and checks. */
  private accounts: readonly Address[] = [];
  private readonly verifyEvery: number;
  private latest: BlockHeader;
  private blocksSinceCheck = 0;
  private readonly rotation: { every: number; since: number; impersonate: Address[] } | undefined;
  /** Times the run moved to a fresh chain. */
  rotations = 0;
  /** Sees every transaction as it is sent (the harness benchmark replays them raw). */
  onSent?: (tx: SentTx) => void;

  private constructor(
    chain: Chain,
    abis: SystemAbis,
    addresses: SystemAddresses,
    twins: Map<string, unknown>,
    ledger: Ledger,
    treasury: Holdings,
    holders: { key: string; address: Address }[],
    latest: BlockHeader,
    priorityFeeWei: bigint,
    options: ChainBackendOptions,
  ) {
    this.chain = chain;
    this.abis = abis;
    this.addresses = addresses;
    this.twins = twins;
    this.mechanisms = mechanismsDeployed(addresses);
    this.ledger = ledger;
    this.treasury = treasury;
    this.holders = holders;
    this.latest = latest;
    this.verifyEvery = options.verifyEvery ?? DEFAULT_VERIFY_EVERY;
    this.rotation =
      options.rotateEvery === undefined || chain.rotate === undefined
        ? undefined
        : { every: options.rotateEvery, since: 0, impersonate: [] };
    this.sender = new TxSender(chain, { maxFeePerGas: 10n ** 12n, priorityFeeWei });
  }

  /**
   * A backend over the system deployed at `addresses`, as the chain holds it now, with the holdings of
   * `accounts` tracked from a lens read (returned in their order, as the live objects the ledger moves).
   */
  static async create(
    chain: Chain,
    abis: SystemAbis,
    addresses: SystemAddresses,
    accounts: readonly Address[],
    priorityFeeWei: bigint,
    options: ChainBackendOptions = {},
  ): Promise<{ backend: ChainBackend; holdings: Holdings[]; positions: LensHoldings[] }> {
    const mechanisms = mechanismsDeployed(addresses);
    const assets: LedgerAsset[] = [
      { address: addresses.token, field: "tokens" },
      { address: addresses.quote, field: "quote" },
      ...mechanisms.flatMap((m) =>
        m.position === undefined ? [] : [{ address: addresses[m.position.contract]!, field: m.position.field }],
      ),
    ];
    const ledger = new Ledger(assets);
    const [read, header] = await Promise.all([
      readHoldings(chain, abis, addresses, [...accounts, addresses.treasury, addresses.market]),
      latestHeader(chain),
    ]);
    const holdings = accounts.map((a, i) => ledger.track(a, strip(read[i]!)));
    await readOtherPositions(chain, abis, addresses, mechanisms, accounts, holdings);
    const treasury = ledger.track(addresses.treasury, strip(read[accounts.length]!));
    ledger.track(addresses.market, strip(read[accounts.length + 1]!));
    const positions = read.slice(0, accounts.length);
    const holders = accounts.flatMap((address, i) =>
      positions[i]!.claimable + positions[i]!.locked > 0n ? [{ key: holderKey(address), address }] : [],
    );
    const ctx: ChainReadContext = { chain, abis, addresses, holders, accounts, timestamp: header.timestamp };
    const twins = new Map<string, unknown>();
    for (const m of mechanisms) twins.set(m.id, await m.chain.read(ctx));
    const backend = new ChainBackend(
      chain,
      abis,
      addresses,
      twins,
      ledger,
      treasury,
      holders,
      header,
      priorityFeeWei,
      options,
    );
    backend.accounts = accounts;
    if (backend.rotation !== undefined) {
      backend.rotation.impersonate = [...accounts];
      // What the chain holds before the run (deployment, set-up) is read once; the run's own receipts are fed as they come.
      chain.harvest!.addEvents(
        Object.values(abis.byContract).flatMap((abi) => abi.filter((item): item is AbiEvent => item.type === "event")),
      );
      await chain.harvest!.scan(chain.request);
    }
    return { backend, holdings, positions };
  }

  get latestBlock(): bigint {
    return this.latest.number;
  }

  get latestTimestamp(): bigint {
    return this.latest.timestamp;
  }

  get baseFeeWei(): bigint {
    return this.latest.baseFee;
  }

  get treasuryBalanceQuote(): bigint {
    return this.treasury.quote;
  }

  /* SENDING */

  async submit(item: PendingIntent, deadline: bigint, agents: AgentsById): Promise<void> {
    const m = MECHANISM_OF_KIND.get(item.intent.kind)!;
    const call = m.intents.encode(item.intent, {
      agent: item.agent.address,
      deadline,
      addresses: this.addresses,
      addressOf: (id) => agents.get(id)?.address,
    });
    item.contract = call.contract;
    item.fn = call.fn;
    this.enqueue(item, {
      from: item.agent.address,
      to: call.to,
      data: call.data,
      gas: m.intents.gasLimit[item.intent.kind],
      priorityFeeWei: item.intent.priorityFeeWei,
      contract: call.contract,
      fn: call.fn,
    });
  }

  async sendCall(call: RawCall): Promise<PendingCall> {
    const pending: PendingCall = { call };
    this.enqueue(pending, {
      from: call.from,
      to: call.to,
      data: call.data,
      gas: call.gas,
      contract: call.contract,
      fn: call.fn,
    });
    return pending;
  }

  /* SENDING: queued as they come, sent in one batch before anything reads the pending block */

  private queue: { owner: PendingIntent | PendingCall; tx: TxRequest }[] = [];

  private enqueue(owner: PendingIntent | PendingCall, tx: TxRequest): void {
    this.queue.push({ owner, tx });
  }

  /**
   * Sends every queued transaction, in order. On the in-process chain they go in one batch call; when
   * the node refuses one (the batch then fails), the pending block says which went in, and the rest are
   * sent one by one, so each refusal is recorded as the unbatched send would record it. A node over
   * HTTP gets them one by one.
   */
  private async flush(): Promise<void> {
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    const prepared = queue.map((q) => ({ ...q, ...this.sender.prepare(q.tx) }));
    if (!this.chain.inProcess || prepared.length === 1) {
      for (const q of prepared) await this.sendOne(q.owner, q.tx);
      return;
    }
    let hashes: Hex[] | undefined;
    try {
      hashes = await this.chain.batch<Hex>(
        prepared.map((q) => ({ method: "eth_sendTransaction", params: [q.request] })),
      );
    } catch (error) {
      if (error instanceof NodeLostError) throw error;
    }
    if (hashes !== undefined) {
      prepared.forEach((q, i) => this.accept(q.owner, { ...q.tx, hash: hashes[i]!, priorityFeeWei: q.priorityFeeWei }));
      return;
    }
    const fresh = (await this.pendingTransactions()).filter((t) => !this.sentHashes.has(t.hash));
    for (const q of prepared) {
      const at = fresh.findIndex(
        (t) => t.from.toLowerCase() === q.tx.from.toLowerCase() && t.input === q.tx.data && BigInt(t.gas) === q.tx.gas,
      );
      if (at >= 0) {
        this.accept(q.owner, { ...q.tx, hash: fresh[at]!.hash, priorityFeeWei: q.priorityFeeWei });
        fresh.splice(at, 1);
      } else await this.sendOne(q.owner, q.tx);
    }
  }

  /** Hashes sent since the last block was mined. */
  private readonly sentHashes = new Set<Hex>();

  private accept(owner: PendingIntent | PendingCall, tx: SentTx): void {
    sentOf.set(owner, tx);
    this.sentHashes.add(tx.hash);
    this.onSent?.(tx);
  }

  /** Sends one transaction; the node's refusal is recorded on its owner (a lost node is thrown). */
  private async sendOne(owner: PendingIntent | PendingCall, request: TxRequest): Promise<void> {
    try {
      this.accept(owner, await this.sender.send(request));
    } catch (error) {
      if (error instanceof NodeLostError) throw error;
      owner.rejected = `rejected by the node: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
    }
  }

  /** The pending block's transactions, in nonce order per sender. */
  private async pendingTransactions(): Promise<{ hash: Hex; from: string; input: Hex; gas: Hex; nonce: Hex }[]> {
    const block = await this.chain.request<{
      transactions: { hash: Hex; from: string; input: Hex; gas: Hex; nonce: Hex }[];
    }>("eth_getBlockByNumber", ["pending", true]);
    return [...block.transactions].sort((a, b) =>
      a.from === b.from ? Number(BigInt(a.nonce) - BigInt(b.nonce)) : a.from < b.from ? -1 : 1,
    );
  }

  async pendingBlock(
    _items: readonly PendingIntent[],
    agentOf: (address: string) => string | undefined,
  ): Promise<PendingTx[]> {
    await this.flush();
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
    const ctx = { abis: this.abis, addresses: this.addresses, agentOf };
    const out: PendingTx[] = [];
    for (const tx of block.transactions) {
      if (tx.to === null) continue;
      const intent = decodeIntent(getAddress(tx.to), tx.input, ctx);
      if (intent === undefined) continue;
      const agentId = agentOf(tx.from);
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

  /* MINING */

  async mine(
    timestamp: bigint,
    deadline: bigint,
    calls: readonly PendingCall[],
    items: readonly PendingIntent[],
    flows: Flows,
    agents: AgentsById,
  ): Promise<void> {
    await this.flush();
    this.sentHashes.clear();
    const sent: { owner: PendingCall | PendingIntent; tx: SentTx }[] = [];
    for (const owner of [...calls, ...items]) {
      const tx = sentOf.get(owner);
      if (tx !== undefined) sent.push({ owner, tx });
    }
    const before = this.latest;
    const receipts = await this.sender.mine(
      sent.map((s) => s.tx),
      timestamp,
    );
    // Follow every receipt in the order the chain executed them.
    const ticketOf = new Map<MinedReceipt, number | undefined>();
    receipts.forEach((r, i) => {
      const owner = sent[i]!.owner;
      ticketOf.set(r, "ticket" in owner ? owner.ticket : undefined);
    });
    const executed = [...receipts].sort((a, b) =>
      a.blockNumber === b.blockNumber
        ? a.transactionIndex - b.transactionIndex
        : a.blockNumber < b.blockNumber
          ? -1
          : 1,
    );
    // A reverted trade's error, predicted by the twins replaying the block (checked against every status); traced otherwise.
    const predicted = receipts.some((r) => r.status === "reverted")
      ? this.predictReverts(executed, (r) => sent[receipts.indexOf(r)]!.owner, timestamp, deadline, agents)
      : undefined;
    const ctx: FollowContext & { ticket: number | undefined } = {
      flows,
      ticket: undefined,
      timestamp,
      addresses: this.addresses,
      balanceOf: (asset, account) => this.ledger.holdingsOf(account)[asset === "token" ? "tokens" : "quote"],
    };
    const owners = this.ownersByAddress();
    for (const r of executed) {
      ctx.ticket = ticketOf.get(r);
      ctx.timestamp = r.timestamp;
      for (const log of r.logs) {
        this.ledger.apply(log);
        const m = owners.get(log.address.toLowerCase());
        if (m !== undefined) m.chain.follow(this.twins.get(m.id), log, ctx);
      }
      for (const m of this.mechanisms) m.chain.afterReceipt?.(this.twins.get(m.id), ctx);
    }
    // Results, with the decoded error of every revert.
    for (let i = 0; i < receipts.length; i++) {
      const r = receipts[i]!;
      const owner = sent[i]!.owner;
      const error =
        r.status === "reverted"
          ? (predicted?.get(r) ?? (await this.sender.revertReason(r.hash, this.abis)))
          : undefined;
      const result = {
        status: r.status,
        gasUsed: r.gasUsed,
        gasCostWei: r.gasUsed * r.effectiveGasPrice,
        hash: r.hash,
        ...(error === undefined ? {} : { error }),
      };
      if ("ticket" in owner) owner.result = result;
      else owner.result = { ...result, blockNumber: r.blockNumber, timestamp: r.timestamp, logs: r.logs };
    }
    this.advanceClock(before, timestamp, receipts);
    if (++this.blocksSinceCheck >= this.verifyEvery) await this.verify();
    if (this.rotation !== undefined) await this.feedAndRotate(sent, receipts);
  }

  /** Feeds the chain's harvest this block's transactions and receipts; past `rotateEvery` transactions, moves to a fresh chain. */
  private async feedAndRotate(sent: readonly { tx: SentTx }[], receipts: readonly MinedReceipt[]): Promise<void> {
    const harvest = this.chain.harvest!;
    receipts.forEach((r, i) => {
      const tx = sent[i]!.tx;
      harvest.observeTransaction({ from: tx.from, to: tx.to });
      harvest.observeReceipt({ from: tx.from, to: tx.to, contractAddress: r.contractAddress ?? null, logs: r.logs });
    });
    harvest.markScanned(this.latest.number);
    const rotation = this.rotation!;
    rotation.since += receipts.length;
    if (rotation.since < rotation.every) return;
    rotation.since = 0;
    await this.chain.rotate!(rotation.impersonate);
    this.rotations++;
  }

  /**
   * The errors of the block's reverted trades as the twins predict them: the block replayed in the
   * chain's order on copies of the twins and of the senders' holdings (before this block's logs move
   * them). Used only when the twins agree with every transaction's status and the block holds agents'
   * intents alone, in one block; otherwise undefined, and each revert is traced.
   */
  private predictReverts(
    executed: readonly MinedReceipt[],
    ownerOf: (r: MinedReceipt) => PendingCall | PendingIntent,
    timestamp: bigint,
    deadline: bigint,
    agents: AgentsById,
  ): Map<MinedReceipt, string> | undefined {
    if (executed.some((r) => r.blockNumber !== executed[0]!.blockNumber)) return undefined;
    const twins = new Map(
      [...this.twins].map(([id, twin]) => [id, this.mechanisms.find((m) => m.id === id)!.model.clone(twin)]),
    );
    const holdings = new Map<string, Holdings>();
    const copyOf = (agent: EngineAgent): Holdings => {
      let h = holdings.get(agent.id);
      if (h === undefined) holdings.set(agent.id, (h = { ...agent.holdings }));
      return h;
    };
    const ctx = applyContext(twins, agents, copyOf);
    const flows: Flows = {};
    for (const m of this.mechanisms) for (const column of m.flows) flows[column] = 0n;
    const errors = new Map<MinedReceipt, string>();
    for (const r of executed) {
      const owner = ownerOf(r);
      if (!("ticket" in owner)) return undefined;
      const agent = owner.agent;
      const h = copyOf(agent);
      const m = MECHANISM_OF_KIND.get(owner.intent.kind)!;
      let status: "success" | "reverted" = "success";
      try {
        m.model.apply(
          twins.get(m.id),
          { address: agent.address, key: agent.key, holdings: h },
          owner.intent,
          { timestamp, deadline, ticket: owner.ticket },
          flows,
          ctx,
        );
      } catch (error) {
        if (!(error instanceof ModelRevert)) return undefined;
        status = "reverted";
        errors.set(r, error.message);
      }
      if (status !== r.status) return undefined;
    }
    return errors;
  }

  /** The latest block after a step: its number and timestamp, and its base fee by EIP-1559 from its parent's. */
  private advanceClock(before: BlockHeader, timestamp: bigint, receipts: readonly MinedReceipt[]): void {
    let last = before.number + 1n;
    for (const r of receipts) if (r.blockNumber > last) last = r.blockNumber;
    let header = before;
    for (let n = before.number + 1n; n <= last; n++) {
      let gasUsed = 0n;
      for (const r of receipts) if (r.blockNumber === n) gasUsed += r.gasUsed;
      header = {
        number: n,
        timestamp: timestamp + (n - before.number - 1n),
        baseFee: nextBaseFee(header),
        gasUsed,
        gasLimit: header.gasLimit,
      };
    }
    this.latest = header;
  }

  private ownersByAddress() {
    const owners = new Map<string, AnyMechanism>();
    for (const m of this.mechanisms) for (const role of m.contracts) owners.set(this.addresses[role]!.toLowerCase(), m);
    return owners;
  }

  /* CHECKS */

  /** Checks every twin, the clock and the treasury's balance against the chain; throws TwinDisagreement on any difference. */
  async verify(): Promise<void> {
    this.blocksSinceCheck = 0;
    const ctx: ChainReadContext = {
      chain: this.chain,
      abis: this.abis,
      addresses: this.addresses,
      holders: this.holders,
      accounts: this.accounts,
      timestamp: this.latest.timestamp,
    };
    const [header, treasury, ...perMechanism] = await Promise.all([
      latestHeader(this.chain),
      readHoldings(this.chain, this.abis, this.addresses, [this.addresses.treasury]),
      ...this.mechanisms.map((m) => m.chain.verify(this.twins.get(m.id), ctx)),
    ]);
    const differences: TwinDifference[] = perMechanism.flat();
    const differ = (field: string, mine: bigint, chain: bigint) => {
      if (mine !== chain) differences.push({ field, twin: String(mine), chain: String(chain) });
    };
    // The latest block's own header: eth_call runs without a base fee, so a lens would read 0.
    differ("block.number", this.latest.number, header.number);
    differ("block.timestamp", this.latest.timestamp, header.timestamp);
    differ("block.baseFee", this.latest.baseFee, header.baseFee);
    differ("treasury.quote", this.treasury.quote, treasury[0]!.quote);
    if (differences.length > 0) throw new TwinDisagreement(header.number, differences);
  }

  /** Every tracked account's balances read from the chain, against the ledger (exact to the wei). */
  async reconcile(agents: readonly { id: string; address: Address; holdings: Holdings }[]): Promise<string[]> {
    const onChain = await readHoldings(
      this.chain,
      this.abis,
      this.addresses,
      agents.map((a) => a.address),
    );
    const others = onChain.map(strip);
    await readOtherPositions(
      this.chain,
      this.abis,
      this.addresses,
      this.mechanisms,
      agents.map((a) => a.address),
      others,
    );
    const problems: string[] = [];
    agents.forEach((a, i) => {
      const chain = onChain[i]!;
      for (const field of ["tokens", "quote", "lp"] as const) {
        if (a.holdings[field] !== chain[field])
          problems.push(`${a.id}.${field}: ledger ${a.holdings[field]}, chain ${chain[field]}`);
      }
      if (a.holdings.staked !== others[i]!.staked)
        problems.push(`${a.id}.staked: ledger ${a.holdings.staked}, chain ${others[i]!.staked}`);
    });
    return problems;
  }
}

/** The transaction each pending item became, kept off the item so records never carry it. */
const sentOf = new WeakMap<PendingIntent | PendingCall, SentTx>();

/** The holder key of a chain account (engine/holders.ts keys accounts by address). */
export function holderKey(address: Address): string {
  return `address:${address.toLowerCase()}`;
}

function strip(h: LensHoldings): Holdings {
  return { tokens: h.tokens, quote: h.quote, lp: h.lp };
}

/**
 * The positions the lens's holdings leave out (an optional mechanism's: staking's), each from its
 * position contract's balanceOf, into `holdings` (in the order of `accounts`), in one batch per mechanism.
 */
async function readOtherPositions(
  chain: Chain,
  abis: SystemAbis,
  addresses: SystemAddresses,
  mechanisms: readonly AnyMechanism[],
  accounts: readonly Address[],
  holdings: readonly Holdings[],
): Promise<void> {
  for (const m of mechanisms) {
    if (m.position === undefined || m.position.field === "lp") continue;
    const { contract, field } = m.position;
    const abi = abis.byContract.quote;
    const results = await chain.batch<Hex>(
      accounts.map((account) => ({
        method: "eth_call",
        params: [
          {
            to: addresses[contract],
            data: encodeFunctionData({ abi, functionName: "balanceOf", args: [account] }),
          },
          "latest",
        ],
      })),
    );
    results.forEach((data, i) => {
      holdings[i]![field] = decodeFunctionResult({ abi, functionName: "balanceOf", data }) as bigint;
    });
  }
}

/**
 * Token, quote and LP balances and vesting of each account, in their order: one lens call per
 * LENS_ACCOUNTS_PER_CALL accounts (a call's gas is capped), all at the same latest block.
 */
export async function readHoldings(
  chain: Chain,
  abis: SystemAbis,
  at: SystemAddresses,
  accounts: readonly Address[],
): Promise<LensHoldings[]> {
  if (accounts.length === 0) return [];
  const results = await chain.batch<Hex>(
    inChunks(accounts).map((chunk) => ({
      method: "eth_call",
      params: [
        {
          to: at.lens,
          data: encodeFunctionData({
            abi: abis.byContract.lens,
            functionName: "holdings",
            args: [at.token, at.quote, at.pool, at.vesting, chunk],
          }),
        },
        "latest",
      ],
    })),
  );
  return results.flatMap(
    (data) =>
      decodeFunctionResult({ abi: abis.byContract.lens, functionName: "holdings", data }) as unknown as LensHoldings[],
  );
}

async function latestHeader(chain: Chain): Promise<BlockHeader> {
  const block = await chain.request<{ number: Hex; timestamp: Hex; baseFeePerGas?: Hex; gasUsed: Hex; gasLimit: Hex }>(
    "eth_getBlockByNumber",
    ["latest", false],
  );
  return {
    number: BigInt(block.number),
    timestamp: BigInt(block.timestamp),
    baseFee: BigInt(block.baseFeePerGas ?? "0x0"),
    gasUsed: BigInt(block.gasUsed),
    gasLimit: BigInt(block.gasLimit),
  };
}

/** EIP-1559: the base fee of the block after `parent` (elasticity 2, change denominator 8). */
export function nextBaseFee(parent: Pick<BlockHeader, "baseFee" | "gasUsed" | "gasLimit">): bigint {
  const target = parent.gasLimit / 2n;
  if (target === 0n || parent.gasUsed === target) return parent.baseFee;
  if (parent.gasUsed > target) {
    const delta = (parent.baseFee * (parent.gasUsed - target)) / target / 8n;
    return parent.baseFee + (delta > 1n ? delta : 1n);
  }
  return parent.baseFee - (parent.baseFee * (target - parent.gasUsed)) / target / 8n;
}
