// One battle: a scenario on a chain, block by block, into a run folder. Whatever stops it (the last
// block, Ctrl-C, a lost node), the blocks already mined stay on disk and the summary, gas profile and
// report are written for them; then the error, if any, is thrown. The folder is checked before the
// first transaction and written as `<out>.partial` until the run ends (run-folder.ts).

import { rmSync } from "node:fs";
import { join, resolve } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { agentColumnsOf, stepColumnsOf } from "../mechanisms/registry.ts";
import { gasProfileJson } from "../gas/profile-file.ts";
import type { GasProfile } from "../gas/profile.ts";
import { readParameters, type StoredParameter } from "../governance/protocol/changes.ts";
import { type InstalledGovernance, installGovernance } from "../governance/battle/install.ts";
import { governanceRecord, governanceSummary } from "../governance/battle/record.ts";
import type { GovernanceRecord } from "../governance/battle/record-file.ts";
import { GOVERNANCE_FILES, GovernanceTrail } from "../governance/battle/trail.ts";
import { writeReport } from "../report/report.ts";
import { loadScenario } from "../inputs/scenario.ts";
import type { Scenario } from "../inputs/scenario-types.ts";
import { type Chain, openChain } from "../chain/chain.ts";
import { findCause, messageOf } from "../core/errors.ts";
import { redactUrls } from "../core/display-url.ts";
import { FileWriteError } from "../core/file-errors.ts";
import { temporaryPathOf } from "../core/write-atomically.ts";
import { BattleInterrupted, BattleStopped, NodeLostError } from "../chain/errors.ts";
import { setUpGovernance } from "../governance/battle/governance-setup.ts";
import { type SetupResult, setUpBattle, setupGasRecords } from "../deploy/agents.ts";
import { loadSystemAbis } from "../chain/system.ts";
import { DEFAULT_ROTATE_EVERY } from "../engine/chain-backend.ts";
import { createChainWorld } from "../engine/create.ts";
import { runSteps } from "../engine/run-steps.ts";
import type { World } from "../engine/world.ts";
import { handleInterrupts } from "./interrupts.ts";
import {
  behavioursWithLlm,
  type LlmBattleOptions,
  openLlmRun,
  protocolDrafterOf,
  withLlmColumns,
} from "./llm-battle.ts";
import { LlmBudgetExhausted, type LlmRun } from "../llm/run-llm.ts";
import { LLM_FILES } from "../llm/recorder.ts";
import type { LlmStatsFile } from "../llm/stats.ts";
import { progressBar } from "./progress.ts";
import { RunRecorder } from "./recorder.ts";
import { RUN_FILES } from "./run-files.ts";
import { defaultRunFolder, RunFolder, RunFolderError } from "./run-folder.ts";
import { stableJson } from "../core/stable-json.ts";
import { type Summary, summarize, summaryJson } from "./summary.ts";
import { agentRowsOf, finalsOf, scenarioMeta } from "./world-summary.ts";
import type { LlmClient } from "../llm/client.ts";

export interface BattleOptions {
  scenario: string | Scenario;
  seed?: bigint;
  blocks?: number;
  /** Another genesis file for the same agents (e.g. the same scenario on a sigmoid curve). */
  genesis?: string;
  /** Run folder; `runs/<scenario>-seed<seed>` (`runs/<scenario>-<genesis>-seed<seed>` with another genesis) when absent. */
  out?: string;
  /** Replace the run files of a folder that holds some (--force); otherwise a folder that holds anything is refused. */
  force?: boolean;
  /** A network of hardhat.config.ts; the in-process chain when absent. */
  network?: string;
  /** Another URL for that network's node (a node on another port); hardhat.config.ts's when absent. */
  url?: string;
  allowLive?: boolean;
  /** No progress bar or set-up lines. */
  quiet?: boolean;
  /** Skip report.html (benchmarks). */
  noReport?: boolean;
  /** Called once the chain is set up, before the first step (tests read the deployment's addresses). */
  onSetup?: (setup: SetupResult) => void;
  /** Check the twins against the chain every this many blocks (engine/chain-backend.ts; always at the end). */
  verifyEvery?: number;
  /** On the in-process chain, move to a fresh chain with the same state after every this many transactions (bounded memory). */
  rotateEvery?: number;
  /** Called after each recorded step (tests use it to stop a run midway). */
  onStep?: (step: number, world: World) => void | Promise<void>;
  /** Stops the run after the current block when aborted (Ctrl-C does this too). */
  signal?: AbortSignal;
  /** Called once the run folder is checked, before the chain opens: where the run goes (the live view follows it). */
  onFolder?: (folder: { final: string; partial: string; blocks: number }) => void;
  /** The model the protocol agent drafts its candidates with (`draft: llm`, agents/governance/battle/llm-draft.ts). */
  protocolDrafter?: LlmClient;
  /** Language-model agents: `--llm` live, record or replay (the default), `--cassette`, and the model client. */
  llm?: LlmBattleOptions;
}

