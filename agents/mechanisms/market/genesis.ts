// The market's fields of a genesis file: the curve and its parameters, the fees, the reserve that
// funds the curve and the largest supply (also the curve's domain). Every value is checked against
// what CurveMath.validate and the market accept, and the bounds the store gives the curve's
// parameters must keep every curve governance may reach valid on the same domain.

import { MAX_FEE_BPS, MAX_PRICE_WAD, MAX_SUPPLY } from "../../core/limits.ts";
import { child, positive, type Reader, type Unit } from "../../core/document-reader.ts";
import { BPS, formatDecimal, MAX_UINT128, QUOTE_DECIMALS, TOKEN_DECIMALS } from "../../core/units.ts";
import type { GenesisPart, GenesisRead, ParameterField } from "../mechanism.ts";
import { divUp } from "../../core/solady-math.ts";
import { type CurveBox, type CurveDomain, checkCurveBox } from "./curve-limits.ts";
import { costUpWad } from "./curve-math.ts";
import type { CurveKind } from "./state.ts";

/** Curve parameters in the contracts' units: prices, slopes and rates in WAD, the midpoint in token wei. */
export type GenesisCurve =
  | { kind: "linear"; slopeWad: bigint; basePriceWad: bigint }
  | { kind: "exponential"; initialPriceWad: bigint; growthRateWad: bigint }
  | { kind: "sigmoid"; maxPriceWad: bigint; steepnessWad: bigint; midpoint: bigint; basePriceWad: bigint };

/** The market's part of a Genesis. */
export interface MarketGenesis {
  curve: GenesisCurve;
  fees: { buyBps: number; sellBps: number; treasuryShareBps: number };
  /** Quote units (6 decimals) paid into the market's reserve at genesis. */
  reserve: bigint;
  /** The largest supply the market may ever reach (token wei); MAX_SUPPLY unless the file says less.
   * It is also the curve's domain: the curve and every value its bounds allow are valid on [0, maxSupply]. */
  maxSupply: bigint;
}

/* UNITS OF THE PARAMETERS */

const PRICE: Unit = {
  decimals: TOKEN_DECIMALS,
  max: MAX_PRICE_WAD,
  expected: `a non-negative decimal string of quote per token, at most ${formatDecimal(MAX_PRICE_WAD, 18)} (like "0.01")`,
};
const SLOPE: Unit = {
  decimals: TOKEN_DECIMALS,
  max: MAX_PRICE_WAD,
  expected: 'a non-negative decimal string of quote per token per token (like "0.000001")',
};
const RATE: Unit = {
  decimals: TOKEN_DECIMALS,
  max: MAX_UINT128,
  expected: 'a non-negative decimal string, per whole token (like "0.00000001")',
};
const SUPPLY: Unit = {
  decimals: TOKEN_DECIMALS,
  max: MAX_SUPPLY,
  expected: `a decimal string of whole tokens, at most ${formatDecimal(MAX_SUPPLY, 18)} (like "500000")`,
};
/** A fee in bps, as the market and the pool take it. */
export const FEE_BPS: Unit = {
  decimals: 0,
  max: MAX_FEE_BPS,
  expected: `an integer number of bps from 0 to ${MAX_FEE_BPS}`,
};
const SHARE_BPS: Unit = { decimals: 0, max: BPS, expected: `an integer number of bps from 0 to ${BPS}` };

interface FieldSpec {
  field: string;
  key: string;
  unit: Unit;
}

const CURVE_FIELDS: Record<CurveKind, FieldSpec[]> = {
  linear: [
    { field: "slope", key: "curve.slope", unit: SLOPE },
    { field: "basePrice", key: "curve.basePrice", unit: PRICE },
  ],
  exponential: [
    { field: "initialPrice", key: "curve.initialPrice", unit: PRICE },
    { field: "growthRate", key: "curve.growthRate", unit: RATE },
  ],
  sigmoid: [
    { field: "maxPrice", key: "curve.maxPrice", unit: PRICE },
    { field: "steepness", key: "curve.steepness", unit: RATE },
    { field: "midpoint", key: "curve.midpoint", unit: SUPPLY },
    { field: "basePrice", key: "curve.basePrice", unit: PRICE },
  ],
};

const FEE_FIELDS: FieldSpec[] = [
  { field: "buyBps", key: "market.buyFeeBps", unit: FEE_BPS },
  { field: "sellBps", key: "market.sellFeeBps", unit: FEE_BPS },
  { field: "treasuryShareBps", key: "market.treasuryShareBps", unit: SHARE_BPS },
];

