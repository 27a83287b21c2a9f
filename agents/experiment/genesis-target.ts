// A grid parameter over any field of the scenario's genesis file: `genesis.<path>`, the path written
// as the file nests it, with [i] for a list's entry:
//   genesis.pool.seed.quote, genesis.pool.seed.tokens, genesis.reserve, genesis.curve.kind,
//   genesis.allocations[1].amount, genesis.vesting[0].cliff, genesis.parameters.curve.slope.max
// (a key with a dot in it, like a parameter's, is matched whole). The path must reach a field the file
// holds a value in (a number, a string or true/false, not a section); each case's values go into a copy of the
// document as written, and the genesis reader judges the result, its message naming the case.

import { closest } from "../inputs/scenario-reader.ts";
import type { ScenarioReader } from "../inputs/scenario-reader.ts";
import type { GenesisPath, ParameterTarget } from "./experiment-types.ts";

const PART = /^([^.[\]]+)((?:\[\d+\])*)$/;

/** The target of grid parameter `name` (starting "genesis."); `document` is the genesis file's at `source`. */
export function readGenesisTarget(
  r: ScenarioReader,
  name: string,
  path: string,
  document: unknown,
  source: string,
): ParameterTarget | undefined {
  const words = splitPath(name.slice("genesis.".length));
  if (words === undefined)
    return r.failText(
      path,
      "genesis.<path>: field names joined by dots, [i] for a list's entry (like genesis.pool.seed.quote or genesis.vesting[0].cliff)",
      JSON.stringify(name),
    );
  const segments: GenesisPath = [];
  let at: unknown = document;
  const shown = () => `genesis${segments.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}`;
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    if (typeof word === "number") {
      if (!Array.isArray(at))
        return r.failText(path, `a field name after ${shown()} (it is not a list)`, JSON.stringify(name));
      if (word >= at.length)
        return r.failText(
          path,
          `an entry of ${shown()} from [0] to [${at.length - 1}] (${source} lists ${at.length})`,
          JSON.stringify(name),
        );
      segments.push(word);
      at = at[word];
      continue;
    }
    if (typeof at !== "object" || at === null || Array.isArray(at))
      return r.failText(
        path,
        `${Array.isArray(at) ? "an entry [i]" : "nothing"} after ${shown()} (it holds ${Array.isArray(at) ? "a list" : "a value"})`,
        JSON.stringify(name),
      );
    const keys = Object.keys(at);
    // A key with dots in it (a parameter's, "curve.slope") is matched whole, the longest first.
    let key: string | undefined;
    for (let end = words.length; end > w && key === undefined; end--) {
      const joined = words.slice(w, end);
      if (joined.every((j) => typeof j === "string") && keys.includes(joined.join("."))) {
        key = joined.join(".");
        w = end - 1;
      }
    }
    if (key === undefined) {
      const near = closest(word, keys);
      const prefix = segments.length === 0 ? "genesis" : shown();
      return r.failText(
        path,
        `a field of ${source} at ${prefix} (${keys.join(", ")})`,
        JSON.stringify(name),
        near === undefined ? undefined : `did you mean ${prefix}.${near}?`,
      );
    }
    segments.push(key);
    at = (at as Record<string, unknown>)[key];
  }
  if (typeof at !== "string" && typeof at !== "number" && typeof at !== "boolean") {
    const inside =
      typeof at === "object" && at !== null && !Array.isArray(at)
        ? `a section with the fields ${Object.keys(at).join(", ")}`
        : Array.isArray(at)
          ? `a list of ${at.length}`
          : JSON.stringify(at);
    return r.failText(
      path,
      `a field of ${source} that holds a number, a string or true/false (like genesis.pool.seed.quote)`,
      `${shown()}, ${inside}`,
      "name one field inside it",
    );
  }
  return { kind: "genesis", path: segments };
}

/** "pool.seed.quote" → ["pool", "seed", "quote"]; "vesting[0].cliff" → ["vesting", 0, "cliff"]; undefined when malformed. */
function splitPath(text: string): (string | number)[] | undefined {
  const words: (string | number)[] = [];
  for (const part of text.split(".")) {
    const match = PART.exec(part);
    if (match === null) return undefined;
    words.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) words.push(Number(index[1]));
  }
  return words;
}

/** A genesis path as it follows "genesis" in a grid name (".pool.seed.quote", ".vesting[0].cliff"): to refuse one field named twice. */
export function genesisPathText(path: GenesisPath): string {
  return path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
}
