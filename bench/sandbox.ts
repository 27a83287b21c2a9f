// `bin/arena bench:sandbox`: steps per second of a sandboxed strategy (bench/llm/sandbox.ts), against
// its target of 10,000; writes bench/results/sandbox.json. Wall-clock figures: noisy on a shared machine.

import { mkdirSync, writeFileSync } from "node:fs";

import { measureSandbox } from "./llm/sandbox.ts";

const RESULTS = "bench/results/sandbox.json";

const result = await measureSandbox();
const met = result.sandboxStepsPerSecond >= result.target ? "met" : "NOT met";
console.log(
  `sandboxStepsPerSecond  ${result.sandboxStepsPerSecond.toLocaleString("en")} per CPU second  (target ≥ ${result.target.toLocaleString("en")}: ${met}; ${result.wallStepsPerSecond.toLocaleString("en")} per wall second; ${result.intents.toLocaleString("en")} intents in ${result.steps.toLocaleString("en")} steps)`,
);
mkdirSync("bench/results", { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify({ ...result, measuredAt: new Date().toISOString() }, null, 2)}\n`);
console.log(`wrote ${RESULTS}`);
