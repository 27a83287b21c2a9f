// The one list of mechanisms, and the vocabulary assembled from them: what an agent observes is the
// step's clock plus one slice per mechanism; what it may ask for is the union of the mechanisms'
// intents. Adding a mechanism adds its line to each list here and nothing elsewhere.

import type { GasTermsOf, IntentBase, OrderingMode, StepClock } from "../core/types.ts";
import type { DeployStep } from "../deploy/step.ts";
import { delegateStep, fundStep, governorStep, quoteStep, rolesStep, timelockStep } from "../deploy/system-steps.ts";
import { genesisStep, marketStep, tokenStep } from "./market/deploy.ts";
import type { MarketIntent } from "./market/intents.ts";
import { market } from "./market/mechanism.ts";
import type { CurveState } from "./market/state.ts";
import type { Address, Hex } from "viem";

import {
  type AnyMechanism,
  COLUMN_GROUPS,
  type DecodeContext,
  type EncodedCall,
  type SendContext,
} from "./mechanism.ts";
import { poolSeedStep, poolStep } from "./pool/deploy.ts";
import type { PoolIntent } from "./pool/intents.ts";
import { pool } from "./pool/mechanism.ts";
import type { PoolState } from "./pool/state.ts";
import { consumersStep, parametersStep, sealStep, storeStep } from "./store/deploy.ts";
import { vestingStep } from "./vesting/deploy.ts";
import type { VestingIntent } from "./vesting/intents.ts";
import { vesting } from "./vesting/mechanism.ts";

export type { OrderingMode };

/* THE MECHANISMS, in the order the engine visits them */

export const MECHANISMS: readonly AnyMechanism[] = [market, pool, vesting];

/** Every deployed contract's role (the `deploys` of the deploy steps below). */
export type ContractName = "quote" | "timelock" | "store" | "token" | "market" | "governor" | "pool" | "vesting";

/* DEPLOYMENT: every step in the one order that works (each needs the addresses of those before it) */

export const DEPLOY_STEPS: readonly DeployStep[] = [
  quoteStep,
  timelockStep,
  storeStep,
  parametersStep,
  tokenStep, // the token names the market's address before the market exists: the market must come next
  marketStep,
  governorStep,
  rolesStep,
  poolStep,
  consumersStep,
  sealStep,
  vestingStep,
  fundStep,
  genesisStep,
  poolSeedStep,
  delegateStep,
];

/* INTENTS: one line per mechanism */

export type Intent = IntentBase & (MarketIntent | PoolIntent | VestingIntent);
export type IntentKind = Intent["kind"];
export const INTENT_KINDS: readonly IntentKind[] = MECHANISMS.flatMap((m) => m.intents.kinds as IntentKind[]);

/** The mechanism each intent kind goes to. */
export const MECHANISM_OF_KIND: ReadonlyMap<string, AnyMechanism> = new Map(
  MECHANISMS.flatMap((m) => (m.intents.kinds as string[]).map((kind) => [kind, m] as const)),
);

/** The call an intent becomes: its mechanism's encoding (arguments must be uint256 words: a RangeError otherwise). */
export function encodeIntent(intent: Intent, ctx: SendContext): EncodedCall {
  return MECHANISM_OF_KIND.get(intent.kind)!.intents.encode(intent, ctx);
}

/** The intent a transaction to one of the mechanisms' contracts carries; undefined for any other call. */
export function decodeIntent(to: Address, data: Hex, ctx: DecodeContext): Intent | undefined {
  for (const m of MECHANISMS) {
    try {
      const intent = m.intents.decode(to, data, ctx) as Intent | undefined;
      if (intent !== undefined) return intent;
    } catch {
      // calldata of another function of that contract
    }
  }
  return undefined;
}

/** Gas limit per intent kind: fixed, so no transaction needs an estimate. */
export const GAS_LIMITS: Readonly<Record<IntentKind, bigint>> = Object.assign(
  {},
  ...MECHANISMS.map((m) => m.intents.gasLimit),
) as Record<IntentKind, bigint>;

/* STEPS.CSV: the engine's columns around every mechanism's, grouped (prices, state, volumes, fees) */

const HEAD = ["step", "block", "time"] as const;
const TAIL = ["txs", "reverts", "gasUsed"] as const;

export type StepColumn =
  | (typeof HEAD)[number]
  | (typeof TAIL)[number]
  | (typeof market.columns)[number]["name"]
  | (typeof pool.columns)[number]["name"];
export type StepRow = Record<StepColumn, bigint>;

/** Columns of steps.csv, in order. */
export const STEP_COLUMNS: readonly StepColumn[] = [
  ...HEAD,
  ...COLUMN_GROUPS.flatMap((group) =>
    MECHANISMS.flatMap((m) => m.columns.filter((c) => c.group === group).map((c) => c.name as StepColumn)),
  ),
  ...TAIL,
];

/* WHAT AN AGENT SEES */

/** The trading venues, each with a price and a price history. */
export type Venue = "curve" | "pool";

/** What one agent holds at the start of the step: the two assets, and each mechanism's position token. */
export interface Holdings {
  tokens: bigint;
  quote: bigint;
  /** Pool LP shares. */
  lp: bigint;
}

export interface AgentView {
  id: string;
  address: `0x${string}`;
  holdings: Holdings;
  /** Vested tokens this agent can release now (all its schedules), 0 without a schedule. */
  claimable: bigint;
  /** Tokens still locked in its vesting schedules (allocated − released − claimable). */
  locked: bigint;
  /** Mark-to-market profit in quote units since the start of the run, net of gas. */
  pnlQuote: bigint;
}

/** Curve and pool prices of earlier steps, oldest first, most recent last (at most `historyLength`). */
export type PriceHistory = Readonly<Record<Venue, readonly bigint[]>>;

export type GasTerms = GasTermsOf<IntentKind>;

/** One step's view of the world. Everything is as of the last mined block. */
export interface Observation extends StepClock {
  curve: CurveState;
  pool: PoolState;
  history: PriceHistory;
  self: AgentView;
  /** What gas costs, for agents that weigh it. */
  gas: GasTerms;
}
