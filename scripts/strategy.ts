// `bin/arena strategy init | improve | beat --scenario s.yaml --agent id --goal "…" --metric
// agents.<id>.returnBps [--target strategies/x/gen-3.js] [--generations N] [--seeds 5] [--confirm-seeds 2]
// [--name x]`: a language model (the scenario's `llm:` section) writes and improves one agent's
// strategy; every generation goes to strategies/<name>/. The loop is agents/strategy/writer.ts.

import { readFileSync } from "node:fs";
import { join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { Reader } from "../agents/core/document-reader.ts";
import { ArenaError } from "../agents/core/errors.ts";
import { formatInterval } from "../agents/core/interval.ts";
import type { WholeRange } from "../agents/core/limits.ts";
import { ChainEngine } from "../agents/experiment/chain-engine.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { measure } from "../agents/metrics/registry.ts";
import { writerClient, writerSettings } from "../agents/strategy/writer-settings.ts";
import { runStrategyWriter, StrategyWriterError, type WriterMode } from "../agents/strategy/writer.ts";

interface StrategyTaskArguments {
  command: string;
  scenario: string;
  agent: string;
  goal: string;
  metric: string;
  target: string;
  generations: string;
  seeds: string;
  confirmSeeds: string;
  name: string;
}

const MODES: readonly WriterMode[] = ["init", "improve", "beat"];
const GENERATIONS: WholeRange = { min: 1n, max: 1_000n, what: "a whole number of candidates" };
const SEEDS: WholeRange = { min: 2n, max: 64n, what: "a whole number of seeds", note: "two at least, for an interval" };
const CONFIRM_SEEDS: WholeRange = { min: 0n, max: 64n, what: "a whole number of chain seeds" };

export default async function strategyTask(args: StrategyTaskArguments, hre: HardhatRuntimeEnvironment) {
  let engine: ChainEngine | undefined;
  try {
    const mode = args.command as WriterMode;
    if (!MODES.includes(mode))
      throw new StrategyWriterError(`the command is init, improve or beat, got ${JSON.stringify(args.command)}`);
    const options = new Reader();
    const generations = options.option(args.generations, "--generations", GENERATIONS);
    const seeds = options.option(args.seeds, "--seeds", SEEDS);
    const confirmSeeds = options.option(args.confirmSeeds, "--confirm-seeds", CONFIRM_SEEDS);
    options.throwOptionIssues();
    for (const [flag, value] of [
      ["--scenario", args.scenario],
      ["--agent", args.agent],
      ["--goal", args.goal],
    ] as const)
      if (value === "") throw new StrategyWriterError(`${flag} is required`);
    if (mode === "beat" && args.target === "")
      throw new StrategyWriterError("beat needs --target strategies/<name>/gen-N.js, the strategy to beat");
    const metric = args.metric === "" ? `agents.${args.agent}.returnBps` : args.metric;
    const scenario = await loadScenario(args.scenario);
    const settings = writerSettings(scenario);
    const name = args.name !== "" ? args.name : `${scenario.name}-${args.agent}`;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
      throw new StrategyWriterError(`--name ${JSON.stringify(name)}: 1 to 64 letters, digits, "_" or "-"`);
    let target: { file: string; code: string } | undefined;
    if (args.target !== "") {
      try {
        target = { file: args.target, code: readFileSync(args.target, "utf8") };
      } catch (error) {
        throw new StrategyWriterError(`--target ${args.target} cannot be read (${(error as Error).message})`);
      }
    }
    const apiDoc = readFileSync(new URL("../docs/strategy-api.md", import.meta.url), "utf8");
    const folder = join("strategies", name);
    engine = new ChainEngine(hre);
    const chainEngine = engine;
    const result = await runStrategyWriter({
      mode,
      scenario,
      agent: args.agent,
      goal: args.goal,
      metric,
      folder,
      ...(target === undefined ? {} : { target }),
      generations: Number(generations),
      seeds: Number(seeds),
      confirmSeeds: Number(confirmSeeds),
      chain: async (run, seed) => {
        const world = await chainEngine.run({ deploymentKey: "strategy", parameters: [], scenario: { ...run, seed } });
        return measure({ ...world, blockSeconds: run.blockSeconds }, metric);
      },
      client: writerClient(settings, scenario, process.env),
      settings,
      apiDoc,
      log: (line) => console.log(line),
    });
    const kept = result.made.filter((g) => g.kept).length;
    console.log(`\n${result.made.length} generation(s) in ${folder}/, ${kept} kept`);
    if (result.incumbent !== undefined)
      console.log(
        `incumbent: ${folder}/gen-${result.incumbent.generation}.js, ${metric} ${formatInterval(result.incumbent.interval, 4, { what: "seed" })}`,
      );
    if (result.beaten !== undefined)
      console.log(result.beaten ? `it beats ${args.target} beyond noise` : `it does not beat ${args.target} yet`);
    return successfulResult(result);
  } catch (error) {
    if (error instanceof ArenaError) {
      console.error(`strategy: ${error.message}`);
      return errorResult(error.message);
    }
    throw error;
  } finally {
    await engine?.close();
  }
}
