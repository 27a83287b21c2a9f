// Faults on a node (issue 17): `bin/arena node` listens on 127.0.0.1 and says so when its port is
// taken (as `bin/arena anvil` does); and 1,500 agents read their holdings in chunks, exactly.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { runBattle } from "../agents/run/battle.ts";
import { readAgentsCsv } from "../agents/run/run-csv.ts";
import { freePort, HARDHAT_CLI, rpc, startHardhatNode } from "./helpers/hardhat-node.ts";

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

describe("node faults: bin/arena node", function () {
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
