// The one error an experiment file can produce: every problem found, each with the field's path, what
// was expected, what the file held and how to fix it (core/document-reader.ts). Problems inside the
// scenario a grid case builds carry the case in their path.

import { DocumentError, type DocumentIssue } from "../core/document-reader.ts";

export type ExperimentIssue = DocumentIssue;

export class ExperimentError extends DocumentError {}
