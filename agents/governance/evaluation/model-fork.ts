// A forecast of a store change over the rest of a run, on the fast model forked from a chain battle's
// current state: every mechanism's twin as the chain engine follows it (cloned), every agent's
// holdings, the clock and the price history. For each seed two arms run the scenario's agents, with
// fresh behaviours seeded by the arm's seed and counting the battle's steps (a phase switches at the
// battle's step), from the next block to the run's last: without the change, and with it taking
// effect in the block it would execute in, ahead of that block's trades, as the Timelock's call would.
// Each arm is measured over the battle's steps so far followed by its own, which is the whole run the
// change would persist for. A change persists: a short chain what-if (what-if.ts) sees only its first
// blocks, and a chain what-if to the end of the run costs minutes per candidate; the model costs
// milliseconds. It is a forecast, not the contracts: proposals are still executed, and voted on, on
// the chain.

import type { ParameterChange } from "../../core/parameters.ts";
import { createBehaviourAfter } from "../../behaviours/registry.ts";
import { ModelBackend } from "../../engine/model-backend.ts";
import { runSteps } from "../../engine/run-steps.ts";
import type { AgentWallet, Scenario } from "../../inputs/scenario-types.ts";
import type { StepRow } from "../../mechanisms/vocabulary.ts";
import { weiToQuote } from "../../core/units.ts";
import { type ArmPair, evaluationFromArms, type ProposalEvaluation } from "./evaluation.ts";
import { World } from "../../engine/world.ts";

/** The battle a forecast forks from. */
export interface ForkSource {
  /** The battle's World on the chain engine, between two steps (a participant's turn). */
  world: World;
  /** The agents' wallets, in the scenario's order (their configs give the behaviours). */
  wallets: readonly AgentWallet[];
  scenario: Scenario;
  /** Unix seconds of the battle's step 0. */
  stepZeroTimestamp: bigint;
}

export interface ForecastOptions {
  /** Unix seconds a change takes effect (the proposal's expected execution). */
  applyAt: bigint;
  /** One pair of arms per seed; every change forecast in the session shares them (and their status quo). */
  seeds: readonly bigint[];
  /** The battle's steps so far, oldest first: each arm is measured over them and its own steps. */
  history: readonly StepRow[];
}

/** A forecast: the evaluation's metrics and PnL effects over the whole run (no chain evaluation behind it). */
export type Forecast = Omit<ProposalEvaluation, "source">;

/**
 * The forecasts of one decision: every candidate change taking effect at `applyAt`, on the same seeds,
 * against one status-quo arm per seed (run once, on the first forecast).
 */
export class RunForecast {
  private readonly source: ForkSource;
  private readonly options: ForecastOptions;
  private readonly done: number;
  private readonly blocks: number;
  private readonly changeStep: number;
  private statusQuo: Promise<ForkArm[]> | undefined;

  constructor(source: ForkSource, options: ForecastOptions) {
    this.source = source;
    this.options = { ...options, history: [...options.history] };
    const bs = BigInt(source.scenario.blockSeconds);
    const latest = source.world.backend.latestTimestamp;
    this.done = Number((latest - source.stepZeroTimestamp) / bs);
    this.blocks = source.scenario.blocks - this.done;
    if (this.blocks < 1) throw new RangeError(`RunForecast: the run has no step left after step ${this.done}`);
    this.changeStep = options.applyAt <= latest ? 1 : Number((options.applyAt - latest + bs - 1n) / bs);
  }

  async of(changes: readonly ParameterChange[]): Promise<Forecast> {
    return evaluationFromArms(await this.pairs(changes), this.blocks, this.options.applyAt);
  }

