// The model's start: what deployGenesis (agents/deploy/deploy.ts) and setUpBattle (agents/deploy/agents.ts)
// leave on the chain, computed without one. The genesis mints its allocations (vesting's to the
// vesting contract, the pool seed to the deployer) against its reserve, the deployer seeds the pool
// (LP shares to the treasury), then every agent gets its quote and buys its starting tokens from the
// curve in wallet order. Block numbers and timestamps follow the chain's: one block per deployment
// transaction from the scenario's startTime, one second apart (the deploy steps declare how many), then
// the set-up blocks (setupBlocks, from the same plan setUpAgents follows), so vesting
// schedules start and unlock at the same steps as in a chain battle.

import type { Address } from "viem";

import { loadGenesis } from "../inputs/genesis.ts";
import { type GenesisParameter } from "../core/parameters.ts";
import { type Genesis } from "../mechanisms/vocabulary.ts";
import { MAX_UINT256, QUOTE_DECIMALS } from "../core/units.ts";
import { formatDecimal } from "../core/units.ts";
import { formatParameter, type ParameterChange } from "../core/parameters.ts";
import type { Holdings } from "../mechanisms/vocabulary.ts";
import type { AgentConfig, Scenario } from "../inputs/scenario-types.ts";
import { MarketModel } from "../mechanisms/market/model.ts";
import { HARDHAT_ACCOUNT_COUNT, holderOfRef, holderOfWallet } from "./holders.ts";
import { CURVE_PARAMETER_KEYS, FEE_PARAMETER_KEYS } from "../mechanisms/market/model.ts";
import { ModelRevert } from "../core/model-revert.ts";
import { PoolModel } from "../mechanisms/pool/model.ts";
import type { MarketTwin } from "../mechanisms/market/mechanism.ts";
import type { PoolTwin } from "../mechanisms/pool/mechanism.ts";
import type { VestingTwin } from "../mechanisms/vesting/mechanism.ts";
import { VestingModel } from "../mechanisms/vesting/model.ts";
import { ArenaError } from "../core/errors.ts";
import { deployTimeline } from "../deploy/deploy.ts";
import { fundingTransactions, setupApprovals, setupBlocks } from "../deploy/agents.ts";
import { mechanismsFor } from "../mechanisms/registry.ts";
import { stakingBudget } from "../mechanisms/staking/genesis.ts";

/** Gas of the set-up transactions (gas.json of the ready-made chain battles, behaviour "setup"). */
const SETUP_GAS = {
  /** QuoteToken.mint to a fresh wallet. */
  mintQuote: 51_284n,
  /** QuoteToken.approve (market, pool). */
  approveQuote: 46_629n,
  /** ArenaToken.approve (pool). */
  approveToken: 46_746n,
  /** BondingCurveMarket.buyExactTokens of the starting tokens (a fresh token balance, maxUint256 limits). */
  buyStartingTokens: 92_082n,
} as const;

/** A scenario the model cannot start: bad parameter overrides, a genesis reserve too low, a set-up that would revert. */
export class ModelSetupError extends ArenaError {
  constructor(message: string) {
    super(message);
  }
}

export interface ModelAgentStart {
  config: AgentConfig;
  /** Holder key (model-holders.ts). */
  key: string;
  address: Address;
  holdings: Holdings;
}

export interface ModelStart {
  /** The genesis as run: the file's, with the parameter overrides applied to `parameters`. */
  genesis: Genesis;
  /** Each mechanism's twin, by mechanism id, as the set-up leaves it. */
  twins: Map<string, unknown>;
  agents: ModelAgentStart[];
  /** Last set-up block and its timestamp: step s is block lastBlock + s at lastTimestamp + s × blockSeconds. */
  lastBlock: bigint;
  lastTimestamp: bigint;
  /** The set-up transactions, for the summary's gas totals. */
  setupGas: { transactions: number; gasUsed: bigint };
}

/** Parsed genesis files by path, so a grid of runs reads and checks each file once. */
const genesisCache = new Map<string, Promise<Genesis>>();

function cachedGenesis(path: string): Promise<Genesis> {
  let genesis = genesisCache.get(path);
  if (genesis === undefined) {
    genesis = loadGenesis(path);
    genesisCache.set(path, genesis);
    genesis.catch(() => genesisCache.delete(path));
  }
  return genesis;
}

