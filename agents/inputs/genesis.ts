// A genesis file describes one launch: the token, the quote token, the curve and its fees, the
// reserve, who receives what, vesting, the pool, governance and the bounds of every parameter.
// `parseGenesis` checks all of it against the limits the contracts enforce and converts every
// amount exactly to the integers the contracts take. It reports every problem at once.

import { readFile } from "node:fs/promises";

import { MAX_FEE_BPS, MAX_PRICE_WAD, MAX_SUPPLY, MINIMUM_LIQUIDITY } from "../core/limits.ts";
import {
  BPS,
  MAX_UINT128,
  MAX_UINT16,
  MAX_UINT32,
  MAX_UINT48,
  MAX_UINT64,
  QUOTE_DECIMALS,
  TOKEN_DECIMALS,
} from "../core/units.ts";
import { type CurveBox, type CurveDomain, checkCurveBox } from "../mechanisms/market/curve-limits.ts";
import { type AccountRef, child, GenesisError, positive, Reader, type Unit } from "../core/document-reader.ts";
import { formatDecimal, parseDuration } from "../core/units.ts";
import { sqrtDown } from "../core/bigint.ts";
import { type CurveKind } from "../mechanisms/market/state.ts";

/* TYPES */

/** Curve parameters in the contracts' units: prices, slopes and rates in WAD, the midpoint in token wei. */
export type GenesisCurve =
  | { kind: "linear"; slopeWad: bigint; basePriceWad: bigint }
  | { kind: "exponential"; initialPriceWad: bigint; growthRateWad: bigint }
  | { kind: "sigmoid"; maxPriceWad: bigint; steepnessWad: bigint; midpoint: bigint; basePriceWad: bigint };

/** One entry of the parameter store, as defined at genesis. */
export interface GenesisParameter {
  key: string;
  value: bigint;
  min: bigint;
  max: bigint;
  maxStepBps: number;
  minIntervalSeconds: number;
  consumer: "market" | "pool";
  /** Decimals of the human unit (18 for prices, rates and supplies, 0 for bps). */
  decimals: number;
}

export type VestingStart = { kind: "relative"; seconds: number } | { kind: "absolute"; timestamp: number };

export interface Genesis {
  source: string;
  description?: string;
  token: { name: string; symbol: string };
  quote: { deploy: true } | { deploy: false; address: string };
  curve: GenesisCurve;
  fees: { buyBps: number; sellBps: number; treasuryShareBps: number };
  /** Quote units (6 decimals) paid into the market's reserve at genesis. */
  reserve: bigint;
  /** The largest supply the market may ever reach (token wei); MAX_SUPPLY unless the file says less.
   * It is also the curve's domain: the curve and every value its bounds allow are valid on [0, maxSupply]. */
  maxSupply: bigint;
  allocations: { to: AccountRef; amount: bigint; delegate: boolean }[];
  vesting: {
    beneficiary: AccountRef;
    amount: bigint;
    start: VestingStart;
    cliffSeconds: number;
    durationSeconds: number;
  }[];
  pool: { feeBps: number; seed?: { tokens: bigint; quote: bigint } };
  governance: {
    votingDelayBlocks: number;
    votingPeriodBlocks: number;
    proposalThreshold: bigint;
    quorumPercent: number;
    timelockDelaySeconds: number;
    guardian: AccountRef;
  };
  /** Every parameter of the store: the curve's, then the market fees, then the pool fee. */
  parameters: GenesisParameter[];
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
const FEE_BPS: Unit = { decimals: 0, max: MAX_FEE_BPS, expected: `an integer number of bps from 0 to ${MAX_FEE_BPS}` };
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
const POOL_FEE: FieldSpec = { field: "feeBps", key: "pool.feeBps", unit: FEE_BPS };

/** The store keys a curve kind uses, with the market's fee keys and the pool's fee key. */
export function parameterKeys(kind: CurveKind): string[] {
  return [...CURVE_FIELDS[kind], ...FEE_FIELDS, POOL_FEE].map((spec) => spec.key);
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

/* PARSER */

const TOP_REQUIRED = ["token", "quote", "curve", "fees", "reserve", "allocations", "pool", "governance", "parameters"];
const TOP_OPTIONAL = ["description", "maxSupply", "vesting"];

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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GenesisError(path, [{ path: "(file)", expected: "valid JSON", got: (error as Error).message }]);
  }
  return parseGenesis(json, path);
}

