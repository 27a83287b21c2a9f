// A failed deployment step names the step, the contract and the decoded revert reason.

import { type Abi, decodeErrorResult, type Hex } from "viem";

import { ArenaError } from "../core/errors.ts";
import type { DecodedRevert } from "./step.ts";

export type { DecodedRevert };

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

/** The first revert payload found in an error from viem, ethers, Hardhat or a JSON-RPC node. */
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

/** A custom error of `errors`, or Error(string) / Panic(uint256); undefined when nothing knows the selector. */
export function decodeRevert(data: string, errors: Abi): DecodedRevert | undefined {
  let decoded: { abiItem: unknown; args?: readonly unknown[] | undefined; errorName: string };
  try {
    decoded = decodeErrorResult({ abi: errors, data: data as Hex });
  } catch {
    return undefined;
  }
  const item = decoded.abiItem as { inputs?: readonly { name?: string }[] };
  const values = (decoded.args ?? []) as readonly unknown[];
  const args: Record<string, unknown> = {};
  values.forEach((value, i) => (args[item.inputs?.[i]?.name || `arg${i}`] = value));
  let text: string;
  if (decoded.errorName === "Error") text = `Error(${JSON.stringify(values[0])})`;
  else if (decoded.errorName === "Panic") text = `Panic(0x${(values[0] as bigint).toString(16)})`;
  else
    text = `${decoded.errorName}(${Object.entries(args)
      .map(([name, value]) => `${name}=${String(value)}`)
      .join(", ")})`;
  const name = decoded.errorName;
  return { name, args: name === "Error" || name === "Panic" ? { value: values[0] } : args, text };
}

/** Wraps any failure of a step in a DeployError naming the step, the contract and the revert. */
export function toDeployError(
  step: string,
  contract: string,
  error: unknown,
  errors: Abi,
  hint?: (revert: DecodedRevert) => string | undefined,
): DeployError {
  if (error instanceof DeployError) return error;
  const data = findRevertData(error);
  const revert = data === undefined ? undefined : decodeRevert(data, errors);
  if (revert !== undefined) {
    const extra = hint?.(revert);
    return new DeployError(
      step,
      contract,
      `reverted with ${revert.text}${extra === undefined ? "" : `. ${extra}`}`,
      revert,
      {
        cause: error,
      },
    );
  }
  const message =
    error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
  const raw = data === undefined ? "" : ` (revert data ${data}, not an error of the deployed contracts)`;
  return new DeployError(step, contract, `${message}${raw}`, undefined, { cause: error });
}
