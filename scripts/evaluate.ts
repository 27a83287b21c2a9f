// `npx hardhat evaluate --change market.buyFeeBps=150[,key=value…] | --id <proposal id> [--scenario s.yaml]
// [--seeds 5] [--blocks 200] [--warmup 0] [--out report.md] [--force] [--network name] [--summary llm
// [--llm replay|record|live] [--cassette dir]]`: tests a proposal on snapshots with the scenario's agents,
// with and without the change, writes a forum-ready markdown report and predicts the vote; with
// --summary llm the scenario's model writes the forum post beside it, quoting only the report's figures. The work is in agents/governance/evaluation/run-evaluation.ts.

import { dirname } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { parseChange } from "../agents/governance/protocol/changes.ts";
import { otherDelegates } from "../agents/governance/evaluation/evaluation-report.ts";
import { runEvaluationTask } from "../agents/governance/evaluation/run-evaluation.ts";
import { WhatIfError } from "../agents/governance/evaluation/what-if.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { DEFAULT_SCENARIO, llmMode } from "./battle.ts";
import { saveForumPost, writeForumPost } from "../agents/governance/evaluation/forum-summary.ts";
import { sharedLlmSettings } from "../agents/inputs/llm-reader.ts";
import { Cassette, cassetteClient } from "../agents/llm/cassette.ts";
import { createLlmClient } from "../agents/llm/create-client.ts";
import { cassetteFolderOf } from "../agents/run/llm-battle.ts";
import { ArenaError } from "../agents/core/errors.ts";
import { Reader } from "../agents/core/document-reader.ts";
import { formatInterval } from "../agents/core/interval.ts";
import { EVALUATION_BLOCKS, EVALUATION_SEEDS, SEED, WARMUP_BLOCKS } from "../agents/core/limits.ts";

interface EvaluateTaskArguments {
  scenario: string;
  change: string;
  id: string;
  description: string;
  seeds: string;
  blocks: string;
  warmup: string;
  out: string;
  summary: string;
  llm: string;
  cassette: string;
  force: boolean;
  quiet: boolean;
}

export default async function evaluateTask(args: EvaluateTaskArguments, hre: HardhatRuntimeEnvironment) {
  try {
    if (args.id !== "" && !/^\d+$/.test(args.id))
      throw new WhatIfError(`--id must be a proposal id (a whole number), got ${JSON.stringify(args.id)}`);
    // The ranges a scenario's governance evaluation has (core/limits.ts), checked before anything runs.
    const options = new Reader();
    const seeds = options.option(args.seeds, "--seeds", EVALUATION_SEEDS);
    const blocks = options.option(args.blocks, "--blocks", EVALUATION_BLOCKS);
    const warmup = options.option(args.warmup, "--warmup", WARMUP_BLOCKS);
    if (args.summary !== "" && args.summary !== "llm")
      options.failText(
        "--summary",
        "llm",
        JSON.stringify(args.summary),
        "pass --summary llm, or leave it out for no post",
      );
    if (args.summary === "" && (args.llm !== "" || args.cassette !== ""))
      options.failText(
        "--llm",
        "--summary llm beside it",
        args.llm === "" ? "--cassette" : "--llm",
        "add --summary llm",
      );
    const mode = args.llm === "" ? "replay" : llmMode(options, args.llm);
    options.throwOptionIssues();
    const changes =
      args.change === ""
        ? undefined
        : args.change
            .split(",")
            .map((text) => text.trim())
            .filter((text) => text !== "")
            .map(parseChange);
    const scenario = await loadScenario(args.scenario === "" ? DEFAULT_SCENARIO : args.scenario);
    // The model is checked before anything runs: a scenario without one fails now, not after the evaluation.
    const settings =
      args.summary === "llm" ? sharedLlmSettings(scenario.llm, scenario.source, "--summary llm") : undefined;
    // Asking a model (live, record): its client now, so a missing key or model file stops before anything is deployed.
    const live =
      settings === undefined || mode === "replay"
        ? undefined
        : createLlmClient(settings, { env: process.env, baseDir: dirname(scenario.source) });
    if (scenario.seed + seeds! - 1n > SEED.max)
      throw new WhatIfError(
        `--seeds ${seeds} from the scenario's seed ${scenario.seed} would pass the largest seed, ${SEED.max}: use --seeds ${SEED.max - scenario.seed + 1n} or fewer, or a scenario with a lower seed`,
      );
    const network = hre.globalOptions.network;
    const result = await runEvaluationTask(hre, {
      scenario,
      ...(changes === undefined ? {} : { changes }),
      ...(args.id === "" ? {} : { id: BigInt(args.id) }),
      ...(args.description === "" ? {} : { description: args.description }),
      seeds: Number(seeds),
      blocks: Number(blocks),
      warmup: Number(warmup),
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
      const verdict = d.n < 2 ? "" : m.significant ? "" : "  (noise)";
      console.log(
        `  ${m.label.padEnd(30)} ${formatInterval(d, 4, { signed: true, unit: m.unit, what: "seed" })}${verdict}`,
      );
    }
    if (e.seeds.length < 2)
      console.log(
        "  (one seed: these are single differences with no 95% interval, and nothing is called beyond noise; --seeds 5 gives useful intervals)",
      );
    console.log(`\nPredicted: ${prediction.state} — ${prediction.why}`);
    if (prediction.others.length > 0) console.log(`           ${otherDelegates(prediction)[0]}`);
    console.log(`Report:    ${result.path}`);
    if (settings !== undefined) {
      const client = cassetteClient(
        mode!,
        new Cassette(cassetteFolderOf(scenario, args.cassette === "" ? undefined : args.cassette)),
        settings,
        () => live!,
        `the forum post of ${result.path}`,
      );
      const post = await writeForumPost(client, result.report);
      console.log(`Post:      ${await saveForumPost(result.path, post, args.force)}`);
    }
    return successfulResult(result.path);
  } catch (error) {
    if (error instanceof ArenaError) {
      console.error(`evaluate: ${error.message}`);
      return errorResult(error.message);
    }
    throw error;
  }
}
