// `npx hardhat battle [--scenario scenarios/x.yaml] [--seed N] [--blocks N] [--out dir] [--force] [--network name] [--allow-live] [--live | --live-keep] [--llm live|record|replay] [--cassette dir]`:
// runs one scenario block by block and writes its run folder. The work is in agents/run/battle.ts; the
// live view (--live) in agents/live/.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { formatGasTable } from "../agents/gas/format-profile.ts";
import { formatGovernanceTable } from "../agents/governance/battle/governance-table.ts";
import { runBattle } from "../agents/run/battle.ts";
import { formatLeaderboard } from "../agents/run/leaderboard-table.ts";
import { RUN_FILES } from "../agents/run/run-files.ts";
import { ArenaError, findCause } from "../agents/core/errors.ts";
import { Reader } from "../agents/core/document-reader.ts";
import { BLOCKS, SEED } from "../agents/core/limits.ts";
import { BattleInterrupted } from "../agents/chain/errors.ts";
import { type LiveCommand, startLiveCommand } from "../agents/live/live-command.ts";
import { BattleSource } from "../agents/live/sources.ts";
import type { LlmMode } from "../agents/llm/client.ts";
import { LLM_MODES } from "../agents/run/llm-battle.ts";

export const DEFAULT_SCENARIO = "scenarios/calm.yaml";

function llmMode(options: Reader, text: string): LlmMode | undefined {
  if ((LLM_MODES as readonly string[]).includes(text)) return text as LlmMode;
  options.failText(
    "--llm",
    `one of ${LLM_MODES.join(", ")}`,
    JSON.stringify(text),
    "replay answers from the cassette, record asks the model and keeps its answers, live asks it",
  );
  return undefined;
}

interface BattleTaskArguments {
  scenario: string;
  seed: string;
  blocks: string;
  out: string;
  genesis: string;
  force: boolean;
  allowLive: boolean;
  quiet: boolean;
  live?: boolean;
  liveKeep?: boolean;
  llm?: string;
  cassette?: string;
}

export default async function battleTask(args: BattleTaskArguments, hre: HardhatRuntimeEnvironment) {
  let live: LiveCommand | undefined;
  const liveSource = new BattleSource();
  try {
    // The same ranges and messages as the scenario's seed and blocks (core/limits.ts).
    const options = new Reader();
    const seed = args.seed === "" ? undefined : options.option(args.seed, "--seed", SEED);
    const blocks = args.blocks === "" ? undefined : options.option(args.blocks, "--blocks", BLOCKS);
    const llm = args.llm === undefined || args.llm === "" ? undefined : llmMode(options, args.llm);
    options.throwOptionIssues();
    const network = hre.globalOptions.network;
    if (args.live || args.liveKeep) live = await startLiveCommand("battle", liveSource);
    const result = await runBattle(hre, {
      scenario: args.scenario === "" ? DEFAULT_SCENARIO : args.scenario,
      ...(seed === undefined ? {} : { seed }),
      ...(blocks === undefined ? {} : { blocks: Number(blocks) }),
      ...(args.out === "" ? {} : { out: args.out }),
      ...(args.genesis === "" ? {} : { genesis: args.genesis }),
      force: args.force,
      ...(network === undefined ? {} : { network }),
      allowLive: args.allowLive,
      quiet: args.quiet,
      ...(live === undefined ? {} : { onFolder: (folder) => liveSource.follow(folder) }),
      llm: {
        ...(llm === undefined ? {} : { mode: llm }),
        ...(args.cassette === undefined || args.cassette === "" ? {} : { cassette: args.cassette }),
      },
    });
    const { summary, gas, dir } = result;
    console.log(
      `\n${summary.scenario.name} · seed ${summary.scenario.seed} · ${summary.completion.stepsRecorded} blocks · ${result.txPerSecond.toFixed(0)} agent tx/s`,
    );
    console.log(`\n${formatLeaderboard(summary.leaderboard, 10)}`);
    if (summary.llm?.budgetStop) console.log(`\nStopped by the LLM budget: ${summary.llm.budgetStop}`);
    if (result.governance !== undefined) console.log(`\n${formatGovernanceTable(result.governance)}`);
    console.log(`\n${formatGasTable(gas, { by: "function", limit: 12 })}`);
    for (const problem of result.reconcileProblems) console.warn(`warning: ledger and chain disagree: ${problem}`);
    console.log(`\nRun folder: ${dir}\nReport:     ${dir}/${RUN_FILES.report}`);
    await live?.finish({ interrupted: false, keep: args.liveKeep === true });
    return successfulResult(dir);
  } catch (error) {
    // Expected failures get their message alone; anything else keeps Hardhat's stack trace.
    if (error instanceof ArenaError) {
      console.error(`battle: ${error.message}`);
      // Ctrl-C (SIGTERM) ends with the shell's usual status for it; the run folder is already complete.
      const interrupted = findCause(error, BattleInterrupted);
      // Ctrl-C stops the live view with the battle; --live-keep keeps it open on a battle that failed otherwise.
      await live?.finish({
        interrupted: interrupted !== undefined,
        keep: args.liveKeep === true && liveSource.following,
        reason: "the battle stopped",
      });
      if (interrupted !== undefined) process.exit(interrupted.exitCode);
      return errorResult(error.message);
    }
    await live?.finish({ interrupted: true, keep: false, reason: "the battle failed" });
    throw error;
  }
}
