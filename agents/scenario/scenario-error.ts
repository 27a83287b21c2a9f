// The one error a scenario file can produce: every problem found, each with the field's path, what
// was expected, what the file held and, where it helps, how to fix it. Shaped like GenesisError so
// that both files read the same way at the terminal.

import type { GenesisIssue } from "../genesis/reader.ts";

export type ScenarioIssue = GenesisIssue;

export class ScenarioError extends Error {
  readonly source: string;
  readonly issues: ScenarioIssue[];

  constructor(source: string, issues: ScenarioIssue[]) {
    const lines = issues.map(
      (issue) =>
        `${source}: ${issue.path}: expected ${issue.expected}, got ${issue.got}${issue.fix === undefined ? "" : `; ${issue.fix}`}`,
    );
    const heading = issues.length === 1 ? "" : `${source}: ${issues.length} problems\n`;
    super(heading + lines.join("\n"));
    this.name = "ScenarioError";
    this.source = source;
    this.issues = issues;
  }
}
