// Faults on a node (issue 17): a battle gives the node its mining mode back however it ends, so the
// next command is mined at once; a node a battle is using is refused, before anything is sent, by a
// second battle, deploy and the lifecycle commands; a receipt that never comes is an error and its
// transaction is dropped, never mined later; URLs are shown and recorded without their secrets;
// `bin/arena node` listens on 127.0.0.1 and says so when its port is taken; an unknown --network
// names the ones that exist; and 1,500 agents read their holdings in chunks, exactly.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { type Address, encodeFunctionData, getAddress, type Hex, parseAbi } from "viem";

import { startAnvil } from "../agents/chain/anvil.ts";
import { openChain } from "../agents/chain/chain.ts";
import { BattleInterrupted, BattleStopped, NodeLostError } from "../agents/chain/errors.ts";
import { NodeBusyError, readMiningMode } from "../agents/chain/mining.ts";
import { loadSystemAbis } from "../agents/chain/system.ts";
import { displayUrl, redactUrls } from "../agents/core/display-url.ts";
import { findCause } from "../agents/core/errors.ts";
import type { SetupResult } from "../agents/deploy/agents.ts";
import { deploySystem } from "../agents/deploy/deploy.ts";
import { deploymentRecord } from "../agents/deploy/deployment-file.ts";
import { advance } from "../agents/governance/lifecycle/advance.ts";
import { GovernanceError } from "../agents/governance/lifecycle/errors.ts";
import { openGovernanceChain, sendGovernanceTx } from "../agents/governance/lifecycle/governance-chain.ts";
import { propose } from "../agents/governance/lifecycle/propose.ts";
import { parseChange } from "../agents/governance/protocol/changes.ts";
import { loadGenesis } from "../agents/inputs/genesis.ts";
import { runBattle } from "../agents/run/battle.ts";
import { readAgentsCsv } from "../agents/run/run-csv.ts";
import { readSummary } from "../agents/run/summary-file.ts";
import { freePort, HARDHAT_CLI, rpc, startHardhatNode, type RunningNode } from "./helpers/hardhat-node.ts";

