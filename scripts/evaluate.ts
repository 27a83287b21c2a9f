// `npx hardhat evaluate --change market.buyFeeBps=150[,key=value…] | --id <proposal id> [--scenario s.yaml]
// [--seeds 5] [--blocks 200] [--warmup 0] [--out report.md] [--force] [--network name]`: tests a proposal on
// snapshots with the scenario's agents, with and without the change, writes a forum-ready markdown
// report and predicts the vote. The work is in agents/governance/evaluation/run-evaluation.ts.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { parseChange } from "../agents/governance/protocol/changes.ts";
import { otherDelegates } from "../agents/governance/evaluation/evaluation-report.ts";
import { runEvaluationTask } from "../agents/governance/evaluation/run-evaluation.ts";
import { forumPostClient, saveForumPost, writeForumPost } from "../agents/governance/evaluation/forum-summary.ts";
import { WhatIfError } from "../agents/governance/evaluation/what-if.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { DEFAULT_SCENARIO } from "./battle.ts";
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
  /** `llm`: a model writes the forum post beside the report (absent or empty: none). */
  summary?: string;
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
    // --summary llm: the model's client is made (its settings, key and model file checked) before anything runs.
    const writer = (args.summary ?? "") === "" ? undefined : forumPostClient(args.summary!, scenario);
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
    if (writer !== undefined) {
      const post = await writeForumPost(writer, result.report);
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
