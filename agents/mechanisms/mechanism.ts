// A mechanism is one contract of the arena (the bonding-curve market, the pool, vesting, ...) as the
// engine needs to know it, in one folder: what agents see of it, the intents they may send it (their
// calldata both ways and their gas limits), its twin (a bigint mirror of the contract, to the wei) and
// how the twin moves — by applying intents on the fast model, by following the contract's events on a
// chain — what it adds to each step's row, and how the twin is read from a chain and checked against
// it. The engine knows no mechanism by name: it loops over mechanisms/registry.ts.
//
// A twin is a mutable box owned by the engine (one per run). Methods take it as their first argument;
// a mechanism's own functions are written against its own twin and intent types, and the registry
// erases them to AnyMechanism.

import type { Abi, Address, Hex } from "viem";

import type { Chain } from "../chain/chain.ts";
import type { Reader, Unit } from "../core/document-reader.ts";
import type { SystemAbis, SystemAddresses } from "../chain/system.ts";
import type { IntentGas } from "./model-gas.ts";

/** A contract call an intent becomes. */
export interface EncodedCall {
  to: Address;
  data: Hex;
  /** Contract and function, for the gas profile. */
  contract: string;
  fn: string;
}

/** Who sends an intent, and until when it may be mined. The agent is always the recipient. */
export interface SendContext {
  agent: Address;
  /** The end of the step: calls that take a deadline revert after it. */
  deadline: bigint;
  addresses: SystemAddresses;
  /** The address of the run's agent with this scenario id (an intent naming another agent: a referrer). */
  addressOf?(agentId: string): Address | undefined;
}

export interface DecodeContext {
  abis: SystemAbis;
  addresses: SystemAddresses;
  /** The scenario id of the run's agent at this address (a decoded intent naming another agent). */
  agentOf?(address: string): string | undefined;
}

/** A receipt's log, as the node returns it. */
export interface RpcLog {
  address: string;
  topics: readonly Hex[];
  data: Hex;
}

/** What one step's transactions added up to, by step column (volumes and fees); zeroed every step. */
export type Flows = Record<string, bigint>;

/** The holdings an intent moves on the fast model (the sender's, mutated in place). */
export interface ModelSender {
  address: Address;
  /** Holder key (engine/holders.ts), for positions kept by holder, like vesting schedules. */
  key: string;
  holdings: { tokens: bigint; quote: bigint; lp: bigint; staked?: bigint };
}

/**
 * What an intent reaches on the fast model beyond its own twin and its sender: the run's other twins
 * (a referred buy moves the market's) and its other agents (a referral pays its referrer). Every engine
 * gives the same view: the fast model its live twins and holdings, a block preview and a revert
 * prediction their copies. A mechanism that moves another's twin does it through that twin's own
 * model methods, with that contract's checks, so the other mechanism's rules hold.
 */
export interface ApplyContext {
  /** Another mechanism's twin, by id; undefined when the run does not deploy it. */
  twin(id: string): unknown;
  /** The run's agent with this scenario id, its holdings to credit in place; undefined for no agent of the run. */
  agent(id: string): ModelSender | undefined;
}

/** The block an intent is mined in on the fast model. */
export interface ModelBlock {
  timestamp: bigint;
  /** The deadline the World would encode (the end of the step). */
  deadline: bigint;
  /** The engine's number for this intent, which a deferred intent's settlement names. */
  ticket: number;
}

/** What became of an intent on the fast model. */
export interface Mined {
  status: "success" | "reverted";
  gasUsed: bigint;
  error?: string;
}

/** What a mechanism's events may read while the engine follows a receipt: balances kept by the ledger. */
export interface FollowContext {
  flows: Flows;
  /** The engine's number for the intent whose receipt holds the log (undefined for a participant's call). */
  ticket: number | undefined;
  /** The timestamp of the block the receipt is in (staking accrues by it). */
  timestamp: bigint;
  addresses: SystemAddresses;
  /** The ledger's balance of an asset ("token", "quote") for a system account (the market, the pool, ...). */
  balanceOf(asset: "token" | "quote", account: Address): bigint;
}

/** Where a mechanism reads its state from a chain. */
export interface ChainReadContext {
  chain: Chain;
  abis: SystemAbis;
  addresses: SystemAddresses;
  /** The agents whose positions the mechanism keeps by holder (vesting schedules). */
  holders: readonly { key: string; address: Address }[];
  /** Every agent of the run (staking reads and checks each one's position). */
  accounts: readonly Address[];
  /** Timestamp of the latest block, which the reads see. */
  timestamp: bigint;
}

