// The store's field of a genesis file: the bounds of every parameter the mechanisms define (min, max,
// the largest step in bps of the current value, the shortest interval between updates), each genesis
// value inside its bounds. Which parameters there are comes from the mechanisms' own genesis fields.

import { child, type Reader } from "../../core/document-reader.ts";
import type { GenesisParameter } from "../../core/parameters.ts";
import { formatDecimal, MAX_UINT16, MAX_UINT32 } from "../../core/units.ts";
import type { ParameterField } from "../mechanism.ts";

/** A mechanism's parameter, with the mechanism that consumes it. */
export type ConsumedField = ParameterField & { consumer: string };

/**
 * Bounds for every key in `entries`; each genesis value inside them. Keys under an `unknownKeys` prefix
 * (an unreadable curve kind) are neither required nor refused: their section's own error says why.
 * `parameters` is every bound when all were good; `readable` the ones that were (for further checks).
 */
export function readBounds(
  r: Reader,
  value: unknown,
  entries: readonly ConsumedField[],
  unknownKeys: readonly string[],
): { parameters: GenesisParameter[] | undefined; readable: GenesisParameter[] } | undefined {
  const keys = entries.map((e) => e.key);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    r.fail("parameters", `an object of bounds for ${keys.join(", ")}`, value);
    return undefined;
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (unknownKeys.some((prefix) => key.startsWith(prefix))) continue;
    if (!keys.includes(key)) {
      r.failText(
        child("parameters", key),
        `bounds only for the parameters this genesis uses: ${keys.join(", ")}`,
        "an unknown parameter",
      );
    }
  }

  const out: GenesisParameter[] = [];
  let ok = true;
  for (const { key, unit, valuePath, value: genesisValue, consumer } of entries) {
    const spec = { key, unit };
    const path = child("parameters", spec.key);
    if (given[spec.key] === undefined) {
      r.fail(
        path,
        `bounds {"min", "max", "maxStepBps", "minIntervalSeconds"} for ${spec.key} (every parameter needs them)`,
        undefined,
      );
      ok = false;
      continue;
    }
    const o = r.object(given[spec.key], path, ["min", "max", "maxStepBps", "minIntervalSeconds"]);
    if (o === undefined) {
      ok = false;
      continue;
    }
    const min = o.min === undefined ? undefined : r.unitValue(o.min, `${path}.min`, spec.unit);
    const max = o.max === undefined ? undefined : r.unitValue(o.max, `${path}.max`, spec.unit);
    const maxStepBps =
      o.maxStepBps === undefined
        ? undefined
        : r.integer(
            o.maxStepBps,
            `${path}.maxStepBps`,
            0n,
            MAX_UINT16,
            `an integer number of bps from 0 (frozen) to ${MAX_UINT16}`,
          );
    const minIntervalSeconds =
      o.minIntervalSeconds === undefined
        ? undefined
        : r.duration(o.minIntervalSeconds, `${path}.minIntervalSeconds`, MAX_UINT32);
    if (
      min === undefined ||
      max === undefined ||
      maxStepBps === undefined ||
      minIntervalSeconds === undefined ||
      genesisValue === undefined
    ) {
      ok = false;
      continue;
    }
    const show = (x: bigint): string =>
      spec.unit.decimals === 0 ? x.toString() : `"${formatDecimal(x, spec.unit.decimals)}"`;
    if (min > max) {
      r.failText(path, "min ≤ max", `min ${show(min)}, max ${show(max)}`);
      ok = false;
    } else if (genesisValue < min || genesisValue > max) {
      r.failText(
        valuePath,
        `a value within the bounds of parameters[${JSON.stringify(spec.key)}] [${show(min)}, ${show(max)}]`,
        `${show(genesisValue)}`,
      );
      ok = false;
    }
    out.push({
      key: spec.key,
      value: genesisValue,
      min,
      max,
      maxStepBps,
      minIntervalSeconds,
      consumer,
      decimals: spec.unit.decimals,
    });
  }

  return { parameters: ok ? out : undefined, readable: out };
}
