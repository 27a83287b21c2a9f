// The values of one grid parameter: a list, or a range {from, to, step} stepped exactly. Every value
// is a decimal scaled to a bigint, so "0.0115" + 90 × "0.00002" lands on "0.0133" and not on
// 0.013299999999999999. A store key's values are in its human unit (parameterDecimals); a behaviour
// field's are kept with as many decimals as the file wrote, and go into the scenario document the
// way the file wrote them (a string stays a string, a number a number) for the scenario reader to judge.
// A genesis field may also take words ("90d", "exponential"), listed and kept as written.

import { child } from "../core/document-reader.ts";
import { formatDecimal, parseDecimal } from "../core/units.ts";
import type { ScenarioReader } from "../inputs/scenario-reader.ts";
import type { GridValue } from "./experiment-types.ts";

/** Values one parameter may take: more is a typo, or a sweep that would not finish. */
export const MAX_VALUES_PER_PARAMETER = 100_000;

const DECIMAL_TEXT = /^\d+(?:\.\d+)?$/;

/** How the parameter's values are scaled: a store key's fixed decimals, or as many as the file wrote (`words`: other strings too, kept as written: a genesis field's "90d", "exponential"). */
export type ValueScale = { fixed: number } | { written: true; words?: boolean };

interface Written {
  text: string;
  kind: "string" | "number" | "word";
  /** A word written as true or false (a genesis field's flag): goes into the document as that boolean. */
  flag?: boolean;
}

/** The values at `path` (a list or a range); undefined with the problems recorded. */
export function readGridValues(
  r: ScenarioReader,
  raw: unknown,
  path: string,
  scale: ValueScale,
): GridValue[] | undefined {
  if (Array.isArray(raw)) return readList(r, raw, path, scale);
  if (typeof raw === "object" && raw !== null) return readRange(r, raw as Record<string, unknown>, path, scale);
  return r.fail(
    path,
    'a list of values (["10", "20"]) or a range {from, to, step} ({from: "0.011", to: "0.014", step: "0.0001"})',
    raw,
  );
}

function readList(r: ScenarioReader, list: unknown[], path: string, scale: ValueScale): GridValue[] | undefined {
  if (list.length === 0) return r.failText(path, "at least one value", "an empty list");
  if (list.length > MAX_VALUES_PER_PARAMETER)
    return r.failText(path, `at most ${MAX_VALUES_PER_PARAMETER} values`, `${list.length}`);
  const before = r.issues.length;
  const values: GridValue[] = [];
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    const written = readWritten(r, item, itemPath, scale);
    if (written === undefined) return;
    if (written.kind === "word") {
      const earlier = seen.get(written.text);
      if (earlier !== undefined)
        r.failText(itemPath, "each value once", `${JSON.stringify(item)}, the same as ${path}[${earlier}]`);
      seen.set(written.text, i);
      values.push({ text: written.text, document: written.flag ?? written.text, exact: 0n, scale: 0 });
      return;
    }
    const decimals = "fixed" in scale ? scale.fixed : fractionDigits(written.text);
    const exact = exactOf(r, written, itemPath, decimals);
    if (exact === undefined) return;
    const value = gridValue(exact, decimals, written.kind);
    const earlier = seen.get(value.text);
    if (earlier !== undefined)
      r.failText(
        itemPath,
        "each value once",
        `${JSON.stringify(item)}, the same as ${path}[${earlier}]`,
        "remove one of them",
      );
    seen.set(value.text, i);
    values.push(value);
  });
  return r.issues.length > before ? undefined : values;
}