  /** Each seed's two arms, each over the battle's steps so far followed by its own to the run's end. */
  async pairs(changes: readonly ParameterChange[]): Promise<ArmPair[]> {
    this.statusQuo ??= (async () => {
      const arms: ForkArm[] = [];
      for (const seed of this.options.seeds) arms.push(await runFork(this.source, seed, this.blocks, this.done));
      return arms;
    })();
    const without = await this.statusQuo;
    const history = this.options.history;
    const pairs: ArmPair[] = [];
    for (const [i, seed] of this.options.seeds.entries()) {
      const withChange = await runFork(this.source, seed, this.blocks, this.done, { step: this.changeStep, changes });
      pairs.push({
        without: { steps: [...history, ...without[i]!.steps], pnlQuote: without[i]!.pnlQuote },
        with: { steps: [...history, ...withChange.steps], pnlQuote: withChange.pnlQuote },
      });
    }
    return pairs;
  }
}

interface ForkArm {
  steps: StepRow[];
  pnlQuote: Map<string, bigint>;
}

async function runFork(
  source: ForkSource,
  seed: bigint,
  blocks: number,
  stepsBefore: number,
  change?: { step: number; changes: readonly ParameterChange[] },
): Promise<ForkArm> {
  const battle = source.world;
  const twins = new Map<string, unknown>();
  for (const m of battle.mechanisms) twins.set(m.id, m.model.clone(battle.backend.twins.get(m.id)));
  const backend = new ModelBackend(
    twins,
    battle.backend.latestBlock,
    battle.backend.latestTimestamp,
    source.scenario.mode === "priority",
  );
  const build = createBehaviourAfter(stepsBefore);
  const configs = new Map(source.wallets.map((w) => [w.config.id, w.config]));
  const starts = battle.agents.map((a) => ({
    id: a.id,
    address: a.address,
    key: a.key,
    holdings: { ...a.holdings },
    behaviours: configs.get(a.id)!.behaviours.map(build),
  }));
  const scenario: Scenario = { ...source.scenario, seed, blocks };
  const world = new World(scenario, backend, starts, battle.backend.latestTimestamp, {
    history: battle.priceHistory(),
  });
  const steps: StepRow[] = [];
  const run = async (n: number) => {
    if (n <= 0) return;
    const stepped = await runSteps(world, n);
    if (stepped.failure !== undefined) throw stepped.failure;
    // Numbered as the battle's steps, so the arm reads as the rest of the battle.
    const offset = BigInt(stepsBefore);
    const seconds = offset * BigInt(source.scenario.blockSeconds);
    for (const row of stepped.rows) steps.push({ ...row, step: row.step + offset, time: row.time + seconds });
  };
  if (change === undefined || change.step > blocks) await run(blocks);
  else {
    await run(change.step - 1);
    const at = battle.backend.latestTimestamp + BigInt(change.step) * BigInt(source.scenario.blockSeconds);
    for (const c of change.changes) setOnTwin(twins, c, at);
    await run(blocks - change.step + 1);
  }
  const pnlQuote = new Map(
    world.agents.map((a) => [a.id, world.valueOf(a) - a.startValue - weiToQuote(a.gasWei, scenario.gas.ethPriceQuote)]),
  );
  return { steps, pnlQuote };
}

/**
 * A store write as the consumers see it (the store's onParameterSet push): `curve.*` and `market.*`
 * keys go to the market, every other key to the mechanism its prefix names (`pool.feeBps` to the
 * pool). A key no twin takes is a change the model cannot forecast: an error, not a silent no-op.
 */
function setOnTwin(twins: Map<string, unknown>, change: ParameterChange, timestamp: bigint): void {
  const prefix = change.key.split(".")[0]!;
  const owner = prefix === "curve" ? "market" : prefix;
  const twin = twins.get(owner) as
    | { model?: { setParameter?: (key: string, value: bigint, timestamp: bigint) => void } }
    | undefined;
  const set = twin?.model?.setParameter;
  if (set === undefined)
    throw new RangeError(
      `forecastChange: no mechanism of this run takes ${change.key}; the fast model cannot forecast it`,
    );
  set.call(twin!.model, change.key, change.value, timestamp);
}
