// Builds any behaviour from its parsed config: the one place that maps a scenario's `kind` to the
// factory that makes it. A bandit's arms are built here too, through the same switch.

import type { BehaviourConfig } from "../inputs/behaviour-configs.ts";
import type { Behaviour } from "./behaviour.ts";
import { createArbitrageur } from "./arbitrageur.ts";
import { createBandit } from "./bandit.ts";
import { createFrontRunner } from "./front-runner.ts";
import { createLiquidityProvider } from "./liquidity-provider.ts";
import { createMeanReversion } from "./mean-reversion.ts";
import { createMomentum } from "./momentum.ts";
import { createNoise } from "./noise.ts";
import { createThreshold } from "./threshold.ts";
import { createVestingBeneficiary } from "./vesting-beneficiary.ts";
import { createWhale } from "./whale.ts";

export function createBehaviour(config: BehaviourConfig): Behaviour {
  switch (config.kind) {
    case "threshold":
      return createThreshold(config);
    case "noise":
      return createNoise(config);
    case "momentum":
      return createMomentum(config);
    case "meanReversion":
      return createMeanReversion(config);
    case "whale":
      return createWhale(config);
    case "liquidityProvider":
      return createLiquidityProvider(config);
    case "arbitrageur":
      return createArbitrageur(config);
    case "vestingBeneficiary":
      return createVestingBeneficiary(config);
    case "frontRunner":
      return createFrontRunner(config);
    case "bandit":
      return createBandit(config, createBehaviour);
    default: {
      const unknown: never = config;
      throw new Error(
        `unknown behaviour kind "${(unknown as { kind: string }).kind}"; use one of the kinds in BEHAVIOUR_KINDS`,
      );
    }
  }
}
