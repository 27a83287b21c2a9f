// What a language-model trader may answer: one zod schema per intent kind it may choose (hold, a buy
// or a sell on the curve or the pool), joined into one decision schema that is sent to the model as a
// JSON schema (zod 4's `z.toJSONSchema`) and checked again on the answer with zod. Amounts are decimal
// strings in human units (whole quote, whole tokens), so no float ever carries money; the domain
// checks (balances, limits, a paused venue) are the trader's (behaviours/llm-trader.ts).

import { z } from "zod";

import type { LlmSchema } from "./client.ts";

/** The actions a trader may be allowed, as named in its prompt and in its answers. */
export const ACTION_KINDS = ["hold", "buyCurve", "sellCurve", "buyPool", "sellPool"] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

const decimal = (what: string) =>
  z
    .string()
    .regex(/^\d{1,30}(\.\d{1,18})?$/, `a decimal string of ${what}, like "12.5"`)
    .describe(`${what}, as a decimal string`);

const slippage = (maxBps: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(maxBps)
    .describe("the largest move against the quote the trade accepts, in bps; the limit is set from it");

/** The schema of each action kind, for a trader whose slippage limit is `maxSlippageBps`. */
export function actionSchemas(maxSlippageBps: number) {
  return {
    hold: z.object({ kind: z.literal("hold") }).strict(),
    buyCurve: z
      .object({
        kind: z.literal("buyCurve"),
        quote: decimal("quote to spend"),
        maxSlippageBps: slippage(maxSlippageBps),
      })
      .strict(),
    sellCurve: z
      .object({
        kind: z.literal("sellCurve"),
        tokens: decimal("tokens to sell"),
        maxSlippageBps: slippage(maxSlippageBps),
      })
      .strict(),
    buyPool: z
      .object({
        kind: z.literal("buyPool"),
        quote: decimal("quote to spend"),
        maxSlippageBps: slippage(maxSlippageBps),
      })
      .strict(),
    sellPool: z
      .object({
        kind: z.literal("sellPool"),
        tokens: decimal("tokens to sell"),
        maxSlippageBps: slippage(maxSlippageBps),
      })
      .strict(),
  } as const;
}

export type Action =
  | { kind: "hold" }
  | { kind: "buyCurve" | "buyPool"; quote: string; maxSlippageBps: number }
  | { kind: "sellCurve" | "sellPool"; tokens: string; maxSlippageBps: number };

/** A decision: why, then one action. */
export interface Decision {
  reasoning: string;
  action: Action;
}

/** The largest reasoning kept (characters): enough for a paragraph, not for an essay per step. */
export const MAX_REASONING_CHARS = 1_000;

/** Built once per set of kinds and limit: a zod schema compiles its checks when first used, which costs more than a parse. */
const schemas = new Map<string, ReturnType<typeof buildDecisionSchema>>();

/** The decision schema for the allowed kinds (hold always among them): zod to check, JSON schema to send. */
export function decisionSchema(kinds: readonly ActionKind[], maxSlippageBps: number) {
  const key = `${kinds.join(",")}/${maxSlippageBps}`;
  let schema = schemas.get(key);
  if (schema === undefined) schemas.set(key, (schema = buildDecisionSchema(kinds, maxSlippageBps)));
  return schema;
}

function buildDecisionSchema(kinds: readonly ActionKind[], maxSlippageBps: number) {
  const all = actionSchemas(maxSlippageBps);
  const allowed = (["hold", ...kinds.filter((k) => k !== "hold")] as ActionKind[]).map((k) => all[k]);
  const action =
    allowed.length === 1 ? allowed[0]! : z.union(allowed as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  return z
    .object({
      reasoning: z.string().max(MAX_REASONING_CHARS).describe("why, in a few sentences, quoting the numbers used"),
      action,
    })
    .strict();
}

/** The JSON schema sent to the model, without the `$schema` marker (providers want the bare object). */
export function decisionJsonSchema(kinds: readonly ActionKind[], maxSlippageBps: number): LlmSchema {
  const { $schema: _, ...jsonSchema } = z.toJSONSchema(decisionSchema(kinds, maxSlippageBps)) as Record<
    string,
    unknown
  >;
  return { name: "trade_decision", description: "this step's trade, or hold", jsonSchema };
}

/** The answer checked against the schema: the decision, or every problem as one line. */
export function parseDecision(
  json: unknown,
  kinds: readonly ActionKind[],
  maxSlippageBps: number,
): { decision: Decision } | { problem: string } {
  const parsed = decisionSchema(kinds, maxSlippageBps).safeParse(json);
  if (parsed.success) return { decision: parsed.data as Decision };
  const problems = parsed.error.issues.map((issue) => {
    const at = issue.path.length === 0 ? "(answer)" : issue.path.join(".");
    // A union says only "Invalid input": say which actions were allowed and what came.
    if (issue.code === "invalid_union" && at === "action") {
      const got = JSON.stringify((json as { action?: unknown }).action) ?? "nothing";
      return `action: not one of the allowed actions (${["hold", ...kinds.filter((k) => k !== "hold")].join(", ")}) with their fields; got ${got.slice(0, 120)}`;
    }
    return `${at}: ${issue.message}`;
  });
  return { problem: `the answer does not match the schema: ${problems.join("; ")}` };
}
