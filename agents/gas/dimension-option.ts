// The `--by` option of the gas tasks: one grouping or all of them.

import { Reader } from "../core/document-reader.ts";
import { ArenaError } from "../core/errors.ts";
import { TABLE_ROWS } from "../core/limits.ts";
import { GAS_DIMENSIONS, type GasDimension } from "./profile.ts";

/** A `--by` or `--limit` the gas tasks cannot use. */
export class GasOptionError extends ArenaError {}

/** Parses `--by`; "all" gives every dimension. Refuses anything else, naming the choices. */
export function parseGasDimensions(value: string): GasDimension[] {
  if (value === "all") return [...GAS_DIMENSIONS];
  if ((GAS_DIMENSIONS as readonly string[]).includes(value)) return [value as GasDimension];
  throw new GasOptionError(`--by ${JSON.stringify(value)} is not a grouping: use ${GAS_DIMENSIONS.join(", ")} or all`);
}

/** `--limit 0` (the default) means every row; the range is core/limits.ts's, with the same message as any option. */
export function parseLimit(value: string | number): number | undefined {
  const options = new Reader();
  const limit = options.option(String(value), "--limit", TABLE_ROWS);
  options.throwOptionIssues();
  return limit === 0n ? undefined : Number(limit);
}
