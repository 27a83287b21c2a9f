// The parameter store's deployment: the store (written only by the Timelock), every parameter of the
// genesis with its bounds, each parameter's consumer (the mechanism its key belongs to, told of every
// change), and the seal after which only the Timelock writes it.

import { zeroAddress } from "viem";

import { keyToBytes32 } from "../../core/parameters.ts";
import type { DeployStep } from "../../deploy/step.ts";

export const STORE_ARTIFACT = "ParameterStore";

export const storeStep: DeployStep = {
  name: "store",
  contract: STORE_ARTIFACT,
  deploys: [{ name: "store", artifact: STORE_ARTIFACT }],
  transactions: () => 1,
  async run(ctx) {
    await ctx.deploy("store", STORE_ARTIFACT, [ctx.addresses.timelock]);
    return "deploy the parameter store (written by the timelock)";
  },
};

export const parametersStep: DeployStep = {
  name: "parameters",
  contract: STORE_ARTIFACT,
  transactions: (g) => g.parameters.length,
  async run(ctx) {
    for (const p of ctx.genesis.parameters) {
      const init = {
        key: keyToBytes32(p.key),
        value: p.value,
        min: p.min,
        max: p.max,
        maxStepBps: p.maxStepBps,
        minIntervalSeconds: p.minIntervalSeconds,
        consumer: zeroAddress,
      };
      await ctx.send("store", STORE_ARTIFACT, "defineParameter", [init]);
    }
    return `define ${ctx.genesis.parameters.length} parameters with their bounds`;
  },
};

export const consumersStep: DeployStep = {
  name: "consumers",
  contract: STORE_ARTIFACT,
  transactions: (g) => g.parameters.length,
  async run(ctx) {
    const consumers = [...new Set(ctx.genesis.parameters.map((p) => p.consumer))];
    for (const p of ctx.genesis.parameters) {
      await ctx.send("store", STORE_ARTIFACT, "setConsumer", [keyToBytes32(p.key), ctx.addresses[p.consumer]]);
    }
    return `register the ${consumers.join(" and the ")} as consumers of their parameters`;
  },
};

export const sealStep: DeployStep = {
  name: "seal",
  contract: STORE_ARTIFACT,
  transactions: () => 1,
  async run(ctx) {
    await ctx.send("store", STORE_ARTIFACT, "seal", []);
    return "seal the store: from now on only the timelock writes it";
  },
};
