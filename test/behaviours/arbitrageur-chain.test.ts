// The arbitrageur against the real contracts: a gap is opened between the pool and the curve, the
// arbitrageur decides from an Observation read off the chain (its quotes are the fast model's), and
// its two intents are mined in one block from a funded account, as the World would send them: both
// execute, and it gains to the wei the quote it planned.
import { expect } from "chai";
import { network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";

import { createArbitrageur, planArbitrage } from "../../agents/behaviours/arbitrageur.ts";
import type { Deployment } from "../../agents/deploy/deploy.ts";
import { gapBps, poolAmountOut } from "../../agents/mechanisms/pool/quotes.ts";
import { WAD } from "../../agents/core/units.ts";
import type { Intent, Observation } from "../../agents/mechanisms/vocabulary.ts";
import type { ArbitrageurConfig } from "../../agents/behaviours/arbitrageur.ts";
import { deployFixture } from "../fixtures.ts";
import { readCurveState, readPoolState } from "../helpers/market-state.ts";
import { GAS, QUOTE, TOKEN, context, observation } from "./observation.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const NO_DEADLINE = ethers.MaxUint256;
const PRIORITY_FEE_WEI = 1_000_000_000n;
const CONFIG: ArbitrageurConfig = {
  kind: "arbitrageur",
  label: "arb",
  slippageBps: 100,
  minProfitQuote: 1n * QUOTE,
  maxTradeQuote: 500n * QUOTE,
};

async function arbitrageurFixture() {
  const deployment = await deployFixture(connection);
  const { quote, token } = deployment.contracts;
  const signers = await ethers.getSigners();
  const arbitrageur = signers[9]!;
  // account:1 holds 150,000 tokens from the genesis; it is the trader who opens the gaps.
  const trader = signers[1]!;
  for (const who of [arbitrageur, trader]) {
    await quote.connect(who).mint(who.address, 1_000_000n * QUOTE);
    for (const erc20 of [quote, token]) {
      await erc20.connect(who).approve(deployment.addresses.market, ethers.MaxUint256);
      await erc20.connect(who).approve(deployment.addresses.pool, ethers.MaxUint256);
    }
  }
  return { deployment, arbitrageur, trader };
}

async function observe(deployment: Deployment, address: string): Promise<Observation> {
  const { quote, token } = deployment.contracts;
  const block = (await ethers.provider.getBlock("latest"))!;
  return observation({
    block: BigInt(block.number + 1),
    timestamp: BigInt(block.timestamp + 12),
    curve: await readCurveState(deployment),
    pool: await readPoolState(deployment),
    gas: { ...GAS, baseFeeWei: block.baseFeePerGas ?? 0n, priorityFeeWei: PRIORITY_FEE_WEI },
    self: {
      id: "arb",
      address: address as `0x${string}`,
      holdings: { tokens: await token.balanceOf(address), quote: await quote.balanceOf(address), lp: 0n },
    },
  });
}

/** Sends the intents in order from `signer` and mines them in one block; returns the receipts. */
async function mineTogether(
  deployment: Deployment,
  signer: Awaited<ReturnType<typeof ethers.getSigners>>[number],
  intents: Intent[],
) {
  const { market, pool } = deployment.contracts;
  const block = (await ethers.provider.getBlock("latest"))!;
  const fees = {
    maxPriorityFeePerGas: PRIORITY_FEE_WEI,
    maxFeePerGas: (block.baseFeePerGas ?? 0n) * 2n + PRIORITY_FEE_WEI,
  };
  let nonce = await ethers.provider.getTransactionCount(signer.address);
  const sent: ContractTransactionResponse[] = [];
  await connection.provider.request({ method: "evm_setAutomine", params: [false] });
  try {
    for (const intent of intents) {
      const overrides = { ...fees, nonce: nonce++, gasLimit: GAS.limits[intent.kind] };
      switch (intent.kind) {
        case "buyCurve":
          sent.push(
            await market
              .connect(signer)
              .buyExactTokens(intent.amount, intent.maxCost, signer.address, NO_DEADLINE, overrides),
          );
          break;
        case "sellCurve":
          sent.push(
            await market.connect(signer).sell(intent.amount, intent.minRefund, signer.address, NO_DEADLINE, overrides),
          );
          break;
        case "swap": {
          const tokenIn = intent.sell === "token" ? deployment.addresses.token : deployment.addresses.quote;
          sent.push(
            await pool
              .connect(signer)
              .swapExactIn(tokenIn, intent.amountIn, intent.minOut, signer.address, NO_DEADLINE, overrides),
          );
          break;
        }
        default:
          throw new Error(`the arbitrageur sent an unexpected ${intent.kind}`);
      }
    }
    await connection.provider.request({ method: "evm_mine", params: [] });
  } finally {
    await connection.provider.request({ method: "evm_setAutomine", params: [true] });
  }
  return Promise.all(sent.map(async (tx) => (await tx.wait())!));
}

async function gapNow(deployment: Deployment): Promise<number> {
  const { market, pool } = deployment.contracts;
  return Math.abs(gapBps(await market.priceWad(), await pool.priceWad()));
}

async function arbitrage(deployment: Deployment, arbitrageur: { address: string }, config = CONFIG) {
  const obs = await observe(deployment, arbitrageur.address);
  // context() fails the test on any Quoter call: the arbitrageur quotes from the observation alone.
  const intents = await createArbitrageur(config).step(obs, context());
  const plan = planArbitrage(obs, config)!;
  expect(intents).to.deep.equal(plan.intents);
  return { obs, intents, plan };
}

describe("arbitrageur on the deployed contracts", () => {
  it("pool above the curve: buys on the curve, sells into the pool, makes at least minProfitQuote and narrows the gap", async () => {
    const { deployment, arbitrageur, trader } = await networkHelpers.loadFixture(arbitrageurFixture);
    const { quote, token, pool, market } = deployment.contracts;
    // A 200-quote buy in the 1,220-quote pool lifts its price ~35% above the curve's.
    await pool.connect(trader).swapExactIn(deployment.addresses.quote, 200n * QUOTE, 0n, trader.address, NO_DEADLINE);
    const gapBefore = await gapNow(deployment);
    expect(gapBefore).to.be.greaterThan(3_000);

    const { obs, intents, plan } = await arbitrage(deployment, arbitrageur);
    expect(intents.map((i) => i.kind)).to.deep.equal(["buyCurve", "swap"]);
    const buy = intents[0] as Extract<Intent, { kind: "buyCurve" }>;
    const [exactCost] = await market.quoteBuyExactTokens(buy.amount);
    expect(plan.quoteIn).to.equal(exactCost);
    const expectedOut = poolAmountOut(obs.pool, "token", buy.amount);

    const quoteBefore = await quote.balanceOf(arbitrageur.address);
    const tokensBefore = await token.balanceOf(arbitrageur.address);
    const receipts = await mineTogether(deployment, arbitrageur, intents);
    expect(receipts.map((r) => r.status)).to.deep.equal([1, 1]);
    expect(receipts[0]!.blockNumber).to.equal(receipts[1]!.blockNumber);

    const quoteGained = (await quote.balanceOf(arbitrageur.address)) - quoteBefore;
    expect(quoteGained).to.equal(expectedOut - exactCost);
    expect(quoteGained).to.equal(plan.quoteOut - plan.quoteIn);
    expect(await token.balanceOf(arbitrageur.address)).to.equal(tokensBefore);
    const gasWei = receipts.reduce((sum, r) => sum + r.gasUsed * r.gasPrice, 0n);
    const gasQuote = (gasWei * obs.gas.ethPriceQuote) / WAD;
    expect(quoteGained - gasQuote >= CONFIG.minProfitQuote, `gained ${quoteGained}, gas ${gasQuote}`).to.equal(true);
    expect(await gapNow(deployment)).to.be.lessThan(gapBefore);
  });

  it("pool below the curve: buys on the pool, sells to the curve holding no tokens of its own", async () => {
    const { deployment, arbitrageur, trader } = await networkHelpers.loadFixture(arbitrageurFixture);
    const { quote, token, pool } = deployment.contracts;
    // 20,000 tokens sold into the 100,000-token pool drop its price ~30% under the curve's.
    await pool
      .connect(trader)
      .swapExactIn(deployment.addresses.token, 20_000n * TOKEN, 0n, trader.address, NO_DEADLINE);
    const gapBefore = await gapNow(deployment);
    expect(gapBefore).to.be.greaterThan(2_500);
    expect(await token.balanceOf(arbitrageur.address)).to.equal(0n);

    const { obs, intents, plan } = await arbitrage(deployment, arbitrageur);
    expect(intents.map((i) => i.kind)).to.deep.equal(["swap", "sellCurve"]);
    const swap = intents[0] as Extract<Intent, { kind: "swap" }>;
    expect(swap.amountIn <= CONFIG.maxTradeQuote).to.equal(true);

    const quoteBefore = await quote.balanceOf(arbitrageur.address);
    const receipts = await mineTogether(deployment, arbitrageur, intents);
    expect(receipts.map((r) => r.status)).to.deep.equal([1, 1]);

    const quoteGained = (await quote.balanceOf(arbitrageur.address)) - quoteBefore;
    expect(quoteGained).to.equal(plan.quoteOut - plan.quoteIn);
    const gasQuote = (receipts.reduce((sum, r) => sum + r.gasUsed * r.gasPrice, 0n) * obs.gas.ethPriceQuote) / WAD;
    expect(quoteGained - gasQuote >= CONFIG.minProfitQuote, `gained ${quoteGained}, gas ${gasQuote}`).to.equal(true);
    expect(await token.balanceOf(arbitrageur.address)).to.equal(0n);
    expect(await gapNow(deployment)).to.be.lessThan(gapBefore);
  });

  it("with a budget that binds, buys the most the budget buys and both legs still execute", async () => {
    const { deployment, arbitrageur, trader } = await networkHelpers.loadFixture(arbitrageurFixture);
    const { quote, market, pool } = deployment.contracts;
    await pool.connect(trader).swapExactIn(deployment.addresses.quote, 200n * QUOTE, 0n, trader.address, NO_DEADLINE);
    // An odd budget, so the buy's cost meets it within a quote unit or two of rounding.
    const config = { ...CONFIG, maxTradeQuote: 13_370_001n };
    const { intents, plan } = await arbitrage(deployment, arbitrageur, config);
    const buy = intents[0] as Extract<Intent, { kind: "buyCurve" }>;
    const [exactCost] = await market.quoteBuyExactTokens(buy.amount);
    const [affordable] = await market.quoteBuyExactQuote(config.maxTradeQuote);
    expect(buy.amount).to.equal(affordable);
    expect(exactCost <= config.maxTradeQuote && buy.maxCost <= config.maxTradeQuote).to.equal(true);

    const quoteBefore = await quote.balanceOf(arbitrageur.address);
    const receipts = await mineTogether(deployment, arbitrageur, intents);
    expect(receipts.map((r) => r.status)).to.deep.equal([1, 1]);
    expect((await quote.balanceOf(arbitrageur.address)) - quoteBefore).to.equal(plan.quoteOut - plan.quoteIn);
  });
});
