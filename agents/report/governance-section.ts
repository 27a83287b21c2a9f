// The report's governance section, drawn from governance.json when the run has one: the protocol
// agent and its objective, every proposal with its predicted and actual outcome and the votes, the
// agent's decisions (each candidate's score with its 95% interval, the choice and why), the guardian's
// pauses and the effects monitored after each executed change.

import type { GovernanceRecord } from "../governance/battle/record-file.ts";
import type { Interval } from "../core/interval.ts";
import { escapeHtml, formatFloat, formatTokens, htmlTable } from "./html.ts";
import { metricNamed } from "../metrics/registry.ts";

const interval = (i: Interval) => `${formatFloat(i.mean, 3)} [${formatFloat(i.low, 3)}, ${formatFloat(i.high, 3)}]`;

export function governanceSection(record: GovernanceRecord): string {
  const parts: string[] = [];
  const poa = record.protocolAgent;
  if (poa !== null) {
    const votes =
      record.bootstrap === null
        ? ""
        : `; holds ${formatTokens(String(record.bootstrap.delegatedVotes))} delegated votes of the treasury since the bootstrap proposal`;
    parts.push(
      `<p>Protocol-owned agent <b>${escapeHtml(poa.id)}</b>: ${escapeHtml(poa.objective)}; tunes ${escapeHtml(poa.parameters.join(", ") || "nothing (votes only)")}${escapeHtml(votes)}.</p>`,
    );
  }

  parts.push("<h3>Proposals</h3>");
  parts.push(
    record.proposals.length === 0
      ? "<p>No proposal was made.</p>"
      : htmlTable(
          "governance-proposals",
          [
            { title: "proposal" },
            { title: "by" },
            { title: "step", numeric: true },
            { title: "change" },
            { title: "predicted" },
            { title: "outcome" },
            { title: "for", numeric: true },
            { title: "against", numeric: true },
            { title: "abstain", numeric: true },
            { title: "quorum", numeric: true },
            { title: "why" },
          ],
          record.proposals.map((p) => [
            p.label,
            p.by,
            String(p.proposedStep),
            p.unpause ? "unpause the market" : p.changes.map((c) => `${c.key}=${c.value}`).join(", "),
            p.predicted ?? "–",
            p.executedStep === null ? p.state : `${p.state} at step ${p.executedStep}`,
            p.votes === null ? "–" : formatTokens(p.votes.for),
            p.votes === null ? "–" : formatTokens(p.votes.against),
            p.votes === null ? "–" : formatTokens(p.votes.abstain),
            p.votes === null ? "–" : formatTokens(p.votes.quorum),
            p.reason ?? "",
          ]),
        ),
  );

  const decisions = record.trail.filter((e) => e.kind === "decision");
  if (decisions.length > 0) {
    parts.push("<h3>Protocol agent's decisions</h3>");
    for (const d of decisions) {
      const candidates = d.candidates as {
        change: string;
        error?: string;
        score?: Interval;
        eligible?: boolean;
        significant?: boolean;
        violated?: string[];
      }[];
      parts.push(
        `<p>Step ${d.step}: <b>${escapeHtml(String(d.choice ?? "no proposal"))}</b> — ${escapeHtml(String(d.reason))}.</p>`,
      );
      parts.push(
        htmlTable(
          `governance-decision-${d.step}`,
          [
            { title: "candidate" },
            { title: "improvement (95% CI)" },
            { title: "conditions" },
            { title: "beyond noise" },
          ],
          candidates.map((c) => [
            c.change,
            c.error ?? interval(c.score!),
            c.error !== undefined ? "–" : c.eligible ? "kept" : `broken: ${c.violated!.join("; ")}`,
            c.error !== undefined ? "–" : c.significant ? "yes" : "no",
          ]),
        ),
      );
    }
  }

  const pauses = record.trail.filter((e) => e.kind === "pause");
  if (pauses.length > 0) {
    parts.push("<h3>Guardian</h3>");
    parts.push(
      htmlTable(
        "governance-pauses",
        [{ title: "step", numeric: true }, { title: "action" }, { title: "reason" }],
        pauses.map((p) => [String(p.step), `pause (${String(p.status)})`, String(p.reason)]),
      ),
    );
  }

  const effects = record.trail.filter((e) => e.kind === "effect");
  if (effects.length > 0) {
    parts.push("<h3>Monitored effects</h3>");
    parts.push(
      htmlTable(
        "governance-effects",
        [
          { title: "proposal" },
          { title: "metric" },
          { title: "before", numeric: true },
          { title: "after", numeric: true },
          { title: "actual change", numeric: true },
          { title: "predicted change (95% CI)" },
        ],
        effects.map((e) => {
          const metric = String(e.metric);
          // The registry's label and unit (a record from before the metrics had units in their names
          // names them by an alias, which resolves the same way).
          const known = metricNamed(metric);
          return [
            String(e.proposal),
            known === undefined ? metric : `${known.label} (${known.unit})`,
            formatFloat((e.before as Record<string, number>)[metric]),
            formatFloat((e.after as Record<string, number>)[metric]),
            formatFloat(e.actualChange as number),
            interval(e.predictedChange as Interval),
          ];
        }),
      ),
    );
  }
  const runEffects = record.trail.filter((e) => e.kind === "run-effect");
  if (runEffects.length > 0) {
    parts.push("<h3>Effects over the whole run (judgeOverRun)</h3>");
    parts.push(
      "<p>Each executed change's whole-run forecast when it was proposed (with it and no later change) beside the whole run as it happened.</p>",
    );
    parts.push(
      htmlTable(
        "governance-run-effects",
        [
          { title: "proposal" },
          { title: "executed at step", numeric: true },
          { title: "metric" },
          { title: "predicted with it (95% CI)" },
          { title: "predicted without it (95% CI)" },
          { title: "actual", numeric: true },
          { title: "later changes", numeric: true },
        ],
        runEffects.map((e) => {
          const metric = String(e.metric);
          const known = metricNamed(metric);
          return [
            String(e.proposal),
            String(e.executedStep),
            known === undefined ? metric : `${known.label} (${known.unit})`,
            interval(e.predictedWith as Interval),
            interval(e.predictedWithout as Interval),
            formatFloat(e.actual as number),
            String(e.laterChanges),
          ];
        }),
      ),
    );
  }
  const changed = Object.entries(record.parameters).filter(([, p]) => p.initial !== p.final);
  parts.push(
    `<p>Parameters changed in this run: ${changed.length === 0 ? "none" : escapeHtml(changed.map(([k, p]) => `${k} ${p.initial} → ${p.final}`).join(", "))}.</p>`,
  );
  return parts.join("\n");
}
