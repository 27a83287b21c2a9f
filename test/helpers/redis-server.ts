// A redis-server of the test's own on a free loopback port, without persistence (`--save ''
// --appendonly no`), killed after; and `bin/arena worker` processes started against it, with what
// they print kept. REDIS_SERVER_PATH points at another redis-server (bin/provision redis installs
// Debian's).

import { type ChildProcess, spawn } from "node:child_process";
import { createConnection } from "node:net";

import { freePort, HARDHAT_CLI } from "./hardhat-node.ts";

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL, and wait for it to be gone. */
  kill(): Promise<void>;
  /** A new server on the same port (after kill), empty. */
  restart(): Promise<void>;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("error", () => resolve(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
  });
}

function startOn(port: number): ChildProcess {
  return spawn(
    process.env.REDIS_SERVER_PATH ?? "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
}

async function untilAnswers(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child = startOn(port);
  await untilAnswers(port, child);
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await gone;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    async restart() {
      await kill();
      child = startOn(port);
      await untilAnswers(port, child);
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when its output matches `pattern` (the match), rejects if it exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `hardhat worker --queue <url> --threads 1 …` from the repository root. */
export function startWorkerProcess(url: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): WorkerProcess {
  const child = spawn(process.execPath, [HARDHAT_CLI, "worker", "--queue", url, "--threads", "1", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let text = "";
  const listeners = new Set<() => void>();
  const take = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match === null) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`worker did not print ${pattern} within ${timeoutMs} ms; it printed:\n${text}`));
        }, timeoutMs);
        const onExit = () => {
          done();
          if (text.match(pattern) === null) reject(new Error(`worker exited before printing ${pattern}:\n${text}`));
          else resolve(text.match(pattern)!);
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.removeListener("exit", onExit);
        };
        listeners.add(check);
        child.once("exit", onExit);
        check();
      });
    },
    async kill(signal = "SIGKILL") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
