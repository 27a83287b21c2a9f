// The EdrContext every in-process chain of a thread is created from. EDR wants one per process: its
// constructor installs the process-wide tracing subscriber and prints "Please only initialize
// EdrContext once per process" when one is there already. Hardhat keeps its own in a module-level
// promise (hardhat/dist/src/internal/edr/context.js, not exported), so this loads that very module by
// its file URL: the same URL is the same module instance, and a thread that also opens Hardhat's
// network shares one context with it. A context cannot cross threads (it is a N-API object of its
// thread), so each worker thread gets its own, and EDR prints the warning once per extra thread:
// harmless, as the subscriber is the only process-wide thing the constructor sets up.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

import {
  EdrContext,
  GENERIC_CHAIN_TYPE,
  genericChainProviderFactory,
  L1_CHAIN_TYPE,
  l1ProviderFactory,
  OP_CHAIN_TYPE,
  opProviderFactory,
} from "@nomicfoundation/edr";

/** Where hardhat 3.17 keeps `getGlobalEdrContext`, relative to its package folder. */
const HARDHAT_CONTEXT_MODULE = "dist/src/internal/edr/context.js";

let context: Promise<EdrContext> | undefined;

/** This thread's EdrContext: Hardhat's own when Hardhat is installed, else one made here, once. */
export function edrContext(): Promise<EdrContext> {
  if (context === undefined) {
    const pending = loadContext();
    context = pending;
    // A failed start may be retried by the next caller.
    pending.catch(() => {
      if (context === pending) context = undefined;
    });
  }
  return context;
}

async function loadContext(): Promise<EdrContext> {
  const url = hardhatContextUrl();
  if (url !== undefined) {
    const hardhat = (await import(url)) as { getGlobalEdrContext?: () => Promise<EdrContext> };
    if (typeof hardhat.getGlobalEdrContext === "function") return hardhat.getGlobalEdrContext();
  }
  // Hardhat moved it: a context of our own, registered like Hardhat registers its providers.
  const own = new EdrContext();
  await own.registerProviderFactory(GENERIC_CHAIN_TYPE, genericChainProviderFactory());
  await own.registerProviderFactory(L1_CHAIN_TYPE, l1ProviderFactory());
  await own.registerProviderFactory(OP_CHAIN_TYPE, opProviderFactory());
  return own;
}

function hardhatContextUrl(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const file = join(dirname(require.resolve("hardhat/package.json")), HARDHAT_CONTEXT_MODULE);
    return existsSync(file) ? pathToFileURL(file).href : undefined;
  } catch {
    return undefined;
  }
}
