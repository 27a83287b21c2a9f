// The resource market's deployment: the contract, which reads its price rule's five parameters from the
// store in its constructor (so it comes after the parameters, and before the consumers step registers it
// as theirs); the treasury its fees go to is the Timelock. Agents approve it for their quote (requests
// pay with transferFrom) and their tokens (providers bond them) at set-up, to the maximum.

import { formatDecimal } from "../../core/units.ts";
import type { DeployStep } from "../../deploy/step.ts";

export const RESOURCE_ARTIFACT = "ResourceMarket";

export const resourceStep: DeployStep = {
  name: "resource",
  contract: RESOURCE_ARTIFACT,
  deploys: [{ name: "resource", artifact: RESOURCE_ARTIFACT }],
  transactions: () => 1,
  async run(ctx) {
    const g = ctx.genesis.resource!;
    const a = ctx.addresses;
    await ctx.deploy("resource", RESOURCE_ARTIFACT, [
      a.quote,
      a.token,
      a.store,
      a.timelock,
      g.startPriceWad,
      BigInt(g.periodSeconds),
    ]);
    return `deploy the resource market (start price ${formatDecimal(g.startPriceWad, 18)} quote per credit, ${g.periodSeconds}s blocks, fees to the timelock)`;
  },
};
