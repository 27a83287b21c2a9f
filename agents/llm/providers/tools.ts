// The tools a model may call before answering (LlmRequest.tools), as both adapters run them: find the
// tool the model named, run it on the parsed input and give its result back; an ArenaError the tool
// throws (a quote the domain refuses, say) goes back to the model as `{ error }` so it can ask again,
// anything else is a bug and propagates. The calls made are kept for the answer's `raw`.

import { ArenaError } from "../../core/errors.ts";
import type { LlmRequest, LlmUsage } from "../client.ts";
import { type LlmErrorContext, LlmMalformedAnswerError } from "../errors.ts";

export const DEFAULT_MAX_TOOL_CALLS = 4;

export interface LlmToolCall {
  name: string;
  input: unknown;
  output: unknown;
}

/** The answer's `raw` when the request offered tools: each round's provider answer and the calls made. */
export interface LlmToolRounds {
  rounds: unknown[];
  toolCalls: LlmToolCall[];
}

export function parseJson(text: string, context: LlmErrorContext, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const start = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    throw new LlmMalformedAnswerError(context, `${what} is not JSON: ${JSON.stringify(start)}`, { cause: error });
  }
}

export async function runTool(
  request: LlmRequest,
  name: string,
  input: unknown,
  context: LlmErrorContext,
): Promise<LlmToolCall> {
  const tool = request.tools?.find((t) => t.name === name);
  if (tool === undefined) {
    const offered = [request.schema.name, ...(request.tools ?? []).map((t) => t.name)].join(", ");
    throw new LlmMalformedAnswerError(
      context,
      `the model called ${name}, which it was not offered (it had ${offered})`,
    );
  }
  let output: unknown;
  try {
    output = await tool.run(input);
  } catch (error) {
    if (!(error instanceof ArenaError)) throw error;
    output = { error: error.message };
  }
  return { name, input, output };
}

export function addUsage(total: LlmUsage, more: LlmUsage): LlmUsage {
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
    cachedTokens: total.cachedTokens + more.cachedTokens,
  };
}

export const NO_USAGE: LlmUsage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0 };
