// A QuickJS sandbox (quickjs-emscripten, WebAssembly, the synchronous build) that runs one strategy's
// JavaScript: one WebAssembly instance, runtime and context per agent, kept across steps so the
// strategy keeps its state, with a memory cap, a stack cap, a per-step work budget and a wall-clock
// backstop. The code sees no clock (Date is removed), no I/O, no require or process: only the host API
// the prelude installs (rng, quote, the step wrapper) and plain JSON text going in and out.
//
// The memory cap is the instance's WebAssembly memory, given a fixed maximum: QuickJS's own
// setMemoryLimit bounds single allocations only in this build (its running total never grows for
// strings, arrays and typed arrays: quickjs-emscripten issues #255 and #271), so a strategy could
// otherwise grow the process by gigabytes. With the memory's maximum set, the allocator's growth fails
// at the cap and QuickJS throws its out-of-memory error inside the sandbox, which stays usable.
//
// The work budget is what makes an endless strategy fail the same way on every run: QuickJS calls the
// interrupt handler every 10,000 or so interpreter operations (loop back-edges and calls), counted per
// context, so "more than N calls this step" is a count of work, not of time. The wall clock is only a
// backstop for a machine far slower than the budget assumes, or for work inside built-ins (which the
// count does not see); a step it stops says so, since it is the one outcome that can differ between
// machines.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import {
  getQuickJS,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
  RELEASE_SYNC,
} from "quickjs-emscripten";

import { ArenaError } from "../core/errors.ts";
import { MAX_OUTPUT_CHARS } from "./host-api.ts";

/** What a sandbox may use. */
export interface SandboxLimits {
  /** The instance's WebAssembly memory, MiB: the engine (about 1 MiB), the code, its state and each step's garbage. */
  memoryMiB: number;
  /** Interrupt checks a step may take: about 10,000 interpreter operations each. */
  workPerStep: number;
  /** Wall-clock milliseconds a step may take whatever its work (the backstop). */
  wallMsPerStep: number;
}

export const DEFAULT_MEMORY_MIB = 32;
/** The engine's WebAssembly module declares 16 MiB as its smallest memory; a little more leaves room for a strategy. */
export const MIN_MEMORY_MIB = 17;
export const MAX_MEMORY_MIB = 1024;
const PAGE_BYTES = 64 * 1024;
export const DEFAULT_WORK_PER_STEP = 200;
export const MAX_WORK_PER_STEP = 100_000;
/** Loading the code (its top level) may take this many steps' work. */
export const LOAD_WORK_STEPS = 10;
/** The backstop: far above what the default work budget takes (about 20 ms on a laptop). */
export const DEFAULT_WALL_MS_PER_STEP = 2_000;
/** The interpreter's stack: deep enough for ordinary recursion, shallow enough for Node's own stack. */
const STACK_BYTES = 256 * 1024;
/** The longest strategy file the arena loads. */
export const MAX_CODE_CHARS = 256 * 1024;

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryMiB: DEFAULT_MEMORY_MIB,
  workPerStep: DEFAULT_WORK_PER_STEP,
  wallMsPerStep: DEFAULT_WALL_MS_PER_STEP,
};

/** What went wrong inside the sandbox. */
export type SandboxFailureKind = "load" | "work" | "time" | "memory" | "stack" | "threw" | "output" | "engine";

/** A strategy that did something the sandbox stopped (the behaviour adds the agent and the step). */
export class SandboxFailure extends ArenaError {
  readonly kind: SandboxFailureKind;

  constructor(kind: SandboxFailureKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** What the host gives the code: its seeded draws and exact quotes at the step's state. */
export interface SandboxHost {
  /** A uniform draw in [0, 1) from the agent's seeded stream. */
  rng(): number;
  /** An exact quote as JSON text (amounts as decimal strings); throws a message the strategy sees as an Error. */
  quote(method: string, args: readonly string[]): string;
}

// The WebAssembly API as this file uses it (the project's TypeScript libraries do not declare it).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum: number }) => object;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/** The engine's WebAssembly code, compiled once per process (or worker thread); each sandbox instantiates it. */
function compiledEngine(): object {
  if (compiled === undefined) {
    const require = createRequire(import.meta.url);
    compiled = new wasm.Module(readFileSync(require.resolve("@jitl/quickjs-wasmfile-release-sync/wasm")));
  }
  return compiled;
}

/** A QuickJS instance of its own whose memory cannot grow past `memoryMiB`. */
async function cappedEngine(memoryMiB: number): Promise<QuickJSWASMModule> {
  const pages = (memoryMiB * 1024 * 1024) / PAGE_BYTES;
  const wasmMemory = new wasm.Memory({ initial: (MIN_MEMORY_MIB - 1) * 16, maximum: pages });
  return newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmModule: compiledEngine(), wasmMemory }));
}

/** The shared QuickJS instance for checks that run no strategy (whether code parses). */
export function syntaxEngine(): Promise<QuickJSWASMModule> {
  return getQuickJS();
}

