// A JSON schema (the draft 2020-12 subset zod's toJSONSchema writes) as a llama.cpp GBNF grammar, so
// the local engine can only sample tokens that keep the answer on its way to a value of the schema.
// node-llama-cpp's own createGrammarForJsonSchema takes a narrower dialect that drops `pattern`
// (a string is any string to it), and the arena's intents carry amounts as integer strings
// (`"quote": "1250000000000000000"`, pattern `^[0-9]+$`): a small model left free there writes
// "1.25e18" or "about 1.25 tokens". So the grammar is built here, with patterns as grammar rules.
//
// Answers are compact JSON (no whitespace between tokens): every sampled token is content, and a
// model cannot spend its token budget on indentation. Properties come in the schema's order,
// optional ones may be left out; numeric bounds, string formats and `uniqueItems` are not in the
// grammar (zod checks them on the parsed answer).

import { ArenaError } from "../../core/errors.ts";

/** A schema keyword (or a pattern construct) the grammar cannot express; names where it is. */
export class LocalSchemaUnsupportedError extends ArenaError {}

type Schema = Record<string, unknown>;

const PRIMITIVES: Record<string, string> = {
  "json-char": String.raw`[^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})`,
  "json-string": String.raw`"\"" json-char* "\""`,
  "json-integer": String.raw`"-"? ("0" | [1-9] [0-9]{0,17})`,
  "json-number": String.raw`"-"? ("0" | [1-9] [0-9]{0,17}) ("." [0-9]{1,17})? ([eE] [-+]? [0-9]{1,3})?`,
  "json-boolean": String.raw`"true" | "false"`,
  "json-null": String.raw`"null"`,
  "json-value": "json-object | json-array | json-string | json-number | json-boolean | json-null",
  "json-object": String.raw`"{" (json-string ":" json-value ("," json-string ":" json-value)*)? "}"`,
  "json-array": String.raw`"[" (json-value ("," json-value)*)? "]"`,
};
const PRIMITIVE_DEPENDENCIES: Record<string, string[]> = {
  "json-string": ["json-char"],
  "json-value": ["json-object", "json-array", "json-string", "json-number", "json-boolean", "json-null"],
  "json-object": ["json-string", "json-value"],
  "json-array": ["json-value"],
};

const UNSUPPORTED_KEYWORDS = ["not", "if", "then", "else", "patternProperties", "dependentSchemas", "contains"];

/** The GBNF grammar (root rule `root`) whose sentences are the compact JSON texts of `schema`'s values. */
export function jsonSchemaToGbnf(schema: Schema): string {
  const builder = new GrammarBuilder(schema);
  const root = builder.visit(schema, "#");
  const lines = [`root ::= ${root}`];
  for (const [name, body] of builder.rules) lines.push(`${name} ::= ${body}`);
  return `${lines.join("\n")}\n`;
}

class GrammarBuilder {
  readonly rules = new Map<string, string>();
  private readonly defs: Record<string, unknown>;

  constructor(root: Schema) {
    this.defs = { ...((root.definitions as Schema) ?? {}), ...((root.$defs as Schema) ?? {}) };
  }

  private primitive(name: string): string {
    if (!this.rules.has(name)) {
      this.rules.set(name, PRIMITIVES[name]!);
      for (const dependency of PRIMITIVE_DEPENDENCIES[name] ?? []) this.primitive(dependency);
    }
    return name;
  }