/** Validates a genesis document and converts it exactly; throws one GenesisError listing every problem. */
export function parseGenesis(input: unknown, source: string): Genesis {
  const r = new Reader();
  const top = r.object(input, "", TOP_REQUIRED, TOP_OPTIONAL);
  if (top === undefined) throw new GenesisError(source, r.issues);

  const description =
    top.description === undefined ? undefined : r.string(top.description, "description", "a non-empty string");
  // A missing field has been reported by `object`; its reader runs only on what is there.
  const read = <T>(value: unknown, reader: (r: Reader, value: unknown) => T | undefined): T | undefined =>
    value === undefined ? undefined : reader(r, value);
  const token = read(top.token, readToken);
  const quote = read(top.quote, readQuote);
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
  const curve = read(top.curve, (r, value) => readCurve(r, value, domain));
  const fees = read(top.fees, readFees);
  const reserve = read(top.reserve, (r, value) =>
    r.decimal(value, "reserve", QUOTE_DECIMALS, MAX_UINT128, QUOTE_AMOUNT),
  );
  const allocations = read(top.allocations, readAllocations);
  const vesting = top.vesting === undefined ? [] : readVesting(r, top.vesting);
  const pool = read(top.pool, readPool);
  const governance = read(top.governance, readGovernance);
  const parameters = read(top.parameters, (r, value) => readParameters(r, value, curve, domain, fees, pool));

  if (allocations !== undefined && vesting !== undefined && pool !== undefined) {
    const minted =
      allocations.reduce((sum, a) => sum + a.amount, 0n) +
      vesting.reduce((sum, v) => sum + v.amount, 0n) +
      (pool.seed?.tokens ?? 0n);
    const cap = maxSupply ?? MAX_SUPPLY;
    if (minted > cap) {
      const which = top.maxSupply === undefined ? "MAX_SUPPLY" : "maxSupply";
      r.failText(
        "allocations",
        `allocations, vesting and the pool seed together at most ${formatDecimal(cap, 18)} tokens (${which})`,
        `${formatDecimal(minted, 18)} tokens`,
      );
    }
  }

  if (r.issues.length > 0) throw new GenesisError(source, r.issues);
  return {
    source,
    ...(description === undefined ? {} : { description }),
    token: token!,
    quote: quote!,
    curve: curve!.curve!,
    fees: fees!,
    reserve: reserve!,
    maxSupply: maxSupply!,
    allocations: allocations!,
    vesting: vesting!,
    pool: pool!,
    governance: governance!,
    parameters: parameters!,
  };
}

function readToken(r: Reader, value: unknown): Genesis["token"] | undefined {
  const o = r.object(value, "token", ["name", "symbol"]);
  if (o === undefined) return undefined;
  const name = o.name === undefined ? undefined : r.string(o.name, "token.name", 'a non-empty string (like "Arena")');
  const symbol =
    o.symbol === undefined ? undefined : r.string(o.symbol, "token.symbol", 'a non-empty string (like "ARENA")');
  return name === undefined || symbol === undefined ? undefined : { name, symbol };
}

