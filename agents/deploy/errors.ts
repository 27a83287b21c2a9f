// A failed deployment step names the step, the contract and the decoded revert reason.

import { AbiCoder, type Interface } from "ethers";
import { ArenaError } from "../core/errors.ts";

export interface DecodedRevert {
  name: string;
  args: Record<string, unknown>;
  /** `Name(arg=value, …)`. */
  text: string;
}

export class DeployError extends ArenaError {
  readonly step: string;
  readonly contract: string;
  readonly revert?: DecodedRevert;

  constructor(step: string, contract: string, detail: string, revert?: DecodedRevert, options?: { cause?: unknown }) {
    super(`deploy step "${step}" failed on ${contract}: ${detail}`, options);
    this.step = step;
    this.contract = contract;
    this.revert = revert;
  }
}

const ERROR_STRING_SELECTOR = "0x08c379a0";
const PANIC_SELECTOR = "0x4e487b71";

/** The first revert payload found in an error from ethers, Hardhat or a JSON-RPC node. */
export function findRevertData(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== "object" || error === null) return undefined;
  const record = error as Record<string, unknown>;
  const data = record.data;
  if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) return data;
  for (const key of ["data", "error", "info", "cause", "revert", "payload"]) {
    const found = findRevertData(record[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Decodes a custom error with the first interface that knows it, or Error(string) / Panic(uint256). */
export function decodeRevert(data: string, interfaces: Interface[]): DecodedRevert | undefined {
  const selector = data.slice(0, 10).toLowerCase();
  if (selector === ERROR_STRING_SELECTOR || selector === PANIC_SELECTOR) {
    const type = selector === ERROR_STRING_SELECTOR ? "string" : "uint256";
    const [value] = AbiCoder.defaultAbiCoder().decode([type], `0x${data.slice(10)}`);
    const name = selector === ERROR_STRING_SELECTOR ? "Error" : "Panic";
    return {
      name,
      args: { value },
      text: `${name}(${selector === ERROR_STRING_SELECTOR ? JSON.stringify(value) : `0x${(value as bigint).toString(16)}`})`,
    };
  }
  for (const iface of interfaces) {
    let parsed;
    try {
      parsed = iface.parseError(data);
    } catch {
      continue;
    }
    if (parsed === null) continue;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => (args[input.name || `arg${i}`] = parsed.args[i]));
    const shown = Object.entries(args).map(([name, value]) => `${name}=${String(value)}`);
    return { name: parsed.name, args, text: `${parsed.name}(${shown.join(", ")})` };
  }
  return undefined;
}

/** Wraps any failure of a step in a DeployError naming the step, the contract and the revert. */
export function toDeployError(
  step: string,
  contract: string,
  error: unknown,
  interfaces: Interface[],
  hint?: (revert: DecodedRevert) => string | undefined,
): DeployError {
  if (error instanceof DeployError) return error;
  const data = findRevertData(error);
  const revert = data === undefined ? undefined : decodeRevert(data, interfaces);
  if (revert !== undefined) {
    const extra = hint?.(revert);
    return new DeployError(
      step,
      contract,
      `reverted with ${revert.text}${extra === undefined ? "" : `. ${extra}`}`,
      revert,
      { cause: error },
    );
  }
  const message =
    error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
  const raw = data === undefined ? "" : ` (revert data ${data}, not an error of the deployed contracts)`;
  return new DeployError(step, contract, `${message}${raw}`, undefined, { cause: error });
}
