// `bin/arena bench:llm`: what language-model agents cost. Runs each measure of bench/llm/ in turn
// (`MEASURES=concurrency,... bin/arena bench:llm` runs only those named), prints its figures and merges them into
// bench/results/llm.json (a measure not run keeps its figures from the last run that did):
// - concurrencySpeedup (bench/llm/concurrency.ts): decisions per second at concurrency 8 ÷ at 1
//   against a local server answering after a fixed 50 ms. Target ≥ 5.
// - replayRatio (bench/llm/replay.ts): a replayed LLM battle's agent tx/s ÷ the same scenario with
//   rule-based agents in the llm traders' place making as many trades. Target ≥ 0.9.
// - sandboxStepsPerSecond (bench/llm/sandbox.ts): steps of a sandboxed strategy (QuickJS) per CPU
//   second of the process, and per wall second. Target ≥ 10,000.
// A further measure is a module under bench/llm/ exporting an LlmMeasure's function, added to MEASURES.
// Timings are wall-clock times on a machine others share: expect ±20% between runs.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

import { measureConcurrency } from "./llm/concurrency.ts";
import type { LlmMeasure } from "./llm/measure.ts";
import { replayMeasure } from "./llm/replay.ts";
import { measureSandbox } from "./llm/sandbox.ts";

const RESULTS = "bench/results/llm.json";

const MEASURES: LlmMeasure[] = [
  { name: "concurrency", measure: measureConcurrency },
  { name: "replay", measure: replayMeasure },
  {
    name: "sandbox",
    measure: async () => {
      const r = await measureSandbox();
      const met = r.sandboxStepsPerSecond >= r.target ? "met" : "NOT met";
      return {
        results: { sandboxStepsPerSecond: r.sandboxStepsPerSecond, sandbox: r },
        lines: [
          `  sandboxStepsPerSecond  ${r.sandboxStepsPerSecond.toLocaleString("en")} per CPU second (target ≥ ${r.target.toLocaleString("en")}: ${met}); ${r.wallStepsPerSecond.toLocaleString("en")} per wall second; ${r.intents.toLocaleString("en")} intents in ${r.steps.toLocaleString("en")} steps`,
        ],
      };
    },
  },
];

const named = (process.env.MEASURES ?? "").split(",").filter((name) => name !== "");
const unknown = named.filter((name) => !MEASURES.some((m) => m.name === name));
if (unknown.length > 0) {
  console.error(
    `bench:llm: no measure ${unknown.join(", ")}: the measures are ${MEASURES.map((m) => m.name).join(", ")}`,
  );
  process.exit(1);
}
const chosen = named.length === 0 ? MEASURES : MEASURES.filter((m) => named.includes(m.name));

const results: Record<string, unknown> = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : {};
for (const { name, measure } of chosen) {
  console.log(`${name}:`);
  const measurement = await measure();
  for (const line of measurement.lines) console.log(line);
  Object.assign(results, measurement.results);
}
mkdirSync("bench/results", { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${RESULTS}`);
