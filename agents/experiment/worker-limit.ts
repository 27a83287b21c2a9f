// How many experiment workers this machine holds. A worker does one run at a time on a core of its own,
// and a chain worker keeps its own process with an in-process chain. More workers than cores only share
// the same cores (each run gets slower, none sooner), and more than the free memory holds swap or are
// killed, so an experiment that asks for more is refused before anything starts, with the number that
// fits; one that does not say takes that number.

import * as os from "node:os";

import { ArenaError } from "../core/errors.ts";
import { WORKERS } from "../core/limits.ts";
import type { EngineName, Experiment } from "./experiment-types.ts";

const MIB = 1024 * 1024;

/**
 * Memory one worker needs, with about a third of headroom over what was measured on calm (15 agents,
 * 300 blocks per run): a chain worker's process peaked at 230 MiB resident, and each model worker thread
 * added 66 MiB to the experiment's process. The screen engine's chain phase needs the chain figure.
 */
export const WORKER_MIB: Readonly<Record<EngineName, number>> = { chain: 300, model: 90, screen: 300 };

export interface Machine {
  cores: number;
  /** Memory free for new work now (os.availableMemory, or os.freemem where Node lacks it). */
  availableBytes: number;
  totalBytes: number;
}

export function thisMachine(): Machine {
  const available = (os as { availableMemory?: () => number }).availableMemory?.() ?? os.freemem();
  return { cores: Math.max(1, os.availableParallelism()), availableBytes: available, totalBytes: os.totalmem() };
}

/** The most workers of `engine` this machine runs at once: its cores, and the memory free for them (at least one). */
export function workerCapacity(engine: EngineName, machine: Machine = thisMachine()): number {
  const byMemory = Math.floor(machine.availableBytes / (WORKER_MIB[engine] * MIB));
  return Math.max(1, Math.min(Number(WORKERS.max), machine.cores, byMemory));
}

/** More workers than the machine holds. */
export class WorkerLimitError extends ArenaError {}

/**
 * The experiment's worker count: the one it asks for, refused when more than `workerCapacity` (saying why
 * and what fits), or the capacity when it asks for none.
 */
export function workerCount(experiment: Pick<Experiment, "engine" | "workers">, machine = thisMachine()): number {
  const capacity = workerCapacity(experiment.engine, machine);
  if (experiment.workers === undefined) return capacity;
  if (experiment.workers <= capacity) return experiment.workers;
  const gib = (bytes: number) => (bytes / (1024 * MIB)).toFixed(1);
  const byCores = capacity === machine.cores;
  throw new WorkerLimitError(
    `${experiment.workers} workers (--workers, or the file's workers) are more than this machine holds: ` +
      `${machine.cores} core${machine.cores === 1 ? "" : "s"}, ${gib(machine.availableBytes)} GiB of ${gib(machine.totalBytes)} GiB memory free, ` +
      `about ${WORKER_MIB[experiment.engine]} MiB per ${experiment.engine} worker; ` +
      `use --workers ${capacity} or fewer (${byCores ? "more workers than cores only share them" : "more would not fit in the free memory"})`,
  );
}
