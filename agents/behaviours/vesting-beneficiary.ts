// A vesting beneficiary (a team member, an investor) releases what has vested and then sells it on
// its own terms: a share at a time on a schedule, everything once the price reaches a target, or
// never. It only ever sells tokens it released during the run, never tokens it held before.
//
// Released amounts come from the observation, not from transaction outcomes: locked + claimable is
// allocated − released, which time does not change and only a release lowers, so
//   released during the run = (locked + claimable at the first step) − (locked + claimable now).
// That is exact, and counts a release made on its behalf by someone else as well. Sold amounts come
// from settle(): the amount of each sell intent that succeeded.
//
// Cadence: it releases when something is claimable and at least claimEverySteps steps have passed
// since its last release (at once the first time); in schedule mode it sells fractionBps of the
// released, unsold tokens when some are left and at least everySteps steps have passed since its
// last sale (at once the first time). Tokens released in a step are sold from the next step on.

import { child } from "../core/document-reader.ts";
import { BPS } from "../core/units.ts";
import { type ScenarioReader, UNITS } from "../inputs/scenario-reader.ts";
import type { Intent, Observation } from "../mechanisms/vocabulary.ts";
import type { Behaviour, StepOutcome } from "./behaviour.ts";
import { checkCommon, checkPositiveAmount, checkWholeNumber } from "./config-checks.ts";
import { tokensText } from "./notes.ts";
import { type BehaviourSpec, type CommonConfig, period, venue, type VenueChoice } from "./spec.ts";
import { intentBase, sellIntent, venuePriceWad } from "./trade.ts";

/** Releases vested tokens every `claimEverySteps`, then sells them on a schedule or at a target price. */
export interface VestingBeneficiaryConfig extends CommonConfig {
  kind: "vestingBeneficiary";
  venue: VenueChoice;
  claimEverySteps: number;
  sell:
    | {
        mode: "schedule" /** share of released, unsold tokens sold each time */;
        fractionBps: number;
        everySteps: number;
      }
    | { mode: "targetPrice" /** sells everything released once the price reaches this */; priceWad: bigint }
    | { mode: "hold" };
}

export const vestingBeneficiary: BehaviourSpec<VestingBeneficiaryConfig> = {
  kind: "vestingBeneficiary",
  summary: "releases vested tokens and sells them",
  note: "The agent's `wallet` must be the `account:N` of a vesting beneficiary in the genesis.",
  needsVestingAccount: true,
  fields: [
    venue("where it sells: `curve` or `pool`"),
    period("claimEverySteps", "steps between releases"),
    {
      name: "sell",
      type: "custom",
      meaning:
        "`{mode: schedule, fractionBps, everySteps}`: sells that share of its released, unsold tokens every " +
        "`everySteps`; `{mode: targetPrice, price}`: sells everything released once the price reaches `price`; " +
        "`{mode: hold}`",
    },
  ],
  check(r, { path, file, config }) {
    if (file.sell !== undefined) {
      const sell = readSell(r, file.sell, child(path, "sell"));
      if (sell !== undefined) config.sell = sell;
    }
  },
  create: createVestingBeneficiary,
};

