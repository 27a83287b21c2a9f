// deployments/<network>.json: where a deployed system lives and how it started. Written once per
// deployment (atomically), read by every task that works on an existing chain.

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { getAddress, isAddress, isHexString } from "ethers";

import { type CurveKind, CURVE_KIND_IDS } from "../mechanisms/market/state.ts";
import {
  ARTIFACTS,
  CONTRACT_NAMES,
  type DeployedAddresses,
  OPTIONAL_CONTRACT_NAMES,
  type DeployedContracts,
  type ChainDeployment,
  STEP_NAMES,
  type StepName,
} from "./deploy.ts";
import { ArenaError } from "../core/errors.ts";
import { parseJsonText } from "../core/json-text.ts";
import { MECHANISMS } from "../mechanisms/registry.ts";

export const DEPLOYMENT_FORMAT_VERSION = 1;

export interface ParameterRecord {
  /** Integers in the contracts' units, as decimal strings. */
  value: string;
  min: string;
  max: string;
  maxStepBps: number;
  minIntervalSeconds: number;
  /** The mechanism that consumes it ("market", "pool"). */
  consumer: string;
}

export interface DeploymentRecord {
  version: number;
  network: string;
  chainId: string;
  deployer: string;
  deployBlock: number;
  /** Timestamp of deployBlock (chain time, unix seconds). */
  deployTimestamp: number;
  genesis: string;
  curveKind: CurveKind;
  /** The market's supply cap, token wei as a decimal string. */
  maxSupply: string;
  addresses: DeployedAddresses;
  accounts: { treasury: string; guardian: string };
  txs: Partial<Record<StepName, string[]>>;
  parameters: Record<string, ParameterRecord>;
}

export class DeploymentFileError extends ArenaError {
  readonly source: string;
  readonly issues: string[];

  constructor(source: string, issues: string[]) {
    super(`${source}: not a valid deployment file:\n${issues.map((issue) => `  ${issue}`).join("\n")}`);
    this.source = source;
    this.issues = issues;
  }
}

export function deploymentRecord(deployment: ChainDeployment): DeploymentRecord {
  const parameters: Record<string, ParameterRecord> = {};
  for (const p of deployment.parameters) {
    parameters[p.key] = {
      value: p.value.toString(),
      min: p.min.toString(),
      max: p.max.toString(),
      maxStepBps: p.maxStepBps,
      minIntervalSeconds: p.minIntervalSeconds,
      consumer: p.consumer,
    };
  }
  return {
    version: DEPLOYMENT_FORMAT_VERSION,
    network: deployment.network,
    chainId: deployment.chainId.toString(),
    deployer: deployment.deployer,
    deployBlock: deployment.deployBlock,
    deployTimestamp: deployment.deployTimestamp,
    genesis: deployment.genesis.source,
    curveKind: deployment.genesis.curve.kind,
    maxSupply: deployment.genesis.maxSupply.toString(),
    addresses: { ...deployment.addresses },
    accounts: { treasury: deployment.accounts.treasury, guardian: deployment.accounts.guardian },
    txs: Object.fromEntries(Object.entries(deployment.txs).map(([step, hashes]) => [step, [...(hashes ?? [])]])),
    parameters,
  };
}

export function deploymentFilePath(network: string, dir = "deployments"): string {
  if (!/^[\w.-]+$/.test(network))
    throw new Error(`network name ${JSON.stringify(network)} cannot name a deployment file`);
  return join(dir, `${network}.json`);
}