  visit(schema: unknown, at: string): string {
    if (schema === true) return this.primitive("json-value");
    if (schema === false || typeof schema !== "object" || schema === null || Array.isArray(schema))
      throw new LocalSchemaUnsupportedError(
        `llm schema ${at}: expected a schema object, got ${JSON.stringify(schema)}`,
      );
    const s = schema as Schema;
    for (const keyword of UNSUPPORTED_KEYWORDS)
      if (keyword in s)
        throw new LocalSchemaUnsupportedError(
          `llm schema ${at}: the local provider's grammar has no "${keyword}"; express the choice with enum, anyOf or const`,
        );
    if (typeof s.$ref === "string") return this.ref(s.$ref, at);
    if ("const" in s) return gbnfLiteral(JSON.stringify(s.const));
    if (Array.isArray(s.enum)) return group(s.enum.map((value) => gbnfLiteral(JSON.stringify(value))));
    const choices = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
    if (Array.isArray(choices)) return group(choices.map((choice, i) => this.visit(choice, `${at}/anyOf/${i}`)));
    if (Array.isArray(s.allOf)) {
      if (s.allOf.length === 1) return this.visit(s.allOf[0], `${at}/allOf/0`);
      throw new LocalSchemaUnsupportedError(
        `llm schema ${at}: the local provider's grammar has no allOf of ${s.allOf.length} schemas; merge them into one object schema`,
      );
    }
    const type = s.type ?? (s.properties ? "object" : s.items || s.prefixItems ? "array" : undefined);
    if (Array.isArray(type)) return group(type.map((t) => this.visit({ ...s, type: t }, at)));
    switch (type) {
      case undefined:
        return this.primitive("json-value");
      case "string":
        return this.string(s, at);
      case "integer":
        return this.primitive("json-integer");
      case "number":
        return this.primitive("json-number");
      case "boolean":
        return this.primitive("json-boolean");
      case "null":
        return this.primitive("json-null");
      case "object":
        return this.object(s, at);
      case "array":
        return this.array(s, at);
      default:
        throw new LocalSchemaUnsupportedError(`llm schema ${at}: unknown type ${JSON.stringify(type)}`);
    }
  }

  private ref(ref: string, at: string): string {
    const match = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref);
    if (!match || !(match[1]! in this.defs))
      throw new LocalSchemaUnsupportedError(
        `llm schema ${at}: $ref ${JSON.stringify(ref)} names no schema under the root's $defs; the local provider follows only "#/$defs/<name>"`,
      );
    const name = `def-${match[1]!.replace(/[^a-zA-Z0-9]/g, "-")}`;
    if (!this.rules.has(name)) {
      this.rules.set(name, "");
      this.rules.set(name, this.visit(this.defs[match[1]!], ref));
    }
    return name;
  }

  private string(s: Schema, at: string): string {
    if (typeof s.pattern === "string") return `"\\"" ${patternToGbnf(s.pattern, `${at}/pattern`, this)} "\\""`;
    const min = typeof s.minLength === "number" ? s.minLength : 0;
    const max = typeof s.maxLength === "number" ? s.maxLength : undefined;
    if (min === 0 && max === undefined) return this.primitive("json-string");
    return `"\\"" ${this.primitive("json-char")}{${min},${max ?? ""}} "\\""`;
  }

  private object(s: Schema, at: string): string {
    const properties = Object.entries((s.properties as Schema | undefined) ?? {});
    if (properties.length === 0)
      return s.additionalProperties === false ? gbnfLiteral("{}") : this.primitive("json-object");
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const members = properties.map(([key, value]) => ({
      pair: `${gbnfLiteral(`${JSON.stringify(key)}:`)} ${this.visit(value, `${at}/properties/${key}`)}`,
      optional: !required.has(key),
    }));
    // After the first member written, each next one is `"," pair` (optional ones in `(...)?`); before
    // it, an optional member is either the first written or skipped.
    const rest = (from: number): string =>
      members
        .slice(from)
        .map((member) => (member.optional ? `("," ${member.pair})?` : `"," ${member.pair}`))
        .join(" ");
    const leading = (from: number): string => {
      if (from === members.length) return "";
      const member = members[from]!;
      const written = `${member.pair} ${rest(from + 1)}`.trim();
      if (!member.optional) return written;
      const skipped = leading(from + 1);
      return skipped === "" ? `(${written})?` : `(${written} | ${skipped})`;
    };
    return `"{" ${leading(0)} "}"`;
  }

  private array(s: Schema, at: string): string {
    if (Array.isArray(s.prefixItems)) {
      if (s.items !== undefined && s.items !== false)
        throw new LocalSchemaUnsupportedError(
          `llm schema ${at}: the local provider's grammar takes prefixItems (a tuple) only with no further items`,
        );
      const parts = s.prefixItems.map((item, i) => this.visit(item, `${at}/prefixItems/${i}`));
      return `"[" ${parts.join(' "," ')} "]"`;
    }
    const item = s.items === undefined ? this.primitive("json-value") : this.visit(s.items, `${at}/items`);
    const min = typeof s.minItems === "number" ? s.minItems : 0;
    const max = typeof s.maxItems === "number" ? s.maxItems : undefined;
    if (max === 0) return gbnfLiteral("[]");
    const more = `("," ${item}){${Math.max(0, min - 1)},${max === undefined ? "" : max - 1}}`;
    return min === 0 ? `"[" (${item} ${more})? "]"` : `"[" ${item} ${more} "]"`;
  }

  charRule(): string {
    return this.primitive("json-char");
  }
}

