// A genesis with some parameter-store values replaced: the experiment's store parameters are launch
// values, because after launch the store moves a parameter only within its step and interval rails;
// and with any other fields written in (genesis.<path> grid parameters, genesis-target.ts).
// The genesis document is edited and parsed again, so a value outside the parameter's bounds (or a
// curve the market could not hold) gets the genesis reader's own error.

import { GenesisError } from "../core/document-reader.ts";
import { parseGenesis } from "../inputs/genesis.ts";
import { type Genesis } from "../mechanisms/vocabulary.ts";
import { type ParameterChange, formatParameter, parameterDecimals } from "../core/parameters.ts";
import type { GenesisField, GenesisPath } from "./experiment-types.ts";

/** Where a store key's launch value sits in a genesis file (the curve's keys are curve.<field>). */
const DOCUMENT_FIELDS: Record<string, [string, string]> = {
  "market.buyFeeBps": ["fees", "buyBps"],
  "market.sellFeeBps": ["fees", "sellBps"],
  "market.treasuryShareBps": ["fees", "treasuryShareBps"],
  "pool.feeBps": ["pool", "feeBps"],
  "staking.rewardPerDay": ["staking", "rewardPerDay"],
  "staking.targetStaked": ["staking", "targetStaked"],
  "buyback.shareBps": ["buyback", "shareBps"],
  "buyback.capPerPeriod": ["buyback", "capPerPeriod"],
  "buyback.maxSlippageBps": ["buyback", "maxSlippageBps"],
};

/** Where a parameter-store key's launch value sits in a genesis document; undefined for a key no genesis file sets. */
export function storeKeyPath(key: string): GenesisPath | undefined {
  const at = DOCUMENT_FIELDS[key] ?? (key.startsWith("curve.") ? ["curve", key.slice("curve.".length)] : undefined);
  return at === undefined ? undefined : [...at];
}

/** The genesis document with `changes` written in (a copy), in the file's human units, then `fields` as written. */
export function genesisDocumentWith(
  document: unknown,
  changes: readonly ParameterChange[],
  fields: readonly GenesisField[] = [],
): unknown {
  const copy = structuredClone(document) as Record<string, Record<string, unknown>>;
  for (const { key, value } of changes) {
    const [section, field] =
      DOCUMENT_FIELDS[key] ?? (key.startsWith("curve.") ? ["curve", key.slice("curve.".length)] : []);
    if (section === undefined || field === undefined || typeof copy[section] !== "object")
      throw new RangeError(`${key} is not a parameter a genesis file sets`);
    // Bps are integers in the file; prices, rates and token amounts decimal strings.
    copy[section][field] = parameterDecimals(key) > 0 ? formatParameter(key, value) : Number(value);
  }
  for (const { path, value } of fields) {
    let at = copy as unknown as Record<string | number, unknown>;
    for (const segment of path.slice(0, -1)) at = at[segment] as Record<string | number, unknown>;
    at[path[path.length - 1]!] = value;
  }
  return copy;
}

/** The genesis at `source` (its parsed document) with `changes` as launch values and `fields` written in; a GenesisError when the genesis refuses them. */
export function genesisWithParameters(
  document: unknown,
  source: string,
  changes: readonly ParameterChange[],
  fields: readonly GenesisField[] = [],
): Genesis {
  const missing = fields.filter(({ path }) => !holds(document, path));
  if (missing.length > 0)
    throw new GenesisError(
      source,
      missing.map(({ path }) => ({
        path: path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join(""),
        expected: "a field for the grid's genesis parameter to set",
        got: "nothing: this genesis file has no such field",
      })),
    );
  return parseGenesis(genesisDocumentWith(document, changes, fields), source);
}

/** Whether `document` has a value (not a section) at `path`. */
function holds(document: unknown, path: GenesisPath): boolean {
  let at = document;
  for (const segment of path) {
    if (typeof at !== "object" || at === null || !Object.hasOwn(at, segment)) return false;
    at = (at as Record<string | number, unknown>)[segment];
  }
  return typeof at === "string" || typeof at === "number" || typeof at === "boolean";
}