// Installed before the strategy's code: the host API as the docs give it, and nothing else. The host's
// functions are taken into a closure and removed from the global object, so the code can only reach
// them through rng() and quote.*; the wrapper keeps its own JSON functions, so a strategy that
// replaces JSON.parse only changes what it itself sees.
const PRELUDE = `(function () {
  "use strict";
  const parse = JSON.parse, stringify = JSON.stringify, hostRng = __hostRng, hostQuote = __hostQuote;
  delete globalThis.__hostRng;
  delete globalThis.__hostQuote;
  const fixed = (name, value) => Object.defineProperty(globalThis, name, { value, writable: false, enumerable: false, configurable: false });
  const rng = function rng() { return hostRng(); };
  fixed("rng", rng);
  Math.random = rng;
  delete globalThis.Date;
  fixed("quote", Object.freeze({
    curveBuyWithQuote: (quoteIn) => parse(hostQuote("curveBuyWithQuote", String(quoteIn))),
    curveBuy: (amount) => parse(hostQuote("curveBuy", String(amount))),
    curveSell: (amount) => parse(hostQuote("curveSell", String(amount))),
    poolOut: (sell, amountIn) => parse(hostQuote("poolOut", String(sell), String(amountIn))),
  }));
  const history = {};
  const slice = Array.prototype.slice, keys = Object.keys, freeze = Object.freeze, define = Object.defineProperty;
  fixed("__arenaStep", function (text) {
    if (typeof step !== "function") throw new TypeError("the strategy defines no function step(obs)");
    const obs = parse(text);
    const delta = obs.historyDelta;
    delete obs.historyDelta;
    const venues = keys(delta);
    for (const venue of venues) {
      const prices = history[venue] || (history[venue] = []);
      const drop = prices.length - delta[venue].keep;
      if (drop > 0) prices.splice(0, drop);
      for (const price of delta[venue].append) prices.push(price);
    }
    // Built when the strategy first reads it: a new frozen copy each step, which it may keep.
    let seen;
    define(obs, "history", {
      enumerable: true,
      get() {
        if (seen === undefined) {
          seen = {};
          for (const venue of venues) seen[venue] = freeze(slice.call(history[venue]));
          freeze(seen);
        }
        return seen;
      },
    });
    const intents = step(obs);
    return intents === undefined ? "null" : stringify(intents);
  });
})();`;

/** Whether `code` parses as a strategy script; the SyntaxError's message (with its line) when it does not. */
export function syntaxProblem(module: QuickJSWASMModule, code: string, filename: string): string | undefined {
  const context = module.newContext();
  try {
    const result = context.evalCode(code, filename, { type: "global", compileOnly: true });
    if (result.error === undefined) {
      result.value.dispose();
      return undefined;
    }
    const error = context.dump(result.error) as { name?: string; message?: string; stack?: string };
    result.error.dispose();
    const where = /:(\d+):(\d+)/.exec(error.stack ?? "");
    return `${error.name ?? "SyntaxError"}: ${error.message ?? ""}${where === null ? "" : ` at line ${where[1]}, column ${where[2]}`}`;
  } finally {
    context.dispose();
  }
}

/** One strategy's sandbox. Not thread-safe; one per agent behaviour. */
export class StrategySandbox {
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly code: string;
  private readonly filename: string;
  private readonly limits: SandboxLimits;
  private stepFn?: QuickJSHandle;
  private ticks = 0;
  private tickLimit = 0;
  private deadline = 0;
  private stoppedBy?: "work" | "time";
  private broken?: SandboxFailure;
  private disposed = false;

  /** A sandbox for `code` (not yet run: its top level runs at the first step, with that step's rng). */
  static async open(
    code: string,
    filename: string,
    limits: SandboxLimits,
    host: SandboxHost,
  ): Promise<StrategySandbox> {
    return new StrategySandbox(await cappedEngine(limits.memoryMiB), code, filename, limits, host);
  }

  private constructor(
    module: QuickJSWASMModule,
    code: string,
    filename: string,
    limits: SandboxLimits,
    host: SandboxHost,
  ) {
    this.code = code;
    this.filename = filename;
    this.limits = limits;
    this.runtime = module.newRuntime();
    // Refuses single allocations past the cap at once (the memory's maximum bounds the total).
    this.runtime.setMemoryLimit(limits.memoryMiB * 1024 * 1024);
    this.runtime.setMaxStackSize(STACK_BYTES);
    this.runtime.setInterruptHandler(() => {
      this.ticks++;
      if (this.ticks > this.tickLimit) this.stoppedBy = "work";
      else if (performance.now() > this.deadline) this.stoppedBy = "time";
      return this.stoppedBy !== undefined;
    });
    this.context = this.runtime.newContext();
    const ctx = this.context;
    const rngFn = ctx.newFunction("__hostRng", () => ctx.newNumber(host.rng()));
    const quoteFn = ctx.newFunction("__hostQuote", (...handles) => {
      const args = handles.map((h) => String(ctx.dump(h)));
      return ctx.newString(host.quote(args[0] ?? "", args.slice(1)));
    });
    ctx.setProp(ctx.global, "__hostRng", rngFn);
    ctx.setProp(ctx.global, "__hostQuote", quoteFn);
    rngFn.dispose();
    quoteFn.dispose();
    this.evaluate(PRELUDE, "prelude.js", "load");
  }

