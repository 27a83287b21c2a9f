// A genesis file describes one launch: the token, the quote token, who receives what, governance, the
// bounds of every parameter, and each mechanism's fields (the market's curve, fees, reserve and
// supply; the pool's fee and seed; vesting's schedules). `parseGenesis` checks all of it against the
// limits the contracts enforce and converts every amount exactly to the integers the contracts take.
// It reports every problem at once.

import { readFile } from "node:fs/promises";

import { GenesisError, Reader } from "../core/document-reader.ts";
import { parseJsonText } from "../core/json-text.ts";
import { formatDecimal } from "../core/units.ts";
import { MECHANISMS } from "../mechanisms/registry.ts";
import { type ConsumedField, readBounds } from "../mechanisms/store/genesis.ts";
import type { Genesis } from "../mechanisms/vocabulary.ts";
import { readAllocations, readGovernance, readQuote, readToken } from "./genesis-base.ts";

/** Reads and parses a genesis JSON file; errors name the file. */
export async function loadGenesis(path: string): Promise<Genesis> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new GenesisError(path, [
      { path: "(file)", expected: "a readable genesis JSON file", got: (error as Error).message },
    ]);
  }
  return parseGenesisText(text, path);
}

/** Parses a genesis file's text: JSON without duplicate keys (refused with their path and line), then `parseGenesis`. */
export function parseGenesisText(text: string, source: string): Genesis {
  const json = parseJsonText(text);
  if (json.issues !== undefined) throw new GenesisError(source, json.issues);
  return parseGenesis(json.value, source);
}

/** Validates a genesis document and converts it exactly; throws one GenesisError listing every problem. */
export function parseGenesis(input: unknown, source: string): Genesis {
  const r = new Reader();
  const parts = MECHANISMS.flatMap((m) => (m.genesis === undefined ? [] : [{ id: m.id, part: m.genesis }]));
  const required = [
    "token",
    "quote",
    ...parts.flatMap((p) => p.part.required),
    "allocations",
    "governance",
    "parameters",
  ];
  const optional = ["description", ...parts.flatMap((p) => p.part.optional)];
  const top = r.object(input, "", required, optional);
  if (top === undefined) throw new GenesisError(source, r.issues);

  const description =
    top.description === undefined ? undefined : r.string(top.description, "description", "a non-empty string");
  // A missing field has been reported by `object`; its reader runs only on what is there.
  const read = <T>(value: unknown, reader: (r: Reader, value: unknown) => T | undefined): T | undefined =>
    value === undefined ? undefined : reader(r, value);
  const token = read(top.token, readToken);
  const quote = read(top.quote, readQuote);
  const sections = parts.map(({ id, part }) => ({ id, read: part.read(r, top) }));
  const allocations = read(top.allocations, readAllocations);
  const governance = read(top.governance, readGovernance);
  const fields: ConsumedField[] = sections.flatMap(({ id, read }) =>
    read.parameters.map((p) => ({ ...p, consumer: id })),
  );
  const unknownKeys = sections.flatMap(({ read }) => (read.unknownKeys === undefined ? [] : [read.unknownKeys]));
  let parameters: Genesis["parameters"] | undefined;
  if (top.parameters !== undefined) {
    const bounds = readBounds(r, top.parameters, fields, unknownKeys);
    parameters = bounds?.parameters;
    // Each mechanism checks the bounds that were readable (the curve must stay valid over them).
    if (bounds !== undefined) {
      const readable = new Map(bounds.readable.map((p) => [p.key, p]));
      for (const { read } of sections) read.checkBounds?.(r, readable);
    }
  }

  // Everything the genesis mints fits under the supply cap, once every part of it could be read.
  const minting = sections.filter(({ read }) => "minted" in read);
  if (allocations !== undefined && minting.every(({ read }) => read.minted !== undefined)) {
    const total =
      allocations.reduce((sum, a) => sum + a.amount, 0n) + minting.reduce((sum, { read }) => sum + read.minted!, 0n);
    const cap = sections.find(({ read }) => read.supplyCap !== undefined)?.read.supplyCap;
    if (cap !== undefined && total > cap.cap) {
      r.failText(
        "allocations",
        `allocations, vesting and the pool seed together at most ${formatDecimal(cap.cap, 18)} tokens (${cap.name})`,
        `${formatDecimal(total, 18)} tokens`,
      );
    } else {
      // What the genesis mint needs (the market's reserve for the curve), before any transaction is sent.
      for (const { read } of sections) read.checkGenesisSupply?.(r, total);
    }
  }

  if (r.issues.length > 0) throw new GenesisError(source, r.issues);
  return Object.assign(
    {
      source,
      ...(description === undefined ? {} : { description }),
      token: token!,
      quote: quote!,
      allocations: allocations!,
      governance: governance!,
      parameters: parameters!,
    },
    ...sections.map(({ read }) => read.section),
  ) as Genesis;
}
