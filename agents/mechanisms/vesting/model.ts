// contracts/Vesting.sol in bigint: cliff + linear schedules fixed at genesis, releaseAll per
// beneficiary, and the lens's view of them (claimable now, still locked). Beneficiaries are holder
// keys (model-holders.ts), so a schedule finds the agent whose wallet it was written for.

import { ModelRevert } from "../../core/model-revert.ts";
import { MAX_UINT256 } from "../../core/units.ts";

export interface VestingScheduleModel {
  /** Holder key of the beneficiary. */
  beneficiary: string;
  start: bigint;
  cliffSeconds: bigint;
  durationSeconds: bigint;
  amount: bigint;
  released: bigint;
  /** The contract's schedule id, when the schedule was read from a chain. */
  id?: bigint;
}

export class VestingModel {
  private readonly schedules: VestingScheduleModel[];
  private readonly byBeneficiary = new Map<string, VestingScheduleModel[]>();
  /** Tokens the contract holds: minted at genesis, less what was released. */
  balance: bigint;

  /** Schedules fixed at genesis (nothing released), or read from a chain (with what each released). */
  constructor(schedules: readonly (Omit<VestingScheduleModel, "released"> & { released?: bigint })[]) {
    this.schedules = schedules.map((s) => ({ ...s, released: s.released ?? 0n }));
    for (const s of this.schedules) {
      const list = this.byBeneficiary.get(s.beneficiary);
      if (list === undefined) this.byBeneficiary.set(s.beneficiary, [s]);
      else list.push(s);
    }
    this.balance = this.schedules.reduce((sum, s) => sum + s.amount - s.released, 0n);
  }

  clone(): VestingModel {
    return new VestingModel(this.schedules.map((s) => ({ ...s })));
  }

  /** Whether `beneficiary` has any schedule. */
  has(beneficiary: string): boolean {
    return this.byBeneficiary.has(beneficiary);
  }

  /** The lens's vestingOf: claimable at `timestamp` and still locked, over all of the beneficiary's schedules. */
  view(beneficiary: string, timestamp: bigint): { claimable: bigint; locked: bigint } {
    let claimable = 0n;
    let locked = 0n;
    for (const s of this.byBeneficiary.get(beneficiary) ?? []) {
      const vested = vestedAmount(s, timestamp);
      claimable += vested - s.released;
      locked += s.amount - vested;
    }
    return { claimable, locked };
  }

  /** A Released event: the schedule with this id released `amount`; schedules the twin does not follow are ignored. */
  followRelease(scheduleId: bigint, amount: bigint): void {
    const s = this.schedules.find((x) => x.id === scheduleId);
    if (s === undefined) return;
    s.released += amount;
    this.balance -= amount;
  }

  /** releaseAll(beneficiary) in a block at `timestamp`: what it transfers; NothingToRelease when nothing has vested since. */
  releaseAll(beneficiary: string, timestamp: bigint): bigint {
    let amount = 0n;
    const list = this.byBeneficiary.get(beneficiary) ?? [];
    for (const s of list) amount += vestedAmount(s, timestamp) - s.released;
    if (amount === 0n) throw new ModelRevert("NothingToRelease", { scheduleId: MAX_UINT256, timestamp });
    for (const s of list) s.released = vestedAmount(s, timestamp);
    this.balance -= amount;
    return amount;
  }
}

/** _vestedAmount: 0 before the cliff, linear (rounded down) until the end, everything after. */
function vestedAmount(s: VestingScheduleModel, timestamp: bigint): bigint {
  if (timestamp < s.start + s.cliffSeconds) return 0n;
  if (timestamp >= s.start + s.durationSeconds) return s.amount;
  return (s.amount * (timestamp - s.start)) / s.durationSeconds;
}