function readRange(
  r: ScenarioReader,
  raw: Record<string, unknown>,
  path: string,
  scale: ValueScale,
): GridValue[] | undefined {
  const o = r.fields(raw, path, ["from", "to", "step"]);
  if (o === undefined || o.from === undefined || o.to === undefined || o.step === undefined) return undefined;
  const ends = (["from", "to", "step"] as const).map((field) => readWritten(r, o[field], child(path, field), scale));
  if (ends.includes(undefined)) return undefined;
  const [from, to, step] = ends as Written[];
  const word = [from, to, step].find((end) => end.kind === "word");
  if (word !== undefined)
    return r.failText(
      path,
      "a range of decimals",
      JSON.stringify(word.text),
      `list the values instead (like [${JSON.stringify(word.text)}, …])`,
    );
  if (new Set([from.kind, to.kind, step.kind]).size > 1) {
    return r.failText(
      path,
      "from, to and step written the same way: all strings or all numbers",
      `${JSON.stringify(raw.from)}, ${JSON.stringify(raw.to)}, ${JSON.stringify(raw.step)}`,
      "the values go into the scenario the way they are written",
    );
  }
  const decimals =
    "fixed" in scale
      ? scale.fixed
      : Math.max(fractionDigits(from.text), fractionDigits(to.text), fractionDigits(step.text));
  const [lo, hi, by] = [
    exactOf(r, from, child(path, "from"), decimals),
    exactOf(r, to, child(path, "to"), decimals),
    exactOf(r, step, child(path, "step"), decimals),
  ];
  if (lo === undefined || hi === undefined || by === undefined) return undefined;
  const show = (x: bigint) =>
    JSON.stringify(from.kind === "number" ? Number(formatDecimal(x, decimals)) : formatDecimal(x, decimals));
  if (by === 0n) return r.fail(child(path, "step"), "a step greater than 0", raw.step);
  if (hi < lo)
    return r.failText(
      child(path, "to"),
      `a value at or above from (${show(lo)})`,
      show(hi),
      "ranges run upwards; swap from and to",
    );
  if ((hi - lo) % by !== 0n) {
    const below = hi - ((hi - lo) % by);
    return r.failText(
      child(path, "to"),
      `from plus a whole number of steps (${show(by)})`,
      show(hi),
      `use to: ${show(below)} or ${show(below + by)}`,
    );
  }
  const count = (hi - lo) / by + 1n;
  if (count > BigInt(MAX_VALUES_PER_PARAMETER))
    return r.failText(
      path,
      `at most ${MAX_VALUES_PER_PARAMETER} values`,
      `${count} values`,
      "use a larger step or a narrower range",
    );
  const values: GridValue[] = [];
  for (let x = lo; x <= hi; x += by) values.push(gridValue(x, decimals, from.kind as "string" | "number"));
  return values;
}

/** A value as the file wrote it: a decimal string, or a number (a fraction only where the unit is free, behaviour fields). */
function readWritten(r: ScenarioReader, value: unknown, path: string, scale: ValueScale): Written | undefined {
  if (typeof value === "boolean" && "words" in scale && scale.words === true)
    return { text: String(value), kind: "word", flag: value };
  if (typeof value === "string") {
    if ("words" in scale && scale.words === true && value !== "" && !DECIMAL_TEXT.test(value)) {
      // runs.csv and the case keys ("name=value name=value") hold it as written.
      if (/[\s,"=]/.test(value))
        return r.fail(path, 'a word without spaces, commas, quotes or = (like "90d" or "exponential")', value);
      return { text: value, kind: "word" };
    }
    if (!DECIMAL_TEXT.test(value)) return r.fail(path, 'a non-negative decimal string (like "0.0125" or "30")', value);
    return { text: value, kind: "string" };
  }
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) {
    if ("fixed" in scale && !Number.isInteger(value)) {
      return r.failText(
        path,
        "a decimal string",
        String(value),
        `write it as a string, "${value}": a number with a fraction is a binary float, a string converts exactly`,
      );
    }
    const text = decimalText(value);
    if (text === undefined) return r.fail(path, "a plain decimal number (no exponent); or write it as a string", value);
    return { text, kind: "number" };
  }
  return r.fail(path, 'a non-negative decimal string (like "0.0125") or number', value);
}

function exactOf(r: ScenarioReader, written: Written, path: string, decimals: number): bigint | undefined {
  const parsed = parseDecimal(written.text, decimals);
  if (typeof parsed === "string")
    return r.failText(path, `a value with at most ${decimals} decimal places`, JSON.stringify(written.text));
  return parsed;
}

function gridValue(exact: bigint, scale: number, kind: "string" | "number"): GridValue {
  const text = formatDecimal(exact, scale);
  return { text, document: kind === "number" ? Number(text) : text, exact, scale };
}

function fractionDigits(text: string): number {
  const point = text.indexOf(".");
  return point < 0 ? 0 : text.length - point - 1;
}

/** The shortest decimal text of a number, or undefined when JavaScript would write it with an exponent. */
function decimalText(value: number): string | undefined {
  const text = String(value);
  return DECIMAL_TEXT.test(text) ? text : undefined;
}
