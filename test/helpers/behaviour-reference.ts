// The "Behaviours" section of scenarios/README.md, written from the behaviour registry's field tables:
// every field of every kind with its default and meaning, so the README cannot drift from what the
// scenario reader accepts (test/scenario.test.ts compares the two, and writes it with UPDATE_README=1).

import type { BehaviourRegistry } from "../../agents/behaviours/registry.ts";
import { COMMON_FIELDS, type Field } from "../../agents/behaviours/spec.ts";

/** The section from its "## Behaviours" heading up to the next "## " heading. */
export function behaviourReference(registry: BehaviourRegistry): string {
  const kinds = registry.specs.flatMap((spec) => [
    `### \`${spec.kind}\`: ${spec.summary}`,
    "",
    ...(spec.note === undefined ? [] : [spec.note, ""]),
    ...table(spec.fields),
    "",
  ]);
  return [
    "## Behaviours",
    "",
    "Every behaviour has a `kind` and accepts:",
    "",
    ...table(COMMON_FIELDS),
    "",
    "Fields of each kind (a blank default means required):",
    "",
    ...kinds,
    "",
  ].join("\n");
}

function table(fields: readonly Field[]): string[] {
  return [
    "| field | default | meaning |",
    "|---|---|---|",
    ...fields.map((field) => `| \`${field.name}\` | ${cell(shownDefault(field))}| ${field.meaning} |`),
  ];
}

/** A cell's text and the space after it; a blank cell is `| |`. */
function cell(text: string): string {
  return text === "" ? "" : `${text} `;
}

function shownDefault(field: Field): string {
  if (field.shownDefault !== undefined) return field.shownDefault;
  return field.default === undefined ? "" : `\`${String(field.default)}\``;
}

/** Where the README's "## Behaviours" section is: from its heading up to the next "## " heading. */
export function behaviourSection(readme: string): { start: number; end: number } {
  const start = readme.indexOf("\n## Behaviours\n") + 1;
  const end = readme.indexOf("\n## ", start) + 1;
  if (start === 0 || end === 0)
    throw new Error('scenarios/README.md has no "## Behaviours" section followed by another');
  return { start, end };
}
