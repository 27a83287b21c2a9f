// What stops a step of the proposal lifecycle before anything is sent: the chain is not the one the
// deployment file names, the proposal is not in a state for this step, or the account cannot act.
// Each message says what is wrong and what to do. (A proposal's own problems are ProposalRefused,
// in changes.ts, which lists every one of them.)

import { LOCAL_CHAIN_IDS } from "../deploy/network-guard.ts";

export class GovernanceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GovernanceError";
  }
}

/** A lifecycle step refused before sending: `vote`, `queue`, `execute` or `advance`. */
export class ActionRefused extends GovernanceError {
  readonly action: string;

  constructor(action: string, reason: string) {
    super(`${action} refused before sending: ${reason}`);
    this.name = "ActionRefused";
    this.action = action;
  }
}

/** Sending to a chain that is not local needs --allow-live, as deploying does. */
export class LiveGovernanceError extends GovernanceError {
  constructor(action: string, networkName: string, chainId: bigint) {
    super(
      `network "${networkName}" has chain id ${chainId}, which is not a local chain (${LOCAL_CHAIN_IDS.join(", ")}): ` +
        `${action} sends a real transaction from your account. Pass --allow-live to confirm.`,
    );
    this.name = "LiveGovernanceError";
  }
}

/** Every error a governance task reports as a message alone (no stack trace). */
export function isGovernanceUserError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    ["GovernanceError", "ActionRefused", "LiveGovernanceError", "ProposalRefused", "DeploymentFileError"].includes(
      error.name,
    )
  );
}
