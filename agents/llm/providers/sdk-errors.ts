// The `openai` and `@anthropic-ai/sdk` packages raise the same shapes of error (both are generated from
// one template): an APIError with the HTTP status and headers, an APIConnectionError when no answer came
// (refused, reset, dropped), its subclass APIConnectionTimeoutError, and APIUserAbortError when the
// caller's signal aborted. This turns one attempt's SDK error into the arena's errors (../errors.ts);
// an abort by the caller passes through unchanged.

import {
  type LlmError,
  type LlmErrorContext,
  LlmKeyError,
  LlmMalformedAnswerError,
  LlmStatusError,
  LlmTimeoutError,
  LlmUnreachableError,
  retryAfterMsOf,
} from "../errors.ts";

type ErrorClass = abstract new (...args: never[]) => Error;

/** The SDK's error classes the translation tells apart. */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIUserAbortError: ErrorClass;
}

export interface AttemptContext {
  provider: string;
  url: string;
  timeoutMs: number;
  /** The variable the key came from, named when the server refuses it. */
  apiKeyEnv: string;
}

function causeText(error: unknown): string {
  let text = error instanceof Error ? error.message : String(error);
  let cause = (error as { cause?: unknown })?.cause;
  for (let depth = 0; cause instanceof Error && depth < 4; depth++) {
    const code = (cause as { code?: string }).code;
    text = code === undefined ? cause.message : `${code}: ${cause.message}`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return text.split("\n")[0]!;
}

/** The arena's error for one failed attempt, or the error itself when it is the caller's own abort. */
export function attemptError(error: unknown, sdk: SdkErrorClasses, attempt: AttemptContext): LlmError | unknown {
  const context: LlmErrorContext = { provider: attempt.provider, url: attempt.url, attempts: 1 };
  if (error instanceof sdk.APIUserAbortError) return error;
  if (error instanceof sdk.APIConnectionTimeoutError)
    return new LlmTimeoutError(context, attempt.timeoutMs, { cause: error });
  if (error instanceof sdk.APIConnectionError)
    return new LlmUnreachableError(context, causeText(error), { cause: error });
  if (error instanceof sdk.APIError) {
    const { status, headers } = error as Error & { status?: number; headers?: Headers };
    if (status === 401 || status === 403) return new LlmKeyError(context, attempt.apiKeyEnv, status, { cause: error });
    if (status !== undefined) {
      const detail = causeText(error).replace(/^\d{3}\s*/, "");
      return new LlmStatusError(context, status, detail.slice(0, 200), retryAfterMsOf(headers), { cause: error });
    }
  }
  // A 200 whose body is not JSON surfaces as the SDK's JSON.parse failing.
  if (error instanceof SyntaxError)
    return new LlmMalformedAnswerError(context, `the body is not JSON: ${error.message}`, { cause: error });
  return error;
}