export interface BattleResult {
  dir: string;
  summary: Summary;
  gas: GasProfile;
  world: World;
  /** Agent transactions per second over the steps (wall time), set-up excluded. */
  txPerSecond: number;
  wallSeconds: number;
  /** Ledger ≠ chain balances after the run (always empty unless something outside the run moved funds). */
  reconcileProblems: string[];
  /** The scenario's governance: proposals, decisions, votes, pauses (also in governance.json). */
  governance?: GovernanceRecord;
  /** The model calls of its llm agents, per agent (also in llm.json). */
  llm?: LlmStatsFile;
}

export async function runBattle(hre: HardhatRuntimeEnvironment, options: BattleOptions): Promise<BattleResult> {
  const loaded = typeof options.scenario === "string" ? await loadScenario(options.scenario) : options.scenario;
  const scenario: Scenario = {
    ...loaded,
    seed: options.seed ?? loaded.seed,
    blocks: options.blocks ?? loaded.blocks,
    genesis: options.genesis ?? loaded.genesis,
  };
  const otherGenesis =
    options.genesis !== undefined && resolve(options.genesis) !== resolve(loaded.genesis) ? options.genesis : undefined;
  const dir = options.out ?? defaultRunFolder(scenario.name, scenario.seed, otherGenesis);
  const log = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };

  // Before anything is sent: the folder must be new or empty (or --force), and writable.
  const folder = RunFolder.prepare(dir, options.force ?? false);
  options.onFolder?.({ final: folder.final, partial: folder.partial, blocks: scenario.blocks });
  const wallStart = new Date();
  let chain: Chain;
  try {
    chain = await openChain(hre, {
      network: options.network,
      ...(options.url === undefined ? {} : { url: options.url }),
      mode: scenario.mode,
      startTime: scenario.startTime,
      allowLive: options.allowLive ?? false,
    });
  } catch (error) {
    folder.abandon();
    throw error;
  }
  let recorder: RunRecorder | undefined;
  let trail: GovernanceTrail | undefined;
  let llmRun: LlmRun | undefined;
  // Ctrl-C or SIGTERM, from the set-up on, stops the run after the current block (before the first if it
  // comes during the set-up); the folder is finished and the chain closed, which gives a node its mining back.
  let stopHandlingInterrupts: (() => void) | undefined;
  const stop = new AbortController();
  let phase: "steps" | "files" | "report" = "steps";
  stopHandlingInterrupts = handleInterrupts({
    stop: () => stop.abort(new BattleInterrupted("SIGINT (Ctrl-C)")),
    waiting: () =>
      `battle: stopping: ${phase === "steps" ? "finishing the current block, then writing" : "writing"} the summary, gas profile and report of the recorded blocks; Ctrl-C again quits without them`,
    beforeQuit: () => {
      if (phase !== "report") return;
      // Everything but the report is on disk: the run is moved into place without it.
      folder.publish();
      rmSync(temporaryPathOf(join(dir, RUN_FILES.report)), { force: true });
    },
    quitting: () =>
      phase === "report"
        ? `battle: quit before report.html was written: the run folder ${dir} is complete without it; run the battle again with --force to get the report`
        : `battle: quit before the run folder was finished: ${recorder?.stepsRecorded ?? 0} recorded blocks are in ${folder.partial} (steps.csv, agents.csv, txs.csv) without summary.json or report.html; run the battle again (--force replaces that folder) for a finished run`,
  });
  const onSigterm = () => stop.abort(new BattleInterrupted("SIGTERM", 143));
  process.once("SIGTERM", onSigterm);
  try {
    const abis = await loadSystemAbis(hre.artifacts);
    // A run out of model budget stops after the current block, like Ctrl-C, keeping everything recorded.
    llmRun = openLlmRun(scenario, options.llm ?? {}, folder.partial, (exhausted) => stop.abort(exhausted));
    const setup = await setUpBattle(chain, scenario, abis, options.allowLive ?? false, log);
    // Voters' delegations and the bootstrap proposal handing the treasury's votes to the protocol agent: more set-up blocks.
    const governanceSetup = await setUpGovernance(
      chain,
      scenario,
      abis,
      setup.deployment,
      setup.wallets,
      setup.lastTimestamp,
      log,
    );
    const { world, backend } = await createChainWorld(
      chain,
      scenario,
      abis,
      { ...setup, lastTimestamp: governanceSetup.lastTimestamp },
      (wallet) => behavioursWithLlm(wallet, llmRun),
      {
        ...(options.verifyEvery === undefined ? {} : { verifyEvery: options.verifyEvery }),
        rotateEvery: options.rotateEvery ?? DEFAULT_ROTATE_EVERY,
      },
    );
    options.onSetup?.(setup);
    recorder = new RunRecorder(folder.partial, stepColumnsOf(world.mechanisms), agentColumnsOf(world.mechanisms));
    const setupTxs = [...setup.txs, ...governanceSetup.txs];
    recorder.addGas(setupGasRecords(setupTxs, scenario.policy));
    let governance: InstalledGovernance | undefined;
    let initialParameters: Map<string, StoredParameter> | undefined;
    if (scenario.governance !== undefined) {
      trail = new GovernanceTrail(folder.partial);
      const drafter = options.protocolDrafter ?? protocolDrafterOf(scenario, llmRun, () => world.step);
      governance = installGovernance(world, backend, scenario, setup, governanceSetup, trail, drafter);
      initialParameters = await readParameters(chain.client, governance!.addresses.store);
    }

    options.signal?.addEventListener("abort", () =>
      stop.abort(options.signal!.reason ?? new BattleInterrupted("abort")),
    );
    const progress = progressBar(scenario.blocks, `battle ${scenario.name}`, process.stderr, options.quiet ?? false);
    let txs = 0;
    const run = await runSteps(world, scenario.blocks, {
      signal: stop.signal,
      onStep: async (result, step) => {
        recorder!.addGas(result.gas);
        const agentRows =
          step % scenario.output.agentEvery === 0 || step === scenario.blocks ? agentRowsOf(world, step) : undefined;
        recorder!.recordStep(result.row, result.events, agentRows);
        txs += Number(result.row.txs);
        progress.update(step, `price ${formatPrice(result.row.curvePriceWad)} · ${txs} txs`);
        await options.onStep?.(step, world);
      },
    });
    world.dispose();
    progress.finish();
    phase = "files";
    let failure = run.failure === undefined ? undefined : (findCause(run.failure, NodeLostError) ?? run.failure);
    // The twins are checked against the chain once more at the end: what the rows say is what the chain holds.
    if (failure === undefined) await backend.verify().catch((error: unknown) => (failure = error));
    const loopSeconds = run.seconds;

    // Finish the folder with what was recorded, whatever stopped the loop.
    const stepsRecorded = recorder.stepsRecorded;
    // A block whose row could not be written whole (a full disk) is not in the folder, so not in the summary.
    const rows = run.rows.slice(0, stepsRecorded);
    const lostNode = failure instanceof NodeLostError;
    const reconcileProblems = lostNode ? [] : await world.reconcile();
    const finals = finalsOf(world, stepsRecorded);
    const gas = recorder.gas.build();
    let governanceFile: GovernanceRecord | undefined;
    if (governance !== undefined && !lostNode) {
      governance.protocolAgent?.recordRunEffects(rows);
      governanceFile = governanceRecord(
        governance,
        initialParameters!,
        await readParameters(chain.client, governance.addresses.store),
      );
    }
    const summarized = summarize({
      scenario: scenarioMeta(scenario),
      network: { name: chain.networkName, chainId: Number(chain.chainId) },
      completion: {
        stepsRecorded,
        complete: failure === undefined,
        ...(failure === undefined ? {} : { stoppedBy: redactUrls(messageOf(failure)) }),
      },
      steps: rows,
      agents: finals,
      gas: gas.totals,
    });
    const governed: Summary =
      governanceFile === undefined ? summarized : { ...summarized, governance: governanceSummary(governanceFile) };
    const llmFile = llmRun?.stats.file();
    const summary: Summary =
      llmRun === undefined
        ? governed
        : {
            ...governed,
            leaderboard: withLlmColumns(governed.leaderboard, llmRun.stats.agents),
            llm: { ...llmFile!.totals, budgetStop: llmFile!.budgetStop },
          };
    const runJson = `${JSON.stringify(
      {
        startedAt: wallStart.toISOString(),
        finishedAt: new Date().toISOString(),
        wallSeconds: loopSeconds,
        txPerSecond: loopSeconds > 0 ? txs / loopSeconds : 0,
        network: chain.networkName,
        chainId: chain.chainId.toString(),
        addresses: setup.addresses,
        reconcileProblems,
        rotations: backend.rotations,
      },
      null,
      2,
    )}\n`;
    try {
      if (governanceFile !== undefined) await recorder.writeFile(GOVERNANCE_FILES.record, stableJson(governanceFile));
      await recorder.writeFile(RUN_FILES.gas, gasProfileJson(gas));
      if (llmRun !== undefined) {
        llmRun.close();
        await recorder.writeFile(LLM_FILES.stats, llmRun.stats.json());
      }
      await recorder.writeFile(RUN_FILES.summary, summaryJson(summary));
      await recorder.writeFile("run.json", runJson);
      recorder.close();
      trail?.close();
      folder.unmark();
    } catch (error) {
      if (!(error instanceof FileWriteError)) throw error;
      throw new RunFolderError(
        `${error.message}\nthe run folder was not finished: ${stepsRecorded} of ${scenario.blocks} blocks are recorded in ${folder.partial} (steps.csv, agents.csv, txs.csv, whole lines only)${failure === undefined ? "" : `; the battle had stopped: ${messageOf(failure)}`}; run the battle again once the disk has room (--force replaces that folder)`,
        { cause: error },
      );
    }
    phase = "report";
    // A report the disk refused is said after the run is moved into place: the run's own files are whole.
    const reportFailure = options.noReport
      ? undefined
      : await writeReport(folder.partial).then(
          () => undefined,
          (error: unknown) => {
            if (error instanceof FileWriteError) return error;
            throw error;
          },
        );
    folder.publish();
    stopHandlingInterrupts?.();
    // What stopped it, now also saying where the recorded blocks are (`cause` keeps the error itself). A run
    // its model budget stopped ended as the scenario asked: its result is returned, the summary says why.
    const stopped =
      failure === undefined || failure instanceof LlmBudgetExhausted
        ? undefined
        : new BattleStopped(failure, stepsRecorded, scenario.blocks, dir);
    if (reportFailure !== undefined) {
      throw new RunFolderError(
        `${stopped === undefined ? "" : `${stopped.message}\n`}${reportFailure.message}\nreport.html was not written; the run folder ${dir} is complete without it (run the battle again with --force to get it)`,
        { cause: stopped ?? reportFailure },
      );
    }
    if (stopped !== undefined) throw stopped;
    return {
      dir,
      summary,
      gas,
      world,
      txPerSecond: loopSeconds > 0 ? txs / loopSeconds : 0,
      wallSeconds: loopSeconds,
      reconcileProblems,
      ...(governanceFile === undefined ? {} : { governance: governanceFile }),
      ...(llmFile === undefined ? {} : { llm: llmFile }),
    };
  } finally {
    stopHandlingInterrupts?.();
    process.removeListener("SIGTERM", onSigterm);
    recorder?.close();
    trail?.close();
    llmRun?.close();
    if (recorder === undefined) folder.abandon();
    await closeQuietly(chain);
  }
}

function formatPrice(priceWad: bigint): string {
  return (Number(priceWad) / 1e18).toPrecision(6);
}

async function closeQuietly(chain: Chain): Promise<void> {
  try {
    await chain.close();
  } catch {
    // A node that is gone cannot be closed politely.
  }
}