/** The model's start for `scenario` on its genesis file, or on `given` (a genesis already parsed), with `overrides`. */
export async function setUpModel(
  scenario: Scenario,
  overrides: readonly ParameterChange[] = [],
  given?: Genesis,
): Promise<ModelStart> {
  const genesis = withOverrides(given ?? (await cachedGenesis(scenario.genesis)), overrides);
  const value = (key: string) => genesis.parameters.find((p) => p.key === key)!.value;
  const kind = genesis.curve.kind;
  const params = [0n, 0n, 0n, 0n] as [bigint, bigint, bigint, bigint];
  CURVE_PARAMETER_KEYS[kind].forEach((key, i) => (params[i] = value(key)));
  const [buyFeeBps, sellFeeBps, treasuryShareBps] = FEE_PARAMETER_KEYS.map((key) => Number(value(key)));

  /* GENESIS: allocations, vesting and the pool seed minted against the reserve */

  const holdings = new Map<string, bigint>();
  const credit = (key: string, amount: bigint) => holdings.set(key, (holdings.get(key) ?? 0n) + amount);
  for (const a of genesis.allocations) credit(holderOfRef(a.to, genesis), a.amount);
  const minted =
    genesis.allocations.reduce((sum, a) => sum + a.amount, 0n) +
    genesis.vesting.reduce((sum, v) => sum + v.amount, 0n) +
    (genesis.pool.seed?.tokens ?? 0n) +
    stakingBudget(genesis);
  const unpriced = {
    kind,
    params,
    maxSupply: genesis.maxSupply,
    scaleWad: 10n ** 18n,
    supply: 0n,
    reserve: 0n,
    treasuryAccrued: 0n,
    buyFeeBps: 0,
    sellFeeBps: 0,
    treasuryShareBps: 0,
    paused: false,
    quoteDecimals: QUOTE_DECIMALS,
  };
  const required = minted === 0n ? 0n : new MarketModel(unpriced).quoteBuyExactTokens(minted).cost;
  if (genesis.reserve < required) {
    throw new ModelSetupError(
      `${genesis.source}: the reserve of ${formatDecimal(genesis.reserve, QUOTE_DECIMALS)} quote does not cover the genesis supply, which costs ${formatDecimal(required, QUOTE_DECIMALS)} quote on this curve${describeOverrides(overrides)}; raise "reserve" or lower the curve's prices`,
    );
  }
  const market = new MarketModel({
    ...unpriced,
    supply: minted,
    reserve: genesis.reserve,
    buyFeeBps,
    sellFeeBps,
    treasuryShareBps,
  });
  const pool = new PoolModel({
    reserveToken: 0n,
    reserveQuote: 0n,
    feeBps: Number(value("pool.feeBps")),
    totalLiquidity: 0n,
  });
  const seed = genesis.pool.seed;
  if (seed !== undefined) pool.addLiquidity(seed.tokens, seed.quote, seed.tokens, seed.quote);

  /* THE CHAIN'S TIMELINE: one block per deployment transaction, one second apart */

  const timeline = deployTimeline(genesis);
  // Relative vesting starts count from the latest block when vesting is deployed: the one before it.
  const vestingDeployedAfter = timeline.before("vesting");
  const timestampOf = (block: number) => BigInt(scenario.startTime + block - 1);
  const vestingBase = timestampOf(vestingDeployedAfter);
  const vesting = new VestingModel(
    genesis.vesting.map((v) => ({
      beneficiary: holderOfRef(v.beneficiary, genesis),
      start: v.start.kind === "relative" ? vestingBase + BigInt(v.start.seconds) : BigInt(v.start.timestamp),
      cliffSeconds: BigInt(v.cliffSeconds),
      durationSeconds: BigInt(v.durationSeconds),
      amount: v.amount,
    })),
  );

  /* SET-UP: the lens, quote and approvals, then the starting tokens in wallet order */

  // Positions of optional mechanisms (staking's) start at zero, in their runs only (as the chain's ledger reads them).
  const mechanisms = mechanismsFor(genesis);
  const otherPositions = Object.fromEntries(
    mechanisms.flatMap((m) => (m.position === undefined || m.position.field === "lp" ? [] : [[m.position.field, 0n]])),
  );
  const agents = scenario.agents.map((config, i): ModelAgentStart => {
    if (config.wallet.kind === "account" && config.wallet.index >= HARDHAT_ACCOUNT_COUNT) {
      throw new ModelSetupError(
        `${scenario.source}: agents[${i}] ("${config.id}") uses account:${config.wallet.index}, but network "default" has ${HARDHAT_ACCOUNT_COUNT} accounts; use an index below ${HARDHAT_ACCOUNT_COUNT}`,
      );
    }
    const { key, address } = holderOfWallet(config.wallet, config.id);
    return {
      config,
      key,
      address,
      holdings: { tokens: holdings.get(key) ?? 0n, quote: config.funds.quote, lp: 0n, ...otherPositions },
    };
  });
  const seen = new Map<string, string>();
  for (const a of agents) {
    const other = seen.get(a.key);
    if (other !== undefined)
      throw new ModelSetupError(
        `${scenario.source}: agents "${other}" and "${a.config.id}" use the same wallet ${a.address}; give each agent its own wallet`,
      );
    seen.set(a.key, a.config.id);
  }
  let fundingTxs = 0;
  let gasUsed = 0n;
  const approvalGas = setupApprovals(mechanisms).reduce(
    (sum, { asset }) => sum + (asset === "quote" ? SETUP_GAS.approveQuote : SETUP_GAS.approveToken),
    0n,
  );
  for (const a of agents) {
    fundingTxs += fundingTransactions(a.config, mechanisms);
    gasUsed += approvalGas + (a.config.funds.quote > 0n ? SETUP_GAS.mintQuote : 0n);
  }
  let buyTxs = 0;
  for (const a of agents) {
    const amount = a.config.funds.tokens;
    if (amount === 0n) continue;
    buyTxs++;
    gasUsed += SETUP_GAS.buyStartingTokens;
    try {
      const { cost } = market.quoteBuyExactTokens(amount);
      if (cost > a.holdings.quote)
        throw new ModelRevert("ERC20InsufficientBalance", {
          sender: a.address,
          balance: a.holdings.quote,
          needed: cost,
        });
      market.buyExactTokens(amount, MAX_UINT256);
      a.holdings.quote -= cost;
      a.holdings.tokens += amount;
    } catch (error) {
      if (!(error instanceof ModelRevert)) throw error;
      throw new ModelSetupError(
        `set-up failed (starting tokens) for agent "${a.config.id}": BondingCurveMarket.buyExactTokens reverted with ${error.message}`,
      );
    }
  }
  const lastBlock = timeline.total + setupBlocks(scenario.agents, mechanisms);
  const twins = new Map<string, unknown>([
    ["market", { model: market } satisfies MarketTwin],
    ["pool", { model: pool, feeAtStepStart: BigInt(pool.state.feeBps) } satisfies PoolTwin],
    ["vesting", { model: vesting } satisfies VestingTwin],
  ]);
  // The optional mechanisms this genesis enables start from their own section.
  const deployedAt = (step: string) => timestampOf(timeline.before(step) + 1);
  for (const m of mechanisms) {
    if (twins.has(m.id)) continue;
    if (m.model.start === undefined)
      throw new Error(`mechanism "${m.id}" has no model.start: the fast model cannot start it`);
    twins.set(m.id, m.model.start({ genesis, deployedAt }));
  }
  return {
    genesis,
    twins,
    agents,
    lastBlock: BigInt(lastBlock),
    lastTimestamp: timestampOf(lastBlock),
    setupGas: { transactions: fundingTxs + buyTxs, gasUsed },
  };
}

