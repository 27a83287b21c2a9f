// The one base of every error the arena raises on purpose. An ArenaError is a problem the user can act
// on (a bad field, a refused proposal, a lost node, an interrupted run): entry points print its message
// alone, and anything that is not an ArenaError keeps its stack trace. Callers tell errors apart with
// `instanceof` (or `findCause` through wrapping errors), never by comparing names.

export class ArenaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The first error of class `type` in `error` or its chain of causes (viem and Hardhat wrap errors in their own). */
export function findCause<T extends Error>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
  depth = 0,
): T | undefined {
  if (error instanceof type) return error;
  if (depth > 8 || typeof error !== "object" || error === null) return undefined;
  return findCause((error as { cause?: unknown }).cause, type, depth + 1);
}

/** The first line of an error's message, or the value as text. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0]!;
  return String(error);
}
