// How hard a client may press its server: a cap on calls in flight at once, shared by every agent that
// uses the client (or the same LlmLimits), and a token bucket of requests per minute. The bucket holds
// `burst` tokens (1 by default: requests start at least 60,000 / requestsPerMinute ms apart) and
// refills continuously. Each attempt takes a slot, then a token, so a retry counts as a request, as
// the provider counts it; each further round of a tool conversation takes another token (`token`).
// Waiters are served first come, first served; one whose caller aborts leaves the queue at once.

import { LlmSettingError } from "./errors.ts";

export interface LlmLimitSettings {
  concurrency: number;
  requestsPerMinute?: number;
  /** Tokens the bucket holds: requests that may start back to back after a quiet spell. */
  burst?: number;
}

export interface LlmLimits {
  /** `task` once a slot and a token are free; the slot is held until it settles. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Once a token of the rate limit is free (at once without a limit): for each request after a call's first. */
  token(signal?: AbortSignal): Promise<void>;
  readonly inFlight: number;
}

export function createLimits(settings: LlmLimitSettings): LlmLimits {
  const { concurrency, requestsPerMinute } = settings;
  const burst = settings.burst ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new LlmSettingError("llm.concurrency", concurrency, "a whole number of calls of at least 1");
  if (requestsPerMinute !== undefined && !(requestsPerMinute > 0))
    throw new LlmSettingError("llm.requestsPerMinute", requestsPerMinute, "a number above 0, or no field for no limit");
  if (!Number.isInteger(burst) || burst < 1) throw new LlmSettingError("burst", burst, "a whole number of at least 1");

  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const intervalMs = requestsPerMinute === undefined ? 0 : 60_000 / requestsPerMinute;
  let tokens = burst;
  let refilledAt = performance.now();
  /** Token requests in order: each resolves when its token is taken. */
  let tokenChain: Promise<void> = Promise.resolve();

  const slot = (signal: AbortSignal | undefined) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (inFlight < concurrency) {
        inFlight += 1;
        return resolve();
      }
      const onAbort = () => {
        const at = waiting.indexOf(admit);
        if (at >= 0) waiting.splice(at, 1);
        reject(signal!.reason);
      };
      const admit = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      waiting.push(admit);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) inFlight -= 1;
    else next();
  };
  const refill = () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + (now - refilledAt) / intervalMs);
    refilledAt = now;
  };
  const takeToken = async () => {
    refill();
    if (tokens < 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil((1 - tokens) * intervalMs)));
      refill();
    }
    tokens -= 1;
  };
  const token = async (signal?: AbortSignal) => {
    if (intervalMs === 0) return;
    const taken = tokenChain.then(takeToken);
    tokenChain = taken;
    await taken;
    if (signal?.aborted) throw signal.reason;
  };

  return {
    async run(task, signal) {
      await slot(signal);
      try {
        await token(signal);
        return await task();
      } finally {
        release();
      }
    },
    token,
    get inFlight() {
      return inFlight;
    },
  };
}
