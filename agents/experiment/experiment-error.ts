// The one error an experiment file can produce: every problem found, each with the field's path, what
// was expected, what the file held and how to fix it, the way ScenarioError reads at the terminal.
// Problems inside the scenario a grid case builds carry the case in their path.

import type { ScenarioIssue } from "../scenario/scenario-error.ts";

export type ExperimentIssue = ScenarioIssue;

export class ExperimentError extends Error {
  readonly source: string;
  readonly issues: ExperimentIssue[];

  constructor(source: string, issues: ExperimentIssue[]) {
    const lines = issues.map(
      (issue) =>
        `${source}: ${issue.path}: expected ${issue.expected}, got ${issue.got}${issue.fix === undefined ? "" : `; ${issue.fix}`}`,
    );
    const heading = issues.length === 1 ? "" : `${source}: ${issues.length} problems\n`;
    super(heading + lines.join("\n"));
    this.name = "ExperimentError";
    this.source = source;
    this.issues = issues;
  }
}