/** The market's store keys for a curve kind: the curve's, then the fees'. */
export function marketParameterKeys(kind: CurveKind): string[] {
  return [...CURVE_FIELDS[kind], ...FEE_FIELDS].map((spec) => spec.key);
}

/** p1..p4 of contracts/libraries/CurveTypes.sol (unused ones are 0). */
export function curveParameters(curve: GenesisCurve): [bigint, bigint, bigint, bigint] {
  switch (curve.kind) {
    case "linear":
      return [curve.slopeWad, curve.basePriceWad, 0n, 0n];
    case "exponential":
      return [curve.initialPriceWad, curve.growthRateWad, 0n, 0n];
    case "sigmoid":
      return [curve.maxPriceWad, curve.steepnessWad, curve.midpoint, curve.basePriceWad];
  }
}

const TOKEN_AMOUNT = 'a decimal string of whole tokens (like "100000")';
const QUOTE_AMOUNT = 'a decimal string of quote (like "1000")';

/* READING */

/** What could be read of the curve: its kind's fields, the values that parsed, the curve if all did. */
interface ReadCurve {
  kind: CurveKind;
  specs: FieldSpec[];
  values: Map<string, bigint>;
  curve?: GenesisCurve;
}

function readCurve(r: Reader, value: unknown, domain: CurveDomain | undefined): ReadCurve | undefined {
  const kinds = Object.keys(CURVE_FIELDS) as CurveKind[];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return r.fail("curve", `an object with "kind" (${kinds.join(", ")}) and that kind's parameters`, value);
  }
  const kind = (value as Record<string, unknown>).kind;
  if (typeof kind !== "string" || !kinds.includes(kind as CurveKind)) {
    return r.fail("curve.kind", `one of ${kinds.map((k) => `"${k}"`).join(", ")}`, kind);
  }
  const specs = CURVE_FIELDS[kind as CurveKind];
  const o = r.object(value, "curve", ["kind", ...specs.map((s) => s.field)])!;
  const values = new Map<string, bigint>();
  for (const spec of specs) {
    if (o[spec.field] === undefined) continue;
    const parsed = r.unitValue(o[spec.field], `curve.${spec.field}`, spec.unit);
    if (parsed !== undefined) values.set(spec.field, parsed);
  }
  if (values.size !== specs.length || domain === undefined) return { kind: kind as CurveKind, specs, values };
  const v = (field: string): bigint => values.get(field)!;
  const box: CurveBox = new Map(specs.map((spec) => [spec.field, { lo: v(spec.field), hi: v(spec.field) }]));
  const before = r.issues.length;
  checkCurveBox(kind as CurveKind, box, domain, (field, _end, expected, got, fix) =>
    r.failText(`curve.${field}`, expected, got, fix),
  );
  if (r.issues.length > before) return { kind: kind as CurveKind, specs, values };
  let curve: GenesisCurve;
  switch (kind as CurveKind) {
    case "linear":
      curve = { kind: "linear", slopeWad: v("slope"), basePriceWad: v("basePrice") };
      break;
    case "exponential":
      curve = { kind: "exponential", initialPriceWad: v("initialPrice"), growthRateWad: v("growthRate") };
      break;
    case "sigmoid":
      curve = {
        kind: "sigmoid",
        maxPriceWad: v("maxPrice"),
        steepnessWad: v("steepness"),
        midpoint: v("midpoint"),
        basePriceWad: v("basePrice"),
      };
      break;
  }
  return { kind: kind as CurveKind, curve, specs, values };
}

function readFees(r: Reader, value: unknown): MarketGenesis["fees"] | undefined {
  const o = r.object(
    value,
    "fees",
    FEE_FIELDS.map((s) => s.field),
  );
  if (o === undefined) return undefined;
  const [buyBps, sellBps, treasuryShareBps] = FEE_FIELDS.map((spec) =>
    o[spec.field] === undefined ? undefined : r.unitValue(o[spec.field], `fees.${spec.field}`, spec.unit),
  );
  if (buyBps === undefined || sellBps === undefined || treasuryShareBps === undefined) return undefined;
  return { buyBps: Number(buyBps), sellBps: Number(sellBps), treasuryShareBps: Number(treasuryShareBps) };
}

/**
 * The reserve BondingCurveMarket.genesis requires for minting `supply`: the curve's cost of it from 0,
 * rounded up to quote units (`_toQuoteUp(CurveMath.costUpWad(_curve(), 0, newSupply))`, 0 for no supply).
 * The quote token has QUOTE_DECIMALS (the test stablecoin, or an existing 6-decimal token).
 */
