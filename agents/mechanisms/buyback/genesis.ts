// The buyback's field of a genesis file (optional: without it nothing of the buyback is deployed, and
// the token stays ArenaToken): the venue it buys on, the period its cap counts over, and the genesis
// values of its three store parameters — the share of the treasury's revenue it may spend, the quote it
// may spend a period, and the slippage it accepts against the venue's spot price. Every value the
// contract's constructor and _setParameter would refuse (InvalidPeriod, ParameterOutOfRange) is refused
// here first, with the field that holds it; the parameters' bounds are read in the same units, so no
// value governance may reach is one the contract refuses.

import type { Reader, Unit } from "../../core/document-reader.ts";
import { BPS, formatDecimal, QUOTE_DECIMALS } from "../../core/units.ts";
import type { GenesisPart } from "../mechanism.ts";
import { BUYBACK_KEYS, type BuybackVenue, MAX_BUYBACK_CAP } from "./model.ts";

/** The buyback's part of a Genesis: absent when the file has no `buyback` section. */
export interface BuybackGenesis {
  buyback?: {
    venue: BuybackVenue;
    /** Seconds the cap counts over (the contract's periodSeconds: at most a year). */
    periodSeconds: number;
    /** The policy's genesis values (store parameters). */
    shareBps: bigint;
    /** Quote units a period. */
    capPerPeriod: bigint;
    maxSlippageBps: bigint;
  };
}

/** The longest period the contract takes (Buyback.MAX_PERIOD_SECONDS). */
export const MAX_BUYBACK_PERIOD_SECONDS = 365n * 86_400n;

export const BUYBACK_BPS: Unit = { decimals: 0, max: BPS, expected: `an integer number of bps from 0 to ${BPS}` };
export const BUYBACK_QUOTE: Unit = {
  decimals: QUOTE_DECIMALS,
  max: MAX_BUYBACK_CAP,
  expected: `a decimal string of quote, at most ${formatDecimal(MAX_BUYBACK_CAP, QUOTE_DECIMALS)} (like "500")`,
};

const VENUES: readonly BuybackVenue[] = ["curve", "pool"];

function readBuyback(r: Reader, value: unknown): NonNullable<BuybackGenesis["buyback"]> | undefined {
  const o = r.object(value, "buyback", ["shareBps", "capPerPeriod", "maxSlippageBps"], ["venue", "period"]);
  if (o === undefined) return undefined;
  let venue: BuybackVenue | undefined = "curve";
  if (o.venue !== undefined && !VENUES.includes(o.venue as BuybackVenue))
    venue = r.fail("buyback.venue", '"curve" or "pool"', o.venue);
  else if (o.venue !== undefined) venue = o.venue as BuybackVenue;
  let periodSeconds: number | undefined = 86_400;
  if (o.period !== undefined) {
    periodSeconds = r.duration(o.period, "buyback.period", MAX_BUYBACK_PERIOD_SECONDS);
    if (periodSeconds === 0)
      periodSeconds = r.failText(
        "buyback.period",
        "a duration longer than 0s, at most 365d",
        JSON.stringify(o.period),
        'the cap counts over this period: use "1d" or "7d"',
      );
  }
  const shareBps = o.shareBps === undefined ? undefined : r.unitValue(o.shareBps, "buyback.shareBps", BUYBACK_BPS);
  const capPerPeriod =
    o.capPerPeriod === undefined ? undefined : r.unitValue(o.capPerPeriod, "buyback.capPerPeriod", BUYBACK_QUOTE);
  const maxSlippageBps =
    o.maxSlippageBps === undefined ? undefined : r.unitValue(o.maxSlippageBps, "buyback.maxSlippageBps", BUYBACK_BPS);
  if (
    venue === undefined ||
    periodSeconds === undefined ||
    shareBps === undefined ||
    capPerPeriod === undefined ||
    maxSlippageBps === undefined
  )
    return undefined;
  return { venue, periodSeconds, shareBps, capPerPeriod, maxSlippageBps };
}

export const buybackGenesis: GenesisPart<BuybackGenesis> = {
  required: [],
  optional: ["buyback"],
  read(r, top) {
    if (top.buyback === undefined) return { section: {}, parameters: [] };
    const buyback = readBuyback(r, top.buyback);
    return {
      section: buyback === undefined ? undefined : { buyback },
      parameters: [
        { key: BUYBACK_KEYS.shareBps, unit: BUYBACK_BPS, valuePath: "buyback.shareBps", value: buyback?.shareBps },
        {
          key: BUYBACK_KEYS.capPerPeriod,
          unit: BUYBACK_QUOTE,
          valuePath: "buyback.capPerPeriod",
          value: buyback?.capPerPeriod,
        },
        {
          key: BUYBACK_KEYS.maxSlippageBps,
          unit: BUYBACK_BPS,
          valuePath: "buyback.maxSlippageBps",
          value: buyback?.maxSlippageBps,
        },
      ],
    };
  },
};
