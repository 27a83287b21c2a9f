// `bin/arena bench:llm`: what language-model agents cost. Runs each measure of bench/llm/ in turn
// (`MEASURES=concurrency,... bin/arena bench:llm` runs only those named), prints its figures and merges them into
// bench/results/llm.json (a measure not run keeps its figures from the last run that did):
// - concurrencySpeedup (bench/llm/concurrency.ts): decisions per second at concurrency 8 ÷ at 1
//   against a local server answering after a fixed 50 ms. Target ≥ 5.
// A further measure is a module under bench/llm/ exporting an LlmMeasure's function, added to MEASURES.
// Timings are wall-clock times on a machine others share: expect ±20% between runs.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

import { measureConcurrency } from "./llm/concurrency.ts";
import type { LlmMeasure } from "./llm/measure.ts";

const RESULTS = "bench/results/llm.json";

const MEASURES: LlmMeasure[] = [{ name: "concurrency", measure: measureConcurrency }];

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
