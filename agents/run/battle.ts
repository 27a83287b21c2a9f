// One battle: a scenario on a chain, block by block, into a run folder. Whatever stops it (the last
// block, Ctrl-C, a lost node), the blocks already mined stay on disk and the summary, gas profile and
// report are written for them; then the error, if any, is thrown.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { createBehaviour } from "../behaviours/create.ts";
import { gasProfileJson } from "../gas/profile-file.ts";
import type { GasProfile } from "../gas/profile.ts";
import { writeReport } from "../report/report.ts";
import { loadScenario } from "../scenario/scenario.ts";
import type { Scenario } from "../scenario/scenario-types.ts";
import { type Chain, openChain } from "../world/chain.ts";
import { BattleError, BattleInterrupted, findNodeLost, messageOf } from "../world/errors.ts";
import { setUpBattle } from "../world/setup.ts";
import { loadSystemAbis } from "../world/system.ts";
import { World } from "../world/world.ts";
import { progressBar } from "./progress.ts";
import type { StepRow } from "./records.ts";
import { RunRecorder } from "./recorder.ts";
import { RUN_FILES } from "./run-files.ts";
import { type Summary, summarize, summaryJson } from "./summary.ts";
import { agentRowsOf, finalsOf, scenarioMeta } from "./world-summary.ts";

export interface BattleOptions {
  scenario: string | Scenario;
  seed?: bigint;
  blocks?: number;
  /** Another genesis file for the same agents (e.g. the same scenario on a sigmoid curve). */
  genesis?: string;
  /** Run folder; `runs/<scenario>-seed<seed>` when absent. */
  out?: string;
  /** A network of hardhat.config.ts; the in-process chain when absent. */
  network?: string;
  allowLive?: boolean;
  /** No progress bar or set-up lines. */
  quiet?: boolean;
  /** Skip report.html (benchmarks). */
  noReport?: boolean;
  /** Called after each recorded step (tests use it to stop a run midway). */
  onStep?: (step: number, world: World) => void | Promise<void>;
  /** Stops the run after the current block when aborted (Ctrl-C does this too). */
  signal?: AbortSignal;
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
}

export async function runBattle(hre: HardhatRuntimeEnvironment, options: BattleOptions): Promise<BattleResult> {
  const loaded = typeof options.scenario === "string" ? await loadScenario(options.scenario) : options.scenario;
  const scenario: Scenario = { ...loaded, seed: options.seed ?? loaded.seed, blocks: options.blocks ?? loaded.blocks, genesis: options.genesis ?? loaded.genesis };
  const dir = options.out ?? `runs/${scenario.name}-seed${scenario.seed}`;
  const log = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };

  const wallStart = new Date();
  const chain = await openChain(hre, { network: options.network, mode: scenario.mode, startTime: scenario.startTime, allowLive: options.allowLive ?? false });
  let recorder: RunRecorder | undefined;
  try {
    const abis = await loadSystemAbis(hre.artifacts);
    const setup = await setUpBattle(chain, scenario, abis, options.allowLive ?? false, log);
    const world = await World.create(chain, scenario, abis, setup, (wallet) => wallet.config.behaviours.map(createBehaviour));
    recorder = new RunRecorder(dir);
    recorder.addGas(setup.txs.map(({ agent, tx, gasUsed }) => ({ step: 0, agent, behaviour: "setup", policy: scenario.policy, contract: tx.contract, fn: tx.fn, gasUsed: Number(gasUsed), status: "success" as const })));

    const stop = new AbortController();
    const onSigint = () => stop.abort(new BattleInterrupted("SIGINT (Ctrl-C)"));
    process.once("SIGINT", onSigint);
    options.signal?.addEventListener("abort", () => stop.abort(options.signal!.reason ?? new BattleInterrupted("abort")));
    const progress = progressBar(scenario.blocks, `battle ${scenario.name}`, process.stderr, options.quiet ?? false);
    const rows: StepRow[] = [];
    let failure: unknown;
    let txs = 0;
    const loopStart = performance.now();
    try {
      for (let step = 1; step <= scenario.blocks; step++) {
        if (stop.signal.aborted) throw stop.signal.reason;
        const result = await world.runStep();
        recorder.addGas(result.gas);
        const agentRows = step % scenario.output.agentEvery === 0 || step === scenario.blocks ? agentRowsOf(world, step) : undefined;
        recorder.recordStep(result.row, result.events, agentRows);
        rows.push(result.row);
        txs += Number(result.row.txs);
        progress.update(step, `price ${formatPrice(result.row.curvePriceWad)} · ${txs} txs`);
        await options.onStep?.(step, world);
      }
    } catch (error) {
      failure = findNodeLost(error) ?? error;
    } finally {
      process.removeListener("SIGINT", onSigint);
      progress.finish();
    }
    const loopSeconds = (performance.now() - loopStart) / 1000;

    // Finish the folder with what was recorded, whatever stopped the loop.
    const stepsRecorded = recorder.stepsRecorded;
    const lostNode = failure instanceof Error && failure.name === "NodeLostError";
    const reconcileProblems = lostNode ? [] : await world.reconcile();
    const finals = finalsOf(world, stepsRecorded);
    const gas = recorder.gas.build();
    const summary = summarize({
      scenario: scenarioMeta(scenario),
      network: { name: chain.networkName, chainId: Number(chain.chainId) },
      completion: { stepsRecorded, complete: failure === undefined, ...(failure === undefined ? {} : { stoppedBy: messageOf(failure) }) },
      steps: rows,
      agents: finals,
      gas: gas.totals,
    });
    recorder.writeFile(RUN_FILES.gas, gasProfileJson(gas));
    recorder.writeFile(RUN_FILES.summary, summaryJson(summary));
    recorder.writeFile(
      "run.json",
      `${JSON.stringify(
        {
          startedAt: wallStart.toISOString(),
          finishedAt: new Date().toISOString(),
          wallSeconds: loopSeconds,
          txPerSecond: loopSeconds > 0 ? txs / loopSeconds : 0,
          network: chain.networkName,
          chainId: chain.chainId.toString(),
          addresses: setup.addresses,
          reconcileProblems,
        },
        null,
        2,
      )}\n`,
    );
    recorder.close();
    if (!options.noReport) await writeReport(dir);
    if (failure !== undefined) {
      // The same kind of error, now also saying where the recorded blocks are.
      const error = new BattleError(`${messageOf(failure)}\n${stepsRecorded} of ${scenario.blocks} blocks are recorded in ${dir}`, { cause: failure });
      error.name = failure instanceof Error ? failure.name : "BattleError";
      throw error;
    }
    return { dir, summary, gas, world, txPerSecond: loopSeconds > 0 ? txs / loopSeconds : 0, wallSeconds: loopSeconds, reconcileProblems };
  } finally {
    recorder?.close();
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
