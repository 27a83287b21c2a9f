// The evaluation as a markdown post for the governance forum: what the proposal changes, how it was
// tested, what it does to the market and to each group of agents (with 95% intervals and a plain
// verdict per line), what it costs in gas, how the agents would vote and what that predicts.

import { formatDecimal } from "../../core/units.ts";
import type { Interval } from "../../core/interval.ts";
import { formatParameter } from "../../core/parameters.ts";
import type { Evaluation, MetricEffect, PnlEffect } from "./evaluate.ts";
import type { OutcomePrediction, ProposalRef, VoterDecision } from "./voters.ts";
import { isoTime } from "../protocol/display.ts";

/** The report's one sentence that is not a result: how long the evaluation took. */
const TIMING = / Evaluated in \d+(?:\.\d+)? s\./;

/** The report without its timing: the same text for the same proposal, scenario and seeds (what a model is shown, so its answer replays). */
export function withoutTiming(report: string): string {
  return report.replace(TIMING, "");
}

export interface ReportedChange {
  key: string;
  /** The store's value when evaluated (absent when the store does not know the key). */
  from?: bigint;
  to: bigint;
}

export interface EvaluationReportInput {
  evaluation: Evaluation;
  proposal: ProposalRef;
  /** The parameter writes, old → new. */
  changes: ReportedChange[];
  /** How applyAt was reckoned (apply-time.ts). */
  applyWhy?: string;
  /** Scenario blocks run before the evaluation. */
  warmup: number;
  network: string;
  decisions: VoterDecision[];
  prediction: OutcomePrediction;
}

export function evaluationReport(input: EvaluationReportInput): string {
  const { evaluation: e, proposal, prediction } = input;
  const title = e.actions.description.split("\n")[0]!.trim() || "Parameter change";
  const lines: string[] = [];
  lines.push(`# Proposal evaluation: ${title}`, "");
  const oneSeed = e.seeds.length < 2;
  lines.push(
    `**Predicted outcome: ${prediction.state}.** ` +
      (oneSeed
        ? "With one seed no effect can be told from noise (there is no interval): see the note under *Method*."
        : `${countSignificant(e.metrics)} of ${e.metrics.length} market metrics move beyond noise; ` +
          `${e.groups.filter((g) => g.significant).length} of ${e.groups.length} agent groups gain or lose beyond noise.`),
    "",
  );

  lines.push("## The proposal", "");
  lines.push(
    proposal.kind === "submitted" ? `Submitted proposal \`${proposal.id}\`.` : "A draft, not yet submitted.",
    "",
  );
  if (input.changes.length > 0) {
    lines.push("| parameter | now | proposed |", "|---|---:|---:|");
    for (const c of input.changes)
      lines.push(
        `| \`${c.key}\` | ${c.from === undefined ? "—" : formatParameter(c.key, c.from)} | ${formatParameter(c.key, c.to)} |`,
      );
    lines.push("");
  }
  const otherCalls = e.actions.targets.length - (input.changes.length > 0 ? 1 : 0);
  if (otherCalls > 0)
    lines.push(
      `The proposal also makes ${otherCalls} other call${otherCalls === 1 ? "" : "s"} (targets ${e.actions.targets.join(", ")}).`,
      "",
    );
  if (e.actions.description.includes("\n"))
    lines.push("> " + e.actions.description.split("\n").slice(1).join("\n> ").trim(), "");

  lines.push("## Method", "");
  lines.push(
    `Each seed runs the scenario **${e.scenario.name}** (\`${e.scenario.source}\`, genesis \`${e.scenario.genesis}\`) twice from the same snapshot of the chain ` +
      `(network \`${input.network}\`, block ${e.fromBlock}${input.warmup > 0 ? `, after ${input.warmup} warm-up blocks` : ""}): once as things are and once with the proposal executed by the Timelock ` +
      `at ${isoTime(e.applyAt)} (unix ${e.applyAt})${input.applyWhy === undefined ? "" : `, when it would take effect: ${input.applyWhy}`}. ` +
      `Each arm runs ${e.blocks} blocks of ${e.scenario.blockSeconds} s with the same freshly seeded agents, then the chain is reverted.`,
    "",
    `Seeds: ${e.seeds.join(", ")} (${e.seeds.length}). Effects are the mean of the per-seed differences (with − without) with a 95% confidence interval (Student's t); ` +
      `an effect whose interval excludes zero is called beyond noise. Evaluated in ${e.wallSeconds.toFixed(1)} s.`,
    "",
  );
  if (oneSeed)
    lines.push(
      "**Note: one seed.** A confidence interval needs two seeds at least, so every interval below reads n/a (1 seed): " +
        "each effect is the difference of a single pair of runs, nothing is called beyond noise, and every agent abstains. " +
        "Evaluate with `--seeds 5` (or more) for intervals.",
      "",
    );

  lines.push("## Effects on the market", "");
  lines.push("| metric | without | with | effect (95% CI) | verdict |", "|---|---:|---:|---:|---|");
  for (const m of e.metrics)
    lines.push(
      `| ${m.label} (${m.unit}) | ${num(m.without.mean)} | ${num(m.with.mean)} | ${ci(m.difference)} | ${metricVerdict(m)} |`,
    );
  lines.push("");

  lines.push(
    "## Agent groups",
    "",
    "PnL in quote over the evaluated blocks: value at the end − value before the change − gas paid.",
    "",
  );
  lines.push(
    "| group | agents | behaviours | PnL without | PnL with | effect (95% CI) | verdict |",
    "|---|---:|---|---:|---:|---:|---|",
  );
  for (const g of e.groups)
    lines.push(
      `| ${g.name} | ${g.agents.length} | ${g.behaviours.join(", ")} | ${num(g.without.mean)} | ${num(g.with.mean)} | ${ci(g.difference)} | ${pnlVerdict(g)} |`,
    );
  lines.push("");

  const gas = e.metrics.find((m) => m.metric === "gasUsed")!;
  lines.push("## Gas", "");
  lines.push(
    `The agents used ${num(gas.without.mean)} gas per arm without the change and ${num(gas.with.mean)} with it (effect ${ci(gas.difference)}, ${metricVerdict(gas)}). ` +
      `Executing the change costs ${e.executionGas.toLocaleString("en-US")} gas in the Timelock's calls.`,
    "",
  );

  lines.push("## Voters", "");
  const voting = input.decisions.filter((d) => d.votes > 0n);
  if (input.decisions.length === 0) lines.push("No agent of the scenario holds votes.", "");
  else {
    lines.push(
      "Each token-holding agent votes by its own PnL effect: for when it is better off beyond noise, against when worse off, abstain otherwise.",
      "",
    );
    lines.push("| agent | votes | decision | PnL effect (95% CI) |", "|---|---:|---|---:|");
    for (const d of input.decisions)
      lines.push(
        `| ${d.agent} | ${tokens(d.votes)} | ${d.votes > 0n ? d.support : `${d.support} (no votes)`} | ${ci(d.effect)} |`,
      );
    lines.push("");
    if (voting.length < input.decisions.length)
      lines.push(`${input.decisions.length - voting.length} agents hold no delegated votes and do not vote.`, "");
  }

  lines.push("## Predicted outcome", "");
  lines.push("| for | against | abstain | quorum (for + abstain) | predicted |", "|---:|---:|---:|---:|---|");
  lines.push(
    `| ${tokens(prediction.forVotes)} | ${tokens(prediction.againstVotes)} | ${tokens(prediction.abstainVotes)} | ${tokens(prediction.quorum)} ${prediction.quorumReached ? "(reached)" : "(not reached)"} | **${prediction.state}** |`,
  );
  lines.push("", `Why: ${prediction.why}. Votes are counted at block ${prediction.timepoint}.`, "");
  lines.push(...otherDelegates(prediction), "");
  return lines.join("\n");
}

