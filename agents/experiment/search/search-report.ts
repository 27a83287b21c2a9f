// The report's search section: what the search spent and found, and its convergence: the best
// feasible value of the search objective against evaluations, beside the grid's best when the rows
// hold the whole grid (every case on every seed), so a reader sees how soon the search got there.

import { escapeHtml, formatFloat, htmlTable } from "../../report/html.ts";
import { renderLineChart } from "../../report/svg-chart.ts";
import { type CaseStats, rankCases } from "../best.ts";
import type { Experiment } from "../experiment-types.ts";
import { RESULT_FILES } from "../results-folder.ts";
import type { SearchOutcome } from "./search-common.ts";

/** The best mean of objective `index` over the whole grid, when `stats` has every case on every seed. */
export function knownGridBest(experiment: Experiment, stats: readonly CaseStats[], index: number): number | undefined {
  const complete = stats.filter((s) => s.runs === experiment.seeds.length && s.failed === 0);
  if (complete.length < experiment.cases.length) return undefined;
  const best = rankCases(complete, index, experiment.objectives[index]!.goal)[0];
  return best?.intervals[index]!.mean;
}

export function searchSection(experiment: Experiment, search: SearchOutcome, stats: readonly CaseStats[]): string {
  const objective = experiment.objectives[search.objective]!;
  const points = search.trail.filter((row) => !Number.isNaN(row.bestSoFar));
  const gridBest = knownGridBest(experiment, stats, search.objective);
  const xs = points.map((row) => row.evaluation);
  const chart = renderLineChart({
    id: "search-convergence",
    title: `${objective.metric} (${objective.goal}): best feasible value so far${search.method === "halving" ? " within each rung" : ""}`,
    xLabel: "evaluations",
    leftLabel: objective.metric,
    series: [
      {
        name: "best-so-far",
        label: `${search.method} best so far`,
        color: "#2563eb",
        x: xs,
        y: points.map((row) => row.bestSoFar),
      },
      ...(gridBest === undefined || xs.length === 0
        ? []
        : [
            {
              name: "grid-best",
              label: "the grid's best",
              color: "#dc2626",
              x: [1, Math.max(...xs, search.trail.length)],
              y: [gridBest, gridBest],
            },
          ]),
    ],
    emptyText: "No evaluated case meets every condition yet.",
  });
  const facts: [string, string][] = [
    ["method", search.method],
    ["objective", `${objective.goal} ${objective.metric}`],
    [
      "evaluations",
      `${search.evaluations} (${formatFloat((100 * search.evaluations) / experiment.cases.length, 2)}% of the grid's ${experiment.cases.length} cases), ${search.runs} runs`,
    ],
    ["stopped because", search.stoppedBecause],
    [
      "best found",
      search.best === undefined
        ? "none that meets every condition"
        : `${search.best} → ${formatFloat(search.bestValue, 6)}`,
    ],
    ["the grid's best", gridBest === undefined ? "not known (the grid was not run in full)" : formatFloat(gridBest, 6)],
  ];
  return `<section id="search"><h2>Search</h2>
${htmlTable("search-facts", [{ title: "" }, { title: "" }], facts)}
${chart}
<p class="note">Every evaluated point is in ${escapeHtml(RESULT_FILES.trail)}, in the order the search evaluated it.</p>
</section>`;
}
