// What can stop a battle, each with what happened and what to do about it.

import { LOCAL_CHAIN_IDS } from "../deploy/network-guard.ts";

export class BattleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BattleError";
  }
}

/** The node did not answer the first request. */
export class NodeUnreachableError extends BattleError {
  constructor(networkName: string, url: string, cause: unknown) {
    super(
      `cannot reach the node of network "${networkName}" at ${url}: ${messageOf(cause)}. ` +
        (networkName === "localhost"
          ? "Start one with `npx hardhat node` (or `bin/arena node`) in another terminal, or drop --network to run on the in-process chain."
          : "Check the URL in hardhat.config.ts and that the node is running."),
      { cause },
    );
    this.name = "NodeUnreachableError";
  }
}

/** The node stopped answering during the battle. */
export class NodeLostError extends BattleError {
  readonly method: string;
  constructor(method: string, url: string, cause: unknown) {
    super(`lost the node at ${url} during ${method}: ${messageOf(cause)}`, { cause });
    this.name = "NodeLostError";
    this.method = method;
  }
}

export class LiveBattleError extends BattleError {
  constructor(networkName: string, chainId: bigint) {
    super(
      `network "${networkName}" has chain id ${chainId}, which is not a local chain (${LOCAL_CHAIN_IDS.join(", ")}): ` +
        "a battle sends many real transactions. Pass --allow-live to confirm.",
    );
    this.name = "LiveBattleError";
  }
}

/** The battle was asked to stop (Ctrl-C). */
export class BattleInterrupted extends BattleError {
  constructor(signal: string) {
    super(`interrupted by ${signal}`);
    this.name = "BattleInterrupted";
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

/** The NodeLostError in `error` or its causes (viem wraps transport errors in its own). */
export function findNodeLost(error: unknown, depth = 0): NodeLostError | undefined {
  if (error instanceof NodeLostError) return error;
  if (depth > 6 || typeof error !== "object" || error === null) return undefined;
  return findNodeLost((error as { cause?: unknown }).cause, depth + 1);
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0]!;
  return String(error);
}
