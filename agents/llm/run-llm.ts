// The models of one run: how its llm behaviours' calls are answered (`--llm live`: asked; `record`:
// asked and written to the cassette; `replay`: read from the cassette, no network), recorded
// (llm.jsonl, llm.json), and stopped by the budget. Calls of one step are started together (the
// World starts every behaviour that decides ahead) and run concurrently under each client's cap,
// but everything that the run records or decides from them — the budget, the behaviour's checks,
// llm.jsonl — happens in the order they were started, so a run gives the same files however its
// answers arrive, and a replay gives the files of the run it replays.

import { stableJson } from "../core/stable-json.ts";
import { ArenaError, messageOf } from "../core/errors.ts";
import type { Intent } from "../mechanisms/vocabulary.ts";
import { LlmBudget, usdOf } from "./budget.ts";
import {
  CASSETTE_KIND,
  Cassette,
  type CassetteEntry,
  CassetteMiss,
  cassetteKey,
  normalised,
  promptHashOf,
} from "./cassette.ts";
import type { LlmAnswer, LlmClient, LlmMode, LlmSettings } from "./client.ts";
import type { LlmCall, LlmHost, Validation } from "./host.ts";
import { type CallStatus, type LlmCallRecord, LlmRecorder } from "./recorder.ts";
import { LlmStats } from "./stats.ts";

/** The budget ran out: the run stops after the current block. */
export class LlmBudgetExhausted extends ArenaError {}

export interface LlmRunOptions {
  mode: LlmMode;
  /** The cassette folder (replay reads it, record writes it). */
  cassette: string;
  /** The run folder: llm.jsonl goes there. */
  folder: string;
  /** The client for a behaviour's settings (live and record); agents with the same settings share one. */
  clientFor?: (settings: LlmSettings) => LlmClient;
  /** The run's budget (the scenario's top-level llm.budget: tokens, usd). */
  budget?: LlmSettings["budget"];
  /** Called once, at the call that runs the budget out: the battle stops after the current block. */
  onBudgetExhausted?: (stop: LlmBudgetExhausted) => void;
}

/** Settings that make a distinct client (the budget and pricing are the run's business, not the client's). */
function clientKey(settings: LlmSettings): string {
  const { budget: _b, pricing: _p, ...rest } = settings;
  return stableJson(rest);
}

export class LlmRun implements LlmHost {
  readonly mode: LlmMode;
  readonly cassette: Cassette;
  readonly stats = new LlmStats();
  private readonly options: LlmRunOptions;
  private readonly recorder: LlmRecorder;
  private readonly budget: LlmBudget;
  private readonly clients = new Map<string, LlmClient>();
  /** Settles when every call started so far has been accounted for. */
  private accounted: Promise<void> = Promise.resolve();
  private exhausted: string | undefined;

  constructor(options: LlmRunOptions) {
    this.options = options;
    this.mode = options.mode;
    this.cassette = new Cassette(options.cassette);
    this.recorder = new LlmRecorder(options.folder);
    this.budget = new LlmBudget(options.budget);
  }

  /** Why the budget stopped the run, once it has. */
  get budgetStop(): string | undefined {
    return this.exhausted;
  }

  decide(call: LlmCall, validate: (json: unknown) => Validation): Promise<Intent[]> {
    const before = this.accounted;
    let done!: () => void;
    this.accounted = new Promise<void>((resolve) => (done = resolve));
    const client = this.mode === "replay" ? undefined : this.clientFor(call.settings);
    const provider = client?.provider ?? call.settings.provider;
    const model = client?.model ?? call.settings.model;
    const key = cassetteKey(provider, model, call.request);
    // Nothing is asked once the budget is out (as of the calls accounted before this one started).
    if (this.exhausted !== undefined) {
      return before.then(() => {
        done();
        return [];
      });
    }
    const answered = this.answer(client, key, provider, model, call);
    return answered.then(
      async (entry) => {
        await before;
        try {
          return this.account(call, key, provider, model, entry, validate);
        } finally {
          done();
        }
      },
      async (error: unknown) => {
        await before;
        done();
        if (error instanceof CassetteMiss) throw error;
        this.record(call, key, provider, model, undefined, { status: "failed", reason: messageOf(error) });
        return [];
      },
    );
  }

