// Starting a local node (`bin/arena node`, `bin/arena anvil`): where it listens, and a port that is
// taken. A development node's accounts are unlocked and their keys are public, so it listens on the
// loopback interface unless the user asks for another one (Hardhat's own default is 0.0.0.0 inside a
// Docker container, which would open those accounts to the network).

import { createServer } from "node:net";

import { ArenaError } from "../core/errors.ts";

/** Where a local node listens unless told otherwise: this machine only. */
export const LOOPBACK = "127.0.0.1";

/** A local node cannot listen where it was asked to. */
export class NodeStartError extends ArenaError {}

/**
 * Resolves when `host:port` can be listened on (by trying it, then letting it go); otherwise a
 * NodeStartError naming the port and the fix. `command` is how the user started the node ("bin/arena node").
 */
export async function assertPortFree(host: string, port: number, command: string): Promise<void> {
  const server = createServer();
  const problem = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host, port, exclusive: true }, () => resolve(undefined));
  });
  if (problem === undefined) {
    await new Promise((resolve) => server.close(resolve));
    return;
  }
  const where = `${host}:${port}`;
  switch (problem.code) {
    case "EADDRINUSE":
      throw new NodeStartError(
        `port ${port} on ${host} is already in use (another node, perhaps one started earlier, listens on ${where}): ` +
          `stop it, or start this one on another port with \`${command} --port ${port === 8545 ? 8546 : port + 1}\` ` +
          "(--network localhost expects 127.0.0.1:8545)",
        { cause: problem },
      );
    case "EACCES":
      throw new NodeStartError(
        `not allowed to listen on ${where} (ports below 1024 need root): use a port from 1024 to 65535, e.g. \`${command} --port 8545\``,
        { cause: problem },
      );
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
      throw new NodeStartError(
        `cannot listen on ${where}: ${host} is not an address of this machine; give --hostname 127.0.0.1 (this machine only) or one of its addresses`,
        { cause: problem },
      );
    default:
      throw new NodeStartError(`cannot listen on ${where}: ${problem.message}`, { cause: problem });
  }
}
