// `npx hardhat anvil [--port 8545] [--mode sequential|priority]`: starts Anvil (Foundry's node, the
// binary of the npm package @foundry-rs/anvil) on 127.0.0.1 with the flags a battle needs, for
// `--network localhost`, and runs until Ctrl-C. The flags and their reasons are in agents/chain/anvil.ts.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import type { OrderingMode } from "../agents/core/types.ts";
import { ANVIL_DEFAULTS, anvilArgs, startAnvil } from "../agents/chain/anvil.ts";
import { assertPortFree, NodeStartError } from "../agents/chain/local-node.ts";

interface AnvilTaskArguments {
  port: number;
  mode: string;
}

const MODES: readonly string[] = ["sequential", "priority"];

export default async function anvilTask(args: AnvilTaskArguments, _hre: HardhatRuntimeEnvironment) {
  if (!MODES.includes(args.mode)) {
    const message = `--mode must be sequential or priority (the scenario's mode), got "${args.mode}"`;
    console.error(message);
    return errorResult(message);
  }
  if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65_535) {
    const message = `--port must be a port number (1 to 65535), got ${args.port}`;
    console.error(message);
    return errorResult(message);
  }
  const options = { host: ANVIL_DEFAULTS.host, port: args.port, mode: args.mode as OrderingMode };
  try {
    await assertPortFree(options.host, options.port, "bin/arena anvil");
  } catch (error) {
    if (!(error instanceof NodeStartError)) throw error;
    console.error(`anvil: ${error.message}`);
    return errorResult(error.message);
  }
  console.error(
    `anvil ${anvilArgs(options)
      .map((arg) => (arg.includes(" ") ? `"${arg}"` : arg))
      .join(" ")}`,
  );
  const anvil = await startAnvil({ ...options, stdio: "inherit" });
  // Ctrl-C reaches Anvil too (same process group); this process waits for it to stop.
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  process.on("SIGTERM", () => anvil.process.kill("SIGTERM"));
  const code = await new Promise<number | null>((resolve) => anvil.process.once("exit", (c) => resolve(c)));
  process.removeListener("SIGINT", ignore);
  return code === 0 || code === null ? successfulResult(anvil.url) : errorResult(`anvil exited with code ${code}`);
}
