// Vesting's field of a genesis file: the schedules (beneficiary, amount, start, cliff, duration),
// funded by the genesis mint, relative starts counted from the deployment.

import { type AccountRef, positive, type Reader } from "../../core/document-reader.ts";
import { MAX_UINT128, MAX_UINT32, MAX_UINT64, parseDuration, TOKEN_DECIMALS } from "../../core/units.ts";
import type { GenesisPart } from "../mechanism.ts";

export type VestingStart = { kind: "relative"; seconds: number } | { kind: "absolute"; timestamp: number };

/** Vesting's part of a Genesis. */
export interface VestingGenesis {
  vesting: {
    beneficiary: AccountRef;
    amount: bigint;
    start: VestingStart;
    cliffSeconds: number;
    durationSeconds: number;
  }[];
}

const TOKEN_AMOUNT = 'a decimal string of whole tokens (like "100000")';

function readVesting(r: Reader, value: unknown): VestingGenesis["vesting"] | undefined {
  const list = r.array(value, "vesting", '{"beneficiary", "amount", "start", "cliff", "duration"} entries');
  if (list === undefined) return undefined;
  const out: VestingGenesis["vesting"] = [];
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

export const vestingGenesis: GenesisPart<VestingGenesis> = {
  required: [],
  optional: ["vesting"],
  read(r, top) {
    const vesting = top.vesting === undefined ? [] : readVesting(r, top.vesting);
    return {
      section: vesting === undefined ? undefined : { vesting },
      parameters: [],
      minted: vesting?.reduce((sum, v) => sum + v.amount, 0n),
    };
  },
};