  /**
   * A client for a caller that checks its own answers (the protocol agent's `draft: llm`): each call is
   * answered as a behaviour's is (live, recorded or replayed, charged to the budget; the settings'
   * temperature, seed and maxTokens where the request has none) and recorded in llm.jsonl as accepted;
   * what the caller makes of the answer goes to its own record (the governance trail). A replay that
   * misses, or a budget already spent, throws: the run stops with what it recorded.
   */
  clientAs(agent: string, settings: LlmSettings, stepOf: () => number): LlmClient {
    return {
      provider: settings.provider,
      model: settings.model,
      complete: async (asked) => {
        const request = {
          ...asked,
          temperature: asked.temperature ?? settings.temperature,
          maxTokens: asked.maxTokens ?? settings.maxTokens,
          ...(asked.seed === undefined && settings.seed !== undefined ? { seed: settings.seed } : {}),
        };
        const call: LlmCall = { agent, step: stepOf(), settings, request };
        await this.accounted;
        if (this.exhausted !== undefined)
          throw new LlmBudgetExhausted(`${agent} asked its model after the budget ran out (${this.exhausted})`);
        const client = this.mode === "replay" ? undefined : this.clientFor(settings);
        const provider = client?.provider ?? settings.provider;
        const model = client?.model ?? settings.model;
        const key = cassetteKey(provider, model, request);
        const entry = await this.answer(client, key, provider, model, call);
        const over = this.budget.charge(agent, entry.answer.usage, settings);
        if (over !== undefined) {
          this.exhausted = over;
          this.stats.budgetStop = over;
          this.record(call, key, provider, model, entry.answer, {
            status: "budget",
            reason: `not acted on: it exceeds ${over}`,
          });
          const stop = new LlmBudgetExhausted(`stopped by ${over}`);
          this.options.onBudgetExhausted?.(stop);
          throw stop;
        }
        this.record(call, key, provider, model, entry.answer, { status: "accepted", action: "answered" });
        return entry.answer;
      },
    };
  }

  private clientFor(settings: LlmSettings): LlmClient {
    const id = clientKey(settings);
    let client = this.clients.get(id);
    if (client === undefined) {
      if (this.options.clientFor === undefined)
        throw new ArenaError(
          `--llm ${this.mode} needs a model client for ${settings.provider}; replay from a cassette with --llm replay`,
        );
      client = this.options.clientFor(settings);
      this.clients.set(id, client);
    }
    return client;
  }

  /** The answer: from the cassette (replay), or the model's (stored first with record). */
  private async answer(
    client: LlmClient | undefined,
    key: string,
    provider: string,
    model: string,
    call: LlmCall,
  ): Promise<CassetteEntry> {
    if (client === undefined) {
      const entry = this.cassette.get(key);
      if (entry === undefined)
        throw new CassetteMiss(
          `replay: the cassette ${this.cassette.dir} has no answer for agent ${call.agent} at step ${call.step} (request hash ${key}); record it with --llm record (which asks the model), or point --cassette at the folder that has it`,
        );
      return entry;
    }
    const live = await client.complete(call.request);
    // Whole milliseconds: what is recorded must be what a replay reads back.
    const answer: LlmAnswer = { ...live, latencyMs: Math.round(live.latencyMs) };
    const entry = { key, provider, model, request: call.request, answer };
    if (this.mode === "record") return this.cassette.put(entry);
    return normalised({ kind: CASSETTE_KIND, key, provider, model, promptHash: promptHashOf(call.request), answer });
  }

  /** In start order: charge the budget, check the answer, record it. */
  private account(
    call: LlmCall,
    key: string,
    provider: string,
    model: string,
    entry: CassetteEntry,
    validate: (json: unknown) => Validation,
  ): Intent[] {
    const { answer } = entry;
    if (this.exhausted !== undefined) {
      this.record(call, key, provider, model, answer, {
        status: "budget",
        reason: `not acted on: the budget ran out at an earlier call (${this.exhausted})`,
      });
      return [];
    }
    const over = this.budget.charge(call.agent, answer.usage, call.settings);
    if (over !== undefined) {
      this.exhausted = over;
      this.stats.budgetStop = over;
      this.record(call, key, provider, model, answer, { status: "budget", reason: `not acted on: it exceeds ${over}` });
      this.options.onBudgetExhausted?.(new LlmBudgetExhausted(`stopped by ${over}`));
      return [];
    }
    const verdict = validate(answer.json);
    if (verdict.status === "rejected") {
      this.record(call, key, provider, model, answer, { status: "rejected", reason: verdict.reason });
      return [];
    }
    this.record(call, key, provider, model, answer, { status: "accepted", action: verdict.action });
    return verdict.intents;
  }

  private record(
    call: LlmCall,
    key: string,
    provider: string,
    model: string,
    answer: LlmAnswer | undefined,
    outcome: { status: CallStatus; action?: string; reason?: string },
  ): void {
    const usage = answer?.usage ?? { inputTokens: 0, outputTokens: 0, cachedTokens: 0 };
    const record: LlmCallRecord = {
      agent: call.agent,
      step: call.step,
      provider,
      model,
      promptHash: promptHashOf(call.request),
      key,
      request: call.request,
      ...(answer === undefined ? {} : { answer: { json: answer.json, text: answer.text, raw: answer.raw } }),
      usage,
      latencyMs: answer?.latencyMs ?? 0,
      outcome,
    };
    this.recorder.record(record);
    this.stats.add(record, usdOf(usage, call.settings.pricing));
  }

  close(): void {
    this.recorder.close();
  }
}
