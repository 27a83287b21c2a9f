// The one list of mechanisms, the one order of the deployment's steps, and what the engine derives
// from them: intent kinds and their gas limits, calldata both ways, steps.csv's columns. The types
// assembled from the mechanisms are in vocabulary.ts. Adding a mechanism adds its lines here and there
// and nothing elsewhere.

import { AGENT_COLUMNS, type AgentColumn, type OptionalAgentColumn } from "../core/records.ts";
import type { DeployStep } from "../deploy/step.ts";
import { delegateStep, fundStep, governorStep, quoteStep, rolesStep, timelockStep } from "../deploy/system-steps.ts";
import { buybackPoolStep, buybackStep } from "./buyback/deploy.ts";
import { buyback } from "./buyback/mechanism.ts";
import { genesisStep, marketStep, tokenStep } from "./market/deploy.ts";
import { market } from "./market/mechanism.ts";
import type { Address, Hex } from "viem";

import {
  type AnyMechanism,
  COLUMN_GROUPS,
  type DecodeContext,
  type EncodedCall,
  type GenesisSections,
  type SendContext,
} from "./mechanism.ts";
import { poolSeedStep, poolStep } from "./pool/deploy.ts";
import { pool } from "./pool/mechanism.ts";
import { resourceStep } from "./resource/deploy.ts";
import { resource } from "./resource/mechanism.ts";
import { stakingStep } from "./staking/deploy.ts";
import { staking } from "./staking/mechanism.ts";
import { consumersStep, parametersStep, sealStep, storeStep } from "./store/deploy.ts";
import { vestingStep } from "./vesting/deploy.ts";
import { vesting } from "./vesting/mechanism.ts";
import { HEAD_COLUMNS, type Intent, type IntentKind, type StepColumn, TAIL_COLUMNS } from "./vocabulary.ts";

/* THE MECHANISMS, in the order the engine visits them */

export const MECHANISMS: readonly AnyMechanism[] = [market, pool, vesting, staking, resource, buyback];

/** Every deployed contract's role (the `deploys` of the deploy steps below). */
export type ContractName =
  | "quote"
  | "timelock"
  | "store"
  | "token"
  | "market"
  | "governor"
  | "pool"
  | "vesting"
  | OptionalContractName;

/* DEPLOYMENT: every step in the one order that works (each needs the addresses of those before it) */

export const DEPLOY_STEPS: readonly DeployStep[] = [
  quoteStep,
  timelockStep,
  storeStep,
  parametersStep,
  ...optionalSteps(buyback, [buybackStep]), // the market's treasury: it names the token and the market, which come next
  tokenStep, // the token names the market's address before the market exists: the market must come next
  marketStep,
  governorStep,
  rolesStep,
  poolStep,
  ...optionalSteps(buyback, [buybackPoolStep]), // a pool venue, once the pool exists
  ...optionalSteps(staking, [stakingStep]), // reads its parameters from the store: after them, and before their consumers
  ...optionalSteps(resource, [resourceStep]), // the same
  consumersStep,
  sealStep,
  vestingStep,
  fundStep,
  genesisStep,
  poolSeedStep,
  delegateStep,
];

/** Contracts only a genesis with the mechanism's section deploys (the deploy steps of `optionalSteps`). */
export type OptionalContractName = "staking" | "resource" | "buyback";

/* OPTIONAL MECHANISMS: deployed, approved, followed and recorded only when the genesis has their section */

/** The mechanisms a genesis deploys, in registry order: those without `enabled`, and those it enables. */
export function mechanismsFor(genesis: GenesisSections): readonly AnyMechanism[] {
  return MECHANISMS.filter((m) => m.enabled === undefined || m.enabled(genesis));
}

/**
 * The mechanisms a deployment holds, in registry order: those whose every contract has an address. The
 * same as `mechanismsFor` of its genesis, since an optional mechanism's steps run exactly when it is enabled.
 */
export function mechanismsDeployed(addresses: Readonly<Partial<Record<string, string>>>): readonly AnyMechanism[] {
  return MECHANISMS.filter((m) => m.contracts.every((role) => addresses[role] !== undefined));
}

/** The mechanisms that have a twin (a backend holds one for each mechanism it runs), in registry order. */
export function mechanismsWithTwins(twins: ReadonlyMap<string, unknown>): readonly AnyMechanism[] {
  return MECHANISMS.filter((m) => twins.has(m.id));
}

/** An optional mechanism's deploy steps: they run, and count in the model's timeline, only when it is enabled. */
export function optionalSteps(m: AnyMechanism, steps: readonly DeployStep[]): DeployStep[] {
  const enabled = m.enabled;
  if (enabled === undefined) throw new Error(`optionalSteps: mechanism "${m.id}" has no enabled(genesis)`);
  return steps.map((step) => ({ ...step, enabled: (genesis) => enabled(genesis) }));
}

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

/** Columns of steps.csv for a run of these mechanisms, in order. */
export function stepColumnsOf(mechanisms: readonly AnyMechanism[]): readonly StepColumn[] {
  return [
    ...HEAD_COLUMNS,
    ...COLUMN_GROUPS.flatMap((group) =>
      mechanisms.flatMap((m) => m.columns.filter((c) => c.group === group).map((c) => c.name as StepColumn)),
    ),
    ...TAIL_COLUMNS,
  ];
}

/** Columns of agents.csv for a run of these mechanisms: every run's, with an optional position (staked) after `lp`. */
export function agentColumnsOf(mechanisms: readonly AnyMechanism[]): readonly (AgentColumn | OptionalAgentColumn)[] {
  const extra = mechanisms.flatMap((m) =>
    m.position === undefined || m.position.field === "lp" ? [] : [m.position.field as OptionalAgentColumn],
  );
  const at = AGENT_COLUMNS.indexOf("lp") + 1;
  return [...AGENT_COLUMNS.slice(0, at), ...extra, ...AGENT_COLUMNS.slice(at)];
}

/** Columns every steps.csv has (those of the mechanisms every genesis deploys), in order. */
export const STEP_COLUMNS: readonly StepColumn[] = stepColumnsOf(MECHANISMS.filter((m) => m.enabled === undefined));
