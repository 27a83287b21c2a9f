// A behaviour's factory checks the config it is given, so a bandit arm or a test that builds one
// directly gets the same clear error as a scenario file: which behaviour, which field, how to fix it.

import type { CommonConfig } from "./spec.ts";
import { ArenaError } from "../core/errors.ts";

export class BehaviourConfigError extends ArenaError {
  readonly field: string;

  constructor(config: { kind: string; label: string }, field: string, problem: string, fix: string) {
    super(`${config.kind} "${config.label}": ${field} ${problem}; ${fix}`);
    this.field = field;
  }
}

type Named = { kind: string; label: string };

/** slippageBps in [0, 10000) and a non-negative priority fee. */
export function checkCommon(config: Named & CommonConfig): void {
  checkWholeNumber(config, "slippageBps", config.slippageBps, 0, 9_999);
  if (config.priorityFeeWei !== undefined && config.priorityFeeWei < 0n) {
    throw new BehaviourConfigError(
      config,
      "priorityFeeWei",
      `must be >= 0, got ${config.priorityFeeWei}`,
      "leave it out to pay the scenario's priority fee",
    );
  }
}

export function checkWholeNumber(
  config: Named,
  field: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new BehaviourConfigError(
      config,
      field,
      `must be a whole number ${range}, got ${value}`,
      `set ${field} to a whole number ${range}`,
    );
  }
}

export function checkPositiveAmount(config: Named, field: string, value: bigint, unit: string): void {
  if (value <= 0n) {
    throw new BehaviourConfigError(
      config,
      field,
      `must be > 0 ${unit}, got ${value}`,
      `set ${field} to a positive amount`,
    );
  }
}

/** The smallest profit a strategic behaviour acts on: zero or more quote units. */
export function checkMinProfit(config: Named & { minProfitQuote: bigint }, what: string): void {
  if (config.minProfitQuote < 0n) {
    throw new BehaviourConfigError(
      config,
      "minProfitQuote",
      `must be >= 0 quote units, got ${config.minProfitQuote}`,
      `set the smallest profit worth ${what}, after fees and gas`,
    );
  }
}

export function checkProbability(config: Named, field: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new BehaviourConfigError(
      config,
      field,
      `must be a probability in [0, 1], got ${value}`,
      `set ${field} between 0 and 1`,
    );
  }
}
