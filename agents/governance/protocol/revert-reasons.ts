// A revert in governance's words: the contract's custom error, decoded with the system's ABIs, with
// its store keys as names (market.buyFeeBps, not 0x6d61726b…), its parameter values in the key's human
// unit, its times as dates and its proposal states by name. The parameter store's errors and the
// Governor's most common ones get a sentence; any other error is its name and decoded arguments.

import { type Abi, decodeErrorResult, type Hex } from "viem";

import { bytes32ToKey, formatParameter } from "../../core/parameters.ts";
import { formatDuration, formatTime, formatVotes } from "./display.ts";
import { PROPOSAL_STATES } from "./proposal.ts";

export function describeRevert(data: Hex, errors: Abi): string {
  let decoded: { errorName: string; args?: readonly unknown[]; abiItem: unknown };
  try {
    decoded = decodeErrorResult({ abi: errors, data });
  } catch {
    return `unknown error ${data.slice(0, 10)} (${(data.length - 2) / 2} bytes)`;
  }
  const name = decoded.errorName;
  const args = (decoded.args ?? []) as readonly unknown[];
  const sentence = explain(name, args);
  if (sentence !== undefined) return `${name}: ${sentence}`;
  const inputs = (decoded.abiItem as { inputs?: readonly { name?: string; type: string }[] }).inputs ?? [];
  const parts = args.map((value, i) => {
    const input = inputs[i];
    const text = showArgument(value, input?.type, input?.name);
    return input?.name ? `${input.name}=${text}` : text;
  });
  return `${name}(${parts.join(", ")})`;
}

function explain(name: string, args: readonly unknown[]): string | undefined {
  const key = typeof args[0] === "string" && args[0].startsWith("0x") ? bytes32ToKey(args[0] as Hex) : "";
  const value = (i: number) => formatParameter(key, args[i] as bigint);
  switch (name) {
    case "ParameterOutOfBounds":
      return `${key}=${value(1)} is outside its bounds [${value(2)}, ${value(3)}]`;
    case "ParameterStepTooLarge": {
      const [from, to] = [args[1] as bigint, args[2] as bigint];
      return `${key}=${value(2)} moves ${formatParameter(key, to > from ? to - from : from - to)} from ${value(1)}, more than its maximum step of ${value(3)}`;
    }
    case "ParameterUpdateTooEarly": {
      const [next, now] = [args[1] as bigint, args[2] as bigint];
      return `${key} may not change before ${formatTime(next)}, and this block is at ${formatTime(now)}: ${formatDuration(next - now)} too early`;
    }
    case "UnknownParameter":
      return `${key} is not a parameter of the store`;
    case "GovernorUnexpectedProposalState": {
      const expected = expectedStates(args[2] as Hex);
      return `proposal ${args[0]} is ${stateName(Number(args[1]))}${expected.length === 0 ? "" : `; this step needs it ${expected.join(" or ")}`}`;
    }
    case "GovernorInsufficientProposerVotes":
      return `${args[0]} has ${formatVotes(args[1] as bigint)} votes; proposing needs ${formatVotes(args[2] as bigint)}`;
    case "GovernorAlreadyCastVote":
      return `${args[0]} voted on this proposal already`;
    default:
      return undefined;
  }
}

function stateName(index: number): string {
  return PROPOSAL_STATES[index] ?? `state ${index}`;
}

/** OpenZeppelin's bitmap of states (bit i set: PROPOSAL_STATES[i]) as names. */
function expectedStates(bitmap: Hex): string[] {
  const bits = BigInt(bitmap);
  return PROPOSAL_STATES.filter((_, i) => ((bits >> BigInt(i)) & 1n) === 1n);
}

function showArgument(value: unknown, type: string | undefined, name: string | undefined): string {
  if (type === "bytes32" && (name === "key" || name === "parameterKey") && typeof value === "string")
    return bytes32ToKey(value as Hex);
  if (type === "bytes32[]" && name === "keys" && Array.isArray(value))
    return `[${value.map((k) => bytes32ToKey(k as Hex)).join(", ")}]`;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => showArgument(v, undefined, undefined)).join(", ")}]`;
  return String(value);
}
