// Runs in a worker thread (through agents/experiment/worker-bootstrap.mjs): opens two chains on the
// thread's EdrContext and posts the block hashes of a few transfers on the second.

import { parentPort } from "node:worker_threads";

import { openEdrChain } from "../../agents/chain/edr-chain.ts";
import { transferBlocks } from "./raw-sequence.ts";

// Mocha loads every file under test/; only a worker thread runs this one.
if (parentPort !== null) {
  const first = await openEdrChain({ startTime: 1_767_225_600 });
  await first.close();
  const second = await openEdrChain({ startTime: 1_767_225_600 });
  const hashes = await transferBlocks(second.request);
  await second.close();
  parentPort.postMessage({ hashes, chains: 2 });
}
