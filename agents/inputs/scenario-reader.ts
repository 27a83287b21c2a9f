// The genesis Reader, with what a hand-written YAML file needs on top: unknown fields and values get
// a "did you mean" fix, whole numbers may be written bare where a decimal string is expected (they
// are exact), and numbers with a fraction are refused where an amount is expected, because a binary
// float cannot hold "0.012" exactly.

import { child, closest, Reader } from "../core/document-reader.ts";
import { MAX_PRICE_WAD, MAX_SUPPLY } from "../core/limits.ts";
import { formatDecimal, MAX_UINT128, QUOTE_DECIMALS, TOKEN_DECIMALS } from "../core/units.ts";

/** How an amount is written in a scenario: decimals of its human unit, largest value, what to expect. */
export interface AmountUnit {
  decimals: number;
  max: bigint;
  /** What the field holds, like 'a decimal string of whole tokens (like "100")'. */
  expected: string;
  /** Refuse 0 (an amount that would make the behaviour do nothing). */
  positive?: boolean;
}

export { closest } from "../core/document-reader.ts";

const GWEI_DECIMALS = 9;
const MAX_PRIORITY_FEE_WEI = 10n ** 6n * 10n ** 9n; // a million gwei: far above any fee worth bidding

/**
 * How a scenario writes its amounts, in its behaviours and its gas section alike:
 *   price   decimal quote per whole token ("0.012")  → WAD
 *   tokens  decimal whole tokens ("100")              → token wei
 *   quote   decimal whole quote ("250.5")             → quote units (6 decimals)
 *   gwei    decimal gwei ("1.5")                       → wei
 */
export const UNITS = {
  price: {
    decimals: TOKEN_DECIMALS,
    max: MAX_PRICE_WAD,
    expected: 'a decimal string of quote per token (like "0.012")',
    positive: true,
  },
  tokens: {
    decimals: TOKEN_DECIMALS,
    max: MAX_SUPPLY,
    expected: 'a decimal string of whole tokens (like "100")',
    positive: true,
  },
  quote: {
    decimals: QUOTE_DECIMALS,
    max: MAX_UINT128,
    expected: 'a decimal string of whole quote (like "250.5")',
    positive: true,
  },
  quoteOrZero: {
    decimals: QUOTE_DECIMALS,
    max: MAX_UINT128,
    expected: 'a decimal string of whole quote, 0 or more (like "0.5")',
  },
  gwei: { decimals: GWEI_DECIMALS, max: MAX_PRIORITY_FEE_WEI, expected: 'a decimal string of gwei per gas (like "2")' },
} satisfies Record<string, AmountUnit>;

export class ScenarioReader extends Reader {
  /** An object with exactly the `required` fields and any of the `optional` ones; unknown fields get the closest allowed name as a fix. */
  fields(
    value: unknown,
    path: string,
    required: readonly string[],
    optional: readonly string[] = [],
  ): Record<string, unknown> | undefined {
    const allowed = [...required, ...optional];
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return this.fail(path === "" ? "(top level)" : path, `an object with the fields ${allowed.join(", ")}`, value);
    }
    const record = value as Record<string, unknown>;
    for (const field of Object.keys(record)) {
      if (allowed.includes(field)) continue;
      const near = closest(field, allowed);
      this.failText(
        child(path, field),
        `one of the fields ${allowed.join(", ")}`,
        "an unknown field",
        near === undefined ? undefined : `did you mean ${near}?`,
      );
    }
    for (const field of required) {
      if (record[field] === undefined) this.fail(child(path, field), "a value for this required field", undefined);
    }
    return record;
  }

  /** An optional true or false: `fallback` when absent, undefined (reported) when it is anything else. */
  flag(value: unknown, path: string, fallback: boolean): boolean | undefined {
    if (value === undefined) return fallback;
    return typeof value === "boolean" ? value : this.fail(path, "true or false", value);
  }

  /** One of `values` (strings), with the closest one as a fix. */
  oneOf<T extends string>(value: unknown, path: string, values: readonly T[]): T | undefined {
    if (typeof value === "string" && (values as readonly string[]).includes(value)) return value as T;
    const near = typeof value === "string" ? closest(value, values) : undefined;
    const expected = `one of ${values.map((v) => `"${v}"`).join(", ")}`;
    if (near === undefined) return this.fail(path, expected, value);
    return this.failText(path, expected, JSON.stringify(value), `did you mean "${near}"?`);
  }

  /** An exact amount: a decimal string in the unit (a bare whole number is exact too, so it is accepted). */
  amount(value: unknown, path: string, unit: AmountUnit): bigint | undefined {
    let text = value;
    if (typeof value === "number") {
      if (!Number.isFinite(value) || Number.isInteger(value) === false) {
        return this.failText(
          path,
          unit.expected,
          String(value),
          `write it as a string, "${value}": a number with a fraction is a binary float, a string converts exactly`,
        );
      }
      if (!Number.isSafeInteger(value) || value < 0) return this.fail(path, unit.expected, value);
      text = String(value);
    }
    const parsed = this.decimal(text, path, unit.decimals, unit.max, unit.expected);
    if (parsed === 0n && unit.positive === true) return this.fail(path, `${unit.expected}, greater than 0`, value);
    return parsed;
  }

  /** A plain (float) number in [min, max], for rates and probabilities, where no amount of money is at stake. */
  number(value: unknown, path: string, min: number, max: number, expected: string): number | undefined {
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max)
      return this.fail(path, expected, value);
    return value;
  }

  /** A name that is safe in a file name and a CSV cell: letters, digits, "_" and "-". */
  name(value: unknown, path: string, what: string): string | undefined {
    const expected = `${what}: 1 to 64 letters, digits, "_" or "-"`;
    if (typeof value !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(value)) return this.fail(path, expected, value);
    return value;
  }

  /** A whole number of steps in [min, 2³²−1]. */
  steps(value: unknown, path: string, min: number, expected: string): number | undefined {
    return this.integer(value, path, BigInt(min), MAX_STEPS, `${expected}, at most ${MAX_STEPS}`);
  }
}

const MAX_STEPS = 2n ** 32n - 1n;

/** An amount written back in its unit, for messages. */
export function shown(value: bigint, decimals: number): string {
  return `"${formatDecimal(value, decimals)}"`;
}
