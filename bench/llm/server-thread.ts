// The local model server of the tests (test/helpers/llm-server.ts) on a worker thread of its own, as a
// real model server runs apart from the arena: its HTTP parsing and JSON do not compete with the client
// for the measured thread. Started through the workers' bootstrap (tsx, as every worker here loads
// TypeScript). `startServerThread` is the parent's side; the worker's side runs when this file is the
// worker's entry.

import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

import { type LlmServerReply, startLlmServer } from "../../test/helpers/llm-server.ts";

const BOOTSTRAP = new URL("../../agents/experiment/worker-bootstrap.mjs", import.meta.url);

interface ThreadData {
  entry: string;
  latencyMs: number;
  reply: LlmServerReply;
}

type Command = "reset" | "stats" | "close";

export interface ServerThread {
  openAiBaseUrl: string;
  /** Forget the requests and the most in flight. */
  reset(): Promise<void>;
  /** The most requests in flight at once since the last reset. */
  maxInFlight(): Promise<number>;
  close(): Promise<void>;
}

/** A server on its own thread answering every request with `reply` after `latencyMs`. */
export async function startServerThread(latencyMs: number, reply: LlmServerReply): Promise<ServerThread> {
  const data: ThreadData = { entry: import.meta.url, latencyMs, reply };
  const worker = new Worker(BOOTSTRAP, { workerData: data });
  let pending: { resolve: (value: unknown) => void; reject: (error: unknown) => void } | undefined;
  const settle = (how: "resolve" | "reject", value: unknown) => {
    const waiting = pending;
    pending = undefined;
    waiting?.[how](value);
  };
  worker.on("message", (message) => settle("resolve", message));
  worker.on("error", (error) => settle("reject", error));
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      pending = { resolve, reject };
    });
  const ask = async (command: Command) => {
    const answer = next();
    worker.postMessage(command);
    return answer;
  };
  const { openAiBaseUrl } = (await next()) as { openAiBaseUrl: string };
  return {
    openAiBaseUrl,
    reset: async () => void (await ask("reset")),
    maxInFlight: async () => (await ask("stats")) as number,
    close: async () => {
      await ask("close");
      await worker.terminate();
    },
  };
}

if (!isMainThread && (workerData as ThreadData | undefined)?.entry === import.meta.url) {
  const { latencyMs, reply } = workerData as ThreadData;
  const server = await startLlmServer({ latencyMs, answer: () => reply });
  parentPort!.on("message", async (command: Command) => {
    if (command === "reset") server.reset(() => reply);
    if (command === "close") await server.close();
    parentPort!.postMessage(command === "stats" ? server.maxInFlight : command);
  });
  parentPort!.postMessage({ openAiBaseUrl: server.openAiBaseUrl });
}
