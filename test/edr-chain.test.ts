// The direct EDR chain against Hardhat's own in-process network: the same provider configuration as
// Hardhat's getProviderConfig builds for the `default` network with agents/world/chain.ts's override
// (decoder aside), the same answers to the same raw transactions (hashes, receipts, reverts, block
// hashes and state roots), one EdrContext shared with Hardhat, and a chain inside a worker thread.

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

import { expect } from "chai";
import hre from "hardhat";

import {
  EdrChainClosedError,
  EdrRequestError,
  edrProviderConfig,
  freeClosedChains,
  liveEdrProviders,
  openEdrChain,
} from "../agents/chain/edr-chain.ts";
import { edrContext } from "../agents/chain/edr-context.ts";
import type { RequestFn } from "../agents/chain/edr-chain.ts";
import { runRawSequence, type SequenceRecord, transferBlocks } from "./helpers/raw-sequence.ts";

const START_TIME = 1_767_225_600;
const HARDHAT_INTERNALS = resolve("node_modules/hardhat/dist/src/internal");

/** agents/world/chain.ts's override of the default network. */
function hardhatOverride(order: "fifo" | "priority") {
  return {
    initialDate: new Date((START_TIME - 1) * 1000),
    allowBlocksWithSameTimestamp: false,
    blockGasLimit: 1_000_000_000n,
    initialBaseFeePerGas: 0n,
    mining: { auto: true, interval: 0, mempool: { order } },
  };
}

/** Bigints and byte arrays as strings, undefined fields dropped: two configurations compare as JSON. */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? `0x${Buffer.from(v).toString("hex")}` : v,
    ),
  );
}

async function hardhatChain(order: "fifo" | "priority") {
  const connection = await hre.network.create({ network: "default", override: hardhatOverride(order) });
  const request: RequestFn = async <T>(method: string, params: readonly unknown[] = []) =>
    (await connection.provider.request({ method, params: [...params] })) as T;
  return { connection, request };
}

async function artifacts() {
  return {
    quote: await hre.artifacts.readArtifact("QuoteToken"),
    token: await hre.artifacts.readArtifact("ArenaToken"),
  };
}

describe("EDR chain without Hardhat's network manager", function () {
  this.timeout(120_000);

  for (const order of ["fifo", "priority"] as const) {
    it(`builds Hardhat's provider configuration for the default network (${order} mempool)`, async () => {
      const { connection } = await hardhatChain(order);
      try {
        const { getProviderConfig } = (await import(
          pathToFileURL(`${HARDHAT_INTERNALS}/builtin-plugins/network-manager/edr/edr-provider.js`).href
        )) as { getProviderConfig: (...args: unknown[]) => Promise<unknown> };
        const hardhat = await getProviderConfig(
          { ...connection.networkConfig, chainType: connection.chainType },
          undefined,
          undefined,
          new Map(),
          undefined,
        );
        const ours = edrProviderConfig({ startTime: START_TIME, mempoolOrder: order });
        expect(plain(ours)).to.deep.equal(plain(hardhat));
      } finally {
        await connection.close();
      }
    });
  }

  it("answers a raw transaction sequence exactly as Hardhat's network does", async () => {
    const contracts = await artifacts();
    const { connection, request } = await hardhatChain("priority");
    let theirs: SequenceRecord;
    try {
      theirs = await runRawSequence(request, contracts);
    } finally {
      await connection.close();
    }
    const chain = await openEdrChain({ startTime: START_TIME, mempoolOrder: "priority" });
    let ours: SequenceRecord;
    try {
      ours = await runRawSequence(chain.request, contracts);
    } finally {
      await chain.close();
    }

    expect(ours.hashes.length).to.be.greaterThan(15);
    expect(ours.hashes).to.deep.equal(theirs.hashes);
    expect(ours.receipts).to.deep.equal(theirs.receipts);
    expect(ours.receipts.filter((r) => (r as { status: string }).status === "0x0")).to.have.length(3);
    expect(ours.calls).to.deep.equal(theirs.calls);
    // Block hashes cover every header field: parent, state, transactions and receipts roots, mix hash.
    expect(ours.blocks).to.deep.equal(theirs.blocks);
    // Hardhat decodes the error's name with its contract decoder; the revert data is the same.
    expect(ours.errors).to.have.length(1);
    expect(theirs.errors).to.have.length(1);
    expect(ours.errors[0]!.data).to.match(/^0xe450d38c/); // ERC20InsufficientBalance
    expect(ours.errors[0]!.data).to.equal(theirs.errors[0]!.data);
    expect(ours.errors[0]!.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(ours.errors[0]!.transactionHash).to.equal(theirs.errors[0]!.transactionHash);
    expect(ours.errors[0]!.message).to.include("reverted with an unrecognized custom error");
  });

  it("shares Hardhat's EdrContext and refuses requests once closed", async () => {
    const { getGlobalEdrContext } = (await import(pathToFileURL(`${HARDHAT_INTERNALS}/edr/context.js`).href)) as {
      getGlobalEdrContext: () => Promise<unknown>;
    };
    expect(await edrContext()).to.equal(await getGlobalEdrContext());

    const chain = await openEdrChain({ startTime: START_TIME });
    expect(await chain.request("eth_chainId")).to.equal("0x7a69");
    const error = await chain.request("eth_getBalance", ["not an address"]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(EdrRequestError);
    expect((error as EdrRequestError).code).to.equal(-32602);
    await chain.close();
    const closed = await chain.request("eth_chainId").catch((e: unknown) => e);
    expect(closed).to.be.instanceOf(EdrChainClosedError);
  });

  it("frees closed chains on a full collection and keeps the open ones", async () => {
    const open = await openEdrChain({ startTime: START_TIME });
    for (let i = 0; i < 3; i++) {
      const chain = await openEdrChain({ startTime: START_TIME });
      await transferBlocks(chain.request);
      await chain.close();
    }
    const before = liveEdrProviders();
    freeClosedChains();
    // Finalization callbacks run after the collection, in later tasks.
    for (let i = 0; i < 20 && liveEdrProviders() > before - 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(liveEdrProviders()).to.be.at.most(before - 3);
    expect(liveEdrProviders()).to.be.at.least(1);
    expect(await transferBlocks(open.request)).to.have.length(3);
    await open.close();
  });

  it("opens chains inside a worker thread that match the main thread's", async () => {
    const chain = await openEdrChain({ startTime: START_TIME });
    const main = await transferBlocks(chain.request);
    await chain.close();

    const worker = new Worker(new URL("../agents/experiment/worker-bootstrap.mjs", import.meta.url), {
      workerData: { entry: new URL("./helpers/edr-chain-worker.ts", import.meta.url).href },
    });
    const fromWorker = await new Promise<{ hashes: string[]; chains: number }>((done, fail) => {
      worker.once("message", done);
      worker.once("error", fail);
    });
    await worker.terminate();
    expect(fromWorker.chains).to.equal(2);
    expect(fromWorker.hashes).to.deep.equal(main);
  });
});
