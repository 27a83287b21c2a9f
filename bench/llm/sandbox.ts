// sandboxStepsPerSecond: steps per second of a sandboxed strategy (strategies/examples/gap-trader.js,
// which reads the observation, quotes the pool and trades every few steps) through the strategy
// behaviour as the World calls it: the observation made into JSON, the QuickJS call, the answer checked
// into intents. The observations follow a seeded walk of the pool's price around the curve's, each
// with the 64 steps of history before it, sliding by one price a step as a battle's does. Target ≥ 10,000. The figure is steps per second of this process's CPU time (user + system):
// on a shared machine wall time also counts other processes' work; the wall-clock rate is given beside
// it. bench/sandbox.ts prints it; a combined LLM benchmark can call measureSandbox.

import { readFileSync } from "node:fs";

import { Random } from "../../agents/core/random.ts";
import { modelQuoter } from "../../agents/mechanisms/market/quoter.ts";
import type { Observation } from "../../agents/mechanisms/vocabulary.ts";
import { createStrategy } from "../../agents/strategy/strategy-behaviour.ts";

export const SANDBOX_TARGET = 10_000;
const EXAMPLE = "strategies/examples/gap-trader.js";
const TOKEN = 10n ** 18n;
const QUOTE = 1_000_000n;

/** The default genesis's market at `step`, the pool `gapBps` off the curve, with the history given. */
function observationAt(step: number, gapBps: bigint, history: Observation["history"]): Observation {
  const supply = 2_200_000n * TOKEN;
  const curvePriceWad = (1_000_000_000n * supply) / TOKEN + 10n ** 16n;
  const poolPriceWad = curvePriceWad + (curvePriceWad * gapBps) / 10_000n;
  const reserveToken = 100_000n * TOKEN;
  return {
    step,
    block: 100n + BigInt(step),
    timestamp: 1_767_225_600n + BigInt(step * 12),
    blockSeconds: 12,
    mode: "sequential",
    curve: {
      kind: "linear",
      params: [1_000_000_000n, 10n ** 16n, 0n, 0n],
      scaleWad: TOKEN,
      priceWad: curvePriceWad,
      supply,
      maxSupply: 500_000_000n * TOKEN,
      reserve: 24_500n * QUOTE,
      treasuryAccrued: 0n,
      buyFeeBps: 100,
      sellFeeBps: 100,
      treasuryShareBps: 5000,
      paused: false,
    },
    pool: {
      reserveToken,
      reserveQuote: (reserveToken * poolPriceWad) / TOKEN / 10n ** 12n,
      feeBps: 30,
      priceWad: poolPriceWad,
      totalLiquidity: 11_045_361_017_187_260n,
    },
    history,
    self: {
      id: "writer",
      address: "0x00000000000000000000000000000000000a6e57",
      holdings: { tokens: 50_000n * TOKEN, quote: 1_000n * QUOTE, lp: 0n },
      claimable: 0n,
      locked: 0n,
      pnlQuote: 0n,
    },
    gas: {
      priorityFeeWei: 10n ** 9n,
      baseFeeWei: 0n,
      ethPriceQuote: 3_000n * QUOTE,
      limits: {
        buyCurve: 200_000n,
        buyCurveWithQuote: 250_000n,
        sellCurve: 200_000n,
        swap: 150_000n,
        addLiquidity: 250_000n,
        removeLiquidity: 200_000n,
        releaseVested: 150_000n,
        stake: 250_000n,
        unstake: 200_000n,
        claimRewards: 200_000n,
      },
    },
  } as Observation;
}

/** `count` observations of a walk of the pool's gap to the curve (±2%, crossing the strategy's 1% now and then). */
function walk(count: number): Observation[] {
  const rng = new Random(7n);
  const out: Observation[] = [];
  let gapBps = 0n;
  let previous: Observation | undefined;
  for (let step = 1; step <= count; step++) {
    gapBps += BigInt(Math.round((rng.unit() - 0.5) * 40));
    if (gapBps > 200n) gapBps = 200n;
    if (gapBps < -200n) gapBps = -200n;
    const history =
      previous === undefined
        ? { curve: [], pool: [] }
        : {
            curve: [...previous.history.curve, previous.curve.priceWad].slice(-64),
            pool: [...previous.history.pool, previous.pool.priceWad].slice(-64),
          };
    previous = observationAt(step, gapBps, history);
    out.push(previous);
  }
  return out;
}

export interface SandboxMeasure {
  /** Steps per CPU second of the process. */
  sandboxStepsPerSecond: number;
  /** Steps per wall-clock second (lower on a loaded machine). */
  wallStepsPerSecond: number;
  steps: number;
  intents: number;
  target: number;
}

/** Runs the example strategy `steps` steps (after a warm-up) and returns its steps per second. */
export async function measureSandbox(steps = 20_000): Promise<SandboxMeasure> {
  const behaviour = createStrategy({
    kind: "strategy",
    label: "gap-trader",
    slippageBps: 100,
    file: EXAMPLE,
    code: readFileSync(EXAMPLE, "utf8"),
    memoryMiB: 32,
    workPerStep: 200,
  });
  const observations = walk(500 + steps);
  const ctx = { rng: new Random(1n), quoter: modelQuoter(observations[0]!.curve) };
  try {
    for (let i = 0; i < 500; i++) await behaviour.step(observations[i]!, ctx);
    let intents = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (let i = 500; i < 500 + steps; i++) {
      const out = behaviour.step(observations[i]!, ctx);
      intents += (out instanceof Promise ? await out : out).length;
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (behaviour.failureCount > 0) throw new Error(`the example strategy failed ${behaviour.failureCount} steps`);
    return {
      sandboxStepsPerSecond: Math.round(steps / cpuSeconds),
      wallStepsPerSecond: Math.round(steps / seconds),
      steps,
      intents,
      target: SANDBOX_TARGET,
    };
  } finally {
    behaviour.dispose();
  }
}