  /** Runs one step: the observation as JSON text in, the strategy's intents as JSON text out. */
  step(observationJson: string): string {
    if (this.disposed) throw new Error("the strategy's sandbox was disposed");
    if (this.broken !== undefined) throw this.broken;
    if (this.stepFn === undefined) {
      try {
        this.evaluate(this.code, this.filename, "load", LOAD_WORK_STEPS);
      } catch (error) {
        // Code that cannot load never will: every later step fails with the same reason, at no cost.
        if (error instanceof SandboxFailure) this.broken = error;
        throw error;
      }
      this.stepFn = this.context.getProp(this.context.global, "__arenaStep");
    }
    const ctx = this.context;
    this.arm(1);
    const input = ctx.newString(observationJson);
    let result: ReturnType<QuickJSContext["callFunction"]>;
    try {
      result = ctx.callFunction(this.stepFn, ctx.undefined, input);
    } catch (error) {
      throw this.breakDown(error);
    } finally {
      input.dispose();
    }
    if (result.error !== undefined) throw this.failureOf(result.error, "threw");
    const handle = result.value;
    try {
      if (ctx.typeof(handle) !== "string") throw new SandboxFailure("output", "returned something JSON cannot hold");
      const lengthHandle = ctx.getProp(handle, "length");
      const length = ctx.getNumber(lengthHandle);
      lengthHandle.dispose();
      if (length > MAX_OUTPUT_CHARS)
        throw new SandboxFailure(
          "output",
          `returned ${length.toLocaleString("en-US")} characters of intents, more than ${MAX_OUTPUT_CHARS.toLocaleString("en-US")}`,
        );
      return ctx.getString(handle);
    } finally {
      handle.dispose();
    }
  }

  /** Interrupt checks the last step took (the work it did, in units of about 10,000 operations). */
  get lastWork(): number {
    return this.ticks;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.stepFn?.dispose();
      this.context.dispose();
      this.runtime.dispose();
    } catch {
      // A sandbox whose engine failed mid-call may not free cleanly; the module's memory is reused either way.
    }
  }

  private arm(steps: number): void {
    this.ticks = 0;
    this.tickLimit = this.limits.workPerStep * steps;
    this.deadline = performance.now() + this.limits.wallMsPerStep * steps;
    this.stoppedBy = undefined;
  }

  private evaluate(code: string, filename: string, kind: SandboxFailureKind, steps = 1): void {
    this.arm(steps);
    let result: ReturnType<QuickJSContext["evalCode"]>;
    try {
      result = this.context.evalCode(code, filename, { type: "global", strict: false });
    } catch (error) {
      throw this.breakDown(error);
    }
    if (result.error !== undefined) throw this.failureOf(result.error, kind);
    result.value.dispose();
  }

  /** The sandbox's own failure as the user should read it. */
  private failureOf(errorHandle: QuickJSHandle, otherwise: SandboxFailureKind): SandboxFailure {
    let error: { name?: unknown; message?: unknown } | undefined;
    try {
      const dumped = this.context.dump(errorHandle);
      error = typeof dumped === "object" && dumped !== null ? dumped : { message: String(dumped) };
    } catch {
      error = undefined;
    } finally {
      errorHandle.dispose();
    }
    const name = typeof error?.name === "string" ? error.name : "Error";
    const message = typeof error?.message === "string" ? error.message : String(error?.message ?? "");
    if (this.stoppedBy === "work")
      return new SandboxFailure(
        "work",
        `ran past its work budget of ${this.tickLimit.toLocaleString("en-US")} (about ${(this.tickLimit / 100).toLocaleString("en-US")} million operations; an endless loop?)`,
      );
    if (this.stoppedBy === "time")
      return new SandboxFailure(
        "time",
        `ran past the wall-clock backstop of ${this.limits.wallMsPerStep * (this.tickLimit / this.limits.workPerStep)} ms before its work budget (a slow machine: this outcome can differ between machines)`,
      );
    if (error === undefined || /out of memory/i.test(message))
      return new SandboxFailure(
        "memory",
        `ran out of its ${this.limits.memoryMiB} MiB of memory (a growing array or string?)`,
      );
    if (/stack overflow|call stack/i.test(message))
      return new SandboxFailure("stack", `overflowed its stack: ${name}: ${message} (endless recursion?)`);
    if (otherwise === "load")
      return new SandboxFailure("load", `could not be loaded: ${name}: ${message}`.slice(0, 400));
    return new SandboxFailure(otherwise, `threw ${name}: ${message}`.slice(0, 400));
  }

  /** The WebAssembly engine itself failed (it is not safe to call again): every later step fails alike. */
  private breakDown(error: unknown): SandboxFailure {
    this.broken = new SandboxFailure(
      "engine",
      `broke the sandbox's engine (${error instanceof Error ? error.message : String(error)}); the strategy is stopped for the rest of the run`,
    );
    return this.broken;
  }
}
