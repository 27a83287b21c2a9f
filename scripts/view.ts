// `bin/arena view <folder> [--port N]` (`npx hardhat view`): serves a live view of a battle's run folder
// (finished, or still being written by a battle in another process) or of an experiment's results
// folder on 127.0.0.1, until Ctrl-C. The work is in agents/live/.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { ArenaError } from "../agents/core/errors.ts";
import { startLiveCommand, untilStopped } from "../agents/live/live-command.ts";
import { LiveViewError } from "../agents/live/server.ts";
import { sourceForFolder } from "../agents/live/sources.ts";

interface ViewTaskArguments {
  folder: string;
  port: string;
}

export default async function viewTask(args: ViewTaskArguments, _hre: HardhatRuntimeEnvironment) {
  try {
    const port = args.port === "" ? undefined : Number(args.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65_535))
      throw new LiveViewError(
        `--port: expected a port from 1 to 65535, got ${JSON.stringify(args.port)}; leave it out for a free one`,
      );
    const source = sourceForFolder(args.folder);
    const live = await startLiveCommand("view", source, port === undefined ? {} : { port });
    console.log(`view: serving ${args.folder}; Ctrl-C stops it`);
    await untilStopped();
    await live.server.close("stopped with Ctrl-C");
    console.log("view: stopped");
    return successfulResult(args.folder);
  } catch (error) {
    if (error instanceof ArenaError) {
      console.error(`view: ${error.message}`);
      return errorResult(error.message);
    }
    throw error;
  }
}
