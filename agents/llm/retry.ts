// Retries of model calls: after a failed attempt whose error is retryable (408/409/425/429/5xx, a
// timeout, a dropped connection: LlmError.retryable), wait and try again, up to `retries` more times.
// The wait is what the server asked for in `retry-after` when it did (capped at a minute), else an
// exponential backoff with jitter: base·2^n capped at maxDelayMs, times a factor in [0.5, 1) drawn
// from a seeded generator, so a run's draws stay reproducible and nothing reads Math.random. A refused
// key, a bad request, a missing model or a malformed answer is never retried. After the last attempt
// the error is thrown again saying how many attempts were made; an abort by the caller ends at once.

import type { Random } from "../core/random.ts";
import { LlmError } from "./errors.ts";

/** The longest wait a `retry-after` gets: a server asking for more is waited on this long, then tried again. */
export const MAX_RETRY_AFTER_MS = 60_000;

export interface RetryPolicy {
  /** Further attempts after the first. */
  retries: number;
  /** The first backoff; it doubles with each attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The jitter's stream. */
  random: Random;
}

export const DEFAULT_BACKOFF = { baseDelayMs: 500, maxDelayMs: 30_000 } as const;

/** The wait after failed attempt `attempt` (0 for the first) with no retry-after: exponential, jittered. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling * (0.5 + 0.5 * policy.random.unit());
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** `attempt` run until it succeeds, fails for good, or has been tried 1 + retries times. */
export async function withRetries<T>(
  attempt: (index: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let index = 0; ; index++) {
    try {
      return await attempt(index);
    } catch (error) {
      if (!(error instanceof LlmError) || signal?.aborted) throw error;
      if (!error.retryable || index >= policy.retries) throw error.afterAttempts(index + 1);
      const asked = error.retryAfterMs;
      await sleep(asked === undefined ? backoffMs(index, policy) : Math.min(asked, MAX_RETRY_AFTER_MS), signal);
    }
  }
}
