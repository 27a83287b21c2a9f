// The one list of mechanisms, the one order of the deployment's steps, and what the engine derives
// from them: intent kinds and their gas limits, calldata both ways, steps.csv's columns. The types
// assembled from the mechanisms are in vocabulary.ts. Adding a mechanism adds its lines here and there
// and nothing elsewhere.

import type { DeployStep } from "../deploy/step.ts";
import { delegateStep, fundStep, governorStep, quoteStep, rolesStep, timelockStep } from "../deploy/system-steps.ts";
import { genesisStep, marketStep, tokenStep } from "./market/deploy.ts";
import { market } from "./market/mechanism.ts";
import type { Address, Hex } from "viem";

import {
  type AnyMechanism,
  COLUMN_GROUPS,
  type DecodeContext,
  type EncodedCall,
  type SendContext,
} from "./mechanism.ts";
import { poolSeedStep, poolStep } from "./pool/deploy.ts";
import { pool } from "./pool/mechanism.ts";
import { consumersStep, parametersStep, sealStep, storeStep } from "./store/deploy.ts";
import { vestingStep } from "./vesting/deploy.ts";
import { vesting } from "./vesting/mechanism.ts";
import { HEAD_COLUMNS, type Intent, type IntentKind, type StepColumn, TAIL_COLUMNS } from "./vocabulary.ts";

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

/* INTENTS */

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

/** Columns of steps.csv, in order. */
export const STEP_COLUMNS: readonly StepColumn[] = [
  ...HEAD_COLUMNS,
  ...COLUMN_GROUPS.flatMap((group) =>
    MECHANISMS.flatMap((m) => m.columns.filter((c) => c.group === group).map((c) => c.name as StepColumn)),
  ),
  ...TAIL_COLUMNS,
];
