// Vesting's deployment: one contract holding every schedule of the genesis, with relative starts
// counted from the latest block's time (funded by the market's genesis mint, a later step).

import { formatDecimal } from "../../core/units.ts";
import type { DeployStep } from "../../deploy/step.ts";

export const VESTING_ARTIFACT = "Vesting";

export const vestingStep: DeployStep = {
  name: "vesting",
  contract: VESTING_ARTIFACT,
  deploys: [{ name: "vesting", artifact: VESTING_ARTIFACT }],
  transactions: () => 1,
  async run(ctx) {
    const base = await ctx.latestTimestamp();
    const schedules = ctx.genesis.vesting.map((v, i) => ({
      beneficiary: ctx.account(v.beneficiary, `vesting[${i}].beneficiary`),
      start: BigInt(v.start.kind === "relative" ? base + v.start.seconds : v.start.timestamp),
      cliffSeconds: v.cliffSeconds,
      durationSeconds: v.durationSeconds,
      amount: v.amount,
    }));
    const total = ctx.genesis.vesting.reduce((sum, v) => sum + v.amount, 0n);
    await ctx.deploy("vesting", VESTING_ARTIFACT, [ctx.addresses.token, schedules]);
    return `deploy vesting with ${schedules.length} schedules (${formatDecimal(total, 18)} tokens)`;
  },
};
