// Workers run TypeScript the way Hardhat's CLI does: tsx's ESM loader, registered in the worker's own
// thread (loader hooks are per thread), then the TypeScript entry: named in workerData for a worker
// thread, in the first argument for a child process (the chain engine's workers, see worker-pool.ts).
// This is the one place that knows how a worker loads .ts.
import { isMainThread, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

if (isMainThread) {
  // A child process: Ctrl-C reaches the whole process group, and the parent decides what stops (it
  // keeps what finished and ends its workers); a parent that is gone takes its workers with it.
  process.on("SIGINT", () => undefined);
  process.on("disconnect", () => process.exit(0));
}
register();
await import(isMainThread ? process.argv[2] : workerData.entry);
