// concurrencySpeedup: how much the concurrency cap lets model calls overlap. The local server of the
// tests (test/helpers/llm-server.ts) answers every chat completion after a fixed 50 ms, as a model
// behind a network would; the same number of decisions (one createLlmClient call each, through the
// real `openai` SDK, the limits and the retry layer) are asked for at once from a client capped at 1
// call in flight and from one capped at 8. Decisions per second at 8 ÷ at 1, median of three rounds
// (the order alternates). Target ≥ 5 (8 would be perfect overlap; the SDK's own work per call and
// the machine's other load take the rest).

import type { LlmRequest } from "../../agents/llm/client.ts";
import { createLlmClient } from "../../agents/llm/create-client.ts";
import { startLlmServer } from "../../test/helpers/llm-server.ts";
import { type LlmMeasurement, median } from "./measure.ts";

const LATENCY_MS = 50;
const DECISIONS = 48;
const ROUNDS = 3;
export const TARGET_CONCURRENCY_SPEEDUP = 5;

const REQUEST: LlmRequest = {
  messages: [
    { role: "system", content: "You trade a bonding-curve token. Answer with one intent." },
    { role: "user", content: "Price 1.25 USDC, you hold 100 USDC and 0 tokens. Decide." },
  ],
  schema: {
    name: "intent",
    jsonSchema: {
      type: "object",
      properties: { kind: { type: "string", enum: ["buy", "sell", "hold"] }, amount: { type: "string" } },
      required: ["kind", "amount"],
      additionalProperties: false,
    },
  },
};

export async function measureConcurrency(): Promise<LlmMeasurement> {
  const server = await startLlmServer({
    latencyMs: LATENCY_MS,
    answer: () => ({ json: { kind: "hold", amount: "0" } }),
  });
  const decisionsPerSecond = async (concurrency: number) => {
    const client = createLlmClient(
      {
        provider: "openai",
        model: "bench-model",
        baseUrl: server.openAiBaseUrl,
        temperature: 0,
        maxTokens: 64,
        timeoutMs: 10_000,
        retries: 0,
        concurrency,
      },
      { env: {} },
    );
    server.reset(() => ({ json: { kind: "hold", amount: "0" } }));
    const started = performance.now();
    await Promise.all(Array.from({ length: DECISIONS }, () => client.complete(REQUEST)));
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: DECISIONS / seconds, maxInFlight: server.maxInFlight };
  };
  try {
    await decisionsPerSecond(8); // warm up: connections, the SDK's first-call work
    const rounds: { one: number; eight: number; ratio: number; maxInFlight: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const first = round % 2 === 0 ? 1 : 8;
      const a = await decisionsPerSecond(first);
      const b = await decisionsPerSecond(first === 1 ? 8 : 1);
      const [one, eight] = first === 1 ? [a, b] : [b, a];
      rounds.push({
        one: one.perSecond,
        eight: eight.perSecond,
        ratio: eight.perSecond / one.perSecond,
        maxInFlight: eight.maxInFlight,
      });
    }
    const speedup = median(rounds.map((r) => r.ratio));
    return {
      results: {
        concurrencySpeedup: Number(speedup.toFixed(3)),
        concurrency: {
          target: TARGET_CONCURRENCY_SPEEDUP,
          serverLatencyMs: LATENCY_MS,
          decisionsPerRound: DECISIONS,
          decisionsPerSecondAt1: Number(median(rounds.map((r) => r.one)).toFixed(2)),
          decisionsPerSecondAt8: Number(median(rounds.map((r) => r.eight)).toFixed(2)),
          rounds: rounds.map((r) => ({
            at1: Number(r.one.toFixed(2)),
            at8: Number(r.eight.toFixed(2)),
            ratio: Number(r.ratio.toFixed(3)),
            maxInFlightAt8: r.maxInFlight,
          })),
        },
      },
      lines: [
        ...rounds.map(
          (r, i) =>
            `  round ${i + 1}: ${r.one.toFixed(1)} decisions/s at concurrency 1, ${r.eight.toFixed(1)} at 8 (at most ${r.maxInFlight} in flight): ×${r.ratio.toFixed(2)}`,
        ),
        `concurrencySpeedup ${speedup.toFixed(2)} (target ≥ ${TARGET_CONCURRENCY_SPEEDUP}; server latency ${LATENCY_MS} ms, ${DECISIONS} decisions a round, median of ${ROUNDS})`,
      ],
    };
  } finally {
    await server.close();
  }
}
