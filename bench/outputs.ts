// `bin/arena bench:outputs`: the fingerprint of everything the ready-made files produce. Runs every
// scenario in scenarios/ on the in-process chain and on the fast model, and every experiment in
// experiments/ (model rows; chain confirmations for the screen), and prints the sha256 of each
// deterministic output: a run folder's summary.json, steps.csv, agents.csv, txs.csv, gas.json (and
// governance.json, governance.jsonl), a model battle's summary and rows, an experiment's runs.csv (the
// wallMs column dropped) and best.json. Writes bench/results/outputs.json.
//
// A refactor that promises "behaviour unchanged" compares this file before and after:
//   ARENA_OUTPUTS_CHECK=1 bin/arena bench:outputs   fails, naming each output that changed.

import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";

import { runExperiment } from "../agents/experiment/run-experiment.ts";
import { runModelBattle } from "../agents/run/model-battle.ts";
import { runBattle } from "../agents/run/battle.ts";
import { stableJson } from "../agents/core/stable-json.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { usesLlm } from "../agents/run/llm-battle.ts";

const RESULTS = "bench/results/outputs.json";
const RUN_OUTPUTS = [
  "summary.json",
  "steps.csv",
  "agents.csv",
  "txs.csv",
  "gas.json",
  "governance.json",
  "governance.jsonl",
];

const sha = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);
const scratch = mkdtempSync(join(tmpdir(), "arena-outputs-"));
const hashes: Record<string, string> = {};
const only = process.env.ARENA_OUTPUTS_ONLY;

try {
  for (const file of readdirSync("scenarios")
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const path = join("scenarios", file);
    if (only !== undefined && !path.includes(only)) continue;
    const name = file.replace(/\.ya?ml$/, "");
    const out = join(scratch, name);
    const started = performance.now();
    await runBattle(hre, { scenario: path, out, quiet: true, noReport: true });
    for (const output of RUN_OUTPUTS) {
      const at = join(out, output);
      if (existsSync(at)) hashes[`chain/${name}/${output}`] = sha(readFileSync(at));
    }
    const scenario = await loadScenario(path);
    // The fast model runs neither governance nor language-model agents (those replay their cassette on the chain).
    if (scenario.governance === undefined && !usesLlm(scenario)) {
      const { summary, steps, agents } = await runModelBattle(scenario);
      hashes[`model/${name}`] = sha(stableJson({ summary, steps, agents }));
    }
    console.log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  for (const file of readdirSync("experiments")
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const path = join("experiments", file);
    if (only !== undefined && !path.includes(only)) continue;
    const name = file.replace(/\.ya?ml$/, "");
    const out = join(scratch, `experiment-${name}`);
    const started = performance.now();
    await runExperiment({ experiment: path, out, quiet: true, workers: 2 });
    const rows = readFileSync(join(out, "runs.csv"), "utf8").trimEnd().split("\n");
    const wall = rows[0]!.split(",").indexOf("wallMs");
    const sorted = rows
      .slice(1)
      .map((r) =>
        r
          .split(",")
          .filter((_, i) => i !== wall)
          .join(","),
      )
      .sort();
    hashes[`experiment/${name}/runs.csv`] = sha(sorted.join("\n"));
    hashes[`experiment/${name}/best.json`] = sha(readFileSync(join(out, "best.json")));
    console.log(`experiment ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const width = Math.max(...Object.keys(hashes).map((k) => k.length));
for (const [key, hash] of Object.entries(hashes)) console.log(`${key.padEnd(width)}  ${hash}`);

if (process.env.ARENA_OUTPUTS_CHECK !== undefined) {
  const recorded = JSON.parse(readFileSync(RESULTS, "utf8")).hashes as Record<string, string>;
  const changed = Object.keys({ ...recorded, ...hashes })
    .filter((key) => only === undefined || key.includes(only.replace(/^.*\//, "").replace(/\.ya?ml$/, "")))
    .filter((key) => recorded[key] !== hashes[key]);
  if (changed.length > 0) {
    console.error(
      `\n${changed.length} outputs differ from ${RESULTS}:\n  ${changed.map((k) => `${k}: ${recorded[k] ?? "absent"} → ${hashes[k] ?? "absent"}`).join("\n  ")}`,
    );
    process.exitCode = 1;
  } else console.log(`\nevery output equals ${RESULTS}`);
} else if (only === undefined) {
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ note: "sha256 (first 16 hex digits) of every ready-made scenario's and experiment's deterministic outputs", hashes }, null, 2)}\n`,
  );
  console.log(`\nwrote ${RESULTS}`);
}
