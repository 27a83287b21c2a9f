// What a sandboxed strategy sees and may return (docs/strategy-api.md says it for the strategy's
// author, human or model). In: the step's Observation as plain JSON, every bigint a decimal string in
// its contract unit, and last step's outcomes. Out: a list of intents, every amount a decimal string,
// checked here with a zod schema per intent kind before anything reaches the World. Nothing the
// strategy returns is trusted: a wrong shape is an error naming the intent, the field and the fix.

import { z } from "zod";

import { ArenaError } from "../core/errors.ts";
import { MAX_UINT256 } from "../core/units.ts";
import type { IntentOutcome } from "../behaviours/behaviour.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";

/** The most intents a strategy may return in one step. */
export const MAX_INTENTS_PER_STEP = 32;
/** The most characters a strategy's answer (its intents as JSON) may have in one step. */
export const MAX_OUTPUT_CHARS = 64 * 1024;
/** The longest note an intent may carry into txs.csv. */
export const MAX_NOTE_CHARS = 200;

/** A JSON value with every bigint as a decimal string (what crosses into the sandbox). */
export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** Any value made plain: bigints become decimal strings; undefined fields are left out. */
export function toPlain(value: unknown): Plain {
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === "object") {
    const out: { [key: string]: Plain } = {};
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      if (field === undefined || typeof field === "function") continue;
      out[key] = toPlain(field);
    }
    return out;
  }
  return null;
}

/** What last step's intents came to, as the strategy sees it. */
export interface PlainOutcome {
  kind: string;
  status: "success" | "reverted";
  gasUsed: string;
  error?: string;
}

export function plainOutcomes(outcomes: readonly IntentOutcome[]): PlainOutcome[] {
  return outcomes.map((o) => ({
    kind: o.intent.kind,
    status: o.status,
    gasUsed: o.gasUsed.toString(),
    ...(o.error === undefined ? {} : { error: o.error }),
  }));
}

/** A bigint as a decimal string, for JSON.stringify. */
const plainBigints = (_key: string, value: unknown): unknown => (typeof value === "bigint" ? value.toString() : value);

/**
 * The observation as JSON text for one sandbox, step after step. The price history is most of an
 * observation and moves by one price a step, so after the first step it goes as a change: for each
 * venue, how many of the prices last sent to keep (the newest ones) and the prices to append; the
 * sandbox's prelude rebuilds `obs.history` from it, so the strategy sees the whole history every step.
 */
export class ObservationEncoder {
  private sent: Record<string, readonly bigint[]> = {};

  encode(obs: Observation, outcomes: readonly PlainOutcome[]): string {
    const { history, ...rest } = obs;
    const delta: Record<string, { keep: number; append: readonly bigint[] }> = {};
    for (const [venue, prices] of Object.entries(history)) {
      delta[venue] = historyChange(this.sent[venue] ?? [], prices);
    }
    this.sent = history;
    return JSON.stringify({ ...rest, outcomes, historyDelta: delta }, plainBigints);
  }

  /** The next observation goes whole (after a step that failed, the sandbox may not have taken the last one in). */
  reset(): void {
    this.sent = {};
  }
}

/** How `next` follows from `last`: keep its newest `keep` prices, then append; everything anew when it does not follow. */
function historyChange(last: readonly bigint[], next: readonly bigint[]): { keep: number; append: readonly bigint[] } {
  for (const appended of [1, 0]) {
    const keep = next.length - appended;
    if (keep < 0 || keep > last.length) continue;
    let same = true;
    for (let i = 0; i < keep && same; i++) same = next[i] === last[last.length - keep + i];
    if (same) return { keep, append: next.slice(keep) };
  }
  return { keep: 0, append: next };
}

/* INTENTS OUT */

const amount = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, 'a decimal string of a whole amount in contract units, like "1000000"')
  .refine((text) => BigInt(text) <= MAX_UINT256, "at most 2^256 - 1");

const common = {
  note: z.string().max(MAX_NOTE_CHARS).optional(),
  priorityFeeWei: amount.optional(),
};

const INTENT_SCHEMA = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("buyCurve"), amount, maxCost: amount, ...common }),
  z.strictObject({ kind: z.literal("buyCurveWithQuote"), quoteIn: amount, minOut: amount, ...common }),
  z.strictObject({ kind: z.literal("sellCurve"), amount, minRefund: amount, ...common }),
  z.strictObject({
    kind: z.literal("swap"),
    sell: z.enum(["token", "quote"]),
    amountIn: amount,
    minOut: amount,
    ...common,
  }),
  z.strictObject({
    kind: z.literal("addLiquidity"),
    tokens: amount,
    quote: amount,
    minTokens: amount,
    minQuote: amount,
    ...common,
  }),
  z.strictObject({
    kind: z.literal("removeLiquidity"),
    liquidity: amount,
    minTokens: amount,
    minQuote: amount,
    ...common,
  }),
  z.strictObject({ kind: z.literal("releaseVested"), ...common }),
]);

/** The intent kinds a strategy may return, in the order docs/strategy-api.md lists them. */
export const STRATEGY_INTENT_KINDS = [
  "buyCurve",
  "buyCurveWithQuote",
  "sellCurve",
  "swap",
  "addLiquidity",
  "removeLiquidity",
  "releaseVested",
] as const;

const AMOUNT_FIELDS = ["amount", "maxCost", "quoteIn", "minOut", "minRefund", "amountIn", "tokens", "quote"] as const;
const MORE_AMOUNT_FIELDS = ["minTokens", "minQuote", "liquidity", "priorityFeeWei"] as const;

/**
 * The intents in a strategy's answer (JSON text), in contract units; a problem is thrown as a
 * string saying which intent and field and what was wrong (the caller wraps it with the agent and step).
 */
export function parseIntents(text: string, defaults: { note: string; priorityFeeWei?: bigint }): Intent[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new IntentProblem(`returned text that is not JSON (${text.slice(0, 60)}…)`);
  }
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new IntentProblem(`returned ${describe(value)} instead of an array of intents`);
  if (value.length > MAX_INTENTS_PER_STEP)
    throw new IntentProblem(`returned ${value.length} intents, more than ${MAX_INTENTS_PER_STEP} in one step`);
  return value.map((entry, i) => {
    const parsed = INTENT_SCHEMA.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length === 0 ? "" : `.${issue.path.join(".")}`;
      throw new IntentProblem(`intent [${i}]${where}: ${issue.message} (got ${describe(entry)})`);
    }
    const plain = parsed.data as Record<string, unknown>;
    const intent: Record<string, unknown> = { ...plain };
    for (const field of [...AMOUNT_FIELDS, ...MORE_AMOUNT_FIELDS]) {
      if (typeof plain[field] === "string") intent[field] = BigInt(plain[field] as string);
    }
    intent.note = plain.note === undefined ? defaults.note : `${defaults.note}: ${plain.note}`;
    if (intent.priorityFeeWei === undefined && defaults.priorityFeeWei !== undefined)
      intent.priorityFeeWei = defaults.priorityFeeWei;
    return intent as unknown as Intent;
  });
}

/** A strategy's answer that is not a list of valid intents (the message says what is wrong). */
export class IntentProblem extends ArenaError {}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