function readQuote(r: Reader, value: unknown): Genesis["quote"] | undefined {
  const expected =
    '{"deploy": true} (a test stablecoin, local chains) or {"address": "0x…"} (an existing 6-decimal ERC-20)';
  if (typeof value !== "object" || value === null || Array.isArray(value)) return r.fail("quote", expected, value);
  const o = value as Record<string, unknown>;
  if ("address" in o) {
    const fields = r.object(o, "quote", ["address"]);
    const account = fields === undefined ? undefined : r.account(o.address, "quote.address", ["address"]);
    return account?.kind === "address" ? { deploy: false, address: account.address } : undefined;
  }
  const fields = r.object(o, "quote", ["deploy"]);
  if (fields === undefined) return undefined;
  if (o.deploy !== true) return r.fail("quote.deploy", `true (or give "address" instead)`, o.deploy);
  return { deploy: true };
}

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

function readFees(r: Reader, value: unknown): Genesis["fees"] | undefined {
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

function readAllocations(r: Reader, value: unknown): Genesis["allocations"] | undefined {
  const list = r.array(value, "allocations", '{"to", "amount", "delegate"?} entries');
  if (list === undefined) return undefined;
  const out: Genesis["allocations"] = [];
  let ok = true;
  list.forEach((entry, i) => {
    const path = `allocations[${i}]`;
    const o = r.object(entry, path, ["to", "amount"], ["delegate"]);
    if (o === undefined) return void (ok = false);
    const to =
      o.to === undefined
        ? undefined
        : r.account(o.to, `${path}.to`, ["treasury", "deployer", "guardian", "account", "address"]);
    const amount =
      o.amount === undefined
        ? undefined
        : positive(
            r,
            o.amount,
            r.decimal(o.amount, `${path}.amount`, TOKEN_DECIMALS, MAX_SUPPLY, TOKEN_AMOUNT),
            `${path}.amount`,
            TOKEN_AMOUNT,
          );
    let delegate = false;
    if (o.delegate !== undefined) {
      if (typeof o.delegate !== "boolean") r.fail(`${path}.delegate`, "true or false", o.delegate);
      else delegate = o.delegate;
    }
    if (delegate && to !== undefined && to.kind !== "deployer" && to.kind !== "account") {
      r.fail(
        `${path}.delegate`,
        'false: only "deployer" and "account:N" allocations are ours to self-delegate at genesis',
        true,
      );
      ok = false;
    }
    if (to === undefined || amount === undefined) ok = false;
    else out.push({ to, amount, delegate });
  });
  return ok ? out : undefined;
}

function readVesting(r: Reader, value: unknown): Genesis["vesting"] | undefined {
  const list = r.array(value, "vesting", '{"beneficiary", "amount", "start", "cliff", "duration"} entries');
  if (list === undefined) return undefined;
  const out: Genesis["vesting"] = [];
  let ok = true;
  list.forEach((entry, i) => {
    const path = `vesting[${i}]`;
    const o = r.object(entry, path, ["beneficiary", "amount", "start", "cliff", "duration"]);
    if (o === undefined) return void (ok = false);
    const beneficiary =
      o.beneficiary === undefined
        ? undefined
        : r.account(o.beneficiary, `${path}.beneficiary`, ["deployer", "guardian", "treasury", "account", "address"]);
    const amount =
      o.amount === undefined
        ? undefined
        : positive(
            r,
            o.amount,
            r.decimal(o.amount, `${path}.amount`, TOKEN_DECIMALS, MAX_UINT128, TOKEN_AMOUNT),
            `${path}.amount`,
            TOKEN_AMOUNT,
          );
    const start = o.start === undefined ? undefined : readStart(r, o.start, `${path}.start`);
    const cliffSeconds = o.cliff === undefined ? undefined : r.duration(o.cliff, `${path}.cliff`, MAX_UINT32);
    let durationSeconds = o.duration === undefined ? undefined : r.duration(o.duration, `${path}.duration`, MAX_UINT32);
    if (durationSeconds === 0) durationSeconds = r.fail(`${path}.duration`, "a positive duration", o.duration);
    if (cliffSeconds !== undefined && durationSeconds !== undefined && cliffSeconds > durationSeconds) {
      r.failText(
        `${path}.cliff`,
        `a cliff no longer than the duration (${durationSeconds} seconds)`,
        `${cliffSeconds} seconds`,
      );
      ok = false;
    }
    if (
      beneficiary === undefined ||
      amount === undefined ||
      start === undefined ||
      cliffSeconds === undefined ||
      durationSeconds === undefined
    )
      ok = false;
    else out.push({ beneficiary, amount, start, cliffSeconds, durationSeconds });
  });
  return ok ? out : undefined;
}

function readStart(r: Reader, value: unknown, path: string): VestingStart | undefined {
  const expected =
    'a unix timestamp in seconds (like 1767225600) or "+<duration>" after deployment (like "+0s" or "+30d")';
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value >= 0 && BigInt(value) <= MAX_UINT64
      ? { kind: "absolute", timestamp: value }
      : r.fail(path, expected, value);
  }
  if (typeof value === "string" && value.startsWith("+")) {
    const seconds = parseDuration(value.slice(1));
    if (seconds !== undefined && seconds <= MAX_UINT32) return { kind: "relative", seconds: Number(seconds) };
  }
  return r.fail(path, expected, value);
}

