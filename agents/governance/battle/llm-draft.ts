// The protocol agent's candidates drafted by a language model (`draft: llm`): the model reads the
// objective, the last window's metrics and each parameter it may tune (value, bounds, the largest
// change the store allows now, when it may change next, proposals pending on it) and answers with up
// to a few candidate changes, each with a rationale. The model only proposes: every candidate goes
// through the same rails as the grid's (the store's bounds, step and interval at the expected
// execution time, and the proposals pending on its keys), and what passes is evaluated on what-ifs
// and judged by the objective exactly like a drafted one. What the rails refuse is recorded with why.
// An answer that is not of the schema is recorded as one refusal and drafts nothing; an error of the
// client itself (no server, the budget spent) is the run's, and propagates.

import { z } from "zod";

import type { ParameterChange } from "../../core/parameters.ts";
import { formatParameter } from "../../core/parameters.ts";
import type { LlmAnswer, LlmClient } from "../../llm/client.ts";
import { checkChanges, describeChange, maxDelta, nextAllowedAt, type StoredParameter } from "../protocol/changes.ts";
import { type PendingProposal, pendingProblems } from "../protocol/rails.ts";
import type { WindowMetrics } from "../evaluation/window-metrics.ts";
import type { Candidate, Drafted } from "./candidates.ts";

export interface ModelDraftInput {
  parameters: ReadonlyMap<string, StoredParameter>;
  /** The keys it may tune (the scenario's `parameters`). */
  keys: readonly string[];
  /** Unix seconds the proposal would execute (the rails are checked at this time). */
  executeAt: bigint;
  pending?: readonly PendingProposal[];
  /** describeObjective(): "minimise curveVolatilityBps subject to minSolvencyRatio >= 1". */
  objective: string;
  /** The last window's metrics (absent before two steps of history). */
  monitor?: WindowMetrics;
  step: number;
  /** Candidates the model may answer (default 4). */
  maxCandidates?: number;
  temperature?: number;
  seed?: number;
}

export interface ModelDrafted extends Drafted {
  /** The model's answer, for the trail (tokens, latency). */
  answer: LlmAnswer;
}

const DEFAULT_CANDIDATES = 4;
const INTEGER = /^(0|[1-9][0-9]*)$/;

/** The answer's schema for these keys: candidates of changes (key, value in the store's units) with a rationale. */
export function draftSchema(keys: readonly string[], maxCandidates = DEFAULT_CANDIDATES) {
  return z.object({
    candidates: z
      .array(
        z.object({
          changes: z
            .array(z.object({ key: z.enum(keys as [string, ...string[]]), value: z.string().regex(INTEGER) }))
            .min(1)
            .max(keys.length),
          rationale: z.string().min(1).max(600),
        }),
      )
      .max(maxCandidates),
  });
}

export async function draftCandidatesWithModel(client: LlmClient, input: ModelDraftInput): Promise<ModelDrafted> {
  if (input.keys.length === 0) throw new RangeError("draftCandidatesWithModel: give at least one key to tune");
  const maxCandidates = input.maxCandidates ?? DEFAULT_CANDIDATES;
  const schema = draftSchema(input.keys, maxCandidates);
  const answer = await client.complete({
    messages: [
      { role: "system", content: instructions(maxCandidates) },
      { role: "user", content: situation(input) },
    ],
    schema: {
      name: "parameter_candidates",
      description: "Candidate parameter changes, each with its rationale",
      jsonSchema: z.toJSONSchema(schema) as Record<string, unknown>,
    },
    ...(input.temperature === undefined ? {} : { temperature: input.temperature }),
    ...(input.seed === undefined ? {} : { seed: input.seed }),
  });
  const parsed = schema.safeParse(answer.json);
  if (!parsed.success)
    return {
      candidates: [],
      refused: [
        {
          change: `${client.provider} ${client.model}'s draft`,
          problem: `the answer is not a list of candidates: ${parsed.error.issues
            .slice(0, 3)
            .map((issue) => `${issue.path.join(".") || "answer"}: ${issue.message}`)
            .join("; ")}`,
        },
      ],
      answer,
    };

  const candidates: Candidate[] = [];
  const refused: Drafted["refused"] = [];
  const seen = new Set<string>();
  for (const drafted of parsed.data.candidates) {
    const changes: ParameterChange[] = drafted.changes.map((c) => ({ key: c.key, value: BigInt(c.value) }));
    const description = changes.map((c) => describeChange(c, input.parameters.get(c.key)?.value)).join(", ");
    const problems = [
      ...checkChanges(input.parameters, changes, input.executeAt),
      ...pendingProblems({ changes, unpause: false }, input.pending ?? []),
    ];
    if (problems.length > 0) refused.push({ change: description, problem: problems[0]! });
    else if (!seen.has(description)) {
      seen.add(description);
      candidates.push({ changes, description, rationale: drafted.rationale.trim() });
    }
  }
  return { candidates, refused, answer };
}

function instructions(maxCandidates: number): string {
  return [
    "You are the protocol-owned agent of a token's DAO. You propose parameter changes of the token's market that serve the agent's objective.",
    `Answer with at most ${maxCandidates} candidate changes, each one or more parameters with their new values and a rationale of a few sentences saying why the change should serve the objective, citing the metrics given.`,
    "Values are integers in the store's units, as the parameters are listed. A change outside a parameter's bounds, larger than its largest change now, or before it may change again is refused, so stay within them.",
    "Every candidate is then tested on snapshots of the chain and only one that beats the status quo beyond noise is proposed: an empty list is a fine answer when nothing should change.",
  ].join(" ");
}

function situation(input: ModelDraftInput): string {
  const lines = [`Step ${input.step}. Objective: ${input.objective}.`, ""];
  if (input.monitor !== undefined) {
    lines.push("The market over the last window:");
    for (const [metric, value] of Object.entries(input.monitor)) lines.push(`- ${metric}: ${value}`);
  } else lines.push("There is no window of history yet.");
  lines.push("", `The proposal would execute at unix time ${input.executeAt}. Parameters you may change:`);
  for (const key of input.keys) {
    const p = input.parameters.get(key);
    if (p === undefined) continue;
    const next = nextAllowedAt(p);
    const pending = (input.pending ?? []).filter((q) => q.keys.includes(key));
    lines.push(
      `- ${key}: value ${p.value} (${formatParameter(key, p.value)}), bounds ${p.min} … ${p.max}, ` +
        `largest change now ±${maxDelta(p)}, may change from unix ${next}${next > input.executeAt ? " (too late for this proposal)" : ""}` +
        (pending.length === 0 ? "" : `; pending: ${pending.map((q) => `${q.name} (${q.standing})`).join(", ")}`),
    );
  }
  return lines.join("\n");
}
