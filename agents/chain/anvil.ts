// Anvil, Foundry's node (the binary in the npm package @foundry-rs/anvil), as a second node for
// `--network localhost`: the flags that make it the chain a battle expects, and starting it. The flags
// copy what openChain gives the in-process chain wherever Anvil has the same knob, so a battle on Anvil
// moves the market exactly as the in-process one does (test/battle-anvil.test.ts).

import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";

import type { OrderingMode } from "../core/types.ts";

export interface AnvilOptions {
  host?: string;
  port?: number;
  /** The scenario's ordering mode: the mempool order Anvil mines blocks in. */
  mode?: OrderingMode;
}

export const ANVIL_DEFAULTS = { host: "127.0.0.1", port: 8545, mode: "sequential" } as const;

/** Hardhat's (and Anvil's) default development mnemonic. */
const MNEMONIC = "test test test test test test test test test test test junk";

/** Anvil's mempool order for a scenario's mode, as openChain orders the in-process chain's mempool. */
export function anvilOrder(mode: OrderingMode): "fifo" | "fees" {
  return mode === "priority" ? "fees" : "fifo";
}

/** The command line, each flag with the reason it is there. */
export function anvilArgs(options: AnvilOptions = {}): string[] {
  const { host, port, mode } = { ...ANVIL_DEFAULTS, ...options };
  return [
    ...["--host", host, "--port", String(port)],
    // A local chain to the guards: no --allow-live, and derived agent wallets may be impersonated.
    ...["--chain-id", "31337"],
    // `hardhat node`'s accounts: the same mnemonic and path, 20 of them (Anvil makes 10), 10,000 ETH each.
    ...["--mnemonic", MNEMONIC, "--accounts", "20", "--balance", "10000"],
    // Hardhat 3's default hardfork: the same gas schedule as the in-process chain.
    ...["--hardfork", "osaka"],
    // As the in-process chain: no base fee (a transaction pays its priority fee) and 1e9 gas per block,
    // so a step's transactions fit one block and the base fee never leaves 0.
    ...["--base-fee", "0", "--gas-limit", "1000000000"],
    // sequential: blocks hold transactions in the order they were sent; priority: by priority fee.
    ...["--order", anvilOrder(mode)],
  ];
}

type Request = <T>(method: string, params?: unknown[]) => Promise<T>;

/** True when the node at the other end of `request` is Anvil. */
export async function isAnvil(request: Request): Promise<boolean> {
  const version = await request<string>("web3_clientVersion").catch(() => "");
  return version.startsWith("anvil/");
}

/**
 * Why the Anvil at `url` cannot run a battle in `mode`, or undefined when it can: it must order its
 * mempool as the mode says (as openChain orders the in-process chain's) and have a base fee of 0, since
 * the World's senders cap every fee at the priority fee on Anvil (it mines by fee cap, not by tip).
 */
export async function anvilMismatch(request: Request, mode: OrderingMode, url: string): Promise<string | undefined> {
  const info = await request<{ transactionOrder?: string; environment?: { baseFee?: string } }>("anvil_nodeInfo");
  const problems: string[] = [];
  if (info.transactionOrder !== anvilOrder(mode))
    problems.push(
      `orders its mempool by ${info.transactionOrder}, where a ${mode} battle needs --order ${anvilOrder(mode)}`,
    );
  const baseFee = BigInt(info.environment?.baseFee ?? "0x0");
  if (baseFee !== 0n) problems.push(`has a base fee of ${baseFee} wei, where a battle needs --base-fee 0`);
  if (problems.length === 0) return undefined;
  return `the Anvil at ${url} ${problems.join(" and ")}: restart it with \`bin/arena anvil --mode ${mode}\``;
}

const PLATFORM_PACKAGES: Record<string, string> = {
  "linux-x64": "@foundry-rs/anvil-linux-amd64",
  "linux-arm64": "@foundry-rs/anvil-linux-arm64",
  "darwin-x64": "@foundry-rs/anvil-darwin-amd64",
  "darwin-arm64": "@foundry-rs/anvil-darwin-arm64",
  "win32-x64": "@foundry-rs/anvil-win32-amd64",
};

/** The binary npm installed for this platform (an optional dependency of @foundry-rs/anvil). */
export function anvilBinary(): string {
  const platform = `${process.platform}-${process.arch}`;
  const pkg = PLATFORM_PACKAGES[platform];
  if (pkg === undefined)
    throw new Error(`@foundry-rs/anvil has no binary for ${platform}; install Foundry's anvil by hand`);
  try {
    return createRequire(import.meta.url).resolve(`${pkg}/bin/anvil${process.platform === "win32" ? ".exe" : ""}`);
  } catch {
    throw new Error(
      `${pkg} is not installed: run \`bin/arena\` (npm ci) to install the packages, Anvil's binary with them`,
    );
  }
}

export interface RunningAnvil {
  url: string;
  process: ChildProcess;
  /** Kills Anvil and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts Anvil and resolves once it answers `eth_chainId`; its output goes to `stdio` (ignored by default). */
export async function startAnvil(
  options: AnvilOptions & { stdio?: "ignore" | "inherit"; timeoutMs?: number } = {},
): Promise<RunningAnvil> {
  const { host, port } = { ...ANVIL_DEFAULTS, ...options };
  const url = `http://${host}:${port}`;
  const child = spawn(anvilBinary(), anvilArgs(options), { stdio: options.stdio ?? "ignore" });
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = signal ?? `exit code ${code}`;
  });
  child.once("error", (error) => {
    exited = error.message;
  });
  // Anvil does not outlive this process, however it ends.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await gone;
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`anvil stopped before answering on ${url} (${exited})`);
    if (await answers(url)) return { url, process: child, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`anvil did not answer on ${url} within ${(options.timeoutMs ?? 30_000) / 1000} s`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}