function readSell(r: ScenarioReader, value: unknown, path: string): VestingBeneficiaryConfig["sell"] | undefined {
  const modes = ["schedule", "targetPrice", "hold"] as const;
  const expected = `{mode: schedule, fractionBps, everySteps}, {mode: targetPrice, price} or {mode: hold}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return r.fail(path, expected, value);
  const mode = r.oneOf((value as Record<string, unknown>).mode, child(path, "mode"), modes);
  switch (mode) {
    case undefined:
      return undefined;
    case "schedule": {
      const o = r.fields(value, path, ["mode", "fractionBps", "everySteps"])!;
      const fractionBps =
        o.fractionBps === undefined
          ? undefined
          : r.integer(
              o.fractionBps,
              child(path, "fractionBps"),
              1n,
              BPS,
              `an integer share of the released, unsold tokens in bps, from 1 to ${BPS}`,
            );
      const everySteps =
        o.everySteps === undefined
          ? undefined
          : r.steps(o.everySteps, child(path, "everySteps"), 1, "a whole number of steps, at least 1");
      return fractionBps === undefined || everySteps === undefined ? undefined : { mode, fractionBps, everySteps };
    }
    case "targetPrice": {
      const o = r.fields(value, path, ["mode", "price"])!;
      const priceWad = o.price === undefined ? undefined : r.amount(o.price, child(path, "price"), UNITS.price);
      return priceWad === undefined ? undefined : { mode, priceWad };
    }
    case "hold":
      r.fields(value, path, ["mode"]);
      return { mode };
  }
}

/** What the beneficiary has done so far, for reports and tests. */
export interface VestingProgress {
  /** Tokens released since its first step. */
  released: bigint;
  /** Tokens of those sold (successful sell intents). */
  sold: bigint;
}

export interface VestingBeneficiary extends Behaviour {
  progress(): VestingProgress;
}

export function createVestingBeneficiary(config: VestingBeneficiaryConfig): VestingBeneficiary {
  checkConfig(config);
  let unreleasedAtStart: bigint | undefined;
  let released = 0n;
  let sold = 0n;
  let lastClaimStep: number | undefined;
  let lastSaleStep: number | undefined;

  function sale(obs: Observation, unsold: bigint): Intent | undefined {
    const { sell } = config;
    switch (sell.mode) {
      case "hold":
        return undefined;
      case "schedule": {
        if (lastSaleStep !== undefined && obs.step - lastSaleStep < sell.everySteps) return undefined;
        const amount = (unsold * BigInt(sell.fractionBps)) / BPS;
        return sellIntent(
          obs,
          config.venue,
          min(amount, obs.self.holdings.tokens),
          config.slippageBps,
          intentBase(config, `vesting: sell ${sell.fractionBps} bps of released`),
        );
      }
      case "targetPrice":
        if (venuePriceWad(obs, config.venue) < sell.priceWad) return undefined;
        return sellIntent(
          obs,
          config.venue,
          min(unsold, obs.self.holdings.tokens),
          config.slippageBps,
          intentBase(config, "vesting: target price reached"),
        );
    }
  }

  return {
    kind: "vestingBeneficiary",
    label: config.label,
    step(obs: Observation): Intent[] {
      const unreleased = obs.self.locked + obs.self.claimable;
      unreleasedAtStart ??= unreleased;
      released = unreleasedAtStart - unreleased;

      const intents: Intent[] = [];
      if (
        obs.self.claimable > 0n &&
        (lastClaimStep === undefined || obs.step - lastClaimStep >= config.claimEverySteps)
      ) {
        intents.push({
          kind: "releaseVested",
          ...intentBase(config, `vesting: release ${tokensText(obs.self.claimable)}`),
        });
        lastClaimStep = obs.step;
      }
      const unsold = released - sold;
      if (unsold > 0n) {
        const intent = sale(obs, unsold);
        if (intent !== undefined) {
          intents.push(intent);
          lastSaleStep = obs.step;
        }
      }
      return intents;
    },
    settle(outcome: StepOutcome): void {
      for (const { intent, status } of outcome.outcomes) {
        if (status !== "success") continue;
        if (intent.kind === "sellCurve") sold += intent.amount;
        else if (intent.kind === "swap" && intent.sell === "token") sold += intent.amountIn;
      }
    },
    progress(): VestingProgress {
      return { released, sold };
    },
  };
}

function checkConfig(config: VestingBeneficiaryConfig): void {
  checkCommon(config);
  checkWholeNumber(config, "claimEverySteps", config.claimEverySteps, 1);
  const { sell } = config;
  if (sell.mode === "schedule") {
    checkWholeNumber(config, "sell.everySteps", sell.everySteps, 1);
    checkWholeNumber(config, "sell.fractionBps", sell.fractionBps, 1, 10_000);
  } else if (sell.mode === "targetPrice") {
    checkPositiveAmount(config, "sell.priceWad", sell.priceWad, "WAD quote per token");
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
