// What a live server shows: a battle's run folder, an experiment's results folder, or (for `view`)
// whichever of the two a path names. A path that is neither is refused, naming what it lacks.

import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

import type { Experiment } from "../experiment/experiment-types.ts";
import { RESULT_FILES } from "../experiment/results-folder.ts";
import { RUN_FILES, readIncompleteMark } from "../run/run-files.ts";
import { partialFolderOf } from "../run/run-folder.ts";
import { type BattleFolder, BattleView } from "./battle-view.ts";
import { ExperimentView } from "./experiment-view.ts";
import { battleUpdate, experimentUpdate, type LiveUpdate } from "./page.ts";
import { type LiveSource, LiveViewError } from "./server.ts";

const PARTIAL = ".partial";

/** A battle's run folder; `follow` names it once the battle has chosen it (a battle of this process). */
export class BattleSource implements LiveSource {
  private view: BattleView | undefined;

  constructor(folder?: BattleFolder) {
    if (folder !== undefined) this.view = new BattleView(folder);
  }

  /** Whether a battle's folder is followed (a battle refused before it chose one leaves nothing to show). */
  get following(): boolean {
    return this.view !== undefined;
  }

  follow(folder: BattleFolder): void {
    this.view = new BattleView(folder);
  }

  poll(): boolean {
    return this.view?.poll() ?? false;
  }

  update(): LiveUpdate {
    if (this.view === undefined)
      return {
        title: "Token Arena live — battle",
        sections: {
          "live-status": `<p class="run"><span id="live-phase" data-phase="waiting">waiting for the battle to check its run folder</span></p>`,
        },
      };
    return battleUpdate(this.view);
  }
}

export class ExperimentSource implements LiveSource {
  readonly view: ExperimentView;

  constructor(dir: string, experiment?: Experiment) {
    this.view = new ExperimentView(dir, experiment);
  }

  poll(): Promise<boolean> {
    return this.view.poll();
  }

  update(): LiveUpdate {
    return experimentUpdate(this.view);
  }
}

/**
 * What `bin/arena view <path>` shows: a battle's run folder (finished, or being written: a running
 * battle writes `<path>.partial`, which the view follows until it becomes `<path>`), a `.partial`
 * folder itself, or an experiment's results folder.
 */
export function sourceForFolder(path: string): LiveSource {
  const named = path.replace(/[/\\]+$/, "") || path;
  const isPartial = basename(named).endsWith(PARTIAL) && basename(named) !== PARTIAL;
  const final = isPartial
    ? (readIncompleteMark(named)?.final ?? join(dirname(named), basename(named).slice(0, -PARTIAL.length)))
    : named;
  const partial = isPartial ? named : partialFolderOf(named);
  const battle = (dir: string) =>
    existsSync(join(dir, RUN_FILES.steps)) || (readIncompleteMark(dir) !== undefined && !isExperiment(dir));
  if (battle(final) || (existsSync(partial) && battle(partial))) return new BattleSource({ final, partial });
  if (isExperiment(named)) return new ExperimentSource(named);
  throw new LiveViewError(notARunFolder(named));
}

function isExperiment(dir: string): boolean {
  return existsSync(join(dir, RESULT_FILES.runs)) || existsSync(join(dir, RESULT_FILES.experiment));
}

function notARunFolder(path: string): string {
  const fix =
    "pass a folder `bin/arena battle` wrote (runs/<scenario>-seed<seed>, or its --out) or one `bin/arena experiment` wrote (experiments/out/<name>, or its --out)";
  let stats: ReturnType<typeof statSync> | undefined;
  try {
    stats = statSync(path);
  } catch {
    stats = undefined;
  }
  if (stats === undefined) return `${path} does not exist, and no battle is writing ${partialFolderOf(path)}: ${fix}`;
  if (!stats.isDirectory()) return `${path} is a file, not a run folder: ${fix}`;
  let entries: string[] = [];
  try {
    entries = readdirSync(path).sort();
  } catch {
    // An unreadable folder is described by what it lacks.
  }
  const holds =
    entries.length === 0
      ? "it is empty"
      : `it holds ${entries.slice(0, 4).join(", ")}${entries.length > 4 ? ` and ${entries.length - 4} more` : ""}`;
  return `${path} is not a run folder: it has no ${RUN_FILES.steps} (what a battle writes first) and no ${RESULT_FILES.runs} or ${RESULT_FILES.experiment} (an experiment's results); ${holds}. ${fix[0]!.toUpperCase()}${fix.slice(1)}`;
}
