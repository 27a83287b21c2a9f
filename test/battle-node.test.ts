// A battle over HTTP against `npx hardhat node`: a node that is not running gets an error saying how
// to start one, and a node killed mid-run stops the battle with every recorded block kept on disk.

import { type ChildProcess, spawn } from "node:child_process";
import { BattleStopped, NodeLostError, NodeUnreachableError } from "../agents/chain/errors.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { runBattle } from "../agents/run/battle.ts";
import { readStepsCsv } from "../agents/run/run-csv.ts";
import { readSummary } from "../agents/run/summary-file.ts";
import { lockPort8545 } from "./helpers/hardhat-node.ts";

const URL = "http://127.0.0.1:8545";
const require = createRequire(import.meta.url);

async function answers(): Promise<boolean> {
  try {
    const response = await fetch(URL, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

async function startNode(): Promise<ChildProcess> {
  const cli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");
  const node = spawn(process.execPath, [cli, "node", "--hostname", "127.0.0.1", "--port", "8545"], { stdio: "ignore" });
  for (let i = 0; i < 240; i++) {
    if (await answers()) return node;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  node.kill("SIGKILL");
  throw new Error(`npx hardhat node did not answer on ${URL} within 60 s`);
}

describe("battle over HTTP (--network localhost)", function () {
  this.timeout(180_000);
  let root: string;
  let release = (): void => {};

  before(async () => {
    release = await lockPort8545();
    root = mkdtempSync(join(tmpdir(), "arena-node-"));
    if (await answers())
      throw new Error(`something already answers on ${URL}; stop it (these tests start and kill their own node there)`);
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    release();
  });

  it("refuses to start when no node answers, saying how to start one", async () => {
    let error: unknown;
    try {
      await runBattle(hre, {
        scenario: "scenarios/calm.yaml",
        blocks: 5,
        out: join(root, "none"),
        network: "localhost",
        quiet: true,
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(NodeUnreachableError);
    expect((error as Error).message)
      .to.include(URL)
      .and.include("npx hardhat node");
  });

  it("keeps every recorded block when the node dies mid-run", async () => {
    const node = await startNode();
    const dir = join(root, "killed");
    let error: unknown;
    try {
      await runBattle(hre, {
        scenario: "scenarios/calm.yaml",
        out: dir,
        network: "localhost",
        quiet: true,
        onStep: async (step) => {
          if (step !== 8) return;
          node.kill("SIGKILL");
          await new Promise((resolve) => node.once("exit", resolve));
        },
      });
    } catch (e) {
      error = e;
    } finally {
      node.kill("SIGKILL");
    }
    expect(error).to.be.instanceOf(BattleStopped);
    expect((error as BattleStopped).cause).to.be.instanceOf(NodeLostError);
    expect((error as Error).message)
      .to.include(`lost the node at ${URL}`)
      .and.include(`8 of 300 blocks are recorded in ${dir}`);
    expect(await readStepsCsv(join(dir, "steps.csv"))).to.have.length(8);
    const summary = await readSummary(join(dir, "summary.json"));
    expect(summary.completion).to.deep.include({ stepsRecorded: 8, complete: false });
    expect(summary.completion.stoppedBy).to.match(/^lost the node/);
  });
});
