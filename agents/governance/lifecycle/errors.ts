// What stops a step of the proposal lifecycle before anything is sent: the chain is not the one the
// deployment file names, the proposal is not in a state for this step, or the account cannot act.
// Each message says what is wrong and what to do. (A proposal's own problems are ProposalRefused,
// in changes.ts, which lists every one of them.)

import { ArenaError } from "../../core/errors.ts";

export class GovernanceError extends ArenaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A lifecycle step refused before sending: `vote`, `queue`, `execute` or `advance`. */
export class ActionRefused extends GovernanceError {
  readonly action: string;

  constructor(action: string, reason: string) {
    super(`${action} refused before sending: ${reason}`);
    this.action = action;
  }
}
