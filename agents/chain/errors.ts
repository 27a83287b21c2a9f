// What can stop a battle, each with what happened and what to do about it.

import { displayUrl, redactUrls } from "../core/display-url.ts";
import { ArenaError, messageOf } from "../core/errors.ts";

export class BattleError extends ArenaError {}

/** The node did not answer the first request. The URL is shown without credentials, path or query (displayUrl). */
export class NodeUnreachableError extends BattleError {
  constructor(networkName: string, url: string, cause: unknown) {
    super(
      `cannot reach the node of network "${networkName}" at ${displayUrl(url)}: ${redactUrls(messageOf(cause))}. ` +
        (networkName === "localhost"
          ? "Start one with `npx hardhat node` (or `bin/arena node`) in another terminal, or drop --network to run on the in-process chain."
          : "Check the URL in hardhat.config.ts and that the node is running."),
      { cause },
    );
  }
}

/** The node stopped answering during the battle (the message goes into summary.json: the URL is shown as displayUrl shows it). */
export class NodeLostError extends BattleError {
  readonly method: string;
  constructor(method: string, url: string, cause: unknown) {
    super(`lost the node at ${displayUrl(url)} during ${method}: ${redactUrls(messageOf(cause))}`, { cause });
    this.method = method;
  }
}

/** What stopped a battle before its last block, with how much of it is recorded; `cause` is what stopped it. */
export class BattleStopped extends BattleError {
  readonly stepsRecorded: number;
  readonly dir: string;
  constructor(cause: unknown, stepsRecorded: number, blocks: number, dir: string) {
    super(`${redactUrls(messageOf(cause))}\n${stepsRecorded} of ${blocks} blocks are recorded in ${dir}`, { cause });
    this.stepsRecorded = stepsRecorded;
    this.dir = dir;
  }
}

/** The battle was asked to stop (Ctrl-C, SIGTERM). */
export class BattleInterrupted extends BattleError {
  /** The shell's status for the signal: 130 for SIGINT, 143 for SIGTERM. */
  readonly exitCode: number;
  constructor(signal: string, exitCode = 130) {
    super(`interrupted by ${signal}`);
    this.exitCode = exitCode;
  }
}

const CONNECTION_CODES = [
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
];

/** A NodeLostError when `error` is a connection failure (refused, reset, closed), undefined for any other error. */
export function toNodeLostError(error: unknown, method: string, url: string): NodeLostError | undefined {
  if (isConnectionFailure(error)) return new NodeLostError(method, url, error);
  return undefined;
}

function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (depth > 6 || typeof error !== "object" || error === null) return false;
  const record = error as Record<string, unknown>;
  if (typeof record.code === "string" && CONNECTION_CODES.includes(record.code)) return true;
  const message = typeof record.message === "string" ? record.message : "";
  if (
    /ECONNREFUSED|ECONNRESET|socket hang up|other side closed|fetch failed|Cannot connect to the network/i.test(message)
  )
    return true;
  return isConnectionFailure(record.cause, depth + 1) || isConnectionFailure(record.parent, depth + 1);
}
