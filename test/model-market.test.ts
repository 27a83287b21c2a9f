// The market model on its own (agents/model/market-model.ts): what the differential test cannot reach
// through the deployed store, whose bounds keep every change valid: a change the market would refuse
// leaves the model as it was, an unknown key is refused naming the keys, and clones are independent.
import { expect } from "chai";

import { MarketModel, type MarketModelState } from "../agents/mechanisms/market/model.ts";
import { ModelRevert } from "../agents/core/model-revert.ts";

const WAD = 10n ** 18n;
const LINEAR: MarketModelState = {
  kind: "linear",
  params: [10n ** 9n, 10n ** 16n, 0n, 0n],
  maxSupply: 500_000_000n * WAD,
  scaleWad: WAD,
  supply: 2_100_000n * WAD,
  reserve: 24_500_000_000n,
  treasuryAccrued: 0n,
  buyFeeBps: 100,
  sellFeeBps: 100,
  treasuryShareBps: 5000,
  paused: false,
  quoteDecimals: 6,
};

function revertOf(call: () => unknown): ModelRevert {
  try {
    call();
  } catch (error) {
    if (error instanceof ModelRevert) return error;
    throw error;
  }
  throw new Error("expected a ModelRevert");
}

describe("MarketModel", () => {
  it("refuses a fee above its maximum as the market does, naming the key, and changes nothing", () => {
    const model = new MarketModel(LINEAR);
    const error = revertOf(() => model.setParameter("market.sellFeeBps", 1_001n));
    expect(error.errorName).to.equal("FeeOutOfRange");
    expect(error.message).to.equal(
      `FeeOutOfRange(key="0x${Buffer.from("market.sellFeeBps").toString("hex").padEnd(64, "0")}", feeBps=1001, maxFeeBps=1000)`,
    );
    expect(model.state).to.deep.equal(LINEAR);
  });

  it("refuses a retune outside the curve's range with InvalidCurve and keeps the old curve and scale", () => {
    const model = new MarketModel(LINEAR);
    const error = revertOf(() => model.setParameter("curve.slope", 10n ** 30n));
    expect(error.errorName).to.equal("InvalidCurve");
    expect(error.args).to.deep.equal({
      kind: 0n,
      p1: 10n ** 30n,
      p2: 10n ** 16n,
      p3: 0n,
      p4: 0n,
      maxSupply: LINEAR.maxSupply,
    });
    expect(model.state).to.deep.equal(LINEAR);
  });

  it("renormalises on a retune the reserve cannot cover, and back to 1 when it can again", () => {
    const model = new MarketModel(LINEAR);
    model.setParameter("curve.basePrice", 2n * 10n ** 16n);
    const scale = model.state.scaleWad;
    expect(scale).to.be.lessThan(WAD);
    // the whole supply sells back for no more than the reserve
    expect(model.solvencyWad()).to.be.at.least(WAD);
    model.setParameter("curve.basePrice", 10n ** 16n);
    expect(model.state.scaleWad).to.equal(WAD);
  });

  it("refuses a key the market does not consume, listing the ones it does", () => {
    const model = new MarketModel(LINEAR);
    expect(() => model.setParameter("curve.growthRate", 1n)).to.throw(
      RangeError,
      '"curve.growthRate" is not a parameter of a linear market; its keys are curve.slope, curve.basePrice, market.buyFeeBps',
    );
  });

  it("clones independently: trading a clone leaves the original as it was", () => {
    const model = new MarketModel(LINEAR);
    const copy = model.clone();
    copy.buyExactTokens(1_000n * WAD, 10n ** 12n);
    copy.pause();
    expect(model.state).to.deep.equal(LINEAR);
    expect(copy.state.supply).to.equal(LINEAR.supply + 1_000n * WAD);
    expect(revertOf(() => copy.sell(WAD, 0n)).message).to.equal("MarketPaused()");
  });
});