/** The genesis with `overrides` replacing its parameter values; each must name a parameter and stay within its bounds. */
export function withOverrides(genesis: Genesis, overrides: readonly ParameterChange[]): Genesis {
  if (overrides.length === 0) return genesis;
  const byKey = new Map(genesis.parameters.map((p) => [p.key, p]));
  const next = new Map<string, GenesisParameter>();
  for (const { key, value } of overrides) {
    const p = byKey.get(key);
    if (p === undefined)
      throw new ModelSetupError(
        `parameter override ${key}: ${genesis.source} has no such parameter; its parameters are ${[...byKey.keys()].join(", ")}`,
      );
    if (next.has(key)) throw new ModelSetupError(`parameter override ${key} is given twice; give each parameter once`);
    if (value < p.min || value > p.max) {
      throw new ModelSetupError(
        `parameter override ${key}=${formatParameter(key, value)} is outside its bounds [${formatParameter(key, p.min)}, ${formatParameter(key, p.max)}] in ${genesis.source}; give a value within them`,
      );
    }
    next.set(key, { ...p, value });
  }
  return { ...genesis, parameters: genesis.parameters.map((p) => next.get(p.key) ?? p) };
}

function describeOverrides(overrides: readonly ParameterChange[]): string {
  return overrides.length === 0
    ? ""
    : ` (with ${overrides.map((o) => `${o.key}=${formatParameter(o.key, o.value)}`).join(", ")})`;
}
