// Workers run TypeScript the way Hardhat's CLI does: tsx's ESM loader, registered in the worker's own
// thread (loader hooks are per thread), then the TypeScript entry named in workerData. This is the one
// place that knows how a worker loads .ts.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
