// The Redis an experiment queue lives on, from `--queue redis://host:port[/db]` (`rediss://` for TLS;
// a user and password may come before the host). Messages show it as displayUrl does: no credentials.
// Connecting checks that Redis answers before anything is enqueued or any folder is written.

import { Redis, type RedisOptions } from "ioredis";

import { displayUrl } from "../core/display-url.ts";
import { ArenaError } from "../core/errors.ts";

export const DEFAULT_REDIS_PORT = 6379;

/** `--queue` is not a Redis URL. */
export class QueueUrlError extends ArenaError {}

/** Redis does not answer at the queue's URL. */
export class QueueUnreachableError extends ArenaError {}

export interface QueueUrl {
  /** As shown in messages (credentials hidden). */
  shown: string;
  host: string;
  port: number;
  db: number;
  /** ioredis options for a connection to it (BullMQ adds its own for blocking connections). */
  options: RedisOptions;
}

export function parseQueueUrl(text: string): QueueUrl {
  const fix = "pass --queue redis://host:port (like redis://127.0.0.1:6379, optionally with /db after the port)";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QueueUrlError(`--queue: expected a Redis URL, got ${JSON.stringify(displayUrl(text))}; ${fix}`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new QueueUrlError(
      `--queue: expected a redis:// or rediss:// URL, got the scheme ${JSON.stringify(url.protocol.slice(0, -1))} in ${displayUrl(text)}; ${fix}`,
    );
  if (url.hostname === "") throw new QueueUrlError(`--queue: ${displayUrl(text)} names no host; ${fix}`);
  const port = url.port === "" ? DEFAULT_REDIS_PORT : Number(url.port);
  const path = url.pathname.replace(/^\//, "");
  if (!/^\d{0,2}$/.test(path) || url.search !== "" || url.hash !== "")
    throw new QueueUrlError(
      `--queue: ${displayUrl(text)}: after the port a Redis URL holds at most a database number (/0 … /99); ${fix}`,
    );
  const db = path === "" ? 0 : Number(path);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return {
    shown: displayUrl(text),
    host,
    port,
    db,
    options: {
      host,
      port,
      db,
      ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
      ...(url.password === "" ? {} : { password: decodeURIComponent(url.password) }),
      ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    },
  };
}

/** How to get a Redis at `url`, for messages. */
export function startRedisHint(url: QueueUrl): string {
  return `start one with \`redis-server --port ${url.port}\` (Debian's redis-server package: bin/provision redis installs it), or pass --queue with the URL of a running Redis`;
}

/** Resolves once Redis answers PING at `url` (within `timeoutMs`), else throws QueueUnreachableError. */
export async function checkReachable(url: QueueUrl, timeoutMs = 5_000): Promise<void> {
  const client = new Redis({
    ...url.options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let reason = "";
  client.on("error", (error: Error) => (reason ||= error.message));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new QueueUnreachableError(
      `cannot reach Redis at ${url.shown} (${reason || (error as Error).message}): ${startRedisHint(url)}`,
      { cause: error },
    );
  } finally {
    client.disconnect();
  }
}