/** One field where a twin and the chain disagree. */
export interface TwinDifference {
  field: string;
  twin: string;
  chain: string;
}

/** How step columns are grouped in steps.csv: prices, then state, then volumes, then fees. */
export type ColumnGroup = "price" | "state" | "volume" | "fees";
export const COLUMN_GROUPS: readonly ColumnGroup[] = ["price", "state", "volume", "fees"];

export interface StepColumn {
  name: string;
  group: ColumnGroup;
  /** What it holds, with its unit (steps.csv's reference). */
  description: string;
}

/** What a step's row may read beyond the mechanism's own twin: every mechanism's slice, and the treasury. */
export interface RowContext {
  slices: Readonly<Record<string, unknown>>;
  flows: Flows;
  /** The treasury's own quote balance (the Timelock's), outside any mechanism. */
  treasuryBalanceQuote: bigint;
  /** The timestamp of the step's block (what accrues with time is valued at it). */
  timestamp: bigint;
}

/* GENESIS: a mechanism's fields of a genesis file */

/** A parsed genesis as a mechanism sees it without naming the whole Genesis type (vocabulary.ts imports this file). */
export type GenesisSections = object;

/** What an optional mechanism's twin starts from on the fast model. */
export interface ModelStartContext {
  genesis: GenesisSections;
  /** The timestamp of the block a deploy step's first transaction is mined in (one block per deployment transaction). */
  deployedAt(step: string): bigint;
}

/** A store parameter as a genesis file sets it: its key, unit, where its value is written, and the value. */
export interface ParameterField {
  key: string;
  unit: Unit;
  /** Where the genesis value is written (`curve.slope`). */
  valuePath: string;
  /** Undefined where the file's value was unusable (its problem is recorded). */
  value: bigint | undefined;
}

/** What a mechanism read of a genesis file, problems recorded on the reader. */
export interface GenesisRead<Section> {
  /** Its part of the Genesis; undefined when any of its fields was unusable. */
  section: Section | undefined;
  /** Its store parameters, in the order the store defines them. */
  parameters: readonly ParameterField[];
  /** Parameters whose keys cannot even be known (an unreadable curve kind): bounds given under this key prefix are not refused. */
  unknownKeys?: string;
  /** Tokens it mints at genesis besides the allocations (vesting's schedules, the pool's seed); undefined when unreadable. */
  minted?: bigint | undefined;
  /** The largest supply the genesis may mint, and the field that sets it (the market's maxSupply). */
  supplyCap?: { cap: bigint; name: string };
  /** Checks the bounds given for its parameters (every value governance may reach stays valid), recording problems. */
  checkBounds?(r: Reader, bounds: ReadonlyMap<string, { min: bigint; max: bigint }>): void;
  /** Checks what the genesis mints in all (allocations and every mechanism's `minted`, within the cap), recording problems. */
  checkGenesisSupply?(r: Reader, supply: bigint): void;
}

export interface GenesisPart<Section> {
  /** Its top-level fields of a genesis file. */
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** Reads its fields from the file's top level (absent ones were reported already). */
  read(r: Reader, top: Record<string, unknown>): GenesisRead<Section>;
}

export interface Mechanism<Twin, I extends { kind: string }, Slice extends object> {
  /** "market", "pool", "vesting". */
  readonly id: string;
  /** The deployed contracts it owns (roles of SystemAddresses): their logs are followed by it. */
  readonly contracts: readonly (keyof SystemAddresses)[];
  /** An ERC-20 position it issues to agents (the pool's LP shares) and the holdings field it fills. */
  readonly position?: { contract: keyof SystemAddresses; field: "lp" | "staked" };
  /** Its fields of a genesis file. */
  readonly genesis?: GenesisPart<unknown>;
  /** The assets it pulls from agents: every agent approves it for each at set-up, in this order. */
  readonly spends: readonly ("quote" | "token")[];
  /**
   * Whether a genesis deploys it (its section is there). Absent: always deployed. An optional mechanism
   * that a genesis leaves out is neither deployed nor approved, has no twin and adds no column, so every
   * run without it stays what it was; its deploy steps are wrapped by `optionalSteps` (registry.ts) and
   * its twin on the fast model comes from `model.start`.
   */
  enabled?(genesis: GenesisSections): boolean;

  /* WHAT AGENTS SEE */