const { errors } = await loadSystemAbis(hre.artifacts);

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function hardhat(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** A refusal from the CLI: a non-zero exit, `<command>: message` on stderr, and no stack trace. */
function refused(result: CliResult, command: string): string {
  expect(result.status, `${result.stdout}\n${result.stderr}`).to.not.equal(0);
  expect(result.stderr).to.not.match(/^\s+at /m);
  expect(result.stderr).to.include(`${command}: `);
  return result.stderr;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.fail("expected a rejection");
}

/** The node's automine setting and pending transactions, straight from it. */
async function miningOf(url: string): Promise<{ automine: boolean; pending: string[] }> {
  const block = await rpc<{ transactions: string[] }>(url, "eth_getBlockByNumber", ["pending", false]);
  return { automine: await rpc<boolean>(url, "hardhat_getAutomine"), pending: block.transactions };
}

/** What a node has been sent and has mined: its latest block and the first account's pending nonce. */
async function activityOf(url: string): Promise<{ block: string; nonce: string; pending: number }> {
  const [account] = await rpc<string[]>(url, "eth_accounts");
  return {
    block: await rpc<string>(url, "eth_blockNumber"),
    nonce: await rpc<string>(url, "eth_getTransactionCount", [account, "pending"]),
    pending: (await rpc<{ transactions: string[] }>(url, "eth_getBlockByNumber", ["pending", false])).transactions
      .length,
  };
}

async function deployTo(url: string) {
  const connection = await hre.network.create({ network: "localhost", override: { url } });
  try {
    return await deploySystem(connection.ethers, await loadGenesis("genesis/default.json"), {
      networkName: "localhost",
    });
  } finally {
    await connection.close();
  }
}

async function governanceChain(url: string, setup: SetupResult["deployment"], receiptTimeoutMs?: number) {
  const connection = await hre.network.create({ network: "localhost", override: { url } });
  const chain = await openGovernanceChain(connection.provider, deploymentRecord(setup), {
    networkName: "localhost",
    errors,
    url,
    ...(receiptTimeoutMs === undefined ? {} : { receiptTimeoutMs }),
  });
  return { chain, close: () => connection.close() };
}

describe("node faults: mining mode, busy nodes, receipts (npx hardhat node)", function () {
  this.timeout(300_000);
  let root: string;
  let node: RunningNode;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "arena-node-faults-"));
    node = await startHardhatNode();
  });
  after(async () => {
    await node?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const battle = (name: string, options: Partial<Parameters<typeof runBattle>[1]> = {}) =>
    runBattle(hre, {
      scenario: "scenarios/calm.yaml",
      blocks: 6,
      out: join(root, name),
      network: "localhost",
      url: node.url,
      quiet: true,
      noReport: true,
      ...options,
    });

  it("gives the node its automine back after a battle, so a deploy right after it is mined at once", async () => {
    expect(await miningOf(node.url)).to.deep.equal({ automine: true, pending: [] });
    const result = await battle("first");
    expect(result.summary.completion.complete).to.equal(true);
    expect(await miningOf(node.url)).to.deep.equal({ automine: true, pending: [] });
    const started = Date.now();
    const deployment = await deployTo(node.url);
    expect(Object.keys(deployment.addresses)).to.include("governor");
    // Mined as it was sent: nothing waited for a block that no one was going to mine.
    expect(Date.now() - started).to.be.below(30_000);
    // A second battle on the same node runs as the first did.
    expect((await battle("second")).summary.completion.complete).to.equal(true);
    expect(await miningOf(node.url)).to.deep.equal({ automine: true, pending: [] });
  });

  it("gives it back when the battle fails mid-way", async () => {
    const error = await rejection(
      battle("fails", {
        onStep: (step) => {
          if (step === 3) throw new Error("a behaviour failed");
        },
      }),
    );
    expect(error).to.be.instanceOf(BattleStopped);
    expect((error as Error).message)
      .to.include("a behaviour failed")
      .and.include("3 of 6 blocks are recorded");
    expect(await miningOf(node.url)).to.deep.equal({ automine: true, pending: [] });
  });

  it("stops on SIGTERM after the current block, or before the first one, and gives it back", async () => {
    // Listeners others keep (node-llama-cpp adds one when a test has imported it) are not the battle's.
    const othersListening = process.listeners("SIGTERM");
    const midRun = await rejection(
      battle("sigterm", {
        onStep: (step) => {
          if (step === 2) process.emit("SIGTERM");
        },
      }),
    );
    expect(midRun).to.be.instanceOf(BattleStopped);
    const interrupted = findCause(midRun, BattleInterrupted);
    expect(interrupted?.message).to.equal("interrupted by SIGTERM");
    expect(interrupted?.exitCode).to.equal(143);
    expect((await readSummary(join(root, "sigterm", "summary.json"))).completion).to.deep.include({
      stepsRecorded: 2,
      complete: false,
    });
    expect(await miningOf(node.url)).to.deep.equal({ automine: true, pending: [] });

    // Before the first block (automine already off): no block of the run is mined, the folder is still written.
    const inSetup = await rejection(battle("sigterm-setup", { onSetup: () => process.emit("SIGTERM") }));
    expect(findCause(inSetup, BattleInterrupted)?.message).to.equal("interrupted by SIGTERM");
    expect((await readSummary(join(root, "sigterm-setup", "summary.json"))).completion.stepsRecorded).to.equal(0);
    expect(await miningOf(node.url)).to.deep.equal({ automine: true, pending: [] });
    const left = process.listeners("SIGTERM").filter((listener) => !othersListening.includes(listener));
    expect(left, "the battles' own SIGTERM listeners are gone").to.deep.equal([]);
  });

  it("drops what a run sent but did not mine when its chain closes", async () => {
    const chain = await openChain(hre, {
      network: "localhost",
      url: node.url,
      mode: "sequential",
      startTime: 0,
      allowLive: false,
    });
    const [from] = await chain.request<string[]>("eth_accounts");
    await chain.request("evm_setAutomine", [false]);
    const hash = await chain.request<string>("eth_sendTransaction", [{ from, to: from, value: "0x1" }]);
    expect((await miningOf(node.url)).pending).to.deep.equal([hash]);
    await chain.close();
    expect(await miningOf(node.url)).to.deep.equal({ automine: true, pending: [] });
    await rpc(node.url, "evm_mine");
    expect(await rpc(node.url, "eth_getTransactionReceipt", [hash])).to.equal(null);
  });

  it("refuses a node a battle is running on: a second battle, deploy, propose and advance send nothing", async () => {
    let setup: SetupResult | undefined;
    const refusals: unknown[] = [];
    const second = join(root, "second-battle");
    const result = await battle("holder", {
      onSetup: (s) => {
        setup = s;
      },
      onStep: async (step) => {
        if (step !== 3) return;
        const before = await activityOf(node.url);
        refusals.push(await rejection(battle("second-battle", { out: second })));
        const connection = await hre.network.create({ network: "localhost", override: { url: node.url } });
        refusals.push(
          await rejection(
            deploySystem(connection.ethers, await loadGenesis("genesis/default.json"), {
              networkName: "localhost",
              where: `the node at ${node.url}`,
            }),
          ),
        );
        await connection.close();
        const { chain, close } = await governanceChain(node.url, setup!.deployment);
        const [from] = await chain.request<Address[]>("eth_accounts");
        refusals.push(
          await rejection(
            propose(chain, {
              from: getAddress(from!),
              changes: [parseChange("market.buyFeeBps=120")],
              description: "sent while a battle runs",
            }),
          ),
        );
        refusals.push(await rejection(advance(chain, { blocks: 1n })));
        await close();
        expect(await activityOf(node.url)).to.deep.equal(before);
      },
    });
    expect(refusals).to.have.length(4);
    for (const [i, action] of ["the battle", "deploy", "propose", "advance"].entries()) {
      const error = refusals[i];
      expect(error, action).to.be.instanceOf(NodeBusyError);
      expect((error as Error).message)
        .to.include(`the node at ${node.url} has automine off`)
        .and.include("another battle or evaluation may be running on it")
        .and.include("restart the node")
        .and.include(`${action} sent nothing`);
    }
    expect(existsSync(second)).to.equal(false);
    // The battle that held the node was not disturbed, and gave the node back.
    expect(result.summary.completion.complete).to.equal(true);
    expect(await miningOf(node.url)).to.deep.equal({ automine: true, pending: [] });
  });

  it("ends a receipt wait with an error after its timeout, and drops the transaction so it is never mined", async () => {
    const deployment = await deployTo(node.url);
    const { chain, close } = await governanceChain(node.url, deployment, 1_500);
    try {
      const [from] = await chain.request<Address[]>("eth_accounts");
      const sender = getAddress(from!);
      await rpc(node.url, "evm_setAutomine", [false]);
      const error = await rejection(
        sendGovernanceTx(chain, {
          from: sender,
          to: chain.addresses.token,
          data: encodeFunctionData({
            abi: parseAbi(["function delegate(address)"]),
            functionName: "delegate",
            args: [sender],
          }),
          what: "delegate",
        }),
      );
      expect(error).to.be.instanceOf(GovernanceError);
      const message = (error as Error).message;
      expect(message).to.match(/^delegate: transaction 0x[0-9a-f]{64} was not mined within 1\.5 s/);
      expect(message).to.include("automine off").and.include("dropped from the node, so it will not be mined later");
      const hash = /0x[0-9a-f]{64}/.exec(message)![0] as Hex;
      expect((await miningOf(node.url)).pending).to.deep.equal([]);
      await rpc(node.url, "evm_mine");
      expect(await rpc(node.url, "eth_getTransactionReceipt", [hash])).to.equal(null);
    } finally {
      await rpc(node.url, "evm_setAutomine", [true]);
      await close();
    }
  });
});