function readPool(r: Reader, value: unknown): Genesis["pool"] | undefined {
  const o = r.object(value, "pool", ["feeBps"], ["seed"]);
  if (o === undefined) return undefined;
  const feeBps = o.feeBps === undefined ? undefined : r.unitValue(o.feeBps, "pool.feeBps", FEE_BPS);
  if (o.seed === undefined) return feeBps === undefined ? undefined : { feeBps: Number(feeBps) };
  const s = r.object(o.seed, "pool.seed", ["tokens", "quote"]);
  if (s === undefined) return undefined;
  const tokens =
    s.tokens === undefined
      ? undefined
      : positive(
          r,
          s.tokens,
          r.decimal(s.tokens, "pool.seed.tokens", TOKEN_DECIMALS, MAX_SUPPLY, TOKEN_AMOUNT),
          "pool.seed.tokens",
          TOKEN_AMOUNT,
        );
  const quote =
    s.quote === undefined
      ? undefined
      : positive(
          r,
          s.quote,
          r.decimal(s.quote, "pool.seed.quote", QUOTE_DECIMALS, MAX_UINT128, QUOTE_AMOUNT),
          "pool.seed.quote",
          QUOTE_AMOUNT,
        );
  if (feeBps === undefined || tokens === undefined || quote === undefined) return undefined;
  if (sqrtDown(tokens * quote) <= MINIMUM_LIQUIDITY) {
    return r.failText(
      "pool.seed",
      `a seed whose first LP shares sqrt(tokens wei × quote units) exceed the ${MINIMUM_LIQUIDITY} locked forever`,
      `sqrt = ${sqrtDown(tokens * quote)}`,
    );
  }
  return { feeBps: Number(feeBps), seed: { tokens, quote } };
}

