// Parameter changes: what a proposal asks the parameter store to do, in the store's integers, and the
// same rules the store enforces (contracts/ParameterStore.sol `_checkSet`) so that a change outside a
// parameter's bounds, step or interval is refused before anything is sent. The keys, their units and
// their bytes32 form are core/parameters.ts.

import { type Address, type PublicClient, parseAbi } from "viem";

import { bytes32ToKey, formatParameter, type ParameterChange, readChange } from "../../core/parameters.ts";
import { BPS } from "../../core/units.ts";
import { ArenaError } from "../../core/errors.ts";
import { formatDuration, formatTime, isoTime } from "./display.ts";

/** One parameter as the store holds it (IParameterStore.Parameter). */
export interface StoredParameter {
  key: string;
  value: bigint;
  min: bigint;
  max: bigint;
  maxStepBps: number;
  minIntervalSeconds: number;
  /** Unix seconds of the last update (or of the definition). */
  updatedAt: bigint;
}

export class ProposalRefused extends ArenaError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`proposal refused before sending:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

export const STORE_ABI = parseAbi([
  "struct Parameter { uint256 value; uint256 min; uint256 max; uint16 maxStepBps; uint32 minIntervalSeconds; uint48 updatedAt; bool exists; address consumer; }",
  "function keys() view returns (bytes32[])",
  "function parameter(bytes32 key) view returns (Parameter)",
  "function set(bytes32 key, uint256 newValue)",
  "function setMany(bytes32[] keys, uint256[] newValues)",
]);

/** "market.buyFeeBps=120" or "curve.basePrice=0.012" (human units) → a change, or ProposalRefused saying why not. */
export function parseChange(text: string): ParameterChange {
  const change = readChange(text);
  if ("problem" in change) throw new ProposalRefused([change.problem]);
  return change;
}

/** "market.buyFeeBps 100 → 120" */
export function describeChange(change: ParameterChange, current?: bigint): string {
  const to = formatParameter(change.key, change.value);
  return current === undefined
    ? `${change.key} → ${to}`
    : `${change.key} ${formatParameter(change.key, current)} → ${to}`;
}

/** The largest change one update may make now (rounded down, as the store does). */
export function maxDelta(p: StoredParameter): bigint {
  return ((p.value === 0n ? p.max : p.value) * BigInt(p.maxStepBps)) / BPS;
}

/** The earliest time the parameter may change again. */
export function nextAllowedAt(p: StoredParameter): bigint {
  return p.updatedAt + BigInt(p.minIntervalSeconds);
}

/**
 * Why the store would refuse `newValue` (bounds, then step, then interval, as `_checkSet` orders them),
 * or undefined when it would accept it. The interval is checked only when `atTimestamp` is given: a
 * proposal executes after its vote and delay, so callers pass the time they expect it to execute.
 */
export function changeProblem(p: StoredParameter, newValue: bigint, atTimestamp?: bigint): string | undefined {
  const show = (x: bigint) => formatParameter(p.key, x);
  if (newValue < p.min || newValue > p.max) {
    return `${p.key}=${show(newValue)} is outside its bounds [${show(p.min)}, ${show(p.max)}]; propose a value within them`;
  }
  const delta = newValue > p.value ? newValue - p.value : p.value - newValue;
  const limit = maxDelta(p);
  if (delta > limit) {
    const lo = p.value - limit < p.min ? p.min : p.value - limit;
    const hi = p.value + limit > p.max ? p.max : p.value + limit;
    return `${p.key}=${show(newValue)} moves ${show(delta)} from ${show(p.value)}, more than its maximum step of ${show(limit)} (${p.maxStepBps} bps); propose a value in [${show(lo)}, ${show(hi)}]`;
  }
  if (atTimestamp !== undefined && atTimestamp < nextAllowedAt(p)) {
    const wait = nextAllowedAt(p) - atTimestamp;
    return `${p.key} may not change before ${formatTime(nextAllowedAt(p))} (last set at ${isoTime(p.updatedAt)}, then at least ${formatDuration(BigInt(p.minIntervalSeconds))} between updates), but this proposal would execute at ${formatTime(atTimestamp)}; wait ${formatDuration(wait)} (${wait} s) more before proposing`;
  }
  return undefined;
}

/**
 * Every problem of a set of changes, in order: unknown keys, a key listed twice (the store would hold
 * the second write to the interval), and each change against its parameter.
 */
export function checkChanges(
  parameters: ReadonlyMap<string, StoredParameter>,
  changes: readonly ParameterChange[],
  atTimestamp?: bigint,
): string[] {
  const problems: string[] = [];
  if (changes.length === 0) problems.push("no parameter changes: give at least one key=value");
  const seen = new Set<string>();
  for (const change of changes) {
    const p = parameters.get(change.key);
    if (p === undefined) {
      problems.push(`${change.key} is not a parameter of this store; it has ${[...parameters.keys()].join(", ")}`);
      continue;
    }
    if (seen.has(change.key)) {
      problems.push(`${change.key} is listed twice; give each parameter once`);
      continue;
    }
    seen.add(change.key);
    const problem = changeProblem(p, change.value, atTimestamp);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/** Every parameter of the store at `blockNumber` (latest when absent), by key. */
export async function readParameters(
  client: PublicClient,
  store: Address,
  blockNumber?: bigint,
): Promise<Map<string, StoredParameter>> {
  const at = blockNumber === undefined ? {} : { blockNumber };
  const keys = await client.readContract({ address: store, abi: STORE_ABI, functionName: "keys", ...at });
  const out = new Map<string, StoredParameter>();
  for (const raw of keys) {
    const p = await client.readContract({
      address: store,
      abi: STORE_ABI,
      functionName: "parameter",
      args: [raw],
      ...at,
    });
    const key = bytes32ToKey(raw);
    out.set(key, {
      key,
      value: p.value,
      min: p.min,
      max: p.max,
      maxStepBps: p.maxStepBps,
      minIntervalSeconds: p.minIntervalSeconds,
      updatedAt: BigInt(p.updatedAt),
    });
  }
  return out;
}
