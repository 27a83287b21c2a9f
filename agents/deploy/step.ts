// One step of a deployment, declared by the part of the system it belongs to (a mechanism's folder,
// or system-steps.ts for the quote token and governance): what it deploys or calls, how many
// transactions it sends for a genesis — which the deploy runner checks and the fast model's timeline
// adds up, block by block — and the work itself, through a DeployContext that hides how transactions
// are sent.

import type { Address } from "viem";

import type { AccountRef } from "../core/document-reader.ts";
import type { Genesis } from "../mechanisms/vocabulary.ts";

/** A revert decoded from the contracts' errors: `Name(arg=value, …)`. */
export interface DecodedRevert {
  name: string;
  args: Record<string, unknown>;
  /** `Name(arg=value, …)`. */
  text: string;
}

/** A contract a step deploys: its role in the deployment and its artifact. */
export interface DeployedContract {
  name: string;
  artifact: string;
}

/** What a step may do: deploy, call, read, resolve accounts; every transaction is mined before it returns. */
export interface DeployContext {
  readonly genesis: Genesis;
  readonly networkName: string;
  readonly chainId: bigint;
  readonly deployer: Address;
  /** Every contract deployed (or adopted, for an existing quote token) so far, by role. */
  readonly addresses: Record<string, Address>;
  /** The guardian's address, resolved before the first step. */
  readonly guardian: Address;
  /** An account reference as an address: the deployer, the treasury (the Timelock), the guardian, account:N or an address. */
  account(ref: AccountRef, path: string): Address;
  /** Whether `address` is an account of the node this deployment can send from. */
  canSend(address: Address): boolean;
  /** Deploys the artifact with `args` from the deployer; records it under `name`. */
  deploy(name: string, artifact: string, args: readonly unknown[]): Promise<Address>;
  /** Calls `fn` of the artifact at `to` (a role or an address), from the deployer or `from`. */
  send(to: string, artifact: string, fn: string, args: readonly unknown[], from?: Address): Promise<void>;
  /** A view of the artifact at `to`. */
  read(to: string, artifact: string, fn: string, args?: readonly unknown[]): Promise<unknown>;
  /** Code at an address ("0x" when none). */
  code(address: Address): Promise<string>;
  /** The latest block's timestamp. */
  latestTimestamp(): Promise<number>;
  /** The deployer's next nonce, counting pending transactions. */
  nonce(): Promise<number>;
}

export interface DeployStep {
  /** "pool-seed": the deployment file keeps its transactions under this name. */
  name: string;
  /** The contract it deploys or calls, for messages. */
  contract: string;
  /** The contracts it deploys, by role. */
  deploys?: readonly DeployedContract[];
  /** Transactions it sends for this genesis; 0 skips the step (but a `check` still runs). */
  transactions(genesis: Genesis): number;
  /** Checks that send nothing, run before the step's transactions (and for a skipped step). */
  always?: boolean;
  /** An optional mechanism's step (registry.ts optionalSteps): false skips it entirely, `always` included, and its transactions count for nothing. */
  enabled?(genesis: Genesis): boolean;
  /** Does the work and says what it did, for the deploy's progress lines. */
  run(ctx: DeployContext): Promise<string>;
  /** A hint to add to a revert of this step ("raise the reserve to …"). */
  hint?(revert: DecodedRevert, genesis: Genesis): string | undefined;
}
