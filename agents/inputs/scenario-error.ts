// The one error a scenario file can produce: every problem found, each with the field's path, what
// was expected, what the file held and, where it helps, how to fix it (core/document-reader.ts).

import { DocumentError, type DocumentIssue } from "../core/document-reader.ts";

export type ScenarioIssue = DocumentIssue;

export class ScenarioError extends DocumentError {}