export function genesisReserveRequired(curve: GenesisCurve, maxSupply: bigint, supply: bigint): bigint {
  if (supply === 0n) return 0n;
  const [p1, p2, p3, p4] = curveParameters(curve);
  const costWad = costUpWad({ kind: curve.kind, p1, p2, p3, p4, maxSupply }, 0n, supply);
  return divUp(costWad, 10n ** BigInt(TOKEN_DECIMALS - QUOTE_DECIMALS));
}

function read(r: Reader, top: Record<string, unknown>): GenesisRead<MarketGenesis> {
  const maxSupply =
    top.maxSupply === undefined
      ? MAX_SUPPLY
      : positive(
          r,
          top.maxSupply,
          r.decimal(
            top.maxSupply,
            "maxSupply",
            TOKEN_DECIMALS,
            MAX_SUPPLY,
            `${TOKEN_AMOUNT}, at most ${formatDecimal(MAX_SUPPLY, 18)}`,
          ),
          "maxSupply",
          TOKEN_AMOUNT,
        );
  // The curve is checked on its own domain; with an unreadable maxSupply its range cannot be judged.
  const domain: CurveDomain | undefined =
    maxSupply === undefined ? undefined : { maxSupply, given: top.maxSupply !== undefined };
  const curve = top.curve === undefined ? undefined : readCurve(r, top.curve, domain);
  const fees = top.fees === undefined ? undefined : readFees(r, top.fees);
  const reserve =
    top.reserve === undefined
      ? undefined
      : r.decimal(top.reserve, "reserve", QUOTE_DECIMALS, MAX_UINT128, QUOTE_AMOUNT);

  const parameters: ParameterField[] = (curve?.specs ?? []).map((spec) => ({
    key: spec.key,
    unit: spec.unit,
    valuePath: `curve.${spec.field}`,
    value: curve?.values.get(spec.field),
  }));
  const feeValues = fees === undefined ? undefined : [fees.buyBps, fees.sellBps, fees.treasuryShareBps];
  FEE_FIELDS.forEach((spec, i) =>
    parameters.push({
      key: spec.key,
      unit: spec.unit,
      valuePath: `fees.${spec.field}`,
      value: feeValues === undefined ? undefined : BigInt(feeValues[i]!),
    }),
  );

  const section =
    curve?.curve === undefined || fees === undefined || reserve === undefined || maxSupply === undefined
      ? undefined
      : { curve: curve.curve, fees, reserve, maxSupply };
  return {
    section,
    parameters,
    // With an unreadable curve kind the curve keys cannot be judged; the curve's own error says why.
    ...(curve === undefined ? { unknownKeys: "curve." } : {}),
    supplyCap: { cap: maxSupply ?? MAX_SUPPLY, name: top.maxSupply === undefined ? "MAX_SUPPLY" : "maxSupply" },
    // The genesis mint is refused on chain (GenesisReserveTooLow) unless the reserve covers the curve's cost of it.
    checkGenesisSupply(r, supply) {
      if (curve?.curve === undefined || reserve === undefined || maxSupply === undefined || supply > maxSupply) return;
      const required = genesisReserveRequired(curve.curve, maxSupply, supply);
      if (reserve >= required) return;
      r.failText(
        "reserve",
        `at least ${formatDecimal(required, QUOTE_DECIMALS)} quote: the curve's cost of the ${formatDecimal(supply, TOKEN_DECIMALS)} tokens the genesis mints (allocations, vesting and the pool seed), rounded up, as BondingCurveMarket.genesis requires`,
        JSON.stringify(top.reserve),
        `raise "reserve" to "${formatDecimal(required, QUOTE_DECIMALS)}", or mint fewer tokens at genesis`,
      );
    },
    // Every curve governance may reach inside the bounds must still be one the market accepts on its domain.
    checkBounds(r, bounds) {
      if (curve === undefined || domain === undefined) return;
      const specs = curve.specs;
      const given = specs.map((spec) => bounds.get(spec.key));
      if (!given.every((b) => b !== undefined && b.min <= b.max)) return;
      const box: CurveBox = new Map(specs.map((spec, i) => [spec.field, { lo: given[i]!.min, hi: given[i]!.max }]));
      checkCurveBox(curve.kind, box, domain, (field, end, expected, got, fix) => {
        const key = specs.find((spec) => spec.field === field)!.key;
        r.failText(`${child("parameters", key)}.${end === "lo" ? "min" : "max"}`, expected, got, fix);
      });
    },
  };
}

export const marketGenesis: GenesisPart<MarketGenesis> = {
  required: ["curve", "fees", "reserve"],
  optional: ["maxSupply"],
  read,
};