describe("node faults: a battle on Anvil gives its automine back", function () {
  this.timeout(180_000);

  it("reads the mode with Anvil's methods and restores it", async () => {
    const root = mkdtempSync(join(tmpdir(), "arena-anvil-faults-"));
    const anvil = await startAnvil({ port: await freePort() });
    try {
      const before = await readMiningMode((method, params) => rpc(anvil.url, method, params));
      expect(before).to.deep.equal({ automine: true, pending: [] });
      await runBattle(hre, {
        scenario: "scenarios/calm.yaml",
        blocks: 4,
        out: join(root, "calm"),
        network: "localhost",
        url: anvil.url,
        quiet: true,
        noReport: true,
      });
      expect(await rpc(anvil.url, "anvil_getAutomine")).to.equal(true);
      expect(await readMiningMode((method, params) => rpc(anvil.url, method, params))).to.deep.equal(before);
    } finally {
      await anvil.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("node faults: URLs are shown and recorded without their secrets", function () {
  this.timeout(240_000);

  it("keeps scheme, host and port, and hides credentials, path and query", () => {
    expect(displayUrl("http://127.0.0.1:8545")).to.equal("http://127.0.0.1:8545");
    expect(displayUrl("http://127.0.0.1:8545/")).to.equal("http://127.0.0.1:8545");
    expect(displayUrl("https://alice:s3cret@rpc.example.com/v3/KEY123?apikey=abc&chain=1")).to.equal(
      "https://***@rpc.example.com/***?***",
    );
    expect(displayUrl("https://eth-mainnet.g.alchemy.com/v2/KEY123")).to.equal("https://eth-mainnet.g.alchemy.com/***");
    expect(displayUrl("wss://token@node.example:8546")).to.equal("wss://***@node.example:8546");
    expect(displayUrl("localhost")).to.equal("localhost");
    expect(displayUrl("not a url but user@secret")).to.equal("***");
    expect(
      redactUrls("HTTP request failed. URL: https://rpc.example.com/v3/KEY123?token=t. Details: refused"),
    ).to.equal("HTTP request failed. URL: https://rpc.example.com/***?***. Details: refused");
  });

  it("a lost node's error, summary.json and report.html show the URL without them", async () => {
    const root = mkdtempSync(join(tmpdir(), "arena-url-"));
    const node = await startHardhatNode();
    const secretUrl = `http://alice:s3cret@127.0.0.1:${node.port}/v3/KEY123?apikey=abc`;
    const shown = `http://***@127.0.0.1:${node.port}/***?***`;
    const dir = join(root, "lost");
    try {
      const error = await rejection(
        runBattle(hre, {
          scenario: "scenarios/calm.yaml",
          blocks: 10,
          out: dir,
          network: "localhost",
          url: secretUrl,
          quiet: true,
          onStep: async (step) => {
            if (step === 3) await node.stop();
          },
        }),
      );
      expect(findCause(error, NodeLostError)).to.not.equal(undefined);
      const summary = readFileSync(join(dir, "summary.json"), "utf8");
      const report = readFileSync(join(dir, "report.html"), "utf8");
      expect((error as Error).message).to.include(`lost the node at ${shown}`);
      expect((await readSummary(join(dir, "summary.json"))).completion.stoppedBy).to.include(
        `lost the node at ${shown}`,
      );
      for (const text of [(error as Error).message, summary, report])
        for (const secret of ["alice", "s3cret", "KEY123", "apikey"]) expect(text).to.not.include(secret);
    } finally {
      await node.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("printed errors of battle and deploy hide them too", async () => {
    const port = await freePort();
    const env = {
      ARENA_RPC_URL: `https://alice:s3cret@127.0.0.1:${port}/v3/KEY123?apikey=abc`,
      // Hardhat's first development key: only signs for a node that is not there.
      ARENA_PRIVATE_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    };
    const shown = `https://***@127.0.0.1:${port}/***?***`;
    const [battleOut, deployOut] = await Promise.all([
      hardhat(
        ["battle", "--network", "live", "--blocks", "2", "--quiet", "--out", mkdtempSync(join(tmpdir(), "arena-nf-"))],
        env,
      ),
      hardhat(["deploy", "--network", "live"], env),
    ]);
    expect(refused(battleOut, "battle")).to.include(`cannot reach the node of network "live" at ${shown}`);
    expect(refused(deployOut, "deploy")).to.include(`cannot reach the node of network "live" at ${shown}`);
    for (const out of [battleOut, deployOut])
      for (const secret of ["alice", "s3cret", "KEY123", "apikey"])
        expect(out.stdout + out.stderr).to.not.include(secret);
  });
});

describe("node faults: bin/arena node and --network", function () {
  this.timeout(180_000);

  it("listens on 127.0.0.1 unless --hostname says otherwise", async () => {
    const node = await startHardhatNode();
    try {
      expect(node.output()).to.include(`Started HTTP and WebSocket JSON-RPC server at http://127.0.0.1:${node.port}/`);
      // Not on this machine's other addresses (Hardhat alone listens on 0.0.0.0 inside Docker).
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a !== undefined && a.family === "IPv4" && !a.internal)
        .map((a) => a!.address);
      for (const address of others)
        expect(await rpc(`http://${address}:${node.port}`, "eth_chainId").catch(() => "refused")).to.equal("refused");
    } finally {
      await node.stop();
    }
    const everywhere = await startHardhatNode(["--hostname", "0.0.0.0"]);
    try {
      expect(everywhere.output()).to.include(`server at http://0.0.0.0:${everywhere.port}/`);
    } finally {
      await everywhere.stop();
    }
  });

  it("says which port is taken and what to do, without a stack trace", async () => {
    const port = await freePort();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(port, "127.0.0.1", resolve));
    try {
      const out = refused(await hardhat(["node", "--port", String(port)]), "node");
      expect(out).to.include(`port ${port} on 127.0.0.1 is already in use`);
      expect(out).to.include("stop it, or start this one on another port with `bin/arena node --port");
      const anvil = refused(await hardhat(["anvil", "--port", String(port)]), "anvil");
      expect(anvil).to.include(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("names the networks that exist for an unknown --network", async () => {
    const results = await Promise.all([
      hardhat([
        "battle",
        "--network",
        "mainnet",
        "--blocks",
        "2",
        "--quiet",
        "--out",
        mkdtempSync(join(tmpdir(), "arena-nf-")),
      ]),
      hardhat(["deploy", "--network", "mainnet"]),
      hardhat(["propose", "--network", "mainnet", "--change", "market.buyFeeBps=120", "--description", "x"]),
      hardhat(["node", "--network", "mainnet"]),
    ]);
    for (const [i, command] of ["battle", "deploy", "propose", "node"].entries()) {
      const out = refused(results[i]!, command);
      expect(out).to.include('unknown network "mainnet": hardhat.config.ts defines localhost (http), live (http)');
      expect(out).to.include('add "mainnet" to networks in hardhat.config.ts');
    }
  });
});

describe("node faults: a battle of 1,500 agents", function () {
  this.timeout(300_000);

  it("reads every agent's holdings, in order, in lens calls that fit the gas cap", async () => {
    const root = mkdtempSync(join(tmpdir(), "arena-many-"));
    const group = (id: string, count: number, quote: string) => `
  - id: ${id}
    count: ${count}
    funds: { quote: "${quote}", tokens: "0" }
    behaviours:
      - { kind: noise, venues: [curve], ratePerStep: 0.005, minQuote: "5", maxQuote: "10" }`;
    const file = join(root, "many.yaml");
    writeFileSync(
      file,
      `name: many\ngenesis: genesis/default.json\nseed: 1\nblocks: 2\nmode: sequential\nagents:${group("small", 600, "100")}${group("mid", 600, "250")}${group("big", 300, "400")}\n`,
    );
    try {
      const result = await runBattle(hre, { scenario: file, out: join(root, "run"), quiet: true, noReport: true });
      expect(result.summary.completion.complete).to.equal(true);
      expect(result.reconcileProblems).to.deep.equal([]);
      const finals = (await readAgentsCsv(join(root, "run", "agents.csv"))).filter((r) => r.step === 2n);
      expect(finals).to.have.length(1_500);
      const funds: Record<string, bigint> = { small: 100_000_000n, mid: 250_000_000n, big: 400_000_000n };
      const idle = finals.filter((r) => r.txs === 0n);
      expect(idle.length).to.be.above(1_400);
      for (const row of idle) expect(row.quote, row.agent).to.equal(funds[row.agent.replace(/-\d+$/, "")]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
