// One JSON form for everything a run writes (summary.json, gas.json): the same value always gives the
// same bytes, so two runs of one scenario and seed can be compared with `diff` or `cmp`.

/** Significant digits kept for a float that is not an integer (statistics, not amounts). */
export const FLOAT_SIGNIFICANT_DIGITS = 10;

/**
 * Keys sorted, bigints as decimal strings, non-integer floats rounded to FLOAT_SIGNIFICANT_DIGITS,
 * non-finite numbers and undefined-valued keys dropped to null / omitted, two-space indent and a
 * trailing newline.
 */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(normalise(value), null, 2)}\n`;
}

/** The value stableJson writes, before it is written (for a compact line of the same canonical form: JSON.stringify of it). */
export function stableValue(value: unknown): unknown {
  return normalise(value);
}

function normalise(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    if (Number.isInteger(value)) return value === 0 ? 0 : value;
    return Number(value.toPrecision(FLOAT_SIGNIFICANT_DIGITS));
  }
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== undefined) sorted[key] = normalise(field);
    }
    return sorted;
  }
  return value;
}