/** Writes deployments/<network>.json (through a temporary file, so a reader never sees half of it). */
export async function writeDeploymentFile(deployment: ChainDeployment, dir = "deployments"): Promise<string> {
  const path = deploymentFilePath(deployment.network, dir);
  await mkdir(dir, { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(deploymentRecord(deployment), null, 2)}\n`);
  await rename(temporary, path);
  return path;
}

export async function readDeploymentFile(path: string): Promise<DeploymentRecord> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DeploymentFileError(path, [
      `cannot read it: ${(error as Error).message} (deploy first: npx hardhat deploy --network <name>)`,
    ]);
  }
  const json = parseJsonText(text);
  if (json.issues !== undefined) {
    const [first] = json.issues;
    if (first!.path === "(file)") throw new DeploymentFileError(path, [`not JSON: ${first!.got}`]);
    // A key written twice is refused, as in a genesis file: JSON.parse would keep the last one silently.
    throw new DeploymentFileError(
      path,
      json.issues.map((issue) => `${issue.path}: ${issue.got}; JSON keeps only the last, so ${issue.fix}`),
    );
  }
  return parseDeploymentRecord(json.value, path);
}

/** Validates a deployment record; every problem is listed. */
export function parseDeploymentRecord(input: unknown, source: string): DeploymentRecord {
  const issues: string[] = [];
  const bad = (path: string, expected: string, got: unknown): void => {
    issues.push(
      `${path}: expected ${expected}, got ${got === undefined ? "nothing" : JSON.stringify(got, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`,
    );
  };
  if (!isObject(input)) throw new DeploymentFileError(source, ["expected a JSON object"]);
  const r = input;

  if (r.version !== DEPLOYMENT_FORMAT_VERSION) bad("version", `${DEPLOYMENT_FORMAT_VERSION}`, r.version);
  if (typeof r.network !== "string" || r.network === "") bad("network", "a network name", r.network);
  if (typeof r.chainId !== "string" || !/^\d+$/.test(r.chainId)) bad("chainId", "a decimal string", r.chainId);
  checkAddress(bad, "deployer", r.deployer);
  if (!isBlockNumber(r.deployBlock)) bad("deployBlock", "a block number", r.deployBlock);
  if (!isBlockNumber(r.deployTimestamp)) bad("deployTimestamp", "a unix timestamp in seconds", r.deployTimestamp);
  if (typeof r.genesis !== "string") bad("genesis", "the path of the genesis file", r.genesis);
  if (typeof r.curveKind !== "string" || !(r.curveKind in CURVE_KIND_IDS))
    bad("curveKind", Object.keys(CURVE_KIND_IDS).join(" | "), r.curveKind);

  if (typeof r.maxSupply !== "string" || !/^\d+$/.test(r.maxSupply))
    bad("maxSupply", "token wei as a decimal string", r.maxSupply);
  if (!isObject(r.addresses)) bad("addresses", `an object with ${CONTRACT_NAMES.join(", ")}`, r.addresses);
  else {
    for (const name of CONTRACT_NAMES) checkAddress(bad, `addresses.${name}`, r.addresses[name]);
    for (const name of OPTIONAL_CONTRACT_NAMES)
      if (r.addresses[name] !== undefined) checkAddress(bad, `addresses.${name}`, r.addresses[name]);
  }
  if (!isObject(r.accounts)) bad("accounts", "an object with treasury, guardian", r.accounts);
  else for (const name of ["treasury", "guardian"]) checkAddress(bad, `accounts.${name}`, r.accounts[name]);

  if (!isObject(r.txs)) bad("txs", "an object of transaction hashes per step", r.txs);
  else {
    for (const [step, hashes] of Object.entries(r.txs)) {
      if (!(STEP_NAMES as readonly string[]).includes(step))
        bad(`txs.${step}`, `a step name (${STEP_NAMES.join(", ")})`, step);
      else if (!Array.isArray(hashes) || !hashes.every((h) => isHexString(h, 32)))
        bad(`txs.${step}`, "an array of transaction hashes", hashes);
    }
  }

  if (!isObject(r.parameters)) bad("parameters", "an object of parameters by key", r.parameters);
  else {
    for (const [key, p] of Object.entries(r.parameters)) {
      const path = `parameters[${JSON.stringify(key)}]`;
      if (!isObject(p)) {
        bad(path, "an object {value, min, max, maxStepBps, minIntervalSeconds, consumer}", p);
        continue;
      }
      for (const field of ["value", "min", "max"]) {
        if (typeof p[field] !== "string" || !/^\d+$/.test(p[field]))
          bad(`${path}.${field}`, "an integer as a decimal string", p[field]);
      }
      if (!isBlockNumber(p.maxStepBps)) bad(`${path}.maxStepBps`, "an integer", p.maxStepBps);
      if (!isBlockNumber(p.minIntervalSeconds)) bad(`${path}.minIntervalSeconds`, "an integer", p.minIntervalSeconds);
      const consumers = MECHANISMS.map((m) => m.id);
      if (!consumers.includes(p.consumer as string))
        bad(`${path}.consumer`, `one of the mechanisms ${consumers.map((c) => `"${c}"`).join(", ")}`, p.consumer);
    }
  }

  if (issues.length > 0) throw new DeploymentFileError(source, issues);
  return input as unknown as DeploymentRecord;
}

/** Typed contracts for a recorded deployment, after checking the connection is on the same chain. */
export async function connectDeployment(ethers: HardhatEthers, record: DeploymentRecord): Promise<DeployedContracts> {
  const { chainId } = await ethers.provider.getNetwork();
  if (chainId.toString() !== record.chainId) {
    throw new Error(
      `the deployment on "${record.network}" is on chain ${record.chainId}, but this connection is on chain ${chainId}`,
    );
  }
  const deployed = [...CONTRACT_NAMES, ...OPTIONAL_CONTRACT_NAMES.filter((n) => record.addresses[n] !== undefined)];
  const entries = await Promise.all(
    deployed.map(async (name) => {
      const address = record.addresses[name]!;
      if ((await ethers.provider.getCode(address)) === "0x") {
        throw new Error(
          `no ${ARTIFACTS[name]} at ${address} on "${record.network}": the chain was reset since the deployment (deploy again)`,
        );
      }
      return [name, await ethers.getContractAt(ARTIFACTS[name], address)] as const;
    }),
  );
  return Object.fromEntries(entries) as unknown as DeployedContracts;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isBlockNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function checkAddress(bad: (path: string, expected: string, got: unknown) => void, path: string, value: unknown): void {
  if (typeof value !== "string" || !isAddress(value) || getAddress(value) !== value)
    bad(path, "a checksummed address", value);
}
