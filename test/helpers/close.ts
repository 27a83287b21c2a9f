// Float comparison for tests. Hardhat's chai matchers take over closeTo/approximately for bigints and
// refuse fractional numbers, so floats are compared here.

import { expect } from "chai";

export function expectClose(actual: number, expected: number, tolerance: number, message?: string): void {
  const ok = Math.abs(actual - expected) <= tolerance;
  expect(
    ok,
    `${message === undefined ? "" : `${message}: `}expected ${actual} to be within ${tolerance} of ${expected}`,
  ).to.equal(true);
}
