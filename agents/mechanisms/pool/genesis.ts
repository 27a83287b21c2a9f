// The pool's field of a genesis file: its fee (a store parameter) and its optional seed, which must
// mint more than the MINIMUM_LIQUIDITY locked forever.

import { sqrtDown } from "../../core/bigint.ts";
import { positive, type Reader } from "../../core/document-reader.ts";
import { MAX_SUPPLY, MINIMUM_LIQUIDITY } from "../../core/limits.ts";
import { MAX_UINT128, QUOTE_DECIMALS, TOKEN_DECIMALS } from "../../core/units.ts";
import { FEE_BPS } from "../market/genesis.ts";
import type { GenesisPart } from "../mechanism.ts";

/** The pool's part of a Genesis. */
export interface PoolGenesis {
  pool: { feeBps: number; seed?: { tokens: bigint; quote: bigint } };
}

const TOKEN_AMOUNT = 'a decimal string of whole tokens (like "100000")';
const QUOTE_AMOUNT = 'a decimal string of quote (like "1000")';

function readPool(r: Reader, value: unknown): PoolGenesis["pool"] | undefined {
  const o = r.object(value, "pool", ["feeBps"], ["seed"]);
  if (o === undefined) return undefined;
  const feeBps = o.feeBps === undefined ? undefined : r.unitValue(o.feeBps, "pool.feeBps", FEE_BPS);
  if (o.seed === undefined) return feeBps === undefined ? undefined : { feeBps: Number(feeBps) };
  const s = r.object(o.seed, "pool.seed", ["tokens", "quote"]);
  if (s === undefined) return undefined;
  const tokens =
    s.tokens === undefined
      ? undefined
      : positive(
          r,
          s.tokens,
          r.decimal(s.tokens, "pool.seed.tokens", TOKEN_DECIMALS, MAX_SUPPLY, TOKEN_AMOUNT),
          "pool.seed.tokens",
          TOKEN_AMOUNT,
        );
  const quote =
    s.quote === undefined
      ? undefined
      : positive(
          r,
          s.quote,
          r.decimal(s.quote, "pool.seed.quote", QUOTE_DECIMALS, MAX_UINT128, QUOTE_AMOUNT),
          "pool.seed.quote",
          QUOTE_AMOUNT,
        );
  if (feeBps === undefined || tokens === undefined || quote === undefined) return undefined;
  if (sqrtDown(tokens * quote) <= MINIMUM_LIQUIDITY) {
    return r.failText(
      "pool.seed",
      `a seed whose first LP shares sqrt(tokens wei × quote units) exceed the ${MINIMUM_LIQUIDITY} locked forever`,
      `sqrt = ${sqrtDown(tokens * quote)}`,
    );
  }
  return { feeBps: Number(feeBps), seed: { tokens, quote } };
}

export const poolGenesis: GenesisPart<PoolGenesis> = {
  required: ["pool"],
  optional: [],
  read(r, top) {
    const pool = top.pool === undefined ? undefined : readPool(r, top.pool);
    return {
      section: pool === undefined ? undefined : { pool },
      parameters: [
        {
          key: "pool.feeBps",
          unit: FEE_BPS,
          valuePath: "pool.feeBps",
          value: pool === undefined ? undefined : BigInt(pool.feeBps),
        },
      ],
      minted: pool === undefined ? undefined : (pool.seed?.tokens ?? 0n),
    };
  },
};
