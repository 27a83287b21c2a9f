import { expect } from "chai";

import {
  buyCost,
  curveStateOf,
  marketOf,
  NO_LIMIT,
  sellRefund,
  tokensFor,
  unlessReverts,
} from "../../agents/behaviours/curve-quotes.ts";
import { Random } from "../../agents/core/random.ts";
import type { CurveState } from "../../agents/mechanisms/market/state.ts";
import { BENCH_MARKETS } from "../../agents/mechanisms/quote-speed.ts";
import { QUOTE, TOKEN, curveState } from "./observation.ts";

/** Each kind's genesis-shaped market (agents/model/quote-speed.ts) as an observation shows it. */
const CURVES: [string, CurveState][] = Object.entries(BENCH_MARKETS).map(([kind, m]) => {
  const curve: CurveState = { ...m, params: m.params, priceWad: 0n };
  return [kind, { ...curve, priceWad: marketOf(curve).priceWad() }];
});

describe("curve quotes", () => {
  it("answer undefined (or no tokens) where the contract would revert, instead of throwing", () => {
    const curve = curveState({ maxSupply: 2_201_000n * TOKEN });
    const market = marketOf(curve);
    expect(buyCost(market, 1_000n * TOKEN)).to.equal(12_322_505n);
    expect(buyCost(market, 1_000n * TOKEN + 1n)).to.equal(undefined); // past the max supply
    expect(sellRefund(market, curve.supply + 1n)).to.equal(undefined); // more than the supply
    expect(sellRefund(market, 0n)).to.equal(undefined); // ZeroAmount
    expect(sellRefund(marketOf({ ...curve, reserve: 12_199_500n }), 1_000n * TOKEN)).to.equal(12_077_505n);
    expect(sellRefund(marketOf({ ...curve, reserve: 12_199_499n }), 1_000n * TOKEN)).to.equal(undefined); // the reserve cannot pay the 12.1995 before the fee
    expect(tokensFor(market, 0n)).to.equal(0n);
    expect(tokensFor(market, 10n ** 12n * QUOTE)).to.equal(1_000n * TOKEN); // capped at the room left
  });

  it("leave the observed market as it was", () => {
    const market = marketOf(curveState());
    const before = market.state;
    sellRefund(market, 1_000n * TOKEN);
    buyCost(market, 1_000n * TOKEN);
    tokensFor(market, 100n * QUOTE);
    expect(market.state).to.deep.equal(before);
  });

  for (const [kind, curve] of CURVES) {
    it(`tokensFor buys what costs at most the quote spent, on the ${kind} curve`, () => {
      const market = marketOf(curve);
      const rng = new Random(3n);
      for (let i = 0; i < 40; i++) {
        const quoteIn = BigInt(Math.floor(10 ** (rng.unit() * 5))) * QUOTE + BigInt(Math.floor(rng.unit() * 1e6));
        const tokens = tokensFor(market, quoteIn);
        expect(tokens > 0n, `${quoteIn} buys nothing`).to.equal(true);
        expect(buyCost(market, tokens)! <= quoteIn, `${quoteIn} buys ${tokens}, which costs more`).to.equal(true);
      }
    });
  }

  it("curveStateOf reads the market after trades: supply, reserve, accrual and price", () => {
    const curve = curveState();
    const market = marketOf(curve);
    market.buyExactTokens(100_000n * TOKEN, NO_LIMIT);
    const next = curveStateOf(market, curve);
    expect(next).to.include({
      supply: 2_300_000n * TOKEN,
      priceWad: 123n * 10n ** 14n,
      reserve: 25_731_125_000n,
      treasuryAccrued: 6_125_000n,
    });
    expect(next.params).to.equal(curve.params);
  });

  it("unlessReverts passes on errors that are not the contract's reverts", () => {
    expect(unlessReverts(() => 1)).to.equal(1);
    expect(() =>
      unlessReverts(() => {
        throw new TypeError("a bug");
      }),
    ).to.throw(TypeError, "a bug");
  });
});
