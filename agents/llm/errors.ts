// What goes wrong between the arena and a model, as errors the user can act on. A provider throws one of
// these for one attempt (`attempts` 1); the retry layer (retry.ts) retries those that are `retryable`
// and, after the last attempt, throws the same kind again with the number of attempts made. Every
// message names the provider, the URL, what happened and the fix; none carries the API key.

import { ArenaError } from "../core/errors.ts";

export interface LlmErrorContext {
  provider: string;
  /** The endpoint called (no key in it). */
  url: string;
  attempts: number;
}

function tries(attempts: number): string {
  return attempts === 1 ? "1 attempt" : `${attempts} attempts`;
}

export abstract class LlmError extends ArenaError {
  readonly provider: string;
  readonly url: string;
  readonly attempts: number;

  constructor(context: LlmErrorContext, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.provider = context.provider;
    this.url = context.url;
    this.attempts = context.attempts;
  }

  /** Whether another attempt may succeed (408/409/425/429/5xx, a timeout, a dropped connection). */
  abstract get retryable(): boolean;

  /** How long the server asked to wait before the next attempt (`retry-after`), if it did. */
  get retryAfterMs(): number | undefined {
    return undefined;
  }

  /** The same error after `attempts` attempts. */
  abstract afterAttempts(attempts: number): LlmError;
}

/** The server could not be reached or dropped the connection before answering. */
export class LlmUnreachableError extends LlmError {
  readonly reason: string;

  constructor(context: LlmErrorContext, reason: string, options?: { cause?: unknown }) {
    super(
      context,
      `${context.provider} at ${context.url} could not be reached (${reason}) after ${tries(context.attempts)}: ` +
        "start the server or correct llm.baseUrl, or raise llm.retries if the connection is flaky",
      options,
    );
    this.reason = reason;
  }

  get retryable(): boolean {
    return true;
  }

  afterAttempts(attempts: number): LlmUnreachableError {
    return new LlmUnreachableError({ ...this, attempts }, this.reason, { cause: this.cause });
  }
}

/** No whole answer within `timeoutMs` of an attempt. */
export class LlmTimeoutError extends LlmError {
  readonly timeoutMs: number;

  constructor(context: LlmErrorContext, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      context,
      `${context.provider} at ${context.url} did not answer within ${timeoutMs} ms, ${tries(context.attempts)}: ` +
        "raise llm.timeoutMs (a large model or a busy server needs longer) or llm.retries",
      options,
    );
    this.timeoutMs = timeoutMs;
  }

  get retryable(): boolean {
    return true;
  }

  afterAttempts(attempts: number): LlmTimeoutError {
    return new LlmTimeoutError({ ...this, attempts }, this.timeoutMs, { cause: this.cause });
  }
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);

function statusFix(status: number): string {
  if (status === 429) return "lower llm.concurrency or llm.requestsPerMinute, or raise llm.retries";
  if (status === 404)
    return "check llm.model and llm.baseUrl (an OpenAI-compatible server's base URL usually ends in /v1)";
  if (status === 400 || status === 422)
    return "the server refused the request: check llm.model, and that the server supports JSON-schema output or tools";
  if (status >= 500 || RETRYABLE_STATUS.has(status)) return "the server is failing: retry later or raise llm.retries";
  return "check llm.provider, llm.model and llm.baseUrl";
}

/** The server answered with an HTTP error other than a refused key. */
export class LlmStatusError extends LlmError {
  readonly status: number;
  readonly detail: string;
  readonly #retryAfterMs: number | undefined;

  constructor(
    context: LlmErrorContext,
    status: number,
    detail: string,
    retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(
      context,
      `${context.provider} at ${context.url} answered ${status}${detail === "" ? "" : ` (${detail})`} ` +
        `after ${tries(context.attempts)}: ${statusFix(status)}`,
      options,
    );
    this.status = status;
    this.detail = detail;
    this.#retryAfterMs = retryAfterMs;
  }

  get retryable(): boolean {
    return RETRYABLE_STATUS.has(this.status) || this.status >= 500;
  }

  override get retryAfterMs(): number | undefined {
    return this.#retryAfterMs;
  }

  afterAttempts(attempts: number): LlmStatusError {
    return new LlmStatusError({ ...this, attempts }, this.status, this.detail, this.#retryAfterMs, {
      cause: this.cause,
    });
  }
}

/** The key is missing (`status` undefined) or the server refused it (401/403). Never retried. */
export class LlmKeyError extends LlmError {
  /** The environment variable the key comes from. */
  readonly envVar: string;
  readonly status: number | undefined;

  constructor(context: LlmErrorContext, envVar: string, status?: number, options?: { cause?: unknown }) {
    super(
      context,
      status === undefined
        ? `${context.provider} at ${context.url} needs an API key and ${envVar} is not set: ` +
            `export ${envVar}=<your key>, or name another variable in llm.apiKeyEnv`
        : `${context.provider} at ${context.url} refused the API key in ${envVar} (${status}): ` +
            `set ${envVar} to a valid key for this provider, or name another variable in llm.apiKeyEnv`,
      options,
    );
    this.envVar = envVar;
    this.status = status;
  }

  get retryable(): boolean {
    return false;
  }

  afterAttempts(attempts: number): LlmKeyError {
    return new LlmKeyError({ ...this, attempts }, this.envVar, this.status, { cause: this.cause });
  }
}

/** The server answered, but not with what was asked: a body that is not JSON, no content, content that is not JSON. */
export class LlmMalformedAnswerError extends LlmError {
  readonly detail: string;

  constructor(context: LlmErrorContext, detail: string, options?: { cause?: unknown }) {
    super(
      context,
      `${context.provider} at ${context.url} sent a malformed answer (${detail}): ` +
        "check that the server speaks this provider's protocol and that the model supports JSON-schema output or tools",
      options,
    );
    this.detail = detail;
  }

  get retryable(): boolean {
    return false;
  }

  afterAttempts(attempts: number): LlmMalformedAnswerError {
    return new LlmMalformedAnswerError({ ...this, attempts }, this.detail, { cause: this.cause });
  }
}

/** Milliseconds from a `retry-after-ms` or `retry-after` header (seconds, or an HTTP date), if any. */
export function retryAfterMsOf(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get("retry-after");
  if (value === null || value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A model setting out of its range (the scenario reader checks the rest of `llm:`). */
export class LlmSettingError extends ArenaError {
  constructor(field: string, value: unknown, expected: string) {
    super(`${field} is ${JSON.stringify(value)}: it must be ${expected}`);
  }
}