  /** Its slice of the Observation, from the twin (built once per step, shared by every agent). */
  observe(twin: Twin): Slice;
  /** A trading venue's name and price in its slice: the engine keeps its price history. */
  readonly venue?: { name: string; priceWad(slice: Slice): bigint };
  /** Per-agent positions it keeps by holder (claimable and locked vesting), at `timestamp`. */
  agentPositions?(twin: Twin, holderKey: string, timestamp: bigint): { claimable: bigint; locked: bigint } | undefined;

  /* INTENTS */

  readonly intents: {
    readonly kinds: readonly I["kind"][];
    /** Gas limit per intent kind: fixed, so no transaction needs an estimate (about 2–3× the measured gas). */
    readonly gasLimit: Readonly<Record<I["kind"], bigint>>;
    /** The call the engine sends for the intent (arguments must be uint256 words: a RangeError otherwise). */
    encode(intent: I, ctx: SendContext): EncodedCall;
    /** The intent a pending transaction to one of its contracts carries; undefined when it is no intent of its. */
    decode(to: Address, data: Hex, ctx: DecodeContext): I | undefined;
    /** The intent's uint256 arguments, which the model checks as the encoder would. */
    words(intent: I): readonly bigint[];
    /**
     * Intents that settle in a later block (a batch auction's orders): the engine keeps their outcome
     * open and the mechanism reports it from `settlements` once it is known. Absent: every intent
     * settles in the block it is mined in.
     */
    readonly deferred?: readonly I["kind"][];
  };

  /* THE FAST MODEL */

  readonly model: {
    /**
     * Applies the intent to the twin and the sender's holdings, adding to `flows`; throws ModelRevert
     * where the contract reverts (and changes nothing). `ctx` reaches other twins and agents, for an
     * intent whose contract calls another mechanism's or pays another account.
     */
    apply(twin: Twin, sender: ModelSender, intent: I, block: ModelBlock, flows: Flows, ctx: ApplyContext): Mined;
    /** Gas of each kind's reverts on the model. */
    readonly gas: Readonly<Record<I["kind"], IntentGas>>;
    /** An independent copy of the twin (a trial on the chain's block predicts its reverts on copies). */
    clone(twin: Twin): Twin;
    /** An optional mechanism's twin as the genesis and set-up leave it on the fast model (the others' are built by model-setup.ts). */
    start?(ctx: ModelStartContext): Twin;
  };

  /* ON A CHAIN */

  readonly chain: {
    /** A twin of the contract as it stands on the chain now. */
    read(ctx: ChainReadContext): Promise<Twin>;
    /** Moves the twin by one log of one of its contracts (in block order), adding to `ctx.flows`. */
    follow(twin: Twin, log: RpcLog, ctx: FollowContext): void;
    /** After every receipt (its logs followed): state that moves with balances rather than events. */
    afterReceipt?(twin: Twin, ctx: FollowContext): void;
    /** Reads the contract now and lists every field where the twin differs from it. */
    verify(twin: Twin, ctx: ChainReadContext): Promise<TwinDifference[]>;
    /** ABI of its contracts' errors and events, merged into the revert decoder. */
    readonly abis?: readonly Abi[];
  };

  /**
   * Quote its contract has paid the treasury (the Timelock) since deployment (the buyback's collect).
   * The fast model's treasury balance is the sum of these; on a chain the ledger follows the transfers.
   */
  treasuryPaidQuote?(twin: Twin): bigint;

  /* EACH STEP */

  /** Called when a step starts, before anyone decides (the pool keeps its fee at the start, to value fees with). */
  beginStep?(twin: Twin): void;
  /** Its columns of steps.csv. */
  readonly columns: readonly StepColumn[];
  /** Which of its columns are flows (summed over the step's transactions, zeroed every step). */
  readonly flows: readonly string[];
  /** Its columns' values after the step's block (`slice`: its observation slice after the block). */
  row(twin: Twin, slice: Slice, ctx: RowContext): Record<string, bigint>;
  /** Deferred intents whose outcome became known this step (see `intents.deferred`). */
  settlements?(twin: Twin): readonly Settlement[];
}

/** A deferred intent's outcome, once its batch settles. */
export interface Settlement {
  /** The ticket of the intent (ModelBlock.ticket, FollowContext.ticket). */
  ticket: number;
  status: "success" | "reverted";
  /** Why it did not fill, when it did not. */
  error?: string;
  /** What it settled for (a fill: amounts in and out), kept in the event log. */
  note: string;
}

export type AnyMechanism = Mechanism<any, any, any>;
