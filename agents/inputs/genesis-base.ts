// The fields of a genesis file no mechanism owns: the token's name, the quote token, who receives what
// at genesis (and whether they self-delegate their votes), and governance's settings.

import { type AccountRef, positive, type Reader } from "../core/document-reader.ts";
import { MAX_SUPPLY } from "../core/limits.ts";
import type { GenesisParameter } from "../core/parameters.ts";
import { MAX_UINT32, MAX_UINT48, TOKEN_DECIMALS } from "../core/units.ts";

export interface GenesisBase {
  source: string;
  description?: string;
  token: { name: string; symbol: string };
  quote: { deploy: true } | { deploy: false; address: string };
  allocations: { to: AccountRef; amount: bigint; delegate: boolean }[];
  governance: {
    votingDelayBlocks: number;
    votingPeriodBlocks: number;
    proposalThreshold: bigint;
    quorumPercent: number;
    timelockDelaySeconds: number;
    guardian: AccountRef;
  };
  /** Every parameter of the store, each mechanism's in registry order: the curve's, the market fees, the pool fee. */
  parameters: GenesisParameter[];
}

const TOKEN_AMOUNT = 'a decimal string of whole tokens (like "100000")';

export function readToken(r: Reader, value: unknown): GenesisBase["token"] | undefined {
  const o = r.object(value, "token", ["name", "symbol"]);
  if (o === undefined) return undefined;
  const name = o.name === undefined ? undefined : r.string(o.name, "token.name", 'a non-empty string (like "Arena")');
  const symbol =
    o.symbol === undefined ? undefined : r.string(o.symbol, "token.symbol", 'a non-empty string (like "ARENA")');
  return name === undefined || symbol === undefined ? undefined : { name, symbol };
}

export function readQuote(r: Reader, value: unknown): GenesisBase["quote"] | undefined {
  const expected =
    '{"deploy": true} (a test stablecoin, local chains) or {"address": "0x…"} (an existing 6-decimal ERC-20)';
  if (typeof value !== "object" || value === null || Array.isArray(value)) return r.fail("quote", expected, value);
  const o = value as Record<string, unknown>;
  if ("address" in o) {
    const fields = r.object(o, "quote", ["address"]);
    const account = fields === undefined ? undefined : r.account(o.address, "quote.address", ["address"]);
    return account?.kind === "address" ? { deploy: false, address: account.address } : undefined;
  }
  const fields = r.object(o, "quote", ["deploy"]);
  if (fields === undefined) return undefined;
  if (o.deploy !== true) return r.fail("quote.deploy", `true (or give "address" instead)`, o.deploy);
  return { deploy: true };
}

export function readAllocations(r: Reader, value: unknown): GenesisBase["allocations"] | undefined {
  const list = r.array(value, "allocations", '{"to", "amount", "delegate"?} entries');
  if (list === undefined) return undefined;
  const out: GenesisBase["allocations"] = [];
  let ok = true;
  list.forEach((entry, i) => {
    const path = `allocations[${i}]`;
    const o = r.object(entry, path, ["to", "amount"], ["delegate"]);
    if (o === undefined) return void (ok = false);
    const to =
      o.to === undefined
        ? undefined
        : r.account(o.to, `${path}.to`, ["treasury", "deployer", "guardian", "account", "address"]);
    const amount =
      o.amount === undefined
        ? undefined
        : positive(
            r,
            o.amount,
            r.decimal(o.amount, `${path}.amount`, TOKEN_DECIMALS, MAX_SUPPLY, TOKEN_AMOUNT),
            `${path}.amount`,
            TOKEN_AMOUNT,
          );
    let delegate = false;
    if (o.delegate !== undefined) {
      if (typeof o.delegate !== "boolean") r.fail(`${path}.delegate`, "true or false", o.delegate);
      else delegate = o.delegate;
    }
    if (delegate && to !== undefined && to.kind !== "deployer" && to.kind !== "account") {
      r.fail(
        `${path}.delegate`,
        'false: only "deployer" and "account:N" allocations are ours to self-delegate at genesis',
        true,
      );
      ok = false;
    }
    if (to === undefined || amount === undefined) ok = false;
    else out.push({ to, amount, delegate });
  });
  return ok ? out : undefined;
}

export function readGovernance(r: Reader, value: unknown): GenesisBase["governance"] | undefined {
  const fields = [
    "votingDelayBlocks",
    "votingPeriodBlocks",
    "proposalThreshold",
    "quorumPercent",
    "timelockDelaySeconds",
    "guardian",
  ];
  const o = r.object(value, "governance", fields);
  if (o === undefined) return undefined;
  const has = (field: string): boolean => o[field] !== undefined;
  const votingDelayBlocks = has("votingDelayBlocks")
    ? r.integer(
        o.votingDelayBlocks,
        "governance.votingDelayBlocks",
        0n,
        MAX_UINT48,
        "a whole number of blocks (0 or more)",
      )
    : undefined;
  const votingPeriodBlocks = has("votingPeriodBlocks")
    ? r.integer(
        o.votingPeriodBlocks,
        "governance.votingPeriodBlocks",
        1n,
        MAX_UINT32,
        "a whole number of blocks, at least 1",
      )
    : undefined;
  const proposalThreshold = has("proposalThreshold")
    ? r.decimal(
        o.proposalThreshold,
        "governance.proposalThreshold",
        TOKEN_DECIMALS,
        MAX_SUPPLY,
        `${TOKEN_AMOUNT} of votes needed to propose`,
      )
    : undefined;
  const quorumPercent = has("quorumPercent")
    ? r.integer(
        o.quorumPercent,
        "governance.quorumPercent",
        0n,
        100n,
        "an integer percent of the supply, from 0 to 100",
      )
    : undefined;
  const timelockDelaySeconds = has("timelockDelaySeconds")
    ? r.duration(o.timelockDelaySeconds, "governance.timelockDelaySeconds", MAX_UINT48)
    : undefined;
  const guardian = has("guardian")
    ? r.account(o.guardian, "governance.guardian", ["deployer", "account", "address"])
    : undefined;
  if (
    votingDelayBlocks === undefined ||
    votingPeriodBlocks === undefined ||
    proposalThreshold === undefined ||
    quorumPercent === undefined ||
    timelockDelaySeconds === undefined ||
    guardian === undefined
  ) {
    return undefined;
  }
  return { votingDelayBlocks, votingPeriodBlocks, proposalThreshold, quorumPercent, timelockDelaySeconds, guardian };
}
