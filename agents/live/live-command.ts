// `--live` and `--live-keep` on a command (battle, experiment) and `view`: start the live server, print
// its address, and when the work ends either stop it (--live) or keep serving until Ctrl-C
// (--live-keep, and `view`). A Ctrl-C that stopped the work stops the server with it.

import { type LiveServer, type LiveServerOptions, type LiveSource, LiveServer as Server } from "./server.ts";

export interface LiveCommand {
  server: LiveServer;
  /** The work ended: stops the server, or with `keep` (and not `interrupted`) serves on until Ctrl-C or SIGTERM. */
  finish(outcome: { interrupted: boolean; keep: boolean; reason?: string; stop?: AbortSignal }): Promise<void>;
}

/** Starts a live server for `source` and prints `live view: http://127.0.0.1:PORT/`. */
export async function startLiveCommand(
  command: string,
  source: LiveSource,
  options: LiveServerOptions = {},
): Promise<LiveCommand> {
  const server = await Server.start(source, options);
  console.log(`live view: ${server.url}`);
  return {
    server,
    async finish({ interrupted, keep, reason, stop }) {
      if (keep && !interrupted) {
        await server.refresh();
        console.log(`${command}: the live view stays open at ${server.url}; Ctrl-C stops it`);
        await untilStopped(stop);
        await server.close("stopped with Ctrl-C");
        return;
      }
      await server.close(reason ?? (interrupted ? "the run was stopped" : "the run ended"));
    },
  };
}

/** Resolves at the first SIGINT or SIGTERM (or when `stop` aborts), and stops listening for them. */
export function untilStopped(stop?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.removeListener("SIGINT", done);
      process.removeListener("SIGTERM", done);
      stop?.removeEventListener("abort", done);
      resolve();
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
    if (stop?.aborted) done();
    else stop?.addEventListener("abort", done);
  });
}
