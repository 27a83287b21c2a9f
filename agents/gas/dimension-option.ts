// The `--by` option of the gas tasks: one grouping or all of them.

import { ArenaError } from "../core/errors.ts";
import { GAS_DIMENSIONS, type GasDimension } from "./profile.ts";

/** A `--by` or `--limit` the gas tasks cannot use. */
export class GasOptionError extends ArenaError {}

/** Parses `--by`; "all" gives every dimension. Refuses anything else, naming the choices. */
export function parseGasDimensions(value: string): GasDimension[] {
  if (value === "all") return [...GAS_DIMENSIONS];
  if ((GAS_DIMENSIONS as readonly string[]).includes(value)) return [value as GasDimension];
  throw new GasOptionError(`--by ${JSON.stringify(value)} is not a grouping: use ${GAS_DIMENSIONS.join(", ")} or all`);
}

/** `--limit 0` (the default) means every row. */
export function parseLimit(value: number): number | undefined {
  if (!Number.isInteger(value) || value < 0)
    throw new GasOptionError(`--limit must be a whole number of rows (0 for all), got ${value}`);
  return value === 0 ? undefined : value;
}