function group(alternatives: string[]): string {
  return alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(" | ")})`;
}

/** A GBNF string literal matching `text` exactly. */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

// ---- patterns: a regular-expression subset as GBNF over the characters inside a JSON string ----

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function classChar(code: number): string {
  // llama.cpp's grammar parser knows the escapes \\ \[ \] \" \t \r \n \xHH only: `-` and `^` go as hex.
  const char = String.fromCodePoint(code);
  if ("]\\[".includes(char)) return `\\${char}`;
  if (code < 0x20 || code === 0x7f || char === "-" || char === "^") return `\\x${code.toString(16).padStart(2, "0")}`;
  return char;
}

/** Code point ranges as a GBNF expression for their characters inside a JSON string (escaped where JSON needs it). */
function rangesToGbnf(ranges: [number, number][], negated: boolean): string {
  if (negated) {
    const excluded = ranges.map(([lo, hi]) => (lo === hi ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`));
    return `[^${excluded.join("")}"\\\\\\x00-\\x1F\\x7F]`;
  }
  const parts: string[] = [];
  const plain: string[] = [];
  for (const [lo, hi] of ranges) {
    if (lo <= QUOTE && QUOTE <= hi) parts.push(gbnfLiteral('\\"'));
    if (lo <= BACKSLASH && BACKSLASH <= hi) parts.push(gbnfLiteral("\\\\"));
    // raw characters: the range less the control characters, the quote and the backslash
    let start = Math.max(lo, 0x20);
    for (const cut of [QUOTE, BACKSLASH, 0x7f, hi + 1]) {
      const end = Math.min(cut - 1, hi);
      if (start <= end) plain.push(start === end ? classChar(start) : `${classChar(start)}-${classChar(end)}`);
      start = Math.max(start, cut + 1);
    }
  }
  if (plain.length > 0) parts.unshift(`[${plain.join("")}]`);
  if (parts.length === 0) throw new LocalSchemaUnsupportedError("a character class with no character JSON can hold");
  return group(parts);
}

const DIGIT: [number, number][] = [[0x30, 0x39]];
const WORD: [number, number][] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: [number, number][] = [
  [0x20, 0x20],
  [0x09, 0x0d],
];

