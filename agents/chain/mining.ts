// A node's mining mode, and who may use the node. A battle turns automine off and mines every block
// itself, so while one runs, the node has automine off and the step's transactions pending: anything
// else sent there would wait for the battle's next block, or forever once the battle stopped. So a
// battle refuses a node that is not idle (automine on, nothing pending) before sending anything, and
// puts the mode back when it ends; deploy and the lifecycle commands refuse a busy node the same way;
// and a transaction whose receipt does not come within the timeout is dropped from a local node, so
// it cannot be mined later by someone else's block.

import { ArenaError } from "../core/errors.ts";

type Request = <T>(method: string, params?: unknown[]) => Promise<T>;

export interface MiningMode {
  /** Whether the node mines each transaction as it arrives; undefined when the node cannot say. */
  automine: boolean | undefined;
  /** Hashes of the transactions in its pending block (sent, not mined). */
  pending: string[];
}

/** The node's automine setting (Hardhat's and Anvil's `hardhat_getAutomine`, else `anvil_getAutomine`) and its pending transactions. */
export async function readMiningMode(request: Request): Promise<MiningMode> {
  let automine: boolean | undefined;
  for (const method of ["hardhat_getAutomine", "anvil_getAutomine"]) {
    try {
      automine = Boolean(await request<boolean>(method));
      break;
    } catch {
      // Not this node's method: try the next one.
    }
  }
  return { automine, pending: await pendingTransactions(request) };
}

/** Hashes of the transactions in the node's pending block (none when it has no pending block to show). */
export async function pendingTransactions(request: Request): Promise<string[]> {
  try {
    const block = await request<{ transactions?: (string | { hash: string })[] } | null>("eth_getBlockByNumber", [
      "pending",
      false,
    ]);
    return (block?.transactions ?? []).map((tx) => (typeof tx === "string" ? tx : tx.hash));
  } catch {
    return [];
  }
}

/** What makes the node busy ("automine off and 1 pending transaction"), or undefined when it is idle. */
export function busyState(mode: MiningMode): string | undefined {
  const parts: string[] = [];
  if (mode.automine === false) parts.push("automine off");
  const n = mode.pending.length;
  if (n > 0) parts.push(`${n} pending transaction${n === 1 ? "" : "s"} (first ${mode.pending[0]})`);
  return parts.length === 0 ? undefined : parts.join(" and ");
}

/** The node is in use by something that mines its own blocks (a battle, an evaluation), or was left so. */
export class NodeBusyError extends ArenaError {
  readonly mode: MiningMode;

  /** `where` names the node ("the node at http://127.0.0.1:8545"); `action` what was refused ("propose"). */
  constructor(where: string, action: string, mode: MiningMode) {
    super(
      `${where} has ${busyState(mode)}: another battle or evaluation may be running on it, or one was killed ` +
        "before it could turn automine back on. Wait for it to finish, or restart the node (or send it " +
        `\`evm_setAutomine true\` and mine or drop the pending transactions); ${action} sent nothing`,
    );
    this.mode = mode;
  }
}

/** Throws NodeBusyError unless the node has automine on (or cannot say) and nothing pending; returns the mode. */
export async function assertNodeIdle(request: Request, where: string, action: string): Promise<MiningMode> {
  const mode = await readMiningMode(request);
  if (busyState(mode) !== undefined) throw new NodeBusyError(where, action, mode);
  return mode;
}

/**
 * Drops pending transactions from a local node's mempool (`hardhat_dropTransaction`, or Anvil's
 * `anvil_dropTransaction`), so they are never mined; returns the hashes it dropped.
 */
export async function dropTransactions(request: Request, hashes: readonly string[]): Promise<string[]> {
  const dropped: string[] = [];
  for (const hash of hashes) {
    for (const method of ["hardhat_dropTransaction", "anvil_dropTransaction"]) {
      try {
        // Hardhat answers false, Anvil null, for a transaction it does not hold (mined already).
        const answer = await request<unknown>(method, [hash]);
        if (answer !== false && answer !== null) dropped.push(hash);
        break;
      } catch {
        // Not this node's method: try the next one.
      }
    }
  }
  return dropped;
}
