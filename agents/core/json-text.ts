// JSON input files (genesis, scenario, experiment and deployment files) read like YAML ones: JSON.parse
// keeps the last of two equal keys in an object without a word, where the YAML reader refuses them, so
// a second "reserve" would silently win. `parseJsonText` parses with JSON.parse and then walks the text
// once more for keys an object holds twice, each reported with its path and line.

import { child, type DocumentIssue } from "./document-reader.ts";

/** The value of `text`, or its problems: a syntax error, or every duplicate key. */
export type JsonText = { value: unknown; issues?: undefined } | { value?: undefined; issues: DocumentIssue[] };

export function parseJsonText(text: string): JsonText {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { issues: [{ path: "(file)", expected: "valid JSON", got: (error as Error).message }] };
  }
  const issues = duplicateKeys(text);
  return issues.length === 0 ? { value } : { issues };
}

/** Every key that appears twice in one object of `text` (valid JSON), at the second one. */
export function duplicateKeys(text: string): DocumentIssue[] {
  const issues: DocumentIssue[] = [];
  let at = 0;
  const where = (offset: number): string => {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return `line ${line}, column ${offset - lineStart + 1}`;
  };
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  /** The string literal at `at` (its raw text), leaving `at` after it. */
  const string = (): string => {
    const start = at++;
    while (text[at] !== '"') at += text[at] === "\\" ? 2 : 1;
    at++;
    return text.slice(start, at);
  };
  const value = (path: string): void => {
    skipSpace();
    const c = text[at];
    if (c === "{") {
      at++;
      const seen = new Map<string, number>();
      skipSpace();
      if (text[at] === "}") return void at++;
      for (;;) {
        skipSpace();
        const keyAt = at;
        const key = JSON.parse(string()) as string;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, keyAt);
        else
          issues.push({
            path: child(path, key),
            expected: "each key once in an object (JSON would keep only the last)",
            got: `a second ${JSON.stringify(key)} at ${where(keyAt)} (the first is at ${where(first)})`,
            fix: "remove one of them",
          });
        skipSpace();
        at++; // ":"
        value(child(path, key));
        skipSpace();
        if (text[at++] === "}") return;
      }
    }
    if (c === "[") {
      at++;
      skipSpace();
      if (text[at] === "]") return void at++;
      for (let i = 0; ; i++) {
        value(`${path}[${i}]`);
        skipSpace();
        if (text[at++] === "]") return;
      }
    }
    if (c === '"') return void string();
    while (at < text.length && !/[\s,\]}]/.test(text[at]!)) at++;
  };
  value("");
  return issues;
}
