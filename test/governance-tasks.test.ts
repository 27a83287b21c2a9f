// The governance tasks from the command line against `npx hardhat node`: a proposal goes from
// `propose` to `execute` through the CLI, a bad one is refused with its reasons and no stack trace,
// and the in-process network (a fresh chain per command) points to the node.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { deploySystem } from "../agents/deploy/deploy.ts";
import { deploymentFilePath, writeDeploymentFile } from "../agents/deploy/deployment-file.ts";
import { loadGenesis } from "../agents/inputs/genesis.ts";
import { lockPort8545 } from "./helpers/hardhat-node.ts";

const URL = "http://127.0.0.1:8545";
const require = createRequire(import.meta.url);
const CLI = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");

async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result: T };
  return body.result;
}

async function answers(): Promise<boolean> {
  try {
    await rpc("eth_chainId");
    return true;
  } catch {
    return false;
  }
}

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function hardhat(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function succeeded(result: CliResult): string {
  expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(0);
  return result.stdout;
}

/** A refusal: a non-zero exit, the reason on stderr, and no stack trace. */
function refused(result: CliResult): string {
  expect(result.status, result.stdout).to.not.equal(0);
  expect(result.stderr).to.not.match(/^\s+at /m);
  return result.stderr;
}

describe("governance tasks from the CLI (--network localhost)", function () {
  this.timeout(240_000);
  const deploymentFile = deploymentFilePath("localhost");
  const backup = `${deploymentFile}.governance-test-backup`;
  let node: ChildProcess | undefined;
  let release = (): void => {};

  before(async () => {
    release = await lockPort8545();
    if (await answers())
      throw new Error(`something already answers on ${URL}; stop it (this test starts and kills its own node there)`);
    if (existsSync(deploymentFile)) renameSync(deploymentFile, backup);
    node = spawn(process.execPath, [CLI, "node", "--hostname", "127.0.0.1", "--port", "8545"], { stdio: "ignore" });
    for (let i = 0; i < 240 && !(await answers()); i++) await new Promise((resolve) => setTimeout(resolve, 250));
    const connection = await hre.network.create({ network: "localhost" });
    const deployment = await deploySystem(connection.ethers, await loadGenesis("genesis/default.json"), {
      networkName: "localhost",
    });
    await writeDeploymentFile(deployment);
    await connection.close();
  });

  after(() => {
    node?.kill("SIGKILL");
    rmSync(deploymentFile, { force: true });
    if (existsSync(backup)) renameSync(backup, deploymentFile);
    release();
  });

  it("propose → advance → vote → queue → execute, refusals with reasons and no stack trace", async () => {
    const network = ["--network", "localhost"];
    await rpc("evm_increaseTime", [86_400]);
    await rpc("evm_mine");

    const [bad, inProcess] = await Promise.all([
      hardhat(
        "propose",
        "--change",
        "market.buyFeeBps=400,curve.basePrice=0.5",
        "--description",
        "Too far",
        ...network,
      ),
      hardhat("proposals"),
    ]);
    expect(refused(bad))
      .to.include("market.buyFeeBps=400 is outside its bounds [0, 300]")
      .and.include("curve.basePrice=0.5 is outside its bounds [0.005, 0.02]");
    expect(refused(inProcess)).to.include("npx hardhat node").and.include("--network localhost");

    const proposed = succeeded(
      await hardhat(
        "propose",
        "--change",
        "market.buyFeeBps=120",
        "curve.basePrice=0.011",
        "--description",
        "Raise the buy fee",
        ...network,
      ),
    );
    expect(proposed)
      .to.include("Proposal #1 created")
      .and.include("market.buyFeeBps 100 → 120")
      .and.include("curve.basePrice 0.01 → 0.011");
    expect(succeeded(await hardhat("advance", "--to", "start", "--id", "1", ...network))).to.include(
      "voting on proposal #1 is open",
    );
    const voted = succeeded(
      await hardhat(
        "vote",
        "--id",
        "#1",
        "--support",
        "for",
        "--reason",
        "fees fund the treasury",
        "--from",
        "1",
        ...network,
      ),
    );
    expect(voted).to.match(/voted for on proposal #1 with weight 150000/);

    await rpc("hardhat_mine", ["0x40", "0x1"]);
    expect(succeeded(await hardhat("queue", "--id", "1", ...network))).to.include("Proposal #1 queued");
    expect(refused(await hardhat("execute", "--id", "1", ...network))).to.match(
      /execute refused before sending: proposal #1 may execute from \S+Z \(unix \d+\), 1 h .*after the latest block/,
    );
    await rpc("evm_increaseTime", [3_600]);
    await rpc("evm_mine");
    expect(succeeded(await hardhat("execute", "--id", "1", ...network)))
      .to.include("market.buyFeeBps 100 → 120")
      .and.include("curve.basePrice 0.01 → 0.011");

    const listed = succeeded(await hardhat("proposals", "--state", "executed", ...network));
    expect(listed).to.match(/#1 +\d{10}… +Executed +150000 +0 +0 +88000/);
    expect(JSON.parse(readFileSync(deploymentFile, "utf8")).network).to.equal("localhost");
  });
});