/** The delegates the evaluation cannot speak for, and whether they can swing the outcome. */
export function otherDelegates(prediction: OutcomePrediction): string[] {
  const { others, othersVotes, ifOthersFor, ifOthersAgainst, state } = prediction;
  if (others.length === 0)
    return ["Every delegate with votes is an agent of the scenario: the prediction counts all the voting power."];
  const swing =
    ifOthersFor === state && ifOthersAgainst === state
      ? `The outcome holds whatever they do (${state} if they all vote for, and if they all vote against).`
      : `They can swing it: all for gives ${ifOthersFor}, all against gives ${ifOthersAgainst}.`;
  const lines = [
    `${others.length} other delegate${others.length === 1 ? "" : "s"} with ${tokens(othersVotes)} votes ${others.length === 1 ? "is" : "are"} not agents of the scenario, so the prediction above assumes they stay away. ${swing}`,
    "",
    "| delegate | votes |",
    "|---|---:|",
  ];
  for (const d of others) lines.push(`| \`${d.address}\` | ${tokens(d.votes)} |`);
  return lines;
}

function countSignificant(metrics: readonly MetricEffect[]): number {
  return metrics.filter((m) => m.significant).length;
}

function metricVerdict(m: MetricEffect): string {
  if (m.difference.n < 2) return "n/a (1 seed)";
  if (!m.significant) return "no effect beyond noise";
  const up = m.difference.mean > 0;
  const direction = up ? "higher" : "lower";
  if (m.betterIs === "neither") return direction;
  return `${direction}: ${(m.betterIs === "higher") === up ? "better" : "worse"}`;
}

function pnlVerdict(g: PnlEffect): string {
  if (g.difference.n < 2) return "n/a (1 seed)";
  if (!g.significant) return "no effect beyond noise";
  return g.difference.mean > 0 ? "gains" : "loses";
}

function ci(i: Interval): string {
  if (i.n < 2) return `${signed(i.mean)} [n/a (1 seed)]`;
  return `${signed(i.mean)} [${num(i.low)}, ${num(i.high)}]`;
}

function signed(x: number): string {
  return x > 0 ? `+${num(x)}` : num(x);
}

/** Four significant digits; whole numbers with separators from 10,000 up; tiny values in e-notation. */
function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const size = Math.abs(x);
  if (size >= 10_000) return Math.round(x).toLocaleString("en-US");
  if (size < 0.001) return x.toExponential(3);
  return Number(x.toPrecision(4)).toString();
}

function tokens(wei: bigint): string {
  const whole = formatDecimal(wei - (wei % 10n ** 16n), 18);
  return whole;
}
