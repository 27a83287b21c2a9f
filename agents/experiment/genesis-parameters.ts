// A genesis with some parameter-store values replaced: the experiment's store parameters are launch
// values, because after launch the store moves a parameter only within its step and interval rails.
// The genesis document is edited and parsed again, so a value outside the parameter's bounds (or a
// curve the market could not hold) gets the genesis reader's own error.

import { parseGenesis } from "../inputs/genesis.ts";
import { type Genesis } from "../mechanisms/vocabulary.ts";
import { type ParameterChange, formatParameter } from "../core/parameters.ts";

/** Where a store key's launch value sits in a genesis file (the curve's keys are curve.<field>). */
const DOCUMENT_FIELDS: Record<string, [string, string]> = {
  "market.buyFeeBps": ["fees", "buyBps"],
  "market.sellFeeBps": ["fees", "sellBps"],
  "market.treasuryShareBps": ["fees", "treasuryShareBps"],
  "pool.feeBps": ["pool", "feeBps"],
};

/** The genesis document with `changes` written in (a copy), in the file's human units. */
export function genesisDocumentWith(document: unknown, changes: readonly ParameterChange[]): unknown {
  const copy = structuredClone(document) as Record<string, Record<string, unknown>>;
  for (const { key, value } of changes) {
    const [section, field] =
      DOCUMENT_FIELDS[key] ?? (key.startsWith("curve.") ? ["curve", key.slice("curve.".length)] : []);
    if (section === undefined || field === undefined || typeof copy[section] !== "object")
      throw new RangeError(`${key} is not a parameter a genesis file sets`);
    // Bps are integers in the file; prices and rates decimal strings.
    copy[section][field] = key.startsWith("curve.") ? formatParameter(key, value) : Number(value);
  }
  return copy;
}

/** The genesis at `source` (its parsed document) with `changes` as launch values; a GenesisError when the genesis refuses them. */
export function genesisWithParameters(document: unknown, source: string, changes: readonly ParameterChange[]): Genesis {
  return parseGenesis(genesisDocumentWith(document, changes), source);
}
