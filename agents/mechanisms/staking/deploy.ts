// Staking's deployment: the contract, which reads the rate rule's two parameters from the store in its
// constructor (so it comes after the parameters, and before the consumers step registers it as theirs),
// with its emission budget minted to it by the market's genesis mint (a later step). Agents approve
// it for their tokens at set-up (the mechanism's `spends`), to the maximum: stake() pulls with
// transferFrom and assumes an allowance that never runs out.

import { formatDecimal } from "../../core/units.ts";
import type { DeployStep } from "../../deploy/step.ts";

export const STAKING_ARTIFACT = "Staking";

export const stakingStep: DeployStep = {
  name: "staking",
  contract: STAKING_ARTIFACT,
  deploys: [{ name: "staking", artifact: STAKING_ARTIFACT }],
  transactions: () => 1,
  async run(ctx) {
    const s = ctx.genesis.staking!;
    const a = ctx.addresses;
    await ctx.deploy("staking", STAKING_ARTIFACT, [a.token, a.store, s.budget, BigInt(s.lockSeconds)]);
    return `deploy staking (budget ${formatDecimal(s.budget, 18)} tokens, lock-up ${s.lockSeconds}s, staked tokens lose their votes)`;
  },
};
