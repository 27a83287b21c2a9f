// `npx hardhat node` for tests, on a free port of this machine (so tests never meet a node someone
// else started on 8545), with what it printed kept; and plain JSON-RPC requests to a URL.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);
export const HARDHAT_CLI = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");

const PORT_8545_LOCK = join(tmpdir(), "token-arena-port-8545.lock");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits for, and takes, this machine's lock on port 8545 (the port `--network localhost` names), for
 * the tests that must start their own node there: two test runs on one machine (two worktrees) take
 * turns instead of meeting each other's node. A lock left by a process that died is taken over.
 * Returns the release.
 */
export async function lockPort8545(timeoutMs = 20 * 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(PORT_8545_LOCK);
      writeFileSync(join(PORT_8545_LOCK, "pid"), String(process.pid));
      return () => rmSync(PORT_8545_LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(join(PORT_8545_LOCK, "pid"), "utf8"));
    } catch {
      // the holder has made the folder and not yet written its pid
    }
    if (Number.isInteger(holder) && holder > 0 && !alive(holder))
      rmSync(PORT_8545_LOCK, { recursive: true, force: true });
    if (Date.now() > deadline)
      throw new Error(`port 8545 stayed locked by process ${holder} for ${timeoutMs / 60_000} min (${PORT_8545_LOCK})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no free port on 127.0.0.1");
  return address.port;
}

/** One JSON-RPC request; throws the node's error message. */
export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

async function answers(url: string): Promise<boolean> {
  try {
    await rpc(url, "eth_chainId");
    return true;
  } catch {
    return false;
  }
}

export interface RunningNode {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Kills it and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts `hardhat node` with `args` (a free port unless `--port` is among them) and waits until it answers on 127.0.0.1. */
export async function startHardhatNode(args: readonly string[] = []): Promise<RunningNode> {
  const given = args.indexOf("--port");
  const port = given >= 0 ? Number(args[given + 1]) : await freePort();
  const child = spawn(
    process.execPath,
    [HARDHAT_CLI, "node", ...args, ...(given >= 0 ? [] : ["--port", String(port)])],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let printed = "";
  child.stdout!.on("data", (chunk) => (printed += String(chunk)));
  child.stderr!.on("data", (chunk) => (printed += String(chunk)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await gone;
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited (${child.exitCode}): ${printed}`);
    // Answering is not enough: the banner comes once the server listens, after the chain is made.
    if (/Started HTTP/.test(printed) && (await answers(url)))
      return { url, port, process: child, output: () => printed, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`hardhat node did not answer on ${url} within 60 s: ${printed}`);
}