function patternToGbnf(pattern: string, at: string, builder: GrammarBuilder): string {
  const fail = (what: string): never => {
    throw new LocalSchemaUnsupportedError(
      `llm schema ${at}: the local provider's grammar cannot express ${what} in the pattern ${JSON.stringify(pattern)}; use literals, classes, groups, | and quantifiers`,
    );
  };
  let source = pattern;
  const anchoredStart = source.startsWith("^");
  if (anchoredStart) source = source.slice(1);
  const anchoredEnd = source.endsWith("$") && !source.endsWith("\\$");
  if (anchoredEnd) source = source.slice(0, -1);
  let i = 0;

  const escapeRanges = (letter: string): [number, number][] | undefined =>
    letter === "d" ? DIGIT : letter === "w" ? WORD : letter === "s" ? SPACE : undefined;
  const whitespaceGbnf = (): string => group(["[ ]", `"\\\\" [tnrf]`]);

  const parseClass = (): string => {
    i++; // [
    const negated = source[i] === "^";
    if (negated) i++;
    const ranges: [number, number][] = [];
    let first = true;
    while (i < source.length && (source[i] !== "]" || first)) {
      first = false;
      let lo: number;
      if (source[i] === "\\") {
        const letter = source[i + 1] ?? fail("a trailing backslash");
        i += 2;
        const named = escapeRanges(letter);
        if (named) {
          ranges.push(...named);
          continue;
        }
        if (/[DWSbB0-9]/.test(letter)) fail(`\\${letter} in a class`);
        lo = simpleEscape(letter);
      } else {
        lo = source.codePointAt(i)!;
        i += String.fromCodePoint(lo).length;
      }
      if (source[i] === "-" && source[i + 1] !== "]" && i + 1 < source.length) {
        i++;
        let hi: number;
        if (source[i] === "\\") {
          hi = simpleEscape(source[i + 1] ?? fail("a trailing backslash"));
          i += 2;
        } else {
          hi = source.codePointAt(i)!;
          i += String.fromCodePoint(hi).length;
        }
        if (hi < lo) fail(`the reversed range ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)}`);
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    if (source[i] !== "]") fail("an unclosed [");
    i++;
    return rangesToGbnf(ranges, negated);
  };

  const parseAtom = (): string => {
    const char = source[i]!;
    if (char === "(") {
      i++;
      if (source.startsWith("?:", i)) i += 2;
      else if (source[i] === "?") fail("a lookaround or named group");
      const inner = parseAlternation();
      if (source[i] !== ")") fail("an unclosed (");
      i++;
      return `(${inner})`;
    }
    if (char === "[") return parseClass();
    if (char === ".") {
      i++;
      return builder.charRule();
    }
    if (char === "^" || char === "$") fail(`an anchor ${char} inside the pattern`);
    if (char === "\\") {
      const letter = source[i + 1] ?? fail("a trailing backslash");
      i += 2;
      if (letter === "s") return whitespaceGbnf();
      const named = escapeRanges(letter);
      if (named) return rangesToGbnf(named, false);
      if (letter === "D" || letter === "W") return rangesToGbnf(letter === "D" ? DIGIT : WORD, true);
      if (/[SbB0-9kpP]/.test(letter)) fail(`\\${letter}`);
      return jsonCharLiteral(simpleEscape(letter));
    }
    const code = source.codePointAt(i)!;
    i += String.fromCodePoint(code).length;
    return jsonCharLiteral(code);
  };

  const parseQuantified = (): string => {
    const atom = parseAtom();
    const next = source[i];
    let quantifier = "";
    if (next === "?" || next === "*" || next === "+") {
      quantifier = next;
      i++;
    } else if (next === "{") {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (match) {
        quantifier = match[2] === undefined ? `{${match[1]}}` : `{${match[1]},${match[3]}}`;
        i += match[0].length;
      }
    }
    if (quantifier !== "" && source[i] === "?") i++; // lazy and greedy match the same strings
    return `${atom}${quantifier}`;
  };

  const parseSequence = (): string => {
    const items: string[] = [];
    while (i < source.length && source[i] !== "|" && source[i] !== ")") items.push(parseQuantified());
    return items.length === 0 ? '""' : items.join(" ");
  };

  function parseAlternation(): string {
    const alternatives = [parseSequence()];
    while (source[i] === "|") {
      i++;
      alternatives.push(parseSequence());
    }
    return alternatives.length === 1 ? alternatives[0]! : alternatives.join(" | ");
  }

  const body = parseAlternation();
  if (i < source.length) fail(`an unmatched ${source[i]}`);
  const any = (): string => `${builder.charRule()}*`;
  return [anchoredStart ? "" : any(), `(${body})`, anchoredEnd ? "" : any()].filter(Boolean).join(" ");
}

function simpleEscape(letter: string): number {
  const control: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, f: 0x0c, v: 0x0b };
  return control[letter] ?? letter.codePointAt(0)!;
}

/** One character as it appears inside a JSON string: raw, or escaped where JSON requires it. */
function jsonCharLiteral(code: number): string {
  return gbnfLiteral(JSON.stringify(String.fromCodePoint(code)).slice(1, -1));
}
