// What a language-model behaviour asks of the run it is in: one decision, answered by the run's model
// (live, recorded or replayed: run-llm.ts), checked by the behaviour's own `validate`, and recorded
// in llm.jsonl with its outcome. The behaviour knows no provider, cassette or budget.

import type { Intent } from "../mechanisms/vocabulary.ts";
import type { LlmRequest, LlmSettings } from "./client.ts";

/** One call for a decision: who asks, at which step, with which settings and request. */
export interface LlmCall {
  agent: string;
  step: number;
  settings: LlmSettings;
  request: LlmRequest;
}

/** What the behaviour made of an answer: the intents it sends, or why it refused the answer. */
export type Validation =
  | { status: "accepted"; intents: Intent[]; action: string }
  | { status: "rejected"; reason: string };

export interface LlmHost {
  /**
   * Asks the model and returns the intents of an accepted answer; [] when the answer was refused, the
   * call failed or the budget ran out (each recorded with its reason). Calls started together are
   * answered concurrently, but accounted and recorded in the order they were started.
   */
  decide(call: LlmCall, validate: (json: unknown) => Validation): Promise<Intent[]>;
}
