// `bin/arena node [--hostname H] [--port N]` (`npx hardhat node`), overridden: listens on 127.0.0.1 unless
// --hostname says otherwise (Hardhat alone picks 0.0.0.0 inside Docker, exposing the node's unlocked
// accounts), refuses a port that is taken or a --network hardhat.config.ts does not define with a
// message and no stack trace, then runs Hardhat's own node task.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { TaskArguments } from "hardhat/types/tasks";
import { errorResult } from "hardhat/utils/result";

import { assertPortFree, LOOPBACK } from "../agents/chain/local-node.ts";
import { assertKnownNetwork } from "../agents/chain/network-guard.ts";
import { ArenaError } from "../agents/core/errors.ts";

export default async function nodeTask(
  args: TaskArguments,
  hre: HardhatRuntimeEnvironment,
  runSuper: (args: TaskArguments) => Promise<unknown>,
) {
  // Hardhat's node task declares both: hostname without a default, port 8545 by default.
  const hostname = typeof args.hostname === "string" ? args.hostname : LOOPBACK;
  const port = Number(args.port);
  try {
    assertKnownNetwork(hre.config.networks, hre.globalOptions.network);
    await assertPortFree(hostname, port, "bin/arena node");
  } catch (error) {
    if (error instanceof ArenaError) {
      console.error(`node: ${error.message}`);
      return errorResult(error.message);
    }
    throw error;
  }
  return runSuper({ ...args, hostname });
}
