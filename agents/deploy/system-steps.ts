// The deployment steps no mechanism owns: the quote token (the test stablecoin, or an existing
// ERC-20), the Timelock that holds the treasury and executes proposals, the Governor and its roles,
// funding the deployer with quote, and the genesis holders' delegations.

import { type Address, zeroAddress } from "viem";

import { formatDecimal, QUOTE_DECIMALS } from "../core/units.ts";
import type { DeployStep } from "./step.ts";

export const QUOTE_ARTIFACT = "QuoteToken";
export const TIMELOCK_ARTIFACT = "ArenaTimelock";
export const GOVERNOR_ARTIFACT = "ArenaGovernor";

/** Quote the deployer needs: the reserve and the pool seed. */
export function quoteNeeded(genesis: { reserve: bigint; pool: { seed?: { quote: bigint } } }): bigint {
  return genesis.reserve + (genesis.pool.seed?.quote ?? 0n);
}

export const quoteStep: DeployStep = {
  name: "quote",
  contract: QUOTE_ARTIFACT,
  deploys: [{ name: "quote", artifact: QUOTE_ARTIFACT }],
  transactions: (g) => (g.quote.deploy ? 1 : 0),
  always: true,
  async run(ctx) {
    const q = ctx.genesis.quote;
    if (q.deploy) {
      await ctx.deploy("quote", QUOTE_ARTIFACT, []);
      return "deploy the test stablecoin";
    }
    const address = q.address as Address;
    if ((await ctx.code(address)) === "0x") throw new Error(`no contract at quote.address ${address}`);
    ctx.addresses.quote = address;
    const decimals = (await ctx.read("quote", QUOTE_ARTIFACT, "decimals")) as number | bigint;
    if (BigInt(decimals) !== BigInt(QUOTE_DECIMALS))
      throw new Error(
        `quote.address ${address} has ${decimals} decimals; genesis quote amounts are in ${QUOTE_DECIMALS}`,
      );
    const balance = (await ctx.read("quote", QUOTE_ARTIFACT, "balanceOf", [ctx.deployer])) as bigint;
    const needed = quoteNeeded(ctx.genesis);
    if (balance < needed) {
      throw new Error(
        `the deployer ${ctx.deployer} holds ${formatDecimal(balance, QUOTE_DECIMALS)} quote; the reserve and the pool seed need ${formatDecimal(needed, QUOTE_DECIMALS)}`,
      );
    }
    return `use the existing quote token at ${address}`;
  },
};

export const timelockStep: DeployStep = {
  name: "timelock",
  contract: TIMELOCK_ARTIFACT,
  deploys: [{ name: "timelock", artifact: TIMELOCK_ARTIFACT }],
  transactions: () => 1,
  async run(ctx) {
    const delay = ctx.genesis.governance.timelockDelaySeconds;
    await ctx.deploy("timelock", TIMELOCK_ARTIFACT, [delay, [], [zeroAddress], ctx.deployer]);
    return `deploy the timelock (delay ${delay}s, anyone executes)`;
  },
};

export const governorStep: DeployStep = {
  name: "governor",
  contract: GOVERNOR_ARTIFACT,
  deploys: [{ name: "governor", artifact: GOVERNOR_ARTIFACT }],
  transactions: () => 1,
  async run(ctx) {
    const gov = ctx.genesis.governance;
    await ctx.deploy("governor", GOVERNOR_ARTIFACT, [
      ctx.addresses.token,
      ctx.addresses.timelock,
      gov.votingDelayBlocks,
      gov.votingPeriodBlocks,
      gov.proposalThreshold,
      gov.quorumPercent,
    ]);
    return `deploy the governor (quorum ${gov.quorumPercent}%, voting ${gov.votingPeriodBlocks} blocks)`;
  },
};

export const rolesStep: DeployStep = {
  name: "roles",
  contract: TIMELOCK_ARTIFACT,
  transactions: () => 3,
  async run(ctx) {
    const role = async (fn: string) => (await ctx.read("timelock", TIMELOCK_ARTIFACT, fn)) as `0x${string}`;
    const governor = ctx.addresses.governor;
    await ctx.send("timelock", TIMELOCK_ARTIFACT, "grantRole", [await role("PROPOSER_ROLE"), governor]);
    await ctx.send("timelock", TIMELOCK_ARTIFACT, "grantRole", [await role("CANCELLER_ROLE"), governor]);
    await ctx.send("timelock", TIMELOCK_ARTIFACT, "renounceRole", [await role("DEFAULT_ADMIN_ROLE"), ctx.deployer]);
    return "make the governor proposer and canceller; the deployer renounces admin";
  },
};

export const fundStep: DeployStep = {
  name: "fund",
  contract: QUOTE_ARTIFACT,
  transactions: (g) => (g.quote.deploy ? 1 : 0),
  async run(ctx) {
    const needed = quoteNeeded(ctx.genesis);
    await ctx.send("quote", QUOTE_ARTIFACT, "mint", [ctx.deployer, needed]);
    return `mint ${formatDecimal(needed, QUOTE_DECIMALS)} quote to the deployer for the reserve and the pool seed`;
  },
};

/**
 * The distinct local accounts whose genesis allocations self-delegate: only "deployer" and "account:N"
 * may (the allocation reader refuses others), and the deployer is account:0 on a node's own accounts.
 */
function delegatorRefs(g: {
  allocations: readonly { to: { kind: string; index?: number }; delegate: boolean }[];
}): string[] {
  const keys = new Set<string>();
  for (const a of g.allocations)
    if (a.delegate) keys.add(a.to.kind === "account" ? `account:${a.to.index}` : "account:0");
  return [...keys];
}

export const delegateStep: DeployStep = {
  name: "delegate",
  contract: "ArenaToken",
  transactions: (g) => delegatorRefs(g).length,
  async run(ctx) {
    const done = new Set<string>();
    const delegators = ctx.genesis.allocations.flatMap((a, i) =>
      a.delegate ? [ctx.account(a.to, `allocations[${i}].to`)] : [],
    );
    for (const address of delegators) {
      if (done.has(address)) continue;
      done.add(address);
      await ctx.send("token", "ArenaToken", "delegate", [address], address);
    }
    return `self-delegate the votes of ${delegators.length} local accounts`;
  },
};
