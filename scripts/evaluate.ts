// `npx hardhat evaluate --change market.buyFeeBps=150[,key=value…] | --id <proposal id> [--scenario s.yaml]
// [--seeds 5] [--blocks 200] [--warmup 0] [--out report.md] [--force] [--network name]`: tests a proposal on
// snapshots with the scenario's agents, with and without the change, writes a forum-ready markdown
// report and predicts the vote. The work is in agents/governance/evaluation/run-evaluation.ts.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { parseChange } from "../agents/governance/protocol/changes.ts";
import { otherDelegates } from "../agents/governance/evaluation/evaluation-report.ts";
import { runEvaluationTask } from "../agents/governance/evaluation/run-evaluation.ts";
import { WhatIfError } from "../agents/governance/evaluation/what-if.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { DEFAULT_SCENARIO } from "./battle.ts";
import { ArenaError } from "../agents/core/errors.ts";

interface EvaluateTaskArguments {
  scenario: string;
  change: string;
  id: string;
  description: string;
  seeds: number;
  blocks: number;
  warmup: number;
  out: string;
  force: boolean;
  quiet: boolean;
}

export default async function evaluateTask(args: EvaluateTaskArguments, hre: HardhatRuntimeEnvironment) {
  try {
    if (args.id !== "" && !/^\d+$/.test(args.id))
      throw new WhatIfError(`--id must be a proposal id (a whole number), got ${JSON.stringify(args.id)}`);
    const changes =
      args.change === ""
        ? undefined
        : args.change
            .split(",")
            .map((text) => text.trim())
            .filter((text) => text !== "")
            .map(parseChange);
    const scenario = await loadScenario(args.scenario === "" ? DEFAULT_SCENARIO : args.scenario);
    const network = hre.globalOptions.network;
    const result = await runEvaluationTask(hre, {
      scenario,
      ...(changes === undefined ? {} : { changes }),
      ...(args.id === "" ? {} : { id: BigInt(args.id) }),
      ...(args.description === "" ? {} : { description: args.description }),
      seeds: args.seeds,
      blocks: args.blocks,
      warmup: args.warmup,
      ...(network === undefined ? {} : { network }),
      ...(args.out === "" ? {} : { out: args.out }),
      force: args.force,
      log: (line) => {
        if (!args.quiet) process.stderr.write(`${line}\n`);
      },
    });
    const { evaluation: e, prediction } = result;
    console.log(
      `\n${e.actions.description} · ${e.seeds.length} seeds × ${e.blocks} blocks · ${e.wallSeconds.toFixed(1)} s`,
    );
    for (const m of e.metrics) {
      const d = m.difference;
      console.log(
        `  ${m.label.padEnd(30)} ${d.mean >= 0 ? "+" : ""}${d.mean.toPrecision(4)} ± ${d.halfWidth.toPrecision(2)} ${m.unit}${m.significant ? "" : "  (noise)"}`,
      );
    }
    console.log(`\nPredicted: ${prediction.state} — ${prediction.why}`);
    if (prediction.others.length > 0) console.log(`           ${otherDelegates(prediction)[0]}`);
    console.log(`Report:    ${result.path}`);
    return successfulResult(result.path);
  } catch (error) {
    if (error instanceof ArenaError) {
      console.error(`evaluate: ${error.message}`);
      return errorResult(error.message);
    }
    throw error;
  }
}