function readGovernance(r: Reader, value: unknown): Genesis["governance"] | undefined {
  const fields = [
    "votingDelayBlocks",
    "votingPeriodBlocks",
    "proposalThreshold",
    "quorumPercent",
    "timelockDelaySeconds",
    "guardian",
  ];
  const o = r.object(value, "governance", fields);
  if (o === undefined) return undefined;
  const has = (field: string): boolean => o[field] !== undefined;
  const votingDelayBlocks = has("votingDelayBlocks")
    ? r.integer(
        o.votingDelayBlocks,
        "governance.votingDelayBlocks",
        0n,
        MAX_UINT48,
        "a whole number of blocks (0 or more)",
      )
    : undefined;
  const votingPeriodBlocks = has("votingPeriodBlocks")
    ? r.integer(
        o.votingPeriodBlocks,
        "governance.votingPeriodBlocks",
        1n,
        MAX_UINT32,
        "a whole number of blocks, at least 1",
      )
    : undefined;
  const proposalThreshold = has("proposalThreshold")
    ? r.decimal(
        o.proposalThreshold,
        "governance.proposalThreshold",
        TOKEN_DECIMALS,
        MAX_SUPPLY,
        `${TOKEN_AMOUNT} of votes needed to propose`,
      )
    : undefined;
  const quorumPercent = has("quorumPercent")
    ? r.integer(
        o.quorumPercent,
        "governance.quorumPercent",
        0n,
        100n,
        "an integer percent of the supply, from 0 to 100",
      )
    : undefined;
  const timelockDelaySeconds = has("timelockDelaySeconds")
    ? r.duration(o.timelockDelaySeconds, "governance.timelockDelaySeconds", MAX_UINT48)
    : undefined;
  const guardian = has("guardian")
    ? r.account(o.guardian, "governance.guardian", ["deployer", "account", "address"])
    : undefined;
  if (
    votingDelayBlocks === undefined ||
    votingPeriodBlocks === undefined ||
    proposalThreshold === undefined ||
    quorumPercent === undefined ||
    timelockDelaySeconds === undefined ||
    guardian === undefined
  ) {
    return undefined;
  }
  return { votingDelayBlocks, votingPeriodBlocks, proposalThreshold, quorumPercent, timelockDelaySeconds, guardian };
}

/** Bounds for every key the curve, the market fees and the pool fee use; each genesis value inside them. */
function readParameters(
  r: Reader,
  value: unknown,
  curve: ReadCurve | undefined,
  domain: CurveDomain | undefined,
  fees: Genesis["fees"] | undefined,
  pool: Genesis["pool"] | undefined,
): GenesisParameter[] | undefined {
  const entries: { spec: FieldSpec; valuePath: string; value: bigint | undefined; consumer: "market" | "pool" }[] = [];
  for (const spec of curve?.specs ?? [])
    entries.push({ spec, valuePath: `curve.${spec.field}`, value: curve?.values.get(spec.field), consumer: "market" });
  FEE_FIELDS.forEach((spec, i) => {
    const feeValues = fees === undefined ? undefined : [fees.buyBps, fees.sellBps, fees.treasuryShareBps];
    entries.push({
      spec,
      valuePath: `fees.${spec.field}`,
      value: feeValues === undefined ? undefined : BigInt(feeValues[i]),
      consumer: "market",
    });
  });
  entries.push({
    spec: POOL_FEE,
    valuePath: "pool.feeBps",
    value: pool === undefined ? undefined : BigInt(pool.feeBps),
    consumer: "pool",
  });

  const keys = entries.map((e) => e.spec.key);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return r.fail("parameters", `an object of bounds for ${keys.join(", ")}`, value);
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    // With an unreadable curve kind the curve keys cannot be judged; the curve's own error says why.
    if (curve === undefined && key.startsWith("curve.")) continue;
    if (!keys.includes(key)) {
      r.failText(
        child("parameters", key),
        `bounds only for the parameters this genesis uses: ${keys.join(", ")}`,
        "an unknown parameter",
      );
    }
  }

  const out: GenesisParameter[] = [];
  let ok = curve?.curve !== undefined;
  for (const { spec, valuePath, value: genesisValue, consumer } of entries) {
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

  // Every curve governance may reach inside the bounds must still be one the market accepts on its domain.
  const specs = curve?.specs ?? [];
  const bounds = specs.map((spec) => out.find((p) => p.key === spec.key));
  if (curve !== undefined && domain !== undefined && bounds.every((b) => b !== undefined && b.min <= b.max)) {
    const box: CurveBox = new Map(specs.map((spec, i) => [spec.field, { lo: bounds[i]!.min, hi: bounds[i]!.max }]));
    checkCurveBox(curve.kind, box, domain, (field, end, expected, got, fix) => {
      const key = specs.find((spec) => spec.field === field)!.key;
      r.failText(`${child("parameters", key)}.${end === "lo" ? "min" : "max"}`, expected, got, fix);
      ok = false;
    });
  }
  return ok ? out : undefined;
}
