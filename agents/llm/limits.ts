// How hard a client may press its server: a cap on calls in flight at once, shared by every agent that
// uses the client (or the same LlmLimits), and a token bucket of requests per minute. The bucket holds
// `burst` tokens (1 by default: requests start at least 60,000 / requestsPerMinute ms apart) and
// refills continuously; each attempt takes a slot, then a token, so a retry counts as a request, as
// the provider counts it. Waiters are served first come, first served.

import { LlmSettingError } from "./errors.ts";

export interface LlmLimitSettings {
  concurrency: number;
  requestsPerMinute?: number;
  /** Tokens the bucket holds: requests that may start back to back after a quiet spell. */
  burst?: number;
}

export interface LlmLimits {
  /** `task` once a slot and a token are free; the slot is held until it settles. */
  run<T>(task: () => Promise<T>): Promise<T>;
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

  const slot = () =>
    new Promise<void>((resolve) => {
      if (inFlight < concurrency) {
        inFlight += 1;
        resolve();
      } else waiting.push(resolve);
    });
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) inFlight -= 1;
    else next();
  };
  const takeToken = async () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + (now - refilledAt) / intervalMs);
    refilledAt = now;
    if (tokens < 1) {
      const waitMs = (1 - tokens) * intervalMs;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(waitMs)));
      const later = performance.now();
      tokens = Math.min(burst, tokens + (later - refilledAt) / intervalMs);
      refilledAt = later;
    }
    tokens -= 1;
  };
  const token = () => {
    if (intervalMs === 0) return Promise.resolve();
    const taken = tokenChain.then(takeToken);
    tokenChain = taken;
    return taken;
  };

  return {
    async run(task) {
      await slot();
      try {
        await token();
        return await task();
      } finally {
        release();
      }
    },
    get inFlight() {
      return inFlight;
    },
  };
}
