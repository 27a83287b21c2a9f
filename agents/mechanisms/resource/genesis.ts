// The resource market's field of a genesis file (optional: without it nothing of it is deployed): the
// start price, the length of the resource's block, and the genesis values of the price rule's five
// store parameters. Every value the contract's constructor and its _setParameter would refuse
// (PeriodOutOfRange, ParameterOutOfRange, PriceOutOfBounds) is refused here first, with the field that
// holds it; the parameters' bounds are checked the same way, and the price bounds' ranges may not
// overlap (minPrice's max ≤ maxPrice's min), so no value governance may reach is one the contract refuses.

import { child, positive, type Reader, type Unit } from "../../core/document-reader.ts";
import { MAX_FEE_BPS, MAX_PRICE_WAD } from "../../core/limits.ts";
import { BPS, formatDecimal } from "../../core/units.ts";
import type { GenesisPart } from "../mechanism.ts";
import { MAX_ADJUSTMENT_SPEED, MAX_PERIOD_SECONDS, RESOURCE_KEYS, RESOURCE_PARAMETER_RANGE } from "./model.ts";

/** The resource market's part of a Genesis: absent when the file has no `resource` section. */
export interface ResourceGenesis {
  resource?: {
    /** Whole quote per whole credit (WAD) the first active block pays. */
    startPriceWad: bigint;
    /** Seconds of one of the resource's blocks (the scenario's block time, for one per step). */
    periodSeconds: number;
    /** The rule's genesis values (store parameters). */
    targetUtilisationBps: bigint;
    adjustmentSpeed: bigint;
    feeBps: bigint;
    minPriceWad: bigint;
    maxPriceWad: bigint;
  };
}

export const RESOURCE_PRICE: Unit = {
  decimals: 18,
  max: MAX_PRICE_WAD,
  expected: `a decimal string of quote per credit, at most ${formatDecimal(MAX_PRICE_WAD, 18)} (like "2.5")`,
};
const TARGET_BPS: Unit = { decimals: 0, max: BPS, expected: `an integer number of bps from 1 to ${BPS}` };
const SPEED: Unit = {
  decimals: 0,
  max: MAX_ADJUSTMENT_SPEED,
  expected: `an integer from 1 to ${MAX_ADJUSTMENT_SPEED} (the price moves by at most 1/speed per block)`,
};
const FEE: Unit = { decimals: 0, max: MAX_FEE_BPS, expected: `an integer number of bps from 0 to ${MAX_FEE_BPS}` };

/** Each store key, its field and unit. */
const FIELDS = [
  { field: "targetUtilisationBps", key: RESOURCE_KEYS.targetUtilisationBps, unit: TARGET_BPS },
  { field: "adjustmentSpeed", key: RESOURCE_KEYS.adjustmentSpeed, unit: SPEED },
  { field: "feeBps", key: RESOURCE_KEYS.feeBps, unit: FEE },
  { field: "minPrice", key: RESOURCE_KEYS.minPrice, unit: RESOURCE_PRICE },
  { field: "maxPrice", key: RESOURCE_KEYS.maxPrice, unit: RESOURCE_PRICE },
] as const;

type Section = NonNullable<ResourceGenesis["resource"]>;

function readResource(r: Reader, value: unknown): { section?: Section; values: (bigint | undefined)[] } {
  const o = r.object(value, "resource", ["startPrice", ...FIELDS.map((f) => f.field)], ["blockSeconds"]);
  if (o === undefined) return { values: FIELDS.map(() => undefined) };
  const values = FIELDS.map(({ field, key, unit }) => {
    const raw = o[field];
    if (raw === undefined) return undefined;
    const v = r.unitValue(raw, `resource.${field}`, unit);
    if (v !== undefined && v < RESOURCE_PARAMETER_RANGE[key].min)
      return r.fail(`resource.${field}`, unit.expected, raw);
    return v;
  });
  const start =
    o.startPrice === undefined
      ? undefined
      : positive(
          r,
          o.startPrice,
          r.unitValue(o.startPrice, "resource.startPrice", RESOURCE_PRICE),
          "resource.startPrice",
          RESOURCE_PRICE.expected,
        );
  const periodSeconds =
    o.blockSeconds === undefined ? 12 : r.duration(o.blockSeconds, "resource.blockSeconds", MAX_PERIOD_SECONDS);
  if (periodSeconds === 0)
    r.fail("resource.blockSeconds", 'a duration of at least one second (like "12s")', o.blockSeconds);
  const [targetUtilisationBps, adjustmentSpeed, feeBps, minPriceWad, maxPriceWad] = values;
  if (minPriceWad !== undefined && maxPriceWad !== undefined && minPriceWad > maxPriceWad) {
    r.failText("resource.minPrice", "a price at most resource.maxPrice", formatDecimal(minPriceWad, 18));
    return { values };
  }
  if (start !== undefined && minPriceWad !== undefined && maxPriceWad !== undefined) {
    if (start < minPriceWad || start > maxPriceWad) {
      r.failText(
        "resource.startPrice",
        `a price from resource.minPrice (${formatDecimal(minPriceWad, 18)}) to resource.maxPrice (${formatDecimal(maxPriceWad, 18)})`,
        formatDecimal(start, 18),
      );
      return { values };
    }
  }
  if (
    start === undefined ||
    periodSeconds === undefined ||
    periodSeconds === 0 ||
    targetUtilisationBps === undefined ||
    adjustmentSpeed === undefined ||
    feeBps === undefined ||
    minPriceWad === undefined ||
    maxPriceWad === undefined
  )
    return { values };
  return {
    section: {
      startPriceWad: start,
      periodSeconds,
      targetUtilisationBps,
      adjustmentSpeed,
      feeBps,
      minPriceWad,
      maxPriceWad,
    },
    values,
  };
}

export const resourceGenesis: GenesisPart<ResourceGenesis> = {
  required: [],
  optional: ["resource"],
  read(r, top) {
    if (top.resource === undefined) return { section: {}, parameters: [] };
    const { section, values } = readResource(r, top.resource);
    return {
      section: section === undefined ? undefined : { resource: section },
      parameters: FIELDS.map(({ field, key, unit }, i) => ({
        key,
        unit,
        valuePath: `resource.${field}`,
        value: values[i],
      })),
      // The bounds governance moves the rule within: each inside what the contract takes, and the two
      // price bounds' ranges apart (minPrice's max ≤ maxPrice's min), so they can never cross.
      checkBounds(r, bounds) {
        for (const { key, unit } of FIELDS) {
          const b = bounds.get(key);
          const floor = RESOURCE_PARAMETER_RANGE[key].min;
          if (b !== undefined && b.min < floor)
            r.failText(
              `${child("parameters", key)}.min`,
              unit.expected,
              unit.decimals === 0 ? String(b.min) : formatDecimal(b.min, unit.decimals),
            );
        }
        const lo = bounds.get(RESOURCE_KEYS.minPrice);
        const hi = bounds.get(RESOURCE_KEYS.maxPrice);
        if (lo !== undefined && hi !== undefined && lo.max > hi.min)
          r.failText(
            `${child("parameters", RESOURCE_KEYS.minPrice)}.max`,
            `at most ${RESOURCE_KEYS.maxPrice}'s min (${formatDecimal(hi.min, 18)}), so the price bounds never cross`,
            formatDecimal(lo.max, 18),
          );
      },
    };
  },
};
